"""Readable terminal output (rich): article tables, mentions, KB look-ups. Only the CLI imports this."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

from rich.console import Console
from rich.table import Table

from marsad.records import Article


@cache
def err_console() -> Console:
    return Console(stderr=True)


@cache
def out_console() -> Console:
    return Console()


def _short(text: str | None, n: int = 70) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def print_articles(rows: list[dict[str, Any]], stats: Any, errors: Any) -> None:
    """One line per article: what it is, when, its title, and what marsad found in it."""
    table = Table(title="marsad extract", show_lines=False, expand=False)
    table.add_column("article", no_wrap=True, max_width=22, overflow="ellipsis")
    table.add_column("date", no_wrap=True)
    table.add_column("title", no_wrap=True, max_width=44, overflow="ellipsis", justify="right")
    table.add_column("actors", justify="right")
    table.add_column("events", overflow="fold")
    type_counts: Counter[str] = Counter()
    for r in rows:
        types = Counter(e["type"] for e in r["events"])
        type_counts.update(types)
        flag = "⚡ " if r["breaking"] else ("↳ " if r["kind"] == "headline" else "")
        table.add_row(
            r["id"].rsplit("/", 1)[-1],
            (r["published"] or "")[:10],
            flag + (r["title"] or "").replace("\n", " "),
            str(len(r["mentions"])),
            " ".join(f"{t}×{n}" if n > 1 else t for t, n in sorted(types.items())),
        )
    console = out_console()
    console.print(table)
    console.print(
        f"{stats.documents} documents → {stats.articles} articles, {stats.headlines} headlines, "
        f"{stats.mentions} actor mentions, {stats.events} events; {errors.count + stats.errors} errors"
    )
    if type_counts:
        console.print("events by type: " + ", ".join(f"{t} {n}" for t, n in type_counts.most_common()))


def print_mentions(article: Article) -> None:
    table = Table(title=f"{article.id}  {_short(article.title, 60)}")
    for col in ("span", "text", "kb_id", "name", "code", "sector", "role", "kind"):
        table.add_column(col, overflow="fold")
    for m in article.mentions:
        table.add_row(
            f"{m.span.start}-{m.span.end}",
            m.text,
            m.kb_id or "",
            m.name or "",
            m.code or "",
            m.sector or "",
            m.role or "",
            m.kind,
        )
    out_console().print(table)


def print_kb_stats(result: dict[str, Any]) -> None:
    table = Table(title="marsad knowledge base")
    table.add_column("kind")
    table.add_column("entries", justify="right")
    for kind, n in result.items():
        table.add_row(kind, str(n))
    out_console().print(table)


def print_kb_hits(hits: list[dict[str, Any]]) -> None:
    if not hits:
        err_console().print("no KB entry matches; try another spelling or the English name")
        return
    table = Table(title="KB search")
    for col in ("kind", "id", "name", "code", "sector", "role / offices"):
        table.add_column(col, overflow="fold")
    for h in hits:
        table.add_row(
            h["kind"],
            h["id"],
            h.get("name") or "",
            h.get("code") or "",
            h.get("sector") or "",
            h.get("detail") or "",
        )
    out_console().print(table)
