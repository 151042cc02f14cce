"""JSON Lines: field mapping, broken lines, long lines, streaming memory, the shared corpus."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
from pathlib import Path

import pytest

from marsad.readers import ErrorLog, JsonlReader, read
from marsad.readers.jsonl import MAX_LINE_BYTES

BODY = "قال المرصد السوري لحقوق الإنسان إن اشتباكات عنيفة دارت في ريف دمشق. "


def _record(i: int, **extra: object) -> str:
    return json.dumps({"id": f"doc-{i}", "text": f"{BODY} {i}", **extra}, ensure_ascii=False)


def test_fields_map_to_document_and_the_rest_to_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rec = {
        "id": 7,
        "title": "عنوان",
        "text": BODY,
        "date": "18 يوليو 2012",
        "outlet": "X",
        "url": "u",
        "lang": "ar",
    }
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n" + json.dumps({"text": BODY}) + "\n")
    first, second = read(path)
    assert (first.id, first.title, first.published, first.outlet, first.url) == (
        "7",
        "عنوان",
        rec["date"],
        "X",
        "u",
    )
    assert first.metadata == {"lang": "ar", "title_prepended": True}
    assert first.text == f"عنوان\n\n{BODY}"  # the title line leads, so title evidence has offsets
    assert first.format == "jsonl"
    assert (first.provenance.line, first.provenance.byte_offset) == (1, 0)
    assert len(first.provenance.content_hash) == 40
    assert second.id == f"{path}:2"
    assert second.provenance.byte_offset == len(path.read_bytes().split(b"\n")[0]) + 1


def test_every_tenth_line_broken(tmp_path: Path) -> None:
    lines = []
    for i in range(1, 101):
        if i % 20 == 0:
            lines.append(json.dumps({"id": i, "title": "no text"}))
        elif i % 10 == 0:
            lines.append('{"id": "broken", "text": "unterminated')
        else:
            lines.append(_record(i))
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n\n")  # a trailing blank line is not an error
    log = ErrorLog()
    docs = list(read(path, errors=log))
    assert [d.id for d in docs] == [f"doc-{i}" for i in range(1, 101) if i % 10]
    assert log.by_kind == {"bad_json": 5, "missing_text": 5}
    assert sorted(e.line for e in log.entries) == list(range(10, 101, 10))
    assert all(e.source == str(path) for e in log.entries)
    assert log.summary() == {"documents": 90, "errors": 10, "by_kind": {"bad_json": 5, "missing_text": 5}}


def test_a_line_over_the_limit_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("w") as fh:
        fh.write(_record(1) + "\n")
        fh.write('{"text": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
        fh.write(_record(3) + "\n")
    log = ErrorLog()
    assert [d.id for d in read(path, errors=log)] == ["doc-1", "doc-3"]
    assert [(e.kind, e.line) for e in log.entries] == [("line_too_long", 2)]


def test_pretty_printed_json_file(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "a", "text": BODY}, {"id": "b"}], ensure_ascii=False, indent=2))
    log = ErrorLog()
    assert [d.id for d in read(path, errors=log)] == ["a"]
    assert log.by_kind == {"missing_text": 1}


def test_bytesio_and_gzip_stream(tmp_path: Path) -> None:
    payload = ("\n".join(_record(i) for i in range(3)) + "\n").encode()
    assert [d.id for d in read(io.BytesIO(payload))] == ["doc-0", "doc-1", "doc-2"]
    assert len(list(read(io.BytesIO(gzip.compress(payload))))) == 3
    reader_docs = list(JsonlReader().read_stream(io.BytesIO(payload), "mem"))
    assert reader_docs[2].provenance.source == "mem"


def test_large_file_streams_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    text = BODY * 140  # ~18 KB of UTF-8 per line
    with path.open("w", encoding="utf-8") as fh:
        i = 0
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
            i += 1
    tracemalloc.start()
    try:
        count = sum(1 for _ in read(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == i
    assert peak < 50 * 1024 * 1024
    assert peak < 5 * 1024 * 1024  # in practice a few lines' worth


def test_shared_corpus_reads_fully(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus" / "arabic_news.jsonl"
    if not corpus.exists():
        pytest.skip(f"shared corpus not present at {corpus} (only on the project's machines)")
    log = ErrorLog()
    docs = list(read(corpus, errors=log))
    assert len(docs) == 2805
    assert log.count == 0
    assert len({d.id for d in docs}) == 2805
    assert all(d.text.strip() and d.provenance.line for d in docs)
