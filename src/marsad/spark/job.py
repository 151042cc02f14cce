"""The Spark job: read -> process -> deduplicate -> Parquet, and the loader of its output into a store.

Why it is shaped this way
-------------------------
* Inputs. Whole files (text, HTML, WARC, pretty-printed ``.json``) come through ``sc.binaryFiles`` and
  are read by the same reader classes, picked by extension, as ``marsad extract`` picks them. JSONL
  (``.jsonl``/``.ndjson``, gzipped or not) comes through ``sc.textFile`` so a big file is split across
  tasks; ``zipWithIndex`` restores 1-based line numbers and each line goes through
  ``JsonlReader._document``, the very code path of the local reader, so ids (``path:line`` when a record
  has none) and title handling are identical. Byte offsets of lines are not known there (left ``None``).
* Processing. ``_run_partition`` imports the pipeline on the executor; the knowledge base, lexicons and
  models are ``functools.cache``d module state, compiled by the first document of the first partition a
  Python worker runs and reused by every later row and task (Spark reuses Python workers). Nothing
  compiled is ever pickled: closures carry only plain flags.
* Output. One cached RDD of tagged rows (``doc``, ``article``, ``event``, ``sig``, ``plover``, ``error``)
  feeds every table, so the pipeline runs once per document.
* Stories. MinHash signatures per article (``marsad.dedup.stories.signature``), ``StoryIndex``'s LSH
  band keys exploded and grouped by key (the self-join on the band hash, one shuffle), each candidate
  pair in a bucket checked against the threshold on the full signature. The pairs over the threshold
  (near-duplicates only, far fewer than articles) are collected and joined with union-find on the
  driver; story id = ``story:<smallest article id of the component>``. This is connected components, so
  it is order-free (the local store's greedy ``StoryIndex`` assigns an article to its best earlier
  match; both agree on clean clusters of copies).
* Merged events. ``groupByKey`` on the store's merge key (``key_to_text(merge_key(event))``), then each
  group is replayed in input order through ``marsad.dedup.events.EventMerger``: the store's exact rule
  (same key, dates within ``MERGE_WINDOW_DAYS`` by ``same_happening``'s distance, closest wins, single
  link), so merged ids are ``m:<first event id>`` as in the store for the same input order.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from marsad.readers.errors import ErrorLog
from marsad.records import Article, Document, Event, Evidence, Mention, Party, Provenance, Span

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession

    from marsad.store.base import Store
    from marsad.store.ingest import IngestSummary

log = logging.getLogger("marsad.spark")

LINE_FORMATS = frozenset({".jsonl", ".ndjson"})  # read as lines; ``.json`` may be one pretty-printed value
OUTPUTS = ("documents", "articles", "events", "merged_events", "plover", "errors")
_PARTY = "struct<code:string,sector:string,name:string,kb_id:string,text:string,start:int,end:int>"
_EVIDENCE = "struct<text:string,start:int,end:int>"

DOCUMENTS_SCHEMA = (
    "id string, source string, line long, content_hash string, text_sha1 string, fetched string, "
    "format string, title string, published string, outlet string, url string, file_ord int, rec_no long, "
    "num_articles int, articles_json string"
)
ARTICLES_SCHEMA = (
    "id string, doc_id string, idx int, kind string, title string, published string, outlet string, "
    "source string, url string, breaking boolean, text string, span_start int, span_end int, "
    "related array<string>, num_mentions int, num_events int, in_stories boolean, file_ord int, rec_no long"
)
EVENTS_SCHEMA = (
    "event_id string, article_id string, doc_id string, event_index int, type string, mode string, "
    "context array<string>, cameo string, goldstein double, quad int, date string, date_precision string, "
    f"historical boolean, actors array<{_PARTY}>, recipients array<{_PARTY}>, initiator {_PARTY}, "
    "attribution string, location_name string, location_country string, lat double, lon double, "
    f"location_json string, evidence array<{_EVIDENCE}>, confidence double, actor_codes array<string>, "
    "recipient_codes array<string>, merge_key string, published string, outlet string, first_seen string, "
    "file_ord int, rec_no long, article_index int, event_json string, year_month string, "
    "merged_event_id string"
)
MERGED_SCHEMA = (
    "id string, type string, mode string, context array<string>, cameo string, goldstein double, quad int, "
    "date string, date_precision string, historical boolean, actor_codes array<string>, "
    "recipient_codes array<string>, actor_names array<string>, recipient_names array<string>, "
    "location_name string, location_country string, lat double, lon double, num_articles int, "
    "num_sources int, num_mentions int, first_seen string, outlets array<string>, confidence double, "
    "merge_key string, report_ids array<string>, article_ids array<string>, year_month string"
)
ERRORS_SCHEMA = "kind string, source string, line long, message string"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file: its ordinal (input order), the name marsad reports, the URI Spark reads."""

    ordinal: int
    source: str
    uri: str

    @property
    def by_lines(self) -> bool:
        ext, _ = _split_extension(self.source)
        return ext in LINE_FORMATS


