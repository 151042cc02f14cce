"""Browser tests of the dashboard: a real DuckDB store, the real app under uvicorn, Debian's chromium.

Why a browser and not only HTTP checks: the pages are filled in by JavaScript from /api, so only a real
engine shows that filtering, the evidence <mark>s, the actor graph and the text-only rendering of hostile
article text work, and that nothing is fetched from outside 127.0.0.1 (no CDN, no web fonts).
Screenshots land in test-artifacts/ (gitignored) for a human look.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
EXAMPLES = ROOT / "examples"
HOSTILE = "<script>alert(1)</script><b>x</b>"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'marsad[web]'")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'marsad[web]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install "
                                                             "playwright")
api_module = pytest.importorskip("marsad.web.api", reason="marsad.web.api is not available")


def _chromium() -> str:
    path = "/usr/bin/chromium"
    if Path(path).is_file():
        return path
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no chromium at /usr/bin/chromium (run `make chromium` to install Debian's package)")
    return found


def _hostile_corpus(folder: Path) -> Path:
    """One document whose title and text carry markup that must come out as plain text."""
    text = ("أدان وزير الخارجية المصري سامح شكري بشدة الهجوم الإسرائيلي على قطاع غزة، "
            f"وطالب مجلس الأمن بالتدخل. {HOSTILE}\nوقال إن مصر ترفض أي تهجير للفلسطينيين.")
    record = {"id": "hostile-001", "title": f"عنوان {HOSTILE}", "date": "2024-03-05",
              "outlet": "منفذ تجريبي", "text": text}
    path = folder / "hostile.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    from marsad.store import open_store
    from marsad.store.ingest import ingest

    folder = tmp_path_factory.mktemp("dashboard")
    path = str(folder / "dash.duckdb")
    store = open_store(path)
    try:
        ingest(store, [EXAMPLES / "sample_corpus.jsonl", EXAMPLES / "seed_page.txt", _hostile_corpus(folder)])
    finally:
        store.close()
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(db_path: str) -> Iterator[str]:
    app = api_module.create_app(db_path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the dashboard server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser_page(base_url: str) -> Iterator[tuple[object, list[str], list[str]]]:
    """A chromium page that records every request URL and every console error / page error."""
    executable = _chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 1000}, locale="ar")
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.set_default_timeout(20000)  # generous: the machine may be shared; passing runs are not slower
        try:
            yield page, requests, errors
        finally:
            browser.close()


def _shot(page: object, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_dashboard_flow(browser_page: tuple, base_url: str) -> None:
    page, requests, errors = browser_page
    expect = sync_api.expect

    # Overview: counts, charts, top dyads/actors, latest stories.
    page.goto(base_url + "/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("#chart-quad .main-svg").first).to_be_visible()
    expect(page.locator("#top-dyads a").first).to_be_visible()
    expect(page.locator("#latest-stories a").first).to_be_visible()
    _shot(page, "overview")

    # Events filtered by a country: every row involves Iran.
    page.goto(base_url + "/events")
    page.fill("input[name=country]", "IRN")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/events?*country=IRN*")
    rows = page.locator("#events-table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 0
    expect(page.locator("#summary")).not_to_be_empty()
    _shot(page, "events-IRN")

    # An event: evidence highlighted in its article, participants, the outlets that reported it.
    rows.first.locator("td").nth(1).locator("a").click()
    page.wait_for_url("**/event?id=*")
    expect(page.locator("#articles mark").first).to_be_visible()
    assert page.locator("#articles mark").first.inner_text().strip()
    expect(page.locator("#participants a").first).to_be_visible()
    expect(page.locator("#sources li").first).to_be_visible()
    _shot(page, "event")

    # An actor page with its counterpart graph and events.
    page.locator("#participants a[href^='/actor']").first.click()
    page.wait_for_url("**/actor?id=*")
    expect(page.locator("#chart-network .main-svg").first).to_be_visible()
    expect(page.locator("#actor-events tbody tr").first).to_be_visible()
    _shot(page, "actor")

    # A dyad and the map.
    page.goto(base_url + "/dyad?a=TUN&b=USA")
    expect(page.locator("#chart-dyad .main-svg").first).to_be_visible()
    expect(page.locator("#dyad-points details").first).to_be_visible()
    box = page.locator("#chart-dyad .scatterlayer .point").first.bounding_box()  # under the drag layer
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # opens the events behind it
    expect(page.locator("#dyad-points details[open] tbody tr").first).to_be_visible()
    _shot(page, "dyad")
    page.goto(base_url + "/map")
    expect(page.locator("#chart-map .main-svg").first).to_be_visible()
    expect(page.locator("#locations tbody tr").first).to_be_visible()
    _shot(page, "map")

    assert not errors, errors
    outside = [u for u in requests if urlparse(u).hostname != "127.0.0.1"]
    assert not outside, f"requests left 127.0.0.1: {outside}"


def test_an_event_page_says_what_each_report_attributes_it_to(browser_page: tuple, base_url: str) -> None:
    page, _, errors = browser_page
    attributed: list[str] = []
    for item in page.request.get(base_url + "/api/events?country=IRN&limit=500").json()["items"]:
        detail = page.request.get(base_url + "/api/events/" + quote(item["id"], safe="")).json()
        attributed = [a["attribution"] for a in detail["articles"] if a["attribution"]]
        if attributed:
            break
    assert attributed  # the seed page's statements are attributed ("بوتين وبزشكيان يؤكدان ...")
    page.goto(base_url + "/event?id=" + quote(item["id"], safe=""))
    sync_api.expect(page.locator("#articles .attribution").first).to_contain_text(attributed[0])
    _shot(page, "event-attribution")
    assert not errors, errors


def test_hostile_text_renders_as_text(browser_page: tuple, base_url: str) -> None:
    page, requests, errors = browser_page
    expect = sync_api.expect
    page.goto(base_url + "/article?id=" + "hostile-001%230")
    text = page.locator("#article-text")
    expect(text).to_contain_text(HOSTILE)
    expect(page.locator("#article-title")).to_contain_text(HOSTILE)
    assert page.locator("main script, main b").count() == 0
    _shot(page, "hostile-article")
    for path, selector in (("/stories", "#stories-table tbody tr"),
                           ("/actors?q=بوتين", "#actors-table tbody tr"),
                           ("/story?id=story%3Ahostile-001%230", "#story-articles tbody tr")):
        page.goto(base_url + path)
        expect(page.locator(selector).first).to_be_visible()
    expect(page.locator("#story-title")).to_contain_text(HOSTILE)
    assert not errors, errors
    assert all(urlparse(u).hostname == "127.0.0.1" for u in requests)


def test_pages_send_csp(base_url: str) -> None:
    import httpx2

    for path in ("/", "/events", "/event?id=x", "/actor?id=RUS", "/dyad", "/map", "/article?id=x"):
        response = httpx2.get(base_url + path)
        assert response.status_code == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert "<script>" not in response.text  # no inline scripts
    assert httpx2.get(base_url + "/vendor/plotly.min.js").status_code == 200
