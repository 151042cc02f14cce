"""``read(source)``: resolve paths, directories, ``.gz`` files, stdin and streams to the right reader."""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from marsad.readers.base import Reader, reader_for_extension, registered_extensions, sniff_reader
from marsad.readers.errors import ErrorLog
from marsad.records import Document

SNIFF_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))

Source = str | os.PathLike[str] | IO[bytes]


def read(source: Source, *, errors: ErrorLog | None = None) -> Iterator[Document]:
    """Yield the documents of ``source``; bad input is counted in ``errors``, never raised.

    ``source`` is a file path, a directory (read recursively, files picked by registered extension,
    ``.gz`` variants included), a ``.gz`` file (format from the inner extension), ``"-"`` for stdin, or
    a binary file-like object. Streams without a known extension are sniffed: JSONL when the first
    non-space character is ``{``, HTML when it looks like markup, else plain text.
    """
    log = errors if errors is not None else ErrorLog()
    for doc in _dispatch(source, log):
        log.documents += 1
        yield doc


def _dispatch(source: Source, log: ErrorLog) -> Iterator[Document]:
    if isinstance(source, str | os.PathLike):
        if os.fspath(source) == "-":
            return _read_sniffed(sys.stdin.buffer, "<stdin>", log)
        path = Path(source)
        if path.is_dir():
            return _read_dir(path, log)
        if path.is_file():
            return _read_file(path, log)
        log.add("not_found", str(path), None, "no such file or directory")
        return iter(())
    return _read_sniffed(source, _stream_name(source), log)


def _stream_name(stream: IO[bytes]) -> str:
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) else "<stream>"


def split_extension(path: Path) -> tuple[str, bool]:
    """The format extension of ``path`` (inner one for ``.gz``) and whether it is gzipped."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        return (suffixes[-2] if len(suffixes) > 1 else ""), True
    return (suffixes[-1] if suffixes else ""), False


def _read_dir(root: Path, log: ErrorLog) -> Iterator[Document]:
    """Every readable file under ``root`` in sorted order; hidden files and unknown extensions skipped."""
    known = registered_extensions()
    for path in sorted(root.rglob("*")):
        if path.name.startswith(".") or not path.is_file():
            continue
        if split_extension(path)[0] in known:
            yield from _read_file(path, log)


def _read_file(path: Path, log: ErrorLog) -> Iterator[Document]:
    ext, gzipped = split_extension(path)
    cls = reader_for_extension(ext)
    source = str(path)
    try:
        with open(path, "rb") as raw:
            stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            if cls is None:
                yield from _read_sniffed(stream, source, log)
            else:
                yield from _guarded(cls(log), stream, source, log)
    except OSError as exc:
        log.add("io", source, None, f"{type(exc).__name__}: {exc}")


def _guarded(reader: Reader, stream: BinaryIO, source: str, log: ErrorLog) -> Iterator[Document]:
    """Run one reader; an exception (corrupt gzip, I/O) ends this source only, counted in ``log``."""
    try:
        yield from reader.read_stream(stream, source)
    except Exception as exc:  # a broken source must not end the run
        log.add("exception", source, None, f"{type(exc).__name__}: {exc}")


def _head_text(head: bytes) -> str:
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _read_sniffed(stream: IO[bytes], source: str, log: ErrorLog) -> Iterator[Document]:
    """Pick a reader from the first bytes (gzip is unwrapped first) and read the whole stream."""
    if isinstance(stream, io.TextIOBase):
        log.add("text_stream", source, None, "a text-mode stream; pass a binary stream")
        return
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(_RawAdapter(stream))
    try:
        head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        if head.startswith(_GZIP_MAGIC):
            buffered = io.BufferedReader(_RawAdapter(gzip.GzipFile(fileobj=buffered, mode="rb")))
            head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except Exception as exc:
        log.add("exception", source, None, f"{type(exc).__name__}: {exc}")
        return
    cls = sniff_reader(_head_text(head))
    yield from _guarded(cls(log), buffered, source, log)


class _RawAdapter(io.RawIOBase):
    """Lets ``io.BufferedReader`` wrap any object with ``read`` so it gains ``peek`` and ``readline``."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
