"""Fuzz target: arbitrary bytes through ``marsad.readers.read`` must never raise, hang or lose provenance.

Why: readers face whatever the web and old archives hold (truncated gzip, mislabelled code pages, binary
junk named ``.html``); the contract is "count it, never raise". libFuzzer (via atheris) mutates bytes
towards new branches of the sniffing, decoding and parsing code far faster than hand-written cases.

Run: ``make fuzz`` (or ``.venv/bin/python fuzz/fuzz_readers.py -max_total_time=60 fuzz/corpus/readers``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import sys

import atheris

with atheris.instrument_imports():
    from marsad.readers import ErrorLog, read

logging.disable(logging.WARNING)  # every bad input is logged as a warning; keep the fuzzer's output readable


def test_one_input(data: bytes) -> None:
    """One input: read it as an unnamed stream; check what every reader promises about its documents."""
    log = ErrorLog()
    docs = list(read(io.BytesIO(data), errors=log))
    if log.documents != len(docs):
        raise AssertionError(f"ErrorLog counted {log.documents} documents, {len(docs)} were yielded")
    for doc in docs:
        if not doc.text.strip():
            raise AssertionError("a document with no text was yielded instead of a counted error")
        if doc.provenance.content_hash != hashlib.sha1(doc.text.encode("utf-8")).hexdigest():
            raise AssertionError("provenance.content_hash is not the sha1 of the decoded text")
        if doc.provenance.source != "<stream>" or not doc.provenance.encoding:
            raise AssertionError(f"bad provenance {doc.provenance}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
