"""A padding NUL at the end of a page is text damage, not a binary file (296 corpus articles have one)."""

import io

from marsad.readers import ErrorLog, read
from marsad.readers.decode import is_binary

PAGE = (
    "<html><head><title>عنوان الخبر</title></head><body><article>"
    + "<p>أدان الرئيس المصري الهجوم على القافلة الإنسانية في غزة.</p>" * 20
    + "</article></body></html>"
)


def test_a_trailing_nul_does_not_make_a_page_binary():
    data = PAGE.encode("utf-8") + b"\x00"
    assert not is_binary(data)
    log = ErrorLog()
    docs = list(read(io.BytesIO(data), errors=log))
    assert docs and "أدان الرئيس المصري" in docs[0].text and log.count == 0


def test_nuls_throughout_are_still_binary():
    assert is_binary(bytes(range(256)) * 8)
    assert is_binary("نص عربي".encode("utf-16-le") * 50)
