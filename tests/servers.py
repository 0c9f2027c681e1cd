"""Real servers for the tests: an Oxigraph SPARQL server (the PyPI package ``oxigraph``) on 127.0.0.1.

It stands for a remote store (``--store URL``) as deployments run one; ikg itself never starts it.
"""

from __future__ import annotations

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

from ikg.graph.errors import StoreError

__all__ = ["Listener", "OxigraphServer", "free_port", "oxigraph_binary", "start_oxigraph"]


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
