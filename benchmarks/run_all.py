"""Run the benchmarks and write ``benchmarks/RESULTS.md`` (``make bench``).

Each bench module exposes ``run() -> dict``; this runner calls them in turn on one core, records the
machine, the package versions, the date and the git commit beside the numbers (figures from another
machine or commit are not comparable), and prints a short summary. A bench that fails is reported as
such and the others still run. ``--only pipeline link`` re-runs some benches (the whole set takes about
an hour, most of it the 100,000-article scale-up) and replaces only their sections of RESULTS.md; every
section's footer names the commit, date and CPU it was measured at.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from importlib import metadata

import bench_api
import bench_dates
import bench_dedup
import bench_link
import bench_peers
import bench_pipeline
import bench_scale
import bench_seeds
import bench_spark
import bench_store
import bench_text
import common

RESULTS = common.BENCH_DIR / "RESULTS.md"
PACKAGES = ("marsad", "pyahocorasick", "PyYAML", "regex", "numpy", "scikit-learn", "trafilatura",
            "charset-normalizer", "hijridate", "dateparser")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kib = int(next(line for line in fh if line.startswith("MemTotal:")).split()[1])
        return f"{kib / 1024 ** 2:.1f} GB"
    except (OSError, StopIteration):
        return "unknown"


def _commit() -> str:
    """HEAD as seen by git (read-only query); the working tree may hold uncommitted changes."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             cwd=common.REPO, check=True, timeout=10)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def machine() -> list[str]:
    """The context lines at the top of RESULTS.md."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return [
        f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Git commit: {_commit()} (HEAD; the working tree may differ)",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical cores (benchmarks use one; the seed bench runs "
        f"{bench_seeds.JOBS} one-thread trainings at a time); RAM {_ram_gb()}",
        f"- Load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (the machine is shared)",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()}",
        f"- Packages: {_versions()}",
        f"- Corpus: {common.corpus().note} ({common.corpus().records:,} records); {common.REPS} repetitions",
    ]


def dates_markdown(res: dict) -> str:
    """Table for the date benchmark (its module predates this runner and has no ``markdown``)."""
    rows = [[name, f"{res[name]['accuracy']:.3f}", f"{int(res[name]['correct'])}",
             common.fmt(res[name]["strings_per_s"])] for name in ("marsad", "dateparser") if name in res]
    out = common.table(["parser", "accuracy", "correct", "strings/s"], rows)
    n = int(res["n"]["expressions"])
    if "dateparser" in res:
        speed = res["marsad"]["strings_per_s"] / res["dateparser"]["strings_per_s"]
        out += (f"\n\nOn {n} hand-labelled expressions: marsad is {speed:.0f}x dateparser's speed, accuracy "
                f"{res['marsad']['accuracy']:.3f} vs {res['dateparser']['accuracy']:.3f}.")
    else:
        out += f"\n\nOn {n} hand-labelled expressions; dateparser not installed, no comparison."
    return out


Bench = tuple[str, str, Callable[[], dict], Callable[[dict], str]]  # name, title, run, markdown

BENCHES: list[Bench] = [
    ("text", "Text layer: read + segment + normalise", bench_text.run, bench_text.markdown),
    ("link", "Actor linking and KB compile", bench_link.run, bench_link.markdown),
    ("pipeline", "Full pipeline (read, segment, link, code)", bench_pipeline.run, bench_pipeline.markdown),
    ("seeds", "Model stability across fold seeds (training CV and dev)", bench_seeds.run, bench_seeds.report),
    ("dates", "Date parsing (marsad.text.dates vs dateparser)", bench_dates.run, dates_markdown),
    ("dedup", "Stories: MinHash clustering, calibration and throughput", bench_dedup.run, bench_dedup.report),
    ("store", "Store: ingest into DuckDB and PostgreSQL, query latency", bench_store.run, bench_store.report),
    ("spark", "Spark local mode vs the local pipeline", bench_spark.run, bench_spark.report),
    ("api", "API under load (loopback)", bench_api.run, bench_api.report),
    ("peers", "Peers: trafilatura vs our HTML reader, camel-tools vs our normaliser", bench_peers.run,
     bench_peers.report),
    ("scale", "End to end over a 100,000-article scale-up (MARSAD_BENCH_SCALE)", bench_scale.run,
     bench_scale.report),
]


def summary(name: str, res: dict) -> str:
    """One line per bench for the terminal."""
    if name == "text":
        return (f"text: {res['ours_rate']['best']:,.0f} articles/s, {res['ratio']['min']:.2f}x floor, "
                f"peak RSS {res['memory']['1x']['peak_mb']:.0f} MB (1x) / "
                f"{res['memory']['10x']['peak_mb']:.0f} MB (10x)")
    if name == "link":
        return (f"link: {res['ours_rate']['best']:,.0f} articles/s, {res['ratio']['min']:.2f}x floor; "
                f"KB compile {res['kb_compile_s']['min']:.2f} s, "
                f"+{res['kb_peak_delta_mb']['median']:.0f} MB peak")
    if name == "pipeline":
        parts = [f"{k} {m['ours_rate']['best']:,.0f} articles/s ({m['ratio']['min']:.1f}x floor, "
                 f"{m['peak_mb']:.0f} MB)" for k, m in res["modes"].items()]
        return f"pipeline: {'; '.join(parts)}; model load {res['model_load_s']['min']:.2f} s"
    if name == "seeds" and "summary" in res:
        dev, cv = res["summary"]["dev_strict"], res["summary"]["cv_strict"]
        line = (f"seeds: dev strict F1 {dev['mean']:.3f} (sd {dev['sd']:.3f}), CV {cv['mean']:.3f} over "
                f"{len(res['seeds'])} seeds; shipped {res['shipped']['dev_strict']:.3f}")
        if "against" in res:
            paired = res["against"]["paired"]
            line += "; paired vs {}: dev {:+.4f} (se {:.4f}), CV {:+.4f} (se {:.4f})".format(
                res["against"]["tree"], paired["dev_strict"]["mean"], paired["dev_strict"]["se"],
                paired["cv_strict"]["mean"], paired["cv_strict"]["se"])
        return line
    if name in ("dedup", "store", "spark", "api", "peers", "scale", "seeds"):
        return f"{name}: see RESULTS.md"
    if "dateparser" in res:
        return (f"dates: accuracy {res['marsad']['accuracy']:.3f} vs dateparser "
                f"{res['dateparser']['accuracy']:.3f}")
    return f"dates: accuracy {res['marsad']['accuracy']:.3f}"


def previous_sections(text: str) -> dict[str, str]:
    """The sections of an earlier RESULTS.md, by bench title (a bench's own "##" subheadings stay inside)."""
    titles = {f"## {title}": title for _, title, _, _ in BENCHES}
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line in titles:
            current = found.setdefault(titles[line], [])
        if current is not None:
            current.append(line)
    return {title: "\n".join(lines).rstrip() + "\n" for title, lines in found.items()}


def run_one(bench: Bench) -> tuple[str, bool]:
    """One bench: its RESULTS.md section, and whether it ran without failing."""
    name, title, run, markdown = bench
    t0 = time.perf_counter()
    ok = True
    try:
        res = run()
        body, line = markdown(res), summary(name, res)
        goals = res.get("goals", {})
        if goals:
            line += f" - goals met {sum(goals.values())}/{len(goals)}"
    except Exception:  # one broken bench must not hide the others' numbers
        ok = False
        body = f"FAILED:\n\n```\n{traceback.format_exc()[-3000:]}\n```"
        line = f"{name}: FAILED (see RESULTS.md)"
    took = time.perf_counter() - t0
    # The CPU too: sections kept by ``--only`` may come from another machine, and speeds differ ~2.5x.
    stamp = f"{took:.0f} s; commit {_commit()}, {dt.date.today().isoformat()}, {_cpu_model()}"
    print(f"{line}  [{took:.0f} s]", flush=True)
    return "\n".join([f"## {title}", "", body, "", f"_({stamp})_", ""]), ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    names = [name for name, _, _, _ in BENCHES]
    parser = argparse.ArgumentParser(
        description="Run marsad's benchmarks on one core and write benchmarks/RESULTS.md. Every speed is "
        "measured beside a floor in the same run; see benchmarks/README.md for what each figure means.",
        epilog="benches: " + "; ".join(f"{name} ({title})" for name, title, _, _ in BENCHES),
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=names,
        metavar="BENCH",
        help="run only these benches and replace only their sections of RESULTS.md (default: all, "
        "about an hour; 'scale' alone takes most of it)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = set(args.only or [name for name, _, _, _ in BENCHES])
    kept = previous_sections(RESULTS.read_text(encoding="utf-8")) if args.only and RESULTS.exists() else {}
    sections = ["# marsad benchmarks", "", "Written by `make bench` (`benchmarks/run_all.py`); see "
                "`benchmarks/README.md` for what each figure measures. Every speed is shown beside a floor "
                "measured in the same run; times are min and median of the repetitions. Each section's "
                "footer gives the commit, date and CPU it was measured at (`--only` re-runs some sections; "
                "compare speeds only within one section).", "",
                *machine(), ""]
    failed = 0
    for bench in BENCHES:
        name, title = bench[0], bench[1]
        if name in chosen:
            section, ok = run_one(bench)
            failed += not ok
        elif title in kept:
            section = kept[title]
        else:
            continue
        sections.append(section)
    RESULTS.write_text("\n".join(sections), encoding="utf-8")
    print(f"{common.corpus().note}\nwrote {RESULTS.relative_to(common.REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
