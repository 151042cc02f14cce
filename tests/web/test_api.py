"""The REST API over a real DuckDB store: every endpoint, its filters and paging, 4xx on malformed input,
hostile text returned as data, the size limits, the token-guarded ingest and the security headers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'marsad[web]'")

from fastapi.testclient import TestClient

from marsad.web.api import CSP, align_spans, bucket, create_app

TOKEN = "test-token-0123456789abcdef"
XSS_ID = "xss-001"  # the hostile document of conftest.api_db


def _ok(client: Any, url: str, **params: Any) -> dict[str, Any]:
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _all(client: Any, **params: Any) -> list[dict[str, Any]]:
    return _ok(client, "/api/events", limit=500, **params)["items"]


# -- events ----------------------------------------------------------------------------------------------


def test_events_page_sorted_newest_first(client: Any) -> None:
    page = _ok(client, "/api/events")
    assert page["limit"] == 50 and page["offset"] == 0 and page["total"] > 150
    assert len(page["items"]) == 50 and page["next_offset"] == 50
    dates = [e["date"] for e in page["items"] if e["date"]]
    assert dates == sorted(dates, reverse=True)
    first = page["items"][0]
    assert {"id", "type", "goldstein", "actor_codes", "outlets", "evidence"} <= set(first)
    assert "merge_key" not in first


def test_pagination_is_disjoint_and_stable(client: Any) -> None:
    a = _ok(client, "/api/events", limit=7, offset=0)["items"]
    b = _ok(client, "/api/events", limit=7, offset=7)["items"]
    both = _ok(client, "/api/events", limit=14)["items"]
    assert [e["id"] for e in a + b] == [e["id"] for e in both]
    last = _ok(client, "/api/events", limit=10, offset=100_000)
    assert last["items"] == [] and last["next_offset"] is None


@pytest.mark.parametrize(("params", "check"), [
    ({"type": "assault"}, lambda e: e["type"] == "ASSAULT"),
    ({"quad": 4}, lambda e: e["quad"] == 4),
    ({"actor": "ISR"}, lambda e: "ISR" in e["actor_codes"] + e["recipient_codes"]),
    ({"country": "irn"}, lambda e: "IRN" in e["actor_codes"] + e["recipient_codes"]
     or e["location_country"] == "IRN"),
    ({"dyad": "ISR,IRN"}, lambda e: "ISR" in e["actor_codes"]),
    ({"date_from": "2017-04", "date_to": "2017-05"}, lambda e: "2017-04" <= e["date"] <= "2017-05~"),
    ({"context": "political"}, lambda e: "political" in e["context"]),
    ({"outlet": "Jawhara"}, lambda e: any("Jawhara" in o for o in e["outlets"])),
])
def test_event_filters(client: Any, params: dict[str, Any], check: Any) -> None:
    items = _all(client, **params)
    assert items, params
    assert all(check(e) for e in items), params
    assert len(items) < _ok(client, "/api/events")["total"]


def test_mode_filter_keeps_only_that_mode(client: Any) -> None:
    modes = {e["mode"] for e in _all(client, type="ASSAULT") if e["mode"]}
    assert modes, "the sample corpus has ASSAULT events with a mode"
    mode = sorted(modes)[0]
    items = _all(client, type="ASSAULT", mode=mode)
    assert items and all(e["type"] == "ASSAULT" and e["mode"] == mode for e in items)
    assert len(items) < len(_all(client, type="ASSAULT"))


def test_free_text_and_actor_by_kb_id(client: Any) -> None:
    items = _all(client, q="السفارة")
    assert items and all("السفارة" in (e["evidence"] or "") for e in items[:1])
    by_id = _all(client, actor="person:vladimir_putin")
    assert by_id and all("RUS" in e["actor_codes"] + e["recipient_codes"] for e in by_id)
    assert _ok(client, "/api/events", q="%' OR 1=1 --")["total"] == 0  # bound and LIKE-escaped


def test_sort_by_goldstein(client: Any) -> None:
    items = _all(client, sort="goldstein")
    values = [e["goldstein"] for e in items if e["goldstein"] is not None]
    assert values == sorted(values)


@pytest.mark.parametrize("params", [
    {"date_from": "2024-13"}, {"date_from": "yesterday"}, {"date_to": "2023-02-29"},
    {"date_from": "2024-05", "date_to": "2024-01"}, {"type": "FOO"}, {"limit": 0}, {"limit": 10_000},
    {"offset": -1}, {"offset": 10_000_000}, {"quad": 5}, {"quad": "x"}, {"dyad": "ISR"},
    {"actor": "x' OR 1=1"}, {"country": "ISRA"}, {"sort": "id; DROP TABLE events"}, {"mode": "nonsense"},
    {"type": "ASSAULT", "mode": "hold"}, {"context": "cooking"}, {"q": "x" * 201},
])
def test_malformed_values_are_4xx(client: Any, params: dict[str, Any]) -> None:
    r = client.get("/api/events", params=params)
    assert r.status_code == 422, (params, r.status_code, r.text)
    assert r.json()["detail"]
    assert r.headers["content-security-policy"] == CSP


def test_event_detail(client: Any) -> None:
    event_id = _all(client, dyad="ISR,IRN")[0]["id"]
    e = _ok(client, "/api/events/" + quote(event_id, safe=""))
    assert e["id"] == event_id
    assert {p["role"] for p in e["participants"]} == {"actor", "recipient"}
    assert e["articles"] and e["sources"] == sorted(e["outlets"])
    assert all("attribution" in a for a in e["articles"])
    for ev in e["evidence"]:
        assert ev["field"] == "text" and ev["article_end"] - ev["article_start"] == len(ev["text"])
    # ids with '/' and '#' also work unescaped in the path
    assert client.get(f"/api/events/{event_id.replace('#', '%23')}").status_code == 200
    r = client.get("/api/events/m:nope")
    assert r.status_code == 404 and r.json()["detail"] == "event not found"


def test_event_detail_names_what_each_report_attributes_it_to(client: Any) -> None:
    attributed = []
    for event in _all(client, country="IRN"):  # the seed page's statements are attributed ("بوتين وبزشكيان")
        detail = _ok(client, "/api/events/" + quote(event["id"], safe=""))
        attributed += [(a["id"], a["attribution"]) for a in detail["articles"] if a["attribution"]]
    assert attributed
    for article_id, attribution in attributed:
        article = _ok(client, "/api/articles/" + quote(article_id, safe=""))
        assert attribution in (article["title"] or "") + "\n" + article["text"]


# -- actors, dyads --------------------------------------------------------------------------------------


def test_actor_search_arabic_and_english(client: Any) -> None:
    arabic = _ok(client, "/api/actors", q="نتنياهو")["items"]
    english = _ok(client, "/api/actors", q="netanyahu")["items"]
    assert arabic[0]["kb_id"] == english[0]["kb_id"] == "person:benjamin_netanyahu"
    assert "نتنياهو" in arabic[0]["arabic_names"] and arabic[0]["events"] >= 1
    listing = _ok(client, "/api/actors", limit=5)
    assert listing["total"] > 1000 and len(listing["items"]) == 5
    mentions = [a["mentions"] for a in listing["items"]]
    assert mentions == sorted(mentions, reverse=True)


def test_actor_profile(client: Any) -> None:
    a = _ok(client, "/api/actors/country:USA")
    assert a["code"] == "USA" and a["events_as_actor"] + a["events_as_recipient"] > 0
    assert a["timeline"] and all(len(p["month"]) == 7 for p in a["timeline"])
    # Counterparts: the first of the most named actors that has any (which one depends on the coder).
    named = [row["kb_id"] for row in _ok(client, "/api/actors", limit=30)["items"]]
    profiles = (_ok(client, f"/api/actors/{kb_id}") for kb_id in named)
    c = next(p for p in profiles if p["counterparts"])["counterparts"][0]
    assert c["events"] == sum(m["events"] for m in c["months"])
    assert c["goldstein"] == pytest.approx(c["cooperation"] + c["conflict"])
    assert client.get("/api/actors/person:nobody_at_all").status_code == 404


def test_dyad_timeline(client: Any) -> None:
    month = _ok(client, "/api/dyads/ISR/IRN/timeline", directed="false")
    assert month["points"] and month["by"] == "month"
    total = sum(len(p["event_ids"]) for p in month["points"])
    assert total == month["events"] == len(_all(client, dyad="ISR,IRN")) + len(_all(client, dyad="IRN,ISR"))
    week = _ok(client, "/api/dyads/ISR/IRN/timeline", by="week")
    assert all(p["period"].count("-") == 2 for p in week["points"])
    assert client.get("/api/dyads/ISR/IRN/timeline", params={"by": "day"}).status_code == 422
    assert client.get("/api/dyads/ISR/IRN/timeline", params={"date_from": "2017-99"}).status_code == 422


def test_bucket_weeks_start_on_monday() -> None:
    rows = [("a", "2024-12-04", -2.0), ("b", "2024-12-08", 3.0), ("c", "2024-12", 1.0),
            ("d", "2024-12-09", None)]
    points, skipped = bucket(rows, "week")
    assert [(p["period"], p["events"], p["goldstein"]) for p in points] == [
        ("2024-12-02", 2, 1.0), ("2024-12-09", 1, 0.0)]
    assert skipped == 1
    assert [p["period"] for p in bucket(rows, "month")[0]] == ["2024-12"]


# -- stories, articles, stats -----------------------------------------------------------------------------


def test_stories(client: Any) -> None:
    page = _ok(client, "/api/stories", limit=3)
    assert page["total"] >= 40 and len(page["items"]) == 3
    sid = page["items"][0]["id"]
    story = _ok(client, "/api/stories/" + quote(sid, safe=""))
    assert story["articles"] and story["id"] == sid
    assert client.get("/api/stories/story:none").status_code == 404


def test_article_spans_index_its_text(client: Any) -> None:
    event_id = _all(client, actor="person:vladimir_putin")[0]["id"]
    article_id = _ok(client, "/api/events/" + quote(event_id, safe=""))["articles"][0]["id"]
    assert "seed_page.txt" in article_id  # a path id: '/' and '#' in the URL
    a = _ok(client, "/api/articles/" + quote(article_id, safe=""))
    assert a["mentions"] and a["evidence"] and a["events"]
    for span in a["mentions"] + a["evidence"]:
        source = a["text"] if span["field"] == "text" else a["title"]
        assert source[span["article_start"]:span["article_end"]] == span["text"]
    assert any(s["field"] == "title" for s in a["mentions"])
    assert client.get("/api/articles/none#0").status_code == 404


def test_hostile_text_is_returned_as_json_data(client: Any) -> None:
    r = client.get("/api/articles/" + quote(f"{XSS_ID}#0", safe=""))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    body = r.json()
    assert "<script>alert(1)</script>" in body["text"] and "<img" in body["title"]
    assert "&lt;" not in r.text  # not HTML-escaped either: plain JSON strings, the client renders as text


def test_stats(client: Any) -> None:
    s = _ok(client, "/api/stats")
    assert s["tables"]["documents"] == 42 and s["events_by_type"]
    assert s["dates"]["first"] <= s["dates"]["last"]


def test_align_spans_prefers_title_at_document_start() -> None:
    article = {"title": "بوتين يزور", "text": "قال بوتين إن", "span_start": 100}
    spans = [{"text": "بوتين", "start": 100, "end": 105}, {"text": "بوتين", "start": 115, "end": 120}]
    align_spans(article, spans)
    assert [(s["field"], s["article_start"]) for s in spans] == [("title", 0), ("text", 4)]


# -- export -------------------------------------------------------------------------------------------------


def test_export_formats_stream(client: Any) -> None:
    n = len(_all(client, type="ACCUSE"))
    with client.stream("GET", "/api/export", params={"format": "plover", "type": "ACCUSE"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
        assert r.headers["content-security-policy"] == CSP
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert len(lines) == n == int(r.headers["x-marsad-events"])
    assert all(rec["event"] == "ACCUSE" and "dedup" in rec for rec in lines)
    gdelt = client.get("/api/export", params={"format": "gdelt", "type": "ACCUSE"})
    rows = gdelt.text.strip().split("\n")
    assert rows[0].startswith("GLOBALEVENTID\tSQLDATE") and len(rows) == n + 1
    table = list(csv.reader(io.StringIO(client.get("/api/export", params={"format": "csv"}).text)))
    assert table[0][0] == "id" and len(table) - 1 == _ok(client, "/api/events")["total"]
    assert client.get("/api/export", params={"format": "parquet"}).status_code == 422


def test_export_is_capped(api_db: Path) -> None:
    with TestClient(create_app(str(api_db), max_export=5)) as c:
        r = c.get("/api/export")
        assert r.status_code == 400 and "narrow the filters" in r.json()["detail"]
        assert c.get("/api/export", params={"type": "MOBILIZE"}).status_code == 200


# -- extract ------------------------------------------------------------------------------------------------


def test_extract(client: Any) -> None:
    text = "أعلنت وزارة الخارجية الروسية أن الرئيس فلاديمير بوتين استقبل وزير الخارجية التركي في موسكو."
    r = client.post("/api/extract", json={"text": text, "published": "2024-05-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["articles"][0]["text"] and any(m["kb_id"] == "person:vladimir_putin"
                                               for m in body["articles"][0]["mentions"])
    assert all("article_id" in e and "type" in e for e in body["events"])
    # a string naming a file is text, never a path to read
    leaked = client.post("/api/extract", json={"text": str(Path(__file__))}).json()
    assert "def test_extract" not in json.dumps(leaked, ensure_ascii=False)
    assert client.post("/api/extract", json={"text": ""}).status_code == 422
    assert client.post("/api/extract", json={"published": "2024"}).status_code == 422


def test_extract_size_limit(api_db: Path) -> None:
    with TestClient(create_app(str(api_db), max_extract_chars=100)) as c:
        assert c.post("/api/extract", json={"text": "ب" * 101}).status_code == 413
        assert c.post("/api/extract", json={"text": "ب" * 5000}).status_code == 413  # body limit, unparsed
        assert c.post("/api/extract", json={"text": "ب" * 50}).status_code == 200


# -- ingest, headers, availability ------------------------------------------------------------------------


def test_ingest_absent_without_token(client: Any) -> None:
    r = client.post("/api/ingest", json={"text": "نص"})
    assert r.status_code in (404, 405)
    assert "/api/ingest" not in client.get("/openapi.json").json()["paths"]


def test_ingest_with_token(writable_db: Path) -> None:
    text = "قال وزير الخارجية الفرنسي إن فرنسا تدعم جهود الوساطة المصرية لوقف إطلاق النار في غزة."
    with TestClient(create_app(str(writable_db), token=TOKEN)) as c:
        assert c.post("/api/ingest", json={"text": text}).status_code == 401
        bad = c.post("/api/ingest", json={"text": text}, headers={"Authorization": "Bearer wrong"})
        assert bad.status_code == 403
        auth = {"Authorization": f"Bearer {TOKEN}"}
        r = c.post("/api/ingest", json={"text": text, "id": "api-doc", "published": "2024-06-01",
                                        "outlet": "API"}, headers=auth)
        assert r.status_code == 201, r.text
        assert r.json()["documents_stored"] == 1
        article = _ok(c, "/api/articles/api-doc%230")
        assert article["outlet"] == "API" and article["published"] == "2024-06-01"
        again = c.post("/api/ingest", json={"text": text, "id": "api-doc", "published": "2024-06-01",
                                            "outlet": "API"}, headers=auth)
        assert again.status_code == 200 and again.json()["documents_skipped"] == 1
        page = "الرئيس الأمريكي يستقبل ملك الأردن في البيت الأبيض لبحث الأوضاع في المنطقة.\n"
        up = c.post("/api/ingest", files={"file": ("note.txt", page.encode(), "text/plain")}, headers=auth)
        assert up.status_code == 201, up.text
        odd = c.post("/api/ingest", files={"file": ("x.exe", b"MZ", "application/octet-stream")},
                     headers=auth)
        assert odd.status_code == 415
        assert c.post("/api/ingest", content=b"x", headers={**auth, "content-type": "text/plain"}
                      ).status_code == 415
        assert _ok(c, "/api/stats")["tables"]["documents"] == 44


def test_security_headers_everywhere(client: Any) -> None:
    for url in ("/api/events", "/api/nothing-here", "/openapi.json"):
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "'sha256-" in docs.headers["content-security-policy"]
    assert "/api/events" in client.get("/openapi.json").json()["paths"]


def test_missing_store_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(str(tmp_path / "absent.duckdb"))) as c:
        r = c.get("/api/events")
        assert r.status_code == 503 and "marsad ingest" in r.json()["detail"]
    assert not (tmp_path / "absent.duckdb").exists()


def test_serve_command_parses() -> None:
    import argparse

    from marsad.web.cli_commands import add_web_commands, resolve_token

    parser = argparse.ArgumentParser()
    add_web_commands(parser.add_subparsers())
    args = parser.parse_args(["serve", "--db", "x.duckdb", "--port", "9001", "--token", "env:MARSAD_T"])
    assert args.port == 9001 and args.host == "127.0.0.1" and args.token == "env:MARSAD_T"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MARSAD_T", "s3cret-s3cret-s3cret")
        assert resolve_token("env:MARSAD_T") == "s3cret-s3cret-s3cret"
        mp.delenv("MARSAD_API_TOKEN", raising=False)
        assert resolve_token(None) is None


@pytest.mark.parametrize("filters", [
    {"actor": "ISR"}, {"actor": "person:benjamin_netanyahu"}, {"actor": "USAGOV"}, {"country": "IRN"},
    {"dyad": "ISR,IRN"}, {"dyad": "person:vladimir_putin,SYR"},
])
def test_duckdb_fast_filters_match_the_store(api_db: Path, filters: dict[str, str]) -> None:
    """The list-column filters, and those on the read-only server's in-memory tables, select exactly
    the events the store's portable EXISTS filters select."""
    from marsad.store import open_store
    from marsad.store.query import where_clause
    from marsad.web.api import EventFilters, _open_duck_read_only

    with open_store(str(api_db), read_only=True) as store:
        slow, sp = where_clause(dict(filters))
        expected = {r[0] for r in store.fetchall(f"SELECT e.id FROM events e WHERE {slow}", sp)}
        fast, fp = EventFilters(dict(filters)).where(store)
        got = {r[0] for r in store.fetchall(f"SELECT e.id FROM events e WHERE {fast}", fp)}
        assert expected and expected == got
    indexed_store = _open_duck_read_only(str(api_db))
    try:
        indexed, ip = EventFilters(dict(filters)).where(indexed_store)
        assert "event_keys" in indexed or "list_contains" in indexed
        got = {r[0] for r in indexed_store.fetchall(f"SELECT e.id FROM events e WHERE {indexed}", ip)}
        assert expected == got
    finally:
        indexed_store.close()


def test_indexed_free_text_matches_the_scans(api_db: Path) -> None:
    """q over the in-memory haystack finds the same events as the LIKE scans of evidence, names, place."""
    from marsad.store import open_store
    from marsad.web.api import EventFilters, _open_duck_read_only

    indexed_store = _open_duck_read_only(str(api_db))
    try:
        found = 0
        with open_store(str(api_db), read_only=True) as store:
            for q in ("إيران", "بوتين", "الرئيس", "Putin", "%", "لا يوجد هذا النص"):
                scan, sp = EventFilters(q=q).where(store)
                fast, fp = EventFilters(q=q).where(indexed_store)
                assert "haystack" in fast
                ids = {r[0] for r in store.fetchall(f"SELECT e.id FROM events e WHERE {scan}", sp)}
                got = {r[0] for r in indexed_store.fetchall(f"SELECT e.id FROM events e WHERE {fast}", fp)}
                assert ids == got, q
                found += len(ids)
        assert found
    finally:
        indexed_store.close()
