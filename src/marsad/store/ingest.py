"""``ingest``: read -> process -> store, in transactional batches, idempotent and resumable.

Why it survives ``kill -9``: each batch (documents, articles, mentions, events, stories and the run's
counters) is written in one transaction, and documents already stored (by ``documents.content_hash``)
are skipped *before* processing. A rerun after a kill therefore redoes only the unfinished batch; the
story index and event merger are rebuilt from the store in creation order, so ids come out the same
as in an uninterrupted run. The run row is marked finished only at the very end.

Run as ``python -m marsad.store.ingest PATH... [--db URL] [--batch N] [--quiet]``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.pipeline import Stats, process
from marsad.readers import ErrorLog, read
from marsad.records import Article, Document
from marsad.store.base import Store
from marsad.store.rows import BatchBuilder, record_hash, rename_document

log = logging.getLogger("marsad.store")

Processor = Callable[[Document, Stats], list[Article]]


@dataclass
class IngestSummary:
    run_id: int
    documents_read: int = 0
    documents_stored: int = 0
    documents_skipped: int = 0
    articles: int = 0
    new_events: int = 0
    errors: int = 0
    batches: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _chunks(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read_all(paths: Iterable[str | Path], errors: ErrorLog) -> Iterator[Document]:
    for path in paths:
        yield from read(path, errors=errors)


def _default_processor(doc: Document, stats: Stats) -> list[Article]:
    return process(doc, stats)


def rules_processor(doc: Document, stats: Stats) -> list[Article]:
    """The rule-based coder only (``--no-model``): faster, no trained model involved."""
    return process(doc, stats, use_model=False)


class Ingester:
    """One ingest run into one store. ``run`` consumes the sources; ``summary`` holds the counts."""

    def __init__(self, store: Store, *, batch: int = 200, processor: Processor | None = None,
                 on_batch: Callable[[IngestSummary], None] | None = None) -> None:
        self.store = store
        self.batch = max(1, batch)
        self.processor = processor or _default_processor
        self.on_batch = on_batch
        self.errors = ErrorLog()
        self.stats = Stats()
        self.summary = IngestSummary(run_id=0)

    def run(self, paths: Iterable[str | Path],
            progress: Callable[[IngestSummary], None] | None = None) -> IngestSummary:
        """Read every path and ingest its documents."""
        return self.run_documents(_read_all(paths, self.errors), progress)

    def run_documents(self, docs: Iterable[Document],
                      progress: Callable[[IngestSummary], None] | None = None) -> IngestSummary:
        """Ingest documents already read (feed items, a Spark partition ...) as one run."""
        t0 = time.perf_counter()
        self.summary = IngestSummary(run_id=self.store.begin_run())
        builder = BatchBuilder(self.store.dedup_state())
        status = "failed"
        try:
            for chunk in _chunks(docs, self.batch):
                self._batch(builder, chunk)
                self.summary.seconds = time.perf_counter() - t0
                if progress:
                    progress(self.summary)
                if self.on_batch:
                    self.on_batch(self.summary)
            status = "finished"
        finally:
            self.summary.seconds = time.perf_counter() - t0
            self.summary.errors = self.errors.count
            self.summary.by_kind = dict(self.errors.by_kind)
            self._finish(status)
        return self.summary

    def _finish(self, status: str) -> None:
        """Record the run's end; when the store itself failed, keep the original error visible."""
        try:
            self.store.finish_run(self.summary.run_id, status)
        except Exception:
            if status == "finished":
                raise
            log.warning("could not mark run %s as %s (the store is unreachable)", self.summary.run_id, status)

    def _batch(self, builder: BatchBuilder, chunk: list[Document]) -> None:
        """Skip stored documents, process the rest, write them in one transaction."""
        self.summary.documents_read += len(chunk)
        errors_before = self.errors.count
        fresh = self._fresh(chunk)
        self.summary.documents_skipped += len(chunk) - len(fresh)
        taken = self.store.existing("id", "documents", sorted({d.id for d, _ in fresh}))
        builder.reset()
        for doc, digest in fresh:
            articles = self._process(doc)
            if articles is None:
                continue
            if doc.id in taken:  # same id, other content (e.g. two corpora reuse ids): keep both
                rename_document(doc, articles, f"{doc.id}~{digest[:12]}")
            taken.add(doc.id)
            builder.add(doc, articles, digest)
        builder.counts["errors"] = self.errors.count - errors_before
        self.store.write_batch(builder.tables, builder.first_report_seq, builder.first_signature_seq,
                               self.summary.run_id, builder.counts)
        self.summary.documents_stored += builder.counts["documents"]
        self.summary.articles += builder.counts["articles"]
        self.summary.new_events += builder.counts["events"]
        self.summary.batches += 1

    def _fresh(self, chunk: list[Document]) -> list[tuple[Document, str]]:
        """Documents of the chunk not yet stored (and not repeated earlier in the chunk)."""
        hashed = [(d, record_hash(d)) for d in chunk]
        stored = self.store.existing("content_hash", "documents", [h for _, h in hashed])
        out: list[tuple[Document, str]] = []
        for doc, digest in hashed:
            if digest not in stored:
                stored.add(digest)
                out.append((doc, digest))
        return out

    def _process(self, doc: Document) -> list[Article] | None:
        try:
            return self.processor(doc, self.stats)
        except Exception as exc:  # one bad document never stops a run
            log.exception("failed to process %s", doc.id)
            self.errors.add("process", doc.provenance.source, doc.provenance.line, repr(exc))
            return None


def ingest(store: Store, paths: Iterable[str | Path], *, batch: int = 200, processor: Processor | None = None,
           progress: Callable[[IngestSummary], None] | None = None,
           on_batch: Callable[[IngestSummary], None] | None = None) -> IngestSummary:
    """Ingest every document under ``paths`` into ``store`` (see the module docstring)."""
    return Ingester(store, batch=batch, processor=processor, on_batch=on_batch).run(paths, progress)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m marsad.store.ingest``), same options as ``marsad ingest``."""
    from marsad.store.cli_commands import add_ingest_arguments, cmd_ingest

    parser = argparse.ArgumentParser(prog="python -m marsad.store.ingest", description=__doc__)
    add_ingest_arguments(parser)
    return cmd_ingest(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
