"""The ``marsad`` command line: one verb per library function.

marsad extract PATH... [--format jsonl|table|plover]   articles with mentions and events
marsad actors PATH|-                                    actor mentions and their resolution
marsad kb search NAME | marsad kb stats                 look into the knowledge base
marsad evaluate --gold GOLD.jsonl [--system OUT.jsonl]  precision, recall, F1 against gold events
marsad train --gold TRAIN.jsonl --out DIR               fit the type, role, reranker and filter models
marsad ingest PATH... [--db URL]                        extract and store (DuckDB file or PostgreSQL)
marsad query [filters] | marsad stats                   merged events from the store
marsad export --format plover|gdelt|parquet|csv         the store in the formats the field uses
marsad watch FEED_URL... [--every 5m] [--db URL]        poll RSS/Atom feeds and ingest new items
marsad serve [--db URL] [--host 127.0.0.1] [--port 8000]  REST API and the analysts' dashboard
marsad spark INPUT... --output DIR [--master URL]        the pipeline on Apache Spark; marsad load DIR
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from marsad import __version__


def _progress(quiet: bool) -> Any:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from marsad.console import err_console

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} docs · {task.fields[rate]:.0f} docs/s · {task.fields[errors]} errors"),
        TimeElapsedColumn(),
        console=err_console(),
        disable=quiet,
        transient=False,
    )


@contextmanager
def _quiet_logs(quiet: bool) -> Iterator[None]:
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, format="%(levelname)s %(message)s")
    yield


def cmd_extract(args: argparse.Namespace) -> int:
    import time

    from marsad.pipeline import Stats, run
    from marsad.readers.errors import ErrorLog
    from marsad.serialize import article_dict, plover_record

    errors, stats = ErrorLog(), Stats()
    out = sys.stdout
    table_rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    with _quiet_logs(args.quiet), _progress(args.quiet or args.format == "table") as progress:
        task = progress.add_task("extracting", total=None, rate=0.0, errors=0)
        for _doc, articles in run(args.paths, errors, stats, use_model=not args.no_model):
            for article in articles:
                if args.format == "plover":
                    for event in article.events:
                        out.write(json.dumps(plover_record(article, event), ensure_ascii=False) + "\n")
                elif args.format == "table":
                    table_rows.append(article_dict(article))
                else:
                    out.write(json.dumps(article_dict(article), ensure_ascii=False) + "\n")
            rate = stats.documents / max(time.perf_counter() - started, 1e-9)
            progress.update(task, advance=1, rate=rate, errors=errors.count + stats.errors)
    if args.format == "table":
        from marsad.console import print_articles

        print_articles(table_rows, stats, errors)
    _report_errors(errors)
    return 0 if stats.documents or not errors.count else 1


def _report_errors(errors: Any, shown: int = 5) -> None:
    """Always tell the user what was skipped and where, even with --quiet (stdout stays clean)."""
    if not errors.count:
        return
    kinds = ", ".join(f"{k}: {n}" for k, n in errors.by_kind.items())
    print(f"marsad: {errors.count} input error(s) skipped ({kinds})", file=sys.stderr)
    for e in errors.entries[:shown]:
        where = f"{e.source}:{e.line}" if e.line is not None else e.source
        print(f"  {where}: {e.message}", file=sys.stderr)
    if errors.count > shown:
        print(f"  ... and {errors.count - shown} more", file=sys.stderr)


def cmd_actors(args: argparse.Namespace) -> int:
    from marsad.console import print_mentions
    from marsad.pipeline import Stats, run
    from marsad.readers.errors import ErrorLog

    errors = ErrorLog()
    with _quiet_logs(args.quiet):
        for _doc, articles in run(args.paths, errors, Stats(), events=False):
            for article in articles:
                if args.json:
                    from marsad.serialize import mention_dict

                    for m in article.mentions:
                        print(json.dumps({"article": article.id, **mention_dict(m)}, ensure_ascii=False))
                else:
                    print_mentions(article)
    return 0


def cmd_kb(args: argparse.Namespace) -> int:
    from marsad.kb import search, stats

    if args.kb_command == "stats":
        result = stats()
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=1))
        else:
            from marsad.console import print_kb_stats

            print_kb_stats(result)
        return 0
    hits = search(" ".join(args.name), date=args.date)
    if args.json:
        print(json.dumps(hits, ensure_ascii=False, indent=1))
    else:
        from marsad.console import print_kb_hits

        print_kb_hits(hits)
    return 0 if hits else 1


def cmd_evaluate(args: argparse.Namespace) -> int:
    from marsad import evaluate as ev

    logging.basicConfig(level=logging.ERROR)
    if args.actors:
        result = ev.actor_recall(args.gold, include_historical=args.include_historical)
        print(
            json.dumps(result, ensure_ascii=False, indent=1)
            if args.json
            else f"actor recall: {result['recall']:.3f} "
            f"({result['found']}/{result['total']} gold party codes "
            "found among the article's linked mentions)"
        )
        return 0
    if args.ablation:
        if args.system:
            print("marsad evaluate: --ablation runs every coder itself; drop --system", file=sys.stderr)
            return 2
        results = ev.ablation(args.gold, include_historical=args.include_historical)
        if args.json:
            print(json.dumps({name: r.as_dict() for name, r in results.items()}, indent=1))
        else:
            print(ev.format_ablation(results))
        return 0
    gold = ev.gold_events(args.gold)
    if args.system:
        system = ev.system_events_from_output(args.system)
    else:
        system = ev.system_events_from_run(args.gold, use_model=False if args.no_model else args.coder)
    scores = ev.score(gold, system, include_historical=args.include_historical)
    if args.json:
        print(json.dumps(scores.as_dict(), indent=1))
    else:
        print(_what_was_scored(args))
        print(ev.format_report(scores))
    return 0


def _what_was_scored(args: argparse.Namespace) -> str:
    """The report's first line: which output or which coder and model, so that saved reports compare."""
    from marsad.models import chosen_path

    if args.system:
        return f"system: {args.system}"
    path = None if args.no_model else chosen_path()
    if path is None:
        return "coder: rules only"
    report = json.loads((path / "model.json").read_text("utf-8"))
    trained = f"seed {report.get('seed')}, trained on {report.get('train_file')}"
    return f"coder: {args.coder}, model {path} ({trained})"


