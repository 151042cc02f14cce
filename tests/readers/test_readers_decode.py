"""Encoding detection: every encoding of the same Arabic text decodes to the same string."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from marsad.readers import ErrorLog, read
from marsad.readers.decode import BinaryContentError, decode_bytes, is_binary

SENTENCE = "أكدت جهات سورية معارضة أن فصائل مسلحة تمكنت من السيطرة على مستودعات للأسلحة بريف دمشق."

ENCODINGS = {
    "utf-8": SENTENCE.encode("utf-8"),
    "utf-8-sig": codecs.BOM_UTF8 + SENTENCE.encode("utf-8"),
    "utf-16-le": codecs.BOM_UTF16_LE + SENTENCE.encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + SENTENCE.encode("utf-16-be"),
    "cp1256": SENTENCE.encode("cp1256"),
}


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_each_encoding_decodes_to_the_same_text(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(ENCODINGS[name])
    log = ErrorLog()
    docs = list(read(path, errors=log))
    assert log.count == 0
    assert [d.text for d in docs] == [SENTENCE]
    assert docs[0].provenance.encoding == name
    assert docs[0].id == str(path)


def test_cp1256_is_not_taken_for_latin_text() -> None:
    latin = "Le président a déclaré que la réunion à Genève était très importante.".encode("latin-1")
    decoded = decode_bytes(latin)
    assert decoded.encoding != "cp1256"
    assert "président" in decoded.text


def test_declared_charset_is_used_when_utf8_fails() -> None:
    data = "Größe und Qualität".encode("latin-1")
    assert decode_bytes(data, declared="iso-8859-1").text == "Größe und Qualität"


def test_binary_bytes_are_refused() -> None:
    blob = bytes(range(256)) * 40
    assert is_binary(blob)
    with pytest.raises(BinaryContentError):
        decode_bytes(blob)


def test_empty_and_binary_files_are_counted_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    log = ErrorLog()
    assert list(read(tmp_path, errors=log)) == []
    assert log.by_kind == {"empty": 2, "binary": 1}
    assert {e.source for e in log.entries} == {
        str(tmp_path / n) for n in ("empty.txt", "blank.txt", "image.txt")
    }


def test_crlf_becomes_lf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("سطر أول\r\nسطر ثان\r\n".encode())
    (doc,) = read(path)
    assert doc.text == "سطر أول\nسطر ثان\n"


def test_utf8_cut_inside_a_character_drops_only_that_character() -> None:
    data = SENTENCE.encode("utf-8")[:-2]  # "." then the last letter's second byte removed
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == SENTENCE[:-2]
