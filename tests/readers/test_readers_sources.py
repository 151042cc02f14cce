"""``read()`` dispatch: directories, .gz, stdin, streams, missing paths, and the format registry."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

from marsad.readers import ErrorLog, read, registered_extensions
from marsad.readers.base import registered_formats

ARABIC = "أعلنت وزارة الخارجية أن الوزير سيزور القاهرة الأسبوع المقبل لبحث الأوضاع في المنطقة."
HTML = (
    "<!DOCTYPE html><html><head><title>زيارة</title></head><body><article>"
    + f"<p>{ARABIC}</p>" * 4
    + "</article></body></html>"
)


def _jsonl(n: int) -> str:
    return "".join(json.dumps({"id": f"j{i}", "text": ARABIC}, ensure_ascii=False) + "\n" for i in range(n))


def test_registry_snapshot() -> None:
    assert registered_extensions() >= {".txt", ".text", ".html", ".htm", ".jsonl", ".json"}
    assert set(registered_formats()) >= {"text", "html", "jsonl"}


def test_directory_mixing_every_kind(tmp_path: Path) -> None:
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (tmp_path / "one.txt").write_bytes(ARABIC.encode("cp1256"))
    (tmp_path / "two.text").write_bytes(b"\xff\xfe" + ARABIC.encode("utf-16-le"))
    (sub / "page.html").write_text(HTML, encoding="utf-8")
    (sub / "page2.htm.gz").write_bytes(gzip.compress(HTML.encode()))
    (sub / "items.jsonl").write_text(_jsonl(3) + "not json\n", encoding="utf-8")
    (sub / "more.jsonl.gz").write_bytes(gzip.compress(_jsonl(2).encode()))
    (sub / "broken.txt.gz").write_bytes(gzip.compress(ARABIC.encode() * 50)[:40])  # truncated archive
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "notes.md").write_text("skipped: unknown extension")
    (tmp_path / ".hidden.txt").write_text("skipped: hidden")
    log = ErrorLog()
    docs = list(read(tmp_path, errors=log))
    by_format: dict[str, int] = {}
    for doc in docs:
        by_format[doc.format] = by_format.get(doc.format, 0) + 1
    assert by_format == {"text": 2, "html": 2, "jsonl": 5}
    assert {d.text for d in docs if d.format == "text"} == {ARABIC}
    assert log.by_kind == {"bad_json": 1, "exception": 1, "empty": 1, "binary": 1}
    assert log.summary()["documents"] == 9
    gz_doc = next(d for d in docs if d.provenance.source.endswith("more.jsonl.gz") and d.id == "j1")
    assert gz_doc.provenance.line == 2


def test_gz_file_and_gz_stream(tmp_path: Path) -> None:
    path = tmp_path / "x.txt.gz"
    path.write_bytes(gzip.compress(ARABIC.encode()))
    (doc,) = read(path)
    assert (doc.text, doc.format, doc.id) == (ARABIC, "text", str(path))


def test_stream_sniffing() -> None:
    assert [d.format for d in read(io.BytesIO(_jsonl(2).encode()))] == ["jsonl", "jsonl"]
    (page,) = read(io.BytesIO(HTML.encode()))
    assert page.format == "html" and page.title == "زيارة" and page.id == "<stream>"
    (text,) = read(io.BytesIO(ARABIC.encode("cp1256")))
    assert text.format == "text" and text.text == ARABIC


def test_stdin_subprocess() -> None:
    code = (
        "import sys\nfrom marsad.readers import read\n"
        "for d in read('-'):\n    print(d.format, d.id, d.provenance.source, len(d.text))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=_jsonl(3).encode(), capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert out.splitlines() == [f"jsonl j{i} <stdin> {len(ARABIC)}" for i in range(3)]


def test_missing_path_and_text_stream_are_errors_not_exceptions(tmp_path: Path) -> None:
    log = ErrorLog()
    assert list(read(tmp_path / "nope.jsonl", errors=log)) == []
    assert list(read(io.StringIO("text"), errors=log)) == []  # type: ignore[arg-type]
    assert log.by_kind == {"not_found": 1, "text_stream": 1}


def test_unknown_extension_file_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "dump.data"
    path.write_text(_jsonl(2), encoding="utf-8")
    assert [d.id for d in read(path)] == ["j0", "j1"]