# ---------------------------------------------------------------------------------------------- session


def session(master: str = "local[*]", *, partitions: int | None = None, app_name: str = "marsad",
            conf: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession; in local mode the executors run this interpreter (the one marsad is installed in)."""
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app_name)
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    elif master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", "8")  # 200 tiny files would be the default
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ----------------------------------------------------------------------------------------------- inputs


def _split_extension(name: str) -> tuple[str, bool]:
    from marsad.readers.source import split_extension

    return split_extension(Path(PurePosixPath(name).name))


def list_inputs(spark: SparkSession, inputs: Iterable[str]) -> list[InputFile]:
    """Every file under the inputs (any Hadoop path), in input order, directories sorted and recursive.

    Like the local reader: hidden files and unknown extensions under a directory are skipped. ``source``
    is the path as ``marsad extract`` would name it (so fallback ids agree); ``uri`` is what Spark reads.
    """
    from marsad.readers import registered_extensions

    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
    known = registered_extensions()
    out: list[InputFile] = []
    for given in inputs:
        path = jvm.org.apache.hadoop.fs.Path(given)
        fs = path.getFileSystem(conf)
        status = fs.getFileStatus(path)  # raises (FileNotFoundException) for a missing input
        root = status.getPath().toString()
        if not status.isDirectory():
            out.append(InputFile(len(out), _local_name(given), root))
            continue
        found: list[str] = []
        files = fs.listFiles(status.getPath(), True)
        while files.hasNext():
            found.append(files.next().getPath().toString())
        for uri in sorted(found):
            rel = uri[len(root):].lstrip("/")
            if any(part.startswith((".", "_")) for part in rel.split("/")):
                continue
            if _split_extension(rel)[0] in known:
                out.append(InputFile(len(out), _join(given, rel), uri))
    return out


def _local_name(given: str) -> str:
    return given if "://" in given else str(Path(given))


def _join(root: str, rel: str) -> str:
    return root.rstrip("/") + "/" + rel if "://" in root else str(Path(root) / rel)


def input_records(spark: SparkSession, files: list[InputFile], partitions: int) -> RDD:
    """One RDD of raw records in input order: ``("line", ord, source, line_no, bytes)`` for JSONL lines,
    ``("file", ord, source, 0, bytes)`` for whole files."""
    sc = spark.sparkContext
    parts: list[RDD] = []
    run: list[InputFile] = []

    def flush() -> None:
        if run:
            names = {f.uri: (f.ordinal, f.source) for f in run}
            rdd = sc.binaryFiles(",".join(f.uri for f in run), minPartitions=partitions)
            parts.append(rdd.map(partial(_file_record, names)))
            run.clear()

    for f in files:
        if not f.by_lines:
            run.append(f)
            continue
        flush()
        lines = sc.textFile(f.uri, minPartitions=partitions, use_unicode=False).zipWithIndex()
        parts.append(lines.map(partial(_line_record, f.ordinal, f.source)))
    flush()
    if not parts:
        return sc.emptyRDD()
    rdd = parts[0] if len(parts) == 1 else sc.union(parts)
    return rdd.coalesce(partitions) if rdd.getNumPartitions() > 4 * partitions else rdd


def _file_record(names: dict[str, tuple[int, str]], item: tuple[str, bytes]) -> tuple[Any, ...]:
    ordinal, source = names.get(item[0], (-1, item[0]))
    return ("file", ordinal, source, 0, item[1])


def _line_record(ordinal: int, source: str, item: tuple[bytes, int]) -> tuple[Any, ...]:
    return ("line", ordinal, source, item[1] + 1, item[0])


# ------------------------------------------------------------------------------------ executor: process


def _documents(record: tuple[Any, ...], errors: ErrorLog, jsonl: Any) -> Iterator[tuple[Document, int]]:
    """The documents of one raw record with their number within the file (line number for JSONL)."""
    kind, _ordinal, source, line_no, data = record
    if kind == "line":
        from marsad.readers.jsonl import MAX_LINE_BYTES

        if len(data) > MAX_LINE_BYTES:
            errors.add("line_too_long", source, line_no, f"line longer than {MAX_LINE_BYTES} bytes")
            return
        try:
            doc = jsonl._document(data, source, line_no, None)  # the JsonlReader's own code path
        except Exception as exc:  # one bad record must not stop the file
            errors.add("exception", source, line_no, f"{type(exc).__name__}: {exc}")
            return
        if doc is not None:
            yield doc, line_no
        return
    for number, doc in enumerate(_read_file(data, source, errors), start=1):
        yield doc, number


def _read_file(data: bytes, source: str, errors: ErrorLog) -> Iterator[Document]:
    """A whole file's documents: the reader registered for its extension, else a sniffed one (as local)."""
    from marsad.readers import read, reader_for_extension

    ext, gzipped = _split_extension(source)
    stream: Any = io.BytesIO(data)
    stream.name = source
    if gzipped:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")
    cls = reader_for_extension(ext)
    try:
        if cls is None:  # the gzip wrapper takes its name from the BytesIO
            yield from read(stream, errors=errors)
        else:
            yield from cls(errors).read_stream(stream, source)
    except Exception as exc:  # a broken source (corrupt gzip) ends this file only
        errors.add("exception", source, None, f"{type(exc).__name__}: {exc}")


def _run_partition(use_model: bool, records: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, Any]]:
    """mapPartitions body: read and process every record; yields tagged output rows.

    The pipeline modules are imported here, on the executor; their caches live as long as the Python
    worker, so compilation happens once per worker, on its first document, never per row.
    """
    from marsad.dedup.stories import StoryIndex
    from marsad.pipeline import Stats, process
    from marsad.readers.jsonl import JsonlReader

    errors = ErrorLog()
    stats = Stats()
    jsonl = JsonlReader(errors)
    index = StoryIndex()  # LSH band parameters for the story keys
    for record in records:
        for doc, rec_no in _documents(record, errors, jsonl):
            try:
                articles = process(doc, stats, use_model=use_model)
            except Exception as exc:  # one bad document never stops a batch
                errors.add("process", doc.provenance.source, doc.provenance.line, repr(exc))
                continue
            yield from _outputs(doc, articles, record[1], rec_no, index)
    for e in errors.entries:
        yield "error", {"kind": e.kind, "source": e.source, "line": e.line, "message": e.message}


