"""``marsad spark`` and ``marsad load``: added to the main parser by ``add_spark_commands(subparsers)``.

``spark`` needs pyspark and Java (``pip install 'marsad[spark]'``); ``load`` reads Parquet with pyarrow
only, so the machine that owns the database does not need Spark.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from marsad.models import add_model_arguments
from marsad.store.cli_commands import DB_HELP


def add_spark_commands(subparsers: Any) -> None:
    """Register ``spark`` and ``load`` on an ``argparse`` sub-parsers object."""
    p = subparsers.add_parser("spark", help="run the pipeline on Apache Spark; Parquet + PLOVER output")
    p.add_argument("inputs", nargs="+",
                   help="JSONL, text, HTML or WARC files or directories, any Hadoop path (hdfs:, s3a:)")
    p.add_argument("--output", required=True, help="output directory (any Hadoop path); overwritten")
    p.add_argument("--master", default="local[*]", help="Spark master URL (default local[*]; yarn, spark://...)")
    p.add_argument("--partitions", type=int, help="input and shuffle partitions (default 2 x cores)")
    add_model_arguments(p)
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                   help="extra Spark configuration (repeatable), e.g. spark.executor.memory=4g")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    p.set_defaults(func=cmd_spark)

    p = subparsers.add_parser("load", help="bulk-load the output of `marsad spark` into the store")
    p.add_argument("parquet_dir", help="the --output directory of `marsad spark` (local path)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--batch", type=int, default=500, help="documents per transaction (default 500)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    p.set_defaults(func=cmd_load)


def _conf(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"marsad spark: --conf wants KEY=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


def cmd_spark(args: argparse.Namespace) -> int:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("marsad spark: pyspark is not installed; pip install 'marsad[spark]' (needs Java 17+)",
              file=sys.stderr)
        return 2
    from marsad.spark.job import run_job, session

    spark = session(args.master, partitions=args.partitions, conf=_conf(args.conf))
    try:
        summary = run_job(spark, args.inputs, args.output, partitions=args.partitions,
                          use_model=not args.no_model)
    finally:
        spark.stop()
    if not args.quiet:
        print(json.dumps(summary.as_dict()), file=sys.stderr)
    return 0 if summary.documents or not summary.errors else 1


def cmd_load(args: argparse.Namespace) -> int:
    from marsad.spark.job import load
    from marsad.store import open_store

    logging.basicConfig(level=logging.ERROR if args.quiet else logging.WARNING,
                        format="%(levelname)s %(message)s")
    with open_store(args.db) as store:
        summary = load(store, args.parquet_dir, batch=args.batch)
        totals = store.counts()
    if not args.quiet:
        print(json.dumps({"load": summary.as_dict(), "store": totals}, default=str), file=sys.stderr)
    return 0 if summary.documents_read or not summary.errors else 1
