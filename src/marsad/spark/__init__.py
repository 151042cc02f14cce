"""Batch runs of the marsad pipeline on Apache Spark (``pip install 'marsad[spark]'``).

``marsad spark INPUT... --output DIR`` reads JSONL, text, HTML and WARC files from any Hadoop path,
runs ``marsad.pipeline.process`` per document inside ``mapPartitions``, deduplicates stories and events
across the whole batch with the store's rules, and writes Parquet (plus PLOVER JSON lines) under DIR.
``marsad load DIR --db URL`` then bulk-loads that output into DuckDB or PostgreSQL.

pyspark is imported only inside ``marsad.spark.job`` functions that need it, so importing this package
(and ``marsad load``, which reads Parquet with pyarrow) works without pyspark or Java installed.
"""

from __future__ import annotations

__all__ = ["add_spark_commands"]


def add_spark_commands(subparsers: object) -> None:
    """Register ``spark`` and ``load`` on the main parser (see ``marsad.spark.cli_commands``)."""
    from marsad.spark.cli_commands import add_spark_commands as add

    add(subparsers)