def _outputs(doc: Document, articles: list[Article], file_ord: int, rec_no: int,
             index: Any) -> Iterator[tuple[str, Any]]:
    from marsad.serialize import article_dict, plover_record
    from marsad.store.rows import record_hash

    dicts = []
    for a in articles:
        d = article_dict(a)
        d["index"] = a.index
        dicts.append(d)
        in_stories = a.kind == "article" and bool(a.text.strip())
        yield "article", _article_row(a, file_ord, rec_no, in_stories)
        if in_stories:
            sig = _signature_row(a, index)
            if sig is not None:
                yield "sig", sig
        for i, (e, ed) in enumerate(zip(a.events, d["events"], strict=True)):
            yield "event", _event_row(doc, a, e, ed, i, file_ord, rec_no)
            yield "plover", json.dumps(plover_record(a, e), ensure_ascii=False)
    p = doc.provenance
    yield "doc", {
        "id": doc.id, "source": p.source, "line": p.line, "content_hash": record_hash(doc),
        "text_sha1": p.content_hash, "fetched": p.fetched, "format": doc.format, "title": doc.title,
        "published": doc.published, "outlet": doc.outlet, "url": doc.url, "file_ord": file_ord,
        "rec_no": rec_no, "num_articles": len(articles),
        "articles_json": json.dumps(dicts, ensure_ascii=False),
    }


