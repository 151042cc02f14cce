"""A throw-away PostgreSQL cluster for tests and benchmarks: initdb into a temp dir, start, stop.

Why not a docker image or a shared server: tests must run on a bare CI machine that only has the
Debian ``postgresql`` binaries. The cluster listens on loopback and on a unix socket inside its own
directory, so it never collides with a system server. PostgreSQL refuses to run as root, so when we
are root the binaries run as the ``postgres`` system user (``runuser``) and the directory is chowned.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_USER = "postgres"


def find_bin_dir() -> Path | None:
    """Directory holding ``initdb`` and ``pg_ctl``: PATH first, then /usr/lib/postgresql/*/bin (newest)."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    return Path(found[-1]).parent if found else None


def _version_key(path: str) -> tuple[int, ...]:
    part = Path(path).parent.parent.name
    return tuple(int(p) for p in part.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class TempPostgres:
    """One cluster: ``start()`` returns a ``postgresql://`` URL to a fresh database; ``stop()`` removes it."""

    bin_dir: Path
    root: Path | None = None
    port: int = 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", PG_USER, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self, dbname: str = "marsad") -> str:
        self.root = Path(tempfile.mkdtemp(prefix="marsad-pg-"))
        data, sock = self.root / "data", self.root / "sock"
        sock.mkdir()
        if os.geteuid() == 0:
            _ensure_user()
            ent = pwd.getpwnam(PG_USER)
            for p in (self.root, sock):
                os.chown(p, ent.pw_uid, ent.pw_gid)
        self._run("initdb", "-D", str(data), "-U", PG_USER, "-A", "trust", "-E", "UTF8", "--no-locale")
        self.port = _free_port()
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sock} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, dbname)
        return self.url(dbname)

    def url(self, dbname: str = "marsad") -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        if self.root is None:
            return
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None


def _ensure_user() -> None:
    """Create the ``postgres`` system user when running as root on a machine that lacks it."""
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", PG_USER], check=True)


def temp_postgres() -> TempPostgres | None:
    """A TempPostgres for the installed binaries, or None when PostgreSQL is not installed."""
    bin_dir = find_bin_dir()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        return None
    return TempPostgres(bin_dir)


def wait_ready(url: str, timeout: float = 10.0) -> None:
    """Poll until the server accepts connections (pg_ctl -w already waits; this guards slow machines)."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
