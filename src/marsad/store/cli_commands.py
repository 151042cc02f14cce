"""``marsad ingest | query | stats | export``: the store's verbs, added to the main parser by
``add_store_commands(subparsers)`` (called from ``marsad.cli.build_parser``).

Each command opens the store given by ``--db`` (else $MARSAD_DB, else ./marsad.duckdb), does one thing
and closes it. Progress and summaries go to stderr, results to stdout, so output can be piped.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from typing import Any

from marsad.models import add_model_arguments
from marsad.store.query import FILTER_KEYS, parse_where

DB_HELP = ("store URL: a DuckDB path (or duckdb:PATH) or postgresql://...; "
           "default $MARSAD_DB or ./marsad.duckdb")


def add_store_commands(subparsers: Any) -> None:
    """Register ingest, query, stats and export on an ``argparse`` sub-parsers object."""
    p = subparsers.add_parser("ingest", help="read, extract and store documents (idempotent, resumable)")
    add_ingest_arguments(p)
    p.set_defaults(func=cmd_ingest)

    p = subparsers.add_parser("query", help="merged events from the store, filtered")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--actor", help="actor or recipient: code (RUS), code+sector (RUSGOV) or KB id")
    p.add_argument("--country", help="a participant's country code, or the event location's")
    p.add_argument("--dyad", help="A,B: A among the actors and B among the recipients")
    p.add_argument("--type", help="PLOVER event type, e.g. ASSAULT")
    p.add_argument("--quad", type=int, choices=[1, 2, 3, 4], help="quad class")
    p.add_argument("--from", dest="date_from", help="first event date (ISO, any precision)")
    p.add_argument("--to", dest="date_to", help="last event date (ISO, inclusive at its precision)")
    p.add_argument("--outlet", help="substring of a reporting outlet or source")
    p.add_argument("--text", help="substring of the evidence text")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=cmd_query)

    p = subparsers.add_parser("stats", help="row counts, events per type, top dyads, recent runs")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = subparsers.add_parser("export", help="stored events as PLOVER JSONL, GDELT TSV, Parquet or CSV")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--format", choices=["plover", "gdelt", "parquet", "csv"], default="plover")
    p.add_argument("--where", action="append", metavar="KEY=VALUE",
                   help=f"filter (repeatable); keys: {', '.join(FILTER_KEYS)}")
    p.add_argument("--out", help="output file (default stdout); for parquet a directory (default ./export)")
    p.set_defaults(func=cmd_export)


def add_ingest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", help="text, HTML or JSONL files, directories, .gz files")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--batch", type=int, default=200, help="documents per transaction (default 200)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar, warnings or summary")
    add_model_arguments(p)


def _progress(quiet: bool) -> Any:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from marsad.console import err_console

    return Progress(
        SpinnerColumn(), TextColumn("ingesting"), BarColumn(),
        TextColumn("{task.fields[docs]} docs · {task.fields[rate]:.1f} docs/s · {task.fields[events]} events"
                   " · {task.fields[errors]} errors"),
        TimeElapsedColumn(), console=err_console(), disable=quiet)


def cmd_ingest(args: argparse.Namespace) -> int:
    from marsad.store import open_store
    from marsad.store.ingest import IngestSummary, ingest, rules_processor

    logging.basicConfig(level=logging.ERROR if args.quiet else logging.WARNING,
                        format="%(levelname)s %(message)s")
    with open_store(args.db) as store, _progress(args.quiet) as progress:
        task = progress.add_task("ingest", total=None, docs=0, rate=0.0, events=0, errors=0)

        def show(s: IngestSummary) -> None:
            progress.update(task, docs=s.documents_read, rate=s.documents_read / max(s.seconds, 1e-9),
                            events=s.new_events, errors=s.errors)

        summary = ingest(store, args.paths, batch=args.batch, progress=show,
                         processor=rules_processor if args.no_model else None)
        totals = store.counts()
    if not args.quiet:
        _print_summary(summary.as_dict(), totals)
    return 0 if summary.documents_read or not summary.errors else 1


def _print_summary(summary: dict[str, Any], totals: dict[str, int]) -> None:
    from marsad.console import err_console

    rate = summary["documents_read"] / max(summary["seconds"], 1e-9)
    err_console().print(
        f"run {summary['run_id']}: {summary['documents_read']} documents read, {summary['documents_stored']} "
        f"stored, {summary['documents_skipped']} already stored, {summary['articles']} articles, "
        f"{summary['new_events']} new merged events, {summary['errors']} errors in "
        f"{summary['seconds']:.1f} s ({rate:.1f} docs/s)")
    err_console().print("store: " + ", ".join(f"{k} {v}" for k, v in totals.items() if k != "schema_version"))
    if summary["by_kind"]:
        err_console().print("errors by kind: " + json.dumps(summary["by_kind"]))


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {"actor": args.actor, "country": args.country, "dyad": args.dyad, "type": args.type,
            "quad": args.quad, "from": args.date_from, "to": args.date_to, "outlet": args.outlet,
            "text": args.text}


def cmd_query(args: argparse.Namespace) -> int:
    from marsad.store import open_store

    with open_store(args.db) as store:
        rows = store.query(_filters(args), limit=args.limit)
    if args.format == "json":
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    elif args.format == "csv":
        _write_csv(rows)
    else:
        _print_table(rows)
    return 0


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(str(v) for v in value if v)
    return "" if value is None else str(value)


def _write_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(rows[0].keys())
    for r in rows:
        writer.writerow([_flat(v) for v in r.values()])


def _print_table(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    from marsad.console import out_console

    table = Table(title=f"{len(rows)} events")
    for col in ("date", "type", "actors", "recipients", "sources", "evidence"):
        table.add_column(col, overflow="fold")
    for r in rows:
        evidence = (r.get("evidence") or "").replace("\n", " ")
        table.add_row(r["date"] or "", r["type"], _flat(r["actor_codes"]), _flat(r["recipient_codes"]),
                      str(r["num_sources"]), evidence[:90])
    out_console().print(table)


def cmd_stats(args: argparse.Namespace) -> int:
    from marsad.store import open_store

    with open_store(args.db) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=1, default=str))
        return 0
    from marsad.console import out_console

    con = out_console()
    con.print(f"schema version {stats['schema_version']}")
    con.print("tables: " + ", ".join(f"{k} {v}" for k, v in stats["tables"].items()))
    con.print("events by type: " + ", ".join(f"{k} {v}" for k, v in stats["events_by_type"].items()))
    dyads = (f"{d['actor']}->{d['recipient']} {d['events']}" for d in stats["top_dyads"])
    con.print("top dyads: " + ", ".join(dyads))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from marsad.exports import export
    from marsad.store import open_store

    with open_store(args.db) as store:
        n = export(store, args.format, parse_where(args.where), args.out)
    print(f"exported {n} events", file=sys.stderr)
    return 0


def main_ingest(argv: list[str] | None = None) -> int:
    """``marsad ingest`` without the main CLI (tests, scripts): same arguments."""
    parser = argparse.ArgumentParser(prog="marsad ingest")
    add_ingest_arguments(parser)
    return cmd_ingest(parser.parse_args(argv))