def _article_row(a: Article, file_ord: int, rec_no: int, in_stories: bool) -> dict[str, Any]:
    return {
        "id": a.id, "doc_id": a.doc_id, "idx": a.index, "kind": a.kind, "title": a.title,
        "published": a.published, "outlet": a.outlet, "source": a.source, "url": a.url,
        "breaking": a.breaking, "text": a.text, "span_start": a.span.start if a.span else None,
        "span_end": a.span.end if a.span else None, "related": list(a.related),
        "num_mentions": len(a.mentions), "num_events": len(a.events), "in_stories": in_stories,
        "file_ord": file_ord, "rec_no": rec_no,
    }


def _signature_row(a: Article, index: Any) -> tuple[str, bytes, list[int]] | None:
    """(article id, uint32 MinHash bytes, signed 64-bit band keys); None for a text without words."""
    import numpy as np

    from marsad.dedup.stories import signature

    sig = signature(a.text)
    if bool((sig == np.iinfo(np.uint64).max).all()):  # no words: never merged (as StoryIndex)
        return None
    values32 = sig.astype(np.uint32)
    keys = [k - (1 << 64) if k >= (1 << 63) else k for k in index._band_keys(values32)]
    return a.id, values32.tobytes(), keys


def _party_row(p: Party | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"code": p.code, "sector": p.sector, "name": p.name, "kb_id": p.kb_id, "text": p.text,
            "start": p.span.start if p.span else None, "end": p.span.end if p.span else None}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def year_month(value: str | None) -> str | None:
    """``YYYY-MM`` of an ISO date (the partition column), ``None`` when the date has no month."""
    if value and len(value) >= 7 and value[:4].isdigit() and value[4] == "-" and value[5:7].isdigit():
        return value[:7]
    return None


def _event_row(doc: Document, a: Article, e: Event, ed: dict[str, Any], i: int, file_ord: int,
               rec_no: int) -> dict[str, Any]:
    from marsad.dedup.events import merge_key
    from marsad.store.base import key_to_text

    loc = e.location or {}
    return {
        "event_id": e.id, "article_id": a.id, "doc_id": a.doc_id, "event_index": i, "type": e.type,
        "mode": e.mode, "context": list(e.context), "cameo": e.cameo, "goldstein": _float(e.goldstein),
        "quad": e.quad, "date": e.date, "date_precision": e.date_precision, "historical": e.historical,
        "actors": [_party_row(p) for p in e.actors], "recipients": [_party_row(p) for p in e.recipients],
        "initiator": _party_row(e.initiator), "attribution": e.attribution,
        "location_name": loc.get("name_en") or loc.get("name"), "location_country": loc.get("country"),
        "lat": _float(loc.get("lat")), "lon": _float(loc.get("lon")),
        "location_json": json.dumps(e.location, ensure_ascii=False) if e.location else None,
        "evidence": [{"text": ev.text, "start": ev.start, "end": ev.end} for ev in e.evidence],
        "confidence": _float(e.confidence), "actor_codes": [p.code or "" for p in e.actors],
        "recipient_codes": [p.code or "" for p in e.recipients], "merge_key": key_to_text(merge_key(e)),
        "published": a.published, "outlet": a.outlet or a.source, "first_seen": a.published or
        doc.provenance.fetched, "file_ord": file_ord, "rec_no": rec_no, "article_index": a.index,
        "event_json": json.dumps(ed, ensure_ascii=False), "year_month": year_month(e.date),
        "merged_event_id": None,
    }


