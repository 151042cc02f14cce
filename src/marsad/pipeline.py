"""The pipeline: read -> segment -> link -> code, as plain functions over typed records.

Each stage is a pure function of its input record, so the same ``process`` runs in a loop here, in a
process pool, or inside Spark's ``mapPartitions``. Counters for every stage live in ``Stats``; one bad
document is logged and counted and never stops a batch.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marsad.events.coder import code
from marsad.link import link
from marsad.readers import read
from marsad.readers.errors import ErrorLog
from marsad.records import Article, Document, Event, Provenance
from marsad.segment import segment

log = logging.getLogger("marsad.pipeline")


@dataclass(slots=True)
class Stats:
    documents: int = 0
    articles: int = 0
    headlines: int = 0
    mentions: int = 0
    events: int = 0
    errors: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"segment": 0.0, "link": 0.0, "code": 0.0})


def process(
    doc: Document,
    stats: Stats | None = None,
    *,
    events: bool = True,
    use_model: bool | str = True,
    coder: Callable[[Article], list[Event]] | None = None,
) -> list[Article]:
    """Segment one document, then link and code each of its articles (with the trained models if any)."""
    stats = stats if stats is not None else Stats()
    t0 = time.perf_counter()
    articles = segment(doc)
    t1 = time.perf_counter()
    for article in articles:
        article.mentions = link(article)
    t2 = time.perf_counter()
    if events:
        if coder is None and use_model:
            coder = _model_coder("full" if use_model is True else str(use_model))
        for article in articles:
            article.events = coder(article) if coder else code(article)
    t3 = time.perf_counter()
    stats.seconds["segment"] += t1 - t0
    stats.seconds["link"] += t2 - t1
    stats.seconds["code"] += t3 - t2
    stats.documents += 1
    for article in articles:
        stats.articles += article.kind == "article"
        stats.headlines += article.kind == "headline"
        stats.mentions += len(article.mentions)
        stats.events += len(article.events)
    return articles


def run(
    sources: Iterable[str | Path],
    errors: ErrorLog,
    stats: Stats,
    *,
    events: bool = True,
    use_model: bool | str = True,
    coder: Callable[[Article], list[Event]] | None = None,
) -> Iterator[tuple[Document, list[Article]]]:
    """Read every source and process each document; failures are counted, never raised."""
    for source in sources:
        for doc in read(source, errors=errors):
            try:
                yield doc, process(doc, stats, events=events, use_model=use_model, coder=coder)
            except Exception as exc:  # one bad document never stops a batch
                log.exception("failed to process %s", doc.id)
                errors.add("process", doc.provenance.source, doc.provenance.line, repr(exc))
                stats.errors += 1


def _model_coder(mode: str) -> Callable[[Article], list[Event]] | None:
    """The model coder in use ($MARSAD_MODEL's, else the shipped one), or None: rules only."""
    from marsad.models import active_coder

    return active_coder(mode)


def text_document(text: str, published: str | None = None, doc_id: str = "text") -> Document:
    """Wrap a string as a Document (for the library API and tests)."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return Document(
        id=doc_id,
        text=text,
        provenance=Provenance(source="<string>", content_hash=digest),
        published=published,
    )


def extract(text_or_path: str | Path, published: str | None = None) -> list[Article]:
    """Articles (with mentions and events) from a text, or from every document of a path."""
    path = Path(text_or_path) if isinstance(text_or_path, Path) or _looks_like_path(text_or_path) else None
    if path is None:
        return process(text_document(str(text_or_path), published))
    out: list[Article] = []
    for doc in read(path, errors=ErrorLog()):
        if published and not doc.published:
            doc.published = published
        out.extend(process(doc))
    return out


def _looks_like_path(value: str) -> bool:
    return "\n" not in value and len(value) < 4096 and Path(value).exists()
