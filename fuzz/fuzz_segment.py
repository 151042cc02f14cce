"""Fuzz target: any text through ``marsad.segment.segment``: spans index the document, no crash.

Why: the segmenter carves pages into articles with hand-tuned rules (markers, metadata, boilerplate);
every later stage trusts its spans to slice ``Document.text`` exactly. Bytes are decoded as UTF-8 with
replacement, so the fuzzer reaches Arabic letters, bidi controls and newlines quickly.

Run: ``make fuzz`` (or ``.venv/bin/python fuzz/fuzz_segment.py -max_total_time=60 fuzz/corpus/segment``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from marsad.records import Document, Provenance
    from marsad.segment import segment

FORMATS = ("text", "jsonl", "html")


def test_one_input(data: bytes) -> None:
    """Decode, wrap in a Document (format and title from the first bytes), segment, check every span."""
    fdp = atheris.FuzzedDataProvider(data)
    fmt = FORMATS[fdp.ConsumeIntInRange(0, len(FORMATS) - 1)]
    title = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40)) or None
    text = fdp.ConsumeBytes(fdp.remaining_bytes()).decode("utf-8", errors="replace")
    doc = Document("fuzz", text, Provenance(source="<fuzz>"), format=fmt, title=title, published="2024-06-04")
    for art in segment(doc):
        if art.text != "\n".join(s.slice(text) for s in art.segments):
            raise AssertionError(f"article text does not match its segments: {art.id}")
        if art.title_span is not None and art.title != art.title_span.slice(text):
            raise AssertionError(f"title does not match its span: {art.id}")
        for i, ch in enumerate(art.text):
            if ch != "\n" and text[art.to_doc(i)] != ch:
                raise AssertionError(f"to_doc({i}) does not map back in {art.id}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
