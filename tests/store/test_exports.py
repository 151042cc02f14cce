"""Export round trips on both backends: PLOVER JSON lines, GDELT TSV, Parquet, CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from marsad.exports import GDELT_COLUMNS, export
from marsad.records import Article, Event
from marsad.serialize import plover_record
from marsad.store.base import Store
from marsad.store.schema import BY_NAME


def test_plover_lines_have_the_plover_fields(examples_store: Store) -> None:
    buf = io.StringIO()
    n = export(examples_store, "plover", {"type": "CONSULT"}, buf)
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert n == len(lines) > 0
    expected = set(plover_record(Article(doc_id="d", id="d#0", index=0), Event(id="e", type="X")))
    for rec in lines:
        assert expected <= set(rec) and rec["event"] == "CONSULT"
        assert rec["event_text"] and rec["evidence"] and rec["dedup"]["num_articles"] >= 1
        assert rec["text_info"]["article_id"]


def test_plover_records_carry_their_first_report_s_attribution(examples_store: Store) -> None:
    buf = io.StringIO()
    export(examples_store, "plover", {}, buf)
    got = {rec["id"]: rec["attribution"] for rec in map(json.loads, buf.getvalue().splitlines())}
    first = dict(examples_store.fetchall(
        "SELECT event_id, attribution FROM event_reports WHERE seq IN "
        "(SELECT min(seq) FROM event_reports GROUP BY event_id)"))
    assert any(got.values()) and got == first


def test_gdelt_tsv_columns(examples_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.tsv"
    n = export(examples_store, "gdelt", {}, out)
    rows = list(csv.reader(out.open(encoding="utf-8"), delimiter="\t"))
    assert tuple(rows[0]) == GDELT_COLUMNS and len(rows) == n + 1 == examples_store.counts()["events"] + 1
    col = {name: i for i, name in enumerate(GDELT_COLUMNS)}
    for r in rows[1:]:
        assert len(r) == len(GDELT_COLUMNS)
        assert r[col["SQLDATE"]] == "" or (len(r[col["SQLDATE"]]) == 8 and r[col["SQLDATE"]].isdigit())
        assert r[col["IsRootEvent"]] in ("0", "1")
        assert r[col["EventRootCode"]] == r[col["EventCode"]][:2]
    assert any(r[col["Actor1Code"]].endswith("GOV") for r in rows[1:])


def test_parquet_reads_back_equal(examples_store: Store, tmp_path: Path) -> None:
    n = export(examples_store, "parquet", {}, tmp_path / "pq")
    events = pq.read_table(tmp_path / "pq" / "events.parquet")
    assert n == events.num_rows == examples_store.counts()["events"]
    assert events.schema.equals(BY_NAME["events"].arrow_schema())
    stored = sorted(examples_store.iter_table("events"), key=lambda r: r["id"])
    assert events.to_pylist() == stored
    parts = pq.read_table(tmp_path / "pq" / "event_participants.parquet")
    assert parts.num_rows == examples_store.counts()["event_participants"]
    arts = pq.read_table(tmp_path / "pq" / "articles.parquet")
    assert 0 < arts.num_rows <= examples_store.counts()["articles"]


def test_filtered_csv_and_unknown_format(examples_store: Store) -> None:
    buf = io.StringIO()
    n = export(examples_store, "csv", {"type": "ASSAULT"}, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == n and all(r["type"] == "ASSAULT" for r in rows)
    with pytest.raises(ValueError):
        export(examples_store, "xml", {}, io.StringIO())
