"""The analysts' web dashboard: HTML pages served beside the JSON API (``marsad.web.api``).

Why the pages are static shells filled in the browser from ``/api``: every page then has its JSON twin by
construction, the dashboard holds no query logic of its own, and untrusted article text only ever reaches
the DOM through ``textContent`` (``static/js/common.js``), never through markup built on the server.
The shells carry no data, so they need no template engine: a fixed layout with three placeholders whose
values are our own constants, escaped anyway.

Everything is local: CSS and JS from ``static/``, Plotly from the installed ``plotly`` Python package
(served from its own file, so nothing large is committed). Pages ask for nothing outside the app, which is
what the Content-Security-Policy sent with them (``script-src 'self'``, ``connect-src 'self'``) enforces.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from marsad.store.base import Store

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# Inline styles are allowed because Plotly sets them; scripts and connections stay same-origin only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True, slots=True)
class Page:
    """One dashboard page: its URL, its body fragment and script, its bilingual title."""

    name: str
    path: str
    ar: str
    en: str
    in_nav: bool = True
    charts: bool = True


PAGES: tuple[Page, ...] = (
    Page("overview", "/", "نظرة عامة", "Overview"),
    Page("events", "/events", "الأحداث", "Events", charts=False),
    Page("actors", "/actors", "الفاعلون", "Actors", charts=False),
    Page("stories", "/stories", "القصص", "Stories", charts=False),
    Page("map", "/map", "الخريطة", "Map"),
    Page("event", "/event", "حدث", "Event", in_nav=False, charts=False),
    Page("actor", "/actor", "فاعل", "Actor", in_nav=False),
    Page("dyad", "/dyad", "ثنائية", "Dyad", in_nav=False),
    Page("story", "/story", "قصة", "Story", in_nav=False, charts=False),
    Page("article", "/article", "مقال", "Article", in_nav=False, charts=False),
)


def plotly_js() -> Path | None:
    """The minified plotly.js shipped inside the ``plotly`` package, or None when it is not installed."""
    try:
        import plotly
    except ImportError:
        return None
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def _nav(current: Page) -> str:
    """The navigation bar; labels are our constants but go through html.escape all the same."""
    items = []
    for p in PAGES:
        if not p.in_nav:
            continue
        here = ' aria-current="page"' if p is current else ""
        items.append(f'<a href="{html.escape(p.path)}"{here}>{html.escape(p.ar)} '
                     f'<span class="en">{html.escape(p.en)}</span></a>')
    return "\n".join(items)


def _scripts(page: Page) -> str:
    """Script tags (external, same origin: the CSP forbids inline scripts)."""
    srcs = (["/vendor/plotly.min.js"] if page.charts else []) + ["/static/js/common.js",
                                                                   f"/static/js/{page.name}.js"]
    return "\n".join(f'<script defer src="{html.escape(s)}"></script>' for s in srcs)


@cache
def render(name: str) -> str:
    """The full HTML of a page: the layout with its nav, body fragment and scripts filled in."""
    page = next(p for p in PAGES if p.name == name)
    layout = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    body = (TEMPLATES / f"{page.name}.html").read_text(encoding="utf-8")
    values = {
        "{{ title }}": html.escape(f"{page.ar} · {page.en} — marsad"),
        "{{ page }}": html.escape(page.name),
        "{{ nav }}": _nav(page),
        "{{ scripts }}": _scripts(page),
        "{{ body }}": body,
    }
    for key, value in values.items():
        layout = layout.replace(key, value)
    return layout


def _page_route(page: Page) -> Callable[[], HTMLResponse]:
    def handler() -> HTMLResponse:
        return HTMLResponse(render(page.name), headers=SECURITY_HEADERS)

    handler.__name__ = f"dashboard_{page.name}"
    handler.__doc__ = f"Dashboard page: {page.en}."
    return handler


def _plotly_route() -> Response:
    path = plotly_js()
    if path is None:
        # The pages still work (tables, text); charts show a notice instead.
        return Response("/* plotly is not installed: pip install 'marsad[web]' */",
                        media_type="text/javascript", status_code=200)
    return FileResponse(path, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400", **SECURITY_HEADERS})


def overview_data(store: Store, top: int = 10) -> dict[str, Any]:
    """What the overview charts need beyond ``/api/stats``: events per month by quad class and by type,
    and the most active actors (generic groups such as "civilians" left out)."""
    by_quad = store.fetchall(
        "SELECT substr(date, 1, 7) AS m, quad, count(*) FROM events WHERE length(date) >= 7 "
        "GROUP BY substr(date, 1, 7), quad ORDER BY m, quad")
    by_type = store.fetchall(
        "SELECT substr(date, 1, 7) AS m, type, count(*) FROM events WHERE length(date) >= 7 "
        "GROUP BY substr(date, 1, 7), type ORDER BY m, type")
    actors = store.fetchall(
        "SELECT kb_id, min(name), min(code), count(DISTINCT event_id) AS n FROM event_participants "
        "WHERE kb_id IS NOT NULL AND kb_id NOT LIKE 'generic:%' GROUP BY kb_id "
        "ORDER BY n DESC, kb_id LIMIT ?", [top])
    return {
        "by_quad": [{"month": m, "quad": q, "events": int(n)} for m, q, n in by_quad],
        "by_type": [{"month": m, "type": t, "events": int(n)} for m, t, n in by_type],
        "top_actors": [{"kb_id": k, "name": name, "code": code, "events": int(n)}
                       for k, name, code, n in actors],
    }


def locations_data(store: Store, where: str, params: list[Any], limit: int = 2000) -> list[dict[str, Any]]:
    """Event locations (events with coordinates, grouped by place) for the map, most events first."""
    rows = store.fetchall(
        "SELECT e.location_name, e.location_country, avg(e.lat), avg(e.lon), count(*) AS n, avg(e.goldstein) "
        f"FROM events e WHERE {where} AND e.lat IS NOT NULL AND e.lon IS NOT NULL "
        "GROUP BY e.location_name, e.location_country ORDER BY n DESC, e.location_name LIMIT ?",
        [*params, limit])
    return [{"name": name, "country": country, "lat": lat, "lon": lon, "events": int(n), "goldstein": g}
            for name, country, lat, lon, n, g in rows]


def _json_routes(app: FastAPI, store_getter: Callable[[], AbstractContextManager[Store]]) -> None:
    """The JSON twins of the overview and the map (the other pages use the API's own endpoints)."""
    from marsad.web.api import UnicodeJSON, event_filters

    def overview() -> Response:
        """Events per month by quad class and type, and the top actors (the dashboard overview)."""
        with store_getter() as store:
            return UnicodeJSON(overview_data(store))

    def locations(filters: Any = Depends(event_filters)) -> Response:  # noqa: B008 (FastAPI idiom)
        """Places of the events matching the API's event filters, with event counts (the dashboard map)."""
        with store_getter() as store:
            where, params = filters.where(store)
            return UnicodeJSON({"items": locations_data(store, where, params)})

    app.add_api_route("/api/dashboard/overview", overview, methods=["GET"], tags=["dashboard"])
    app.add_api_route("/api/dashboard/locations", locations, methods=["GET"], tags=["dashboard"])


def add_dashboard(app: FastAPI, store_getter: Callable[[], AbstractContextManager[Store]] | None = None
                  ) -> FastAPI:
    """Mount the dashboard pages, their static assets and plotly.js on ``app`` (the API app).

    ``store_getter()`` is a context manager yielding a Store for one request (the API's session); the
    overview and map JSON need it, every other page reads the API's own endpoints.
    """
    if store_getter is not None:
        _json_routes(app, store_getter)
    for page in PAGES:
        app.add_api_route(page.path, _page_route(page), methods=["GET"], response_class=HTMLResponse,
                          include_in_schema=False)
    app.add_api_route("/vendor/plotly.min.js", _plotly_route, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="dashboard-static")
    return app


__all__ = ["CSP", "PAGES", "add_dashboard", "locations_data", "overview_data", "plotly_js", "render"]