def cmd_train(args: argparse.Namespace) -> int:
    from pathlib import Path

    from marsad.models.train import train

    logging.basicConfig(level=logging.ERROR)
    report = train(Path(args.gold), Path(args.out), seed=args.seed, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"model written to {args.out}; use it: marsad extract FILES --model {args.out}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from marsad.models import add_model_arguments

    parser = argparse.ArgumentParser(prog="marsad", description="Arabic news to PLOVER political event data.")
    parser.add_argument("--version", action="version", version=f"marsad {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="articles, actor mentions and events from files, directories or -")
    p.add_argument(
        "paths", nargs="+", help="text, HTML or JSONL files, directories, .gz files, or - for stdin"
    )
    p.add_argument(
        "--format",
        choices=["jsonl", "table", "plover"],
        default="jsonl",
        help="jsonl: one article per line (default); table: readable summary; plover: PLOVER JSON",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or warnings (for scripts)")
    add_model_arguments(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("actors", help="actor mentions with their knowledge-base resolution")
    p.add_argument("paths", nargs="+", help="files, directories or - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per mention")
    p.add_argument("--quiet", "-q", action="store_true", help="no warnings")
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("kb", help="search the knowledge base or count its entries")
    kb = p.add_subparsers(dest="kb_command", required=True)
    s = kb.add_parser("search", help="find people, states and organisations by Arabic or English name")
    s.add_argument("name", nargs="+", help="a name, in Arabic or English")
    s.add_argument("--date", help="resolve offices at this date (YYYY-MM-DD); default: today")
    s.add_argument("--json", action="store_true")
    s = kb.add_parser("stats", help="counts of KB entries by kind")
    s.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kb)

    p = sub.add_parser("evaluate", help="precision/recall/F1 of events against a gold JSONL file")
    p.add_argument("--gold", required=True, help="gold JSONL (see shared/eval/GUIDELINES.md)")
    p.add_argument("--system", help="marsad extract output to score; default: run the extractor on the gold")
    p.add_argument("--include-historical", action="store_true", help="also score historical events")
    add_model_arguments(p)
    p.add_argument("--actors", action="store_true", help="actor recall of the linker instead of event scores")
    p.add_argument("--coder", choices=["types", "roles", "full"], default="full",
                   help="ablations: types = rule events the type model agrees with; roles = type and role "
                   "models decode; full = rules and models pooled through the event filter (default)")
    p.add_argument("--ablation", action="store_true",
                   help="score rules only, types, roles, full, and full without the referent check "
                   "on the gold in one run, one line each")
    p.add_argument("--json", action="store_true", help="machine-readable scores")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("train", help="train the type, role, reranker and filter models from gold annotations")
    p.add_argument(
        "--gold", required=True, help="training JSONL with gold events (e.g. shared/eval/train.jsonl)"
    )
    p.add_argument("--out", required=True, help="directory to write the model to")
    p.add_argument("--seed", type=int, default=13, help="random seed (folds, solvers)")
    p.set_defaults(func=cmd_train)

    from marsad.store.cli_commands import add_store_commands

    add_store_commands(sub)

    from marsad.watch import add_watch_commands

    add_watch_commands(sub)

    from marsad.web.cli_commands import add_web_commands

    add_web_commands(sub)

    from marsad.spark.cli_commands import add_spark_commands

    add_spark_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from marsad.models import ModelDirError, use_model_argument

    args = build_parser().parse_args(argv)
    try:
        use_model_argument(args)
        return int(args.func(args))
    except BrokenPipeError:
        return 0
    except ModelDirError as exc:
        print(f"marsad: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, PermissionError) as exc:
        print(f"marsad: {exc}. Check the path and try again.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
