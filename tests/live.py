"""Real servers on 127.0.0.1 for the HTTP tests: an Oxigraph server and ikg's API under uvicorn."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from ikg.api.http.app import create_app
from ikg.api.http.backends import PooledBackend
from ikg.api.http.settings import Settings
from ikg.graph.ingest.importer import open_store

from .servers import free_port


@contextmanager
def live_api(settings: Settings) -> Iterator[str]:
    """Run the API with uvicorn in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def backend(tmp: Path, timeout_s: float = 3, seed: bool = True, workers: int = 2) -> Iterator[Settings]:
    """Settings on a pooled backend over an on-disk store in ``tmp`` (Mettmann loaded when ``seed``)."""
    pooled = PooledBackend(open_store(tmp / "store", seed=seed), size=workers)
    try:
        yield Settings(backend=pooled, query_timeout=timeout_s)
    finally:
        pooled.close()
