"""Real servers for the tests, on 127.0.0.1: an Oxigraph SPARQL server (the PyPI package ``oxigraph``)
and Virtuoso (Debian's ``virtuoso-opensource``).

They stand for a remote store (``--store URL``) as deployments run one; ikg itself never starts them.
Without ``virtuoso-t`` the Virtuoso tests are skipped on a developer's machine and fail under CI
(``CI`` set), as the browser tests do (``tests/browser.py``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest

from ikg.graph.errors import StoreError

__all__ = [
    "Listener",
    "OxigraphServer",
    "VirtuosoServer",
    "free_port",
    "oxigraph_binary",
    "require_virtuoso",
    "start_oxigraph",
    "start_virtuoso",
]


def oxigraph_binary() -> str:
    """Return the path of the ``oxigraph`` command (installed with ikg's dependencies)."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreError("the oxigraph server command is missing: pip install oxigraph")
    return found


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class OxigraphServer:
    """A running Oxigraph server process."""

    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/update"

    def stop(self) -> None:
        """Stop the server and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def start_oxigraph(location: str | Path | None, timeout_s: float, port: int | None = None) -> OxigraphServer:
    """Start ``oxigraph serve`` on 127.0.0.1 and wait until it answers.

    Parameters
    ----------
    location : path or None
        Store directory; ``None`` for an in-memory store.
    timeout_s : float
        Per-query deadline in seconds.
    port : int, optional
        Default: a free port.

    Raises
    ------
    StoreError
        If the server does not come up (store in use, bad directory).
    """
    port = port or free_port()
    cmd = [
        oxigraph_binary(),
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
        "--timeout-s",
        str(max(1, round(timeout_s))),
    ]
    if location is not None:
        cmd += ["--location", str(location)]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server; a pipe could fill and stall it
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    server = OxigraphServer(process, port, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            err = log.read().decode("utf-8", "replace").strip()
            log.close()
            raise StoreError(f"the Oxigraph server did not start: {err or 'exit ' + str(process.returncode)}")
        try:
            httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise StoreError("the Oxigraph server did not answer within 30 s")


def require_virtuoso() -> str:
    """Return the path of ``virtuoso-t``; skip the test locally, fail it under CI, if it is missing."""
    found = shutil.which("virtuoso-t")
    if found is None or shutil.which("isql-vt") is None:
        reason = "Virtuoso (apt-get install virtuoso-opensource)"
        if os.environ.get("CI"):
            pytest.fail(
                f"the Virtuoso tests need {reason} (CI is set, so this is a failure, not a skip)", pytrace=False
            )
        pytest.skip(f"needs {reason}")
    return str(found)


#: the Debian package's pages; Virtuoso wants a server root even when only /sparql is used
_VSP = "/var/lib/virtuoso-opensource-7/vsp"

_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {dir}
Charset = UTF-8

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {timeout}
MaxQueryCostEstimationTime = {timeout}
DefaultQuery = ASK {{}}
"""


@dataclass
class VirtuosoServer:
    """A running Virtuoso process (its database in a directory of its own)."""

    process: subprocess.Popen[bytes]
    port: int
    http_port: int
    directory: Path
    log: IO[bytes]

    @property
    def query_url(self) -> str:
        """The SPARQL endpoint (queries and updates)."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def update_url(self) -> str:
        """The same endpoint: Virtuoso takes updates at ``/sparql``."""
        return self.query_url

    def isql(self, statement: str) -> str:
        """Run one SQL statement as ``dba`` and return what ``isql-vt`` printed."""
        done = subprocess.run(
            [shutil.which("isql-vt") or "isql-vt", f"127.0.0.1:{self.port}", "dba", "dba", f"exec={statement}"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        out = (done.stdout + done.stderr).decode("utf-8", "replace")
        if done.returncode != 0 or "*** Error" in out:
            raise StoreError(f"isql-vt failed on {statement!r}: {out.strip()}")
        return out

    def stop(self) -> None:
        """Stop the server and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def start_virtuoso(directory: str | Path, timeout_s: float = 120) -> VirtuosoServer:
    """Start Virtuoso on 127.0.0.1 with a new database in ``directory``; grant SPARQL updates.

    The result cap is raised to a million rows (the default 10,000 cuts answers silently).
    Skips the test (fails it under CI) if Virtuoso is not installed.

    Parameters
    ----------
    directory : path
        An empty directory for the database, its log and ``virtuoso.ini``.
    timeout_s : float
        The server's per-query limit in seconds.

    Raises
    ------
    StoreError
        If the server does not come up within 60 s.
    """
    binary = require_virtuoso()
    folder = Path(directory).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    port, http_port = free_port(), free_port()
    ini = _VIRTUOSO_INI.format(dir=folder, port=port, http_port=http_port, vsp=_VSP, timeout=round(timeout_s))
    (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server; a pipe could fill and stall it
    cmd = [binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")]
    process = subprocess.Popen(cmd, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    server = VirtuosoServer(process, port, http_port, folder, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            err = log.read().decode("utf-8", "replace").strip()[-2000:]
            log.close()
            raise StoreError(f"Virtuoso did not start: {err or 'exit ' + str(process.returncode)}")
        try:
            if httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise StoreError("Virtuoso did not answer within 60 s")


class Listener:
    """Records the path of every HTTP request that reaches it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(2000))
            except OSError:
                self.hits.append(b"(connected)")
            conn.close()

    def close(self) -> None:
        """Stop listening."""
        self.sock.close()

    def paths(self) -> set[str]:
        out = set()
        for hit in self.hits:
            first = hit.split(b"\r\n", 1)[0].split(b" ")
            out.add(first[1].decode("latin-1") if len(first) > 1 else "?")
        return out
