"""WARC reader: HTML responses become Documents (charset from HTTP headers), other records are skipped."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.readers import ErrorLog, read
from marsad.readers.warc import WarcReader, charset_of, is_html_type

UTF8_TEXT = "أعلنت وزارة الخارجية المصرية أن الوزير سيزور عمّان الأسبوع المقبل لبحث الأوضاع في المنطقة. "
CP1256_TEXT = "قالت الحكومة العراقية إن قوات الأمن اعتقلت عشرين مشتبها بهم في بغداد يوم الأحد الماضي. "


def _page(title: str, body: str, charset: str = "utf-8") -> bytes:
    html = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + f"<p>{body}</p>" * 5
        + "</article></body></html>"
    )
    return html.encode(charset)


def _response(writer: WARCWriter, uri: str, payload: bytes, content_type: str) -> None:
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers)
    )


def _write_warc(gz: bool) -> bytes:
    """warcinfo, request, utf-8 page, cp1256 page (no <meta>: only HTTP says so), metadata, PNG."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "pytest"}))
    request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "example.com")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://example.com/a", "request", http_headers=request))
    _response(writer, "https://example.com/a", _page("زيارة", UTF8_TEXT), "text/html; charset=utf-8")
    cp1256_page = _page("اعتقالات", CP1256_TEXT, "cp1256")
    _response(writer, "https://example.com/b", cp1256_page, "text/html; charset=windows-1256")
    writer.write_record(
        writer.create_warc_record(
            "https://example.com/a", "metadata", payload=io.BytesIO(b"outlinks: none\n"),
            warc_content_type="application/warc-fields",
        )
    )
    _response(writer, "https://example.com/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    return buf.getvalue()


@pytest.mark.parametrize("gz", [False, True])
def test_documents_and_skips(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(_write_warc(gz))
    log = ErrorLog()
    docs = list(read(path, errors=log))
    assert [d.url for d in docs] == ["https://example.com/a", "https://example.com/b"]
    assert "وزارة الخارجية المصرية" in docs[0].text
    assert "قوات الأمن اعتقلت" in docs[1].text
    assert docs[1].provenance.encoding == "cp1256"
    for doc in docs:
        assert doc.provenance.source == str(path)
        assert doc.provenance.record_id and doc.provenance.record_id.startswith("<urn:uuid:")
        assert doc.metadata["warc_date"].startswith("20")
        assert doc.id == doc.url
    assert log.count == 0 and log.documents == 2


def test_skip_counter() -> None:
    reader = WarcReader()
    docs = list(reader.read_stream(io.BytesIO(_write_warc(False)), "mem.warc"))
    assert len(docs) == 2
    assert reader.skipped == {"warcinfo": 1, "request": 1, "metadata": 1, "non_html": 1}
    assert reader.errors.count == 0


def test_offsets_point_at_records() -> None:
    data = _write_warc(True)
    docs = list(WarcReader().read_stream(io.BytesIO(data), "mem.warc.gz"))
    for doc in docs:
        member = gzip.GzipFile(fileobj=io.BytesIO(data[doc.provenance.byte_offset :])).read(2000)
        assert member.startswith(b"WARC/1.") and f"WARC-Target-URI: {doc.url}".encode() in member


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_last_record(tmp_path: Path, gz: bool) -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    _response(writer, "https://example.com/a", _page("زيارة", UTF8_TEXT), "text/html; charset=utf-8")
    _response(writer, "https://example.com/b", _page("اعتقالات", CP1256_TEXT), "text/html; charset=utf-8")
    data = buf.getvalue()
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: len(data) - 400])
    log = ErrorLog()
    docs = list(read(path, errors=log))
    assert docs[0].url == "https://example.com/a" and "truncated" not in docs[0].metadata
    assert log.count == 1
    if gz:  # a cut gzip member holds nothing readable
        assert len(docs) == 1 and log.by_kind["warc_corrupt"] == 1
    else:  # the readable part of a cut page is kept, flagged
        assert len(docs) == 2 and docs[1].metadata["truncated"] is True and log.by_kind["warc_truncated"] == 1


def test_sniffed_stream_and_directory(tmp_path: Path) -> None:
    docs = list(read(io.BytesIO(_write_warc(False))))
    assert len(docs) == 2
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.warc.gz").write_bytes(_write_warc(True))
    assert len(list(read(tmp_path / "d"))) == 2


def test_garbage_is_counted_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc"
    path.write_bytes(b"this is not a warc file at all\n" * 10)
    log = ErrorLog()
    assert list(read(path, errors=log)) == []
    assert log.by_kind == {"warc_corrupt": 1}


def test_header_helpers() -> None:
    assert charset_of('text/html; charset="Windows-1256"') == "Windows-1256"
    assert charset_of("text/html") is None
    assert is_html_type("application/xhtml+xml; charset=utf-8")
    assert not is_html_type("image/png")


def test_http_charset_beats_the_cp1256_guess(tmp_path: Path) -> None:
    """ISO-8859-6 bytes also "decode" as cp1256; only the server's header tells them apart."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    _response(writer, "https://example.com/c", _page("اعتقالات", CP1256_TEXT, "iso-8859-6"),
              "text/html; charset=ISO-8859-6")
    path = tmp_path / "iso.warc"
    path.write_bytes(buf.getvalue())
    (doc,) = read(path)
    assert "قوات الأمن اعتقلت" in doc.text and doc.provenance.encoding == "iso8859-6"
    assert "قوات الأمن اعتقلت" not in _page("x", CP1256_TEXT, "iso-8859-6").decode("cp1256")
