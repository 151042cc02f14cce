"""The Spark job against the local pipeline: same documents, same articles, exactly the same events.

One local[2] SparkSession for the module (JVM start and the per-worker model compile are most of the
cost). Input: the bundled sample (40 docs), the seed page (a whole text file, via ``binaryFiles``), the
first 200 lines of the shared corpus (or the sample repeated with new ids when /work/shared is absent),
and 3 verbatim copies of sample articles under new ids, which must share a story. Takes ~60-90 s.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'marsad[spark]')")
if shutil.which("java") is None or subprocess.run(["java", "-version"], capture_output=True).returncode:
    pytest.skip("java not found: Spark needs a JVM (Java 17+)", allow_module_level=True)

from marsad.pipeline import process
from marsad.readers import ErrorLog, read
from marsad.serialize import event_dict

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "sample_corpus.jsonl"
SEED = REPO / "examples" / "seed_page.txt"
SHARED = REPO.parent / "shared" / "corpus" / "arabic_news.jsonl"
COPIES = 3


def _corpus_lines() -> list[str]:
    if SHARED.is_file():
        with SHARED.open(encoding="utf-8") as fh:
            return [next(fh) for _ in range(200)]
    sample = SAMPLE.read_text(encoding="utf-8").splitlines()
    out = []
    for i in range(200):
        record = json.loads(sample[i % len(sample)])
        record["id"] = f"rep{i}-{record.get('id')}"
        out.append(json.dumps(record, ensure_ascii=False) + "\n")
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("spark_in")
    corpus = root / "corpus.jsonl"
    corpus.write_text("".join(_corpus_lines()), encoding="utf-8")
    sample = SAMPLE.read_text(encoding="utf-8").splitlines()
    copies = []
    for i in range(COPIES):
        record = json.loads(sample[i])
        record["id"] = f"zz-copy-{i}"
        copies.append(json.dumps(record, ensure_ascii=False))
    (root / "copies.jsonl").write_text("\n".join(copies) + "\n", encoding="utf-8")
    return [str(SAMPLE), str(SEED), str(corpus), str(root / "copies.jsonl")]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from marsad.spark.job import session

    s = session("local[2]", partitions=2, app_name="marsad-test",
                conf={"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                      "spark.sql.shuffle.partitions": "2", "spark.driver.memory": "1g"})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def output(spark: Any, inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from marsad.spark.job import run_job

    out = tmp_path_factory.mktemp("spark_out")
    summary = run_job(spark, inputs, str(out), partitions=2)
    return out, summary


@pytest.fixture(scope="module")
def local(inputs: list[str]) -> dict[str, list[dict[str, Any]]]:
    """article id -> its events (event_dict) from marsad.pipeline.process on the same documents."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path in inputs:
        for doc in read(path, errors=ErrorLog()):
            for a in process(doc):
                out[a.id] = [event_dict(e) for e in a.events]
    return out


def _key(article_id: str, e: dict[str, Any]) -> tuple[Any, ...]:
    return (article_id, e["id"], e["type"], tuple(p["code"] for p in e["actors"]),
            tuple(p["code"] for p in e["recipients"]), tuple((v["start"], v["end"]) for v in e["evidence"]))


def test_same_articles_and_events_as_local(spark: Any, output: tuple[Path, Any],
                                           local: dict[str, list[dict[str, Any]]]) -> None:
    out, summary = output
    assert summary.articles >= 200 and summary.errors == 0
    ids = {r["id"] for r in spark.read.parquet(str(out / "articles")).select("id").collect()}
    assert ids == set(local)
    rows = spark.read.parquet(str(out / "events")).select("article_id", "event_json").collect()
    got = {_key(r["article_id"], json.loads(r["event_json"])) for r in rows}
    want = {_key(aid, e) for aid, events in local.items() for e in events}
    assert len(rows) == len(want) == summary.events > 0
    assert got == want
    full = {(r["article_id"], r["event_json"]) for r in rows}
    assert full == {(aid, json.dumps(e, ensure_ascii=False)) for aid, events in local.items() for e in events}
    plover = [json.loads(line) for p in sorted((out / "plover").glob("part-*")) for line in p.open()]
    assert len(plover) == len(rows)


def test_merged_events_follow_store_rules(spark: Any, output: tuple[Path, Any]) -> None:
    from marsad.dedup.events import EventMerger
    from marsad.store.base import key_from_text

    out, summary = output
    events = spark.read.parquet(str(out / "events")).select(
        "event_id", "merge_key", "date", "merged_event_id", "file_ord", "rec_no", "article_index",
        "event_index").collect()
    merger = EventMerger()
    for r in sorted(events, key=lambda r: (r["file_ord"], r["rec_no"], r["article_index"], r["event_index"])):
        assert merger.add(r["event_id"], key_from_text(r["merge_key"]), r["date"]) == r["merged_event_id"]
    merged = spark.read.parquet(str(out / "merged_events"))
    assert merged.count() == len(merger) == summary.merged_events
    assert merged.groupBy().sum("num_mentions").first()[0] == len(events)
    assert "year_month" in merged.columns


def test_copies_share_a_story(spark: Any, output: tuple[Path, Any]) -> None:
    out, _ = output
    stories = {r["id"]: r["story_id"] for r in spark.read.parquet(str(out / "articles")).collect()}
    sample_ids = [json.loads(line)["id"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:COPIES]]
    for i, original in enumerate(sample_ids):
        original_article = next(k for k in stories if k.startswith(f"{original}#"))
        copy_article = next(k for k in stories if k.startswith(f"zz-copy-{i}#"))
        want = f"story:{min(original_article, copy_article)}"
        assert stories[original_article] == stories[copy_article] == want


def test_load_into_duckdb(output: tuple[Path, Any], tmp_path: Path) -> None:
    from marsad.spark.job import load
    from marsad.store import open_store

    out, summary = output
    with open_store(str(tmp_path / "spark.duckdb")) as store:
        first = load(store, out, batch=100)
        counts = store.counts()
        again = load(store, out)
        assert store.counts() == {**counts, "ingest_runs": counts["ingest_runs"] + 1}
    assert first.documents_stored == summary.documents and again.documents_stored == 0
    assert counts["articles"] == summary.articles
    assert counts["event_reports"] == summary.events
    assert counts["events"] == summary.merged_events