# ------------------------------------------------------------------------------------ dedup: events


def _order(row: dict[str, Any]) -> tuple[int, int, int, int]:
    return row["file_ord"], row["rec_no"], row["article_index"], row["event_index"]


def merge_group(item: tuple[str, Iterable[dict[str, Any]]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """One merge-key group replayed in input order through the store's ``EventMerger``.

    Yields every event row with its ``merged_event_id`` and one ``merged`` row per merged event, with the
    store's aggregates (first report's fields; distinct articles, sources, reports; earliest date).
    """
    from marsad.dedup.events import EventMerger
    from marsad.store.base import key_from_text

    text, rows = item
    key = key_from_text(text)
    merger = EventMerger()
    members: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=_order):
        row["merged_event_id"] = merger.add(row["event_id"], key, row["date"])
        members.setdefault(row["merged_event_id"], []).append(row)
        yield "event", row
    for merged_id, reports in members.items():
        yield "merged", merged_row(merged_id, reports)


def merged_row(merged_id: str, reports: list[dict[str, Any]]) -> dict[str, Any]:
    """A merged event as the store's ``events`` table has it (plus report and article ids)."""
    first = reports[0]
    outlets = sorted({r["outlet"] for r in reports if r["outlet"]})
    seen = [r["first_seen"] for r in reports if r["first_seen"]]
    return {
        "id": merged_id, "type": first["type"], "mode": first["mode"], "context": first["context"],
        "cameo": first["cameo"], "goldstein": first["goldstein"], "quad": first["quad"],
        "date": first["date"], "date_precision": first["date_precision"], "historical": first["historical"],
        "actor_codes": first["actor_codes"], "recipient_codes": first["recipient_codes"],
        "actor_names": [p["name"] or p["text"] for p in first["actors"]],
        "recipient_names": [p["name"] or p["text"] for p in first["recipients"]],
        "location_name": first["location_name"], "location_country": first["location_country"],
        "lat": first["lat"], "lon": first["lon"],
        "num_articles": len({r["article_id"] for r in reports}), "num_sources": len(outlets),
        "num_mentions": len(reports), "first_seen": min(seen) if seen else None, "outlets": outlets,
        "confidence": first["confidence"], "merge_key": first["merge_key"],
        "report_ids": [r["event_id"] for r in reports], "article_ids": [r["article_id"] for r in reports],
        "year_month": first["year_month"],
    }


# ------------------------------------------------------------------------------------ dedup: stories


def bucket_pairs(threshold: float,
                 item: tuple[int, Iterable[tuple[str, bytes]]]) -> Iterator[tuple[str, str]]:
    """Pairs of one LSH bucket whose MinHash estimate reaches the threshold (as ``StoryIndex`` checks).

    One numpy comparison per member against the later ones, so a big bucket (a much-copied story) stays
    a few array operations per member.
    """
    import numpy as np

    members = sorted(dict(item[1]).items())
    if len(members) < 2:
        return
    ids = [m[0] for m in members]
    sigs = np.stack([np.frombuffer(m[1], dtype=np.uint32) for m in members])
    for i in range(len(ids) - 1):
        sims = np.count_nonzero(sigs[i + 1 :] == sigs[i], axis=1) / sigs.shape[1]
        for j in np.flatnonzero(sims >= threshold):
            yield ids[i], ids[i + 1 + int(j)]


def components(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Union-find over near-duplicate pairs: every member -> the smallest article id of its component."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root is always the smallest id
    return {x: find(x) for x in list(parent)}


def story_roots(sigs: RDD, threshold: float, partitions: int) -> dict[str, str]:
    """Article id -> smallest id of its story, for articles in multi-article stories.

    The band keys are exploded and grouped (the self-join on the band hash, one shuffle), candidate pairs
    are checked against the threshold inside each bucket, and the pairs over it are collected: they are
    near-duplicates only, far fewer than articles, so union-find runs on the driver.
    """
    buckets = sigs.flatMap(lambda r: [(k, (r[0], r[1])) for k in r[2]]).groupByKey(partitions)
    edges = buckets.flatMap(partial(bucket_pairs, threshold)).distinct().collect()
    return components(edges)


# ------------------------------------------------------------------------------------------------ run


@dataclass(slots=True)
class JobSummary:
    documents: int = 0
    articles: int = 0
    events: int = 0
    merged_events: int = 0
    stories: int = 0
    errors: int = 0
    seconds: float = 0.0
    partitions: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


def run_job(spark: SparkSession, inputs: list[str], output: str, *, partitions: int | None = None,
            use_model: bool = True, threshold: float | None = None) -> JobSummary:
    """Run the pipeline over ``inputs`` and write every output table under ``output`` (overwritten)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from marsad.dedup.stories import DEFAULT_THRESHOLD

    t0 = time.perf_counter()
    n = partitions or max(2, spark.sparkContext.defaultParallelism * 2)
    files = list_inputs(spark, inputs)
    tagged = (input_records(spark, files, n).mapPartitions(partial(_run_partition, use_model))
              .persist(StorageLevel.MEMORY_AND_DISK))
    out = output.rstrip("/")

    def rows(tag: str) -> RDD:
        return tagged.filter(lambda t: t[0] == tag).map(lambda t: t[1])

    def frame(tag: str, schema: str) -> DataFrame:
        return spark.createDataFrame(rows(tag), schema)

    frame("doc", DOCUMENTS_SCHEMA).write.mode("overwrite").parquet(f"{out}/documents")
    roots = story_roots(rows("sig"), threshold or DEFAULT_THRESHOLD, n)
    roots_df = spark.createDataFrame(list(roots.items()), "article_id string, root_id string")
    articles = (frame("article", ARTICLES_SCHEMA)
                .join(roots_df, F.col("id") == F.col("article_id"), "left")
                .withColumn("story_id", F.when(F.col("in_stories"),
                                               F.concat(F.lit("story:"), F.coalesce("root_id", "id"))))
                .drop("article_id", "root_id"))
    articles.write.mode("overwrite").parquet(f"{out}/articles")
    merged = (rows("event").map(lambda r: (r["merge_key"], r)).groupByKey(n).flatMap(merge_group)
              .persist(StorageLevel.MEMORY_AND_DISK))
    events = spark.createDataFrame(merged.filter(lambda t: t[0] == "event").map(lambda t: t[1]),
                                   EVENTS_SCHEMA)
    _by_month(events, n).parquet(f"{out}/events")
    merged_df = spark.createDataFrame(merged.filter(lambda t: t[0] == "merged").map(lambda t: t[1]),
                                      MERGED_SCHEMA)
    _by_month(merged_df, n).parquet(f"{out}/merged_events")
    spark.createDataFrame(rows("plover").map(lambda s: (s,)), "value string").write.mode("overwrite").text(
        f"{out}/plover")
    frame("error", ERRORS_SCHEMA).write.mode("overwrite").parquet(f"{out}/errors")
    summary = _summarise(tagged, merged, roots, n)
    summary.seconds = time.perf_counter() - t0
    tagged.unpersist()
    merged.unpersist()
    return summary


def _by_month(frame: DataFrame, partitions: int) -> Any:
    """A writer partitioned by ``year_month``, one task per month: few files instead of tasks x months."""
    return frame.repartition(partitions, "year_month").write.mode("overwrite").partitionBy("year_month")


def _summarise(tagged: RDD, merged: RDD, roots: dict[str, str], n: int) -> JobSummary:
    def tag(t: tuple[str, Any]) -> str:
        return "story_article" if t[0] == "article" and t[1]["in_stories"] else t[0]

    counts = dict(tagged.map(lambda t: (tag(t), 1)).reduceByKey(lambda x, y: x + y).collect())
    in_stories = counts.get("story_article", 0)
    return JobSummary(
        documents=counts.get("doc", 0), articles=counts.get("article", 0) + in_stories,
        events=counts.get("event", 0), merged_events=merged.filter(lambda t: t[0] == "merged").count(),
        stories=in_stories - len(roots) + len(set(roots.values())), errors=counts.get("error", 0),
        partitions=n)


# ----------------------------------------------------------------------------------------------- load


def _party(d: dict[str, Any] | None) -> Party | None:
    if d is None:
        return None
    span = d.get("span")
    return Party(d.get("code"), d.get("sector"), d.get("name"), d.get("kb_id"), d.get("text") or "",
                 Span(*span) if span else None)


def event_from_dict(d: dict[str, Any]) -> Event:
    """The inverse of ``serialize.event_dict``."""
    return Event(
        id=d["id"], type=d["type"], mode=d.get("mode"), context=list(d.get("context") or []),
        cameo=d.get("cameo"), goldstein=d.get("goldstein"), quad=d.get("quad"),
        actors=[p for p in map(_party, d.get("actors") or []) if p is not None],
        recipients=[p for p in map(_party, d.get("recipients") or []) if p is not None],
        initiator=_party(d.get("initiator")), attribution=d.get("attribution"), date=d.get("date"),
        date_precision=d.get("date_precision"), historical=bool(d.get("historical")),
        location=d.get("location"), confidence=d.get("confidence") or 0.0,
        evidence=[Evidence(ev["text"], ev["start"], ev["end"]) for ev in d.get("evidence") or []],
    )


def article_from_dict(d: dict[str, Any]) -> Article:
    """The inverse of ``serialize.article_dict`` (plus ``index``), for what the store writes."""
    span = d.get("span")
    mentions = [Mention(Span(*m["span"]), m["text"], m.get("kb_id"), m.get("name"), m.get("code"),
                        m.get("sector"), m.get("role"), m.get("kind") or "entity", m.get("confidence", 1.0))
                for m in d.get("mentions") or []]
    index = d.get("index")
    if index is None:
        index = int(d["id"].rsplit("#", 1)[-1]) if "#" in d["id"] else 0
    return Article(
        doc_id=d["doc_id"], id=d["id"], index=index, kind=d.get("kind") or "article", title=d.get("title"),
        text=d.get("text") or "", span=Span(*span) if span else None, published=d.get("published"),
        outlet=d.get("outlet"), source=d.get("source"), url=d.get("url"), breaking=bool(d.get("breaking")),
        related=list(d.get("related") or []), mentions=mentions,
        events=[event_from_dict(e) for e in d.get("events") or []],
    )


def _document(row: dict[str, Any]) -> Document:
    prov = Provenance(row["source"], row["line"], None, row["text_sha1"] or "", row["fetched"] or "")
    doc = Document(id=row["id"], text="", provenance=prov, format=row["format"] or "text", title=row["title"],
                   published=row["published"], outlet=row["outlet"], url=row["url"])
    doc.metadata["articles_json"] = row["articles_json"]
    return doc


def spark_documents(directory: str | Path) -> Iterator[Document]:
    """The documents of a Spark output directory, part file by part file (input order), batch by batch."""
    import pyarrow.parquet as pq

    parts = sorted(Path(directory, "documents").glob("*.parquet"))
    if not parts:
        raise FileNotFoundError(f"no Parquet files under {Path(directory, 'documents')}")
    for part in parts:
        for batch in pq.ParquetFile(part).iter_batches(batch_size=512):
            for row in batch.to_pylist():
                yield _document(row)


def _replay(doc: Document, stats: Any) -> list[Article]:
    """The articles Spark produced for this document (instead of running the pipeline again)."""
    articles = [article_from_dict(d) for d in json.loads(doc.metadata.pop("articles_json"))]
    stats.documents += 1
    return articles


def load(store: Store, directory: str | Path, *, batch: int = 500,
         progress: Callable[[IngestSummary], None] | None = None) -> IngestSummary:
    """Bulk-load a Spark output directory into a store through the store's own ingest batches.

    Documents already in the store (same content hash) are skipped, so loading twice adds nothing; the
    store assigns stories and merged events with its incremental rules, exactly as ``marsad ingest``.
    """
    from marsad.store.ingest import Ingester

    return Ingester(store, batch=batch, processor=_replay).run_documents(spark_documents(directory), progress)
