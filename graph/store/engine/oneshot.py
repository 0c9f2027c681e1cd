"""One query in a confined engine process, for commands (``ikg query -e``) rather than a server.

The command's store is copied to a snapshot (a checkpoint: hard links, milliseconds), an engine
process is started on it, runs the one query and is killed with the snapshot removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ikg.graph.store.embedded import Store
from ikg.graph.store.engine import sandbox
from ikg.graph.store.engine.process import Answer, refused_unconfined, start_engine
from ikg.graph.store.engine.snapshots import RunDir, remove_stale, snapshots_root

__all__ = ["allow_unconfined", "run_confined"]


def allow_unconfined() -> bool:
    """Whether the user opted out of the sandbox (``IKG_ALLOW_UNCONFINED=1``)."""
    return os.environ.get("IKG_ALLOW_UNCONFINED", "").strip().lower() in ("1", "true", "yes")


def run_confined(store: Store, request: dict[str, Any], deadline: float, max_bytes: int) -> Answer:
    """Run one engine request on a snapshot of ``store`` (an embedded :class:`~ikg.graph.store.embedded.Store`).

    Parameters
    ----------
    store : Store
        The embedded store; it is copied to a snapshot that the engine process reads.
    request : dict
        The engine request (see :mod:`ikg.graph.store.engine.worker`).
    deadline : float
        Seconds the engine may take.
    max_bytes : int
        Cap of the answer's size.

    Returns
    -------
    Answer

    Raises
    ------
    EngineUnavailableError
        If the engine cannot be confined on this system and the user did not opt out.
    QueryError
        As :meth:`~ikg.graph.store.engine.process.EngineProcess.run` raises them.
    """
    reason = sandbox.unavailable_reason()
    if reason is not None and not allow_unconfined():
        raise refused_unconfined(reason)
    if store.path is not None:
        root = snapshots_root(Path(store.path))
        remove_stale(root)
        run = RunDir(root)
        cleanup = run.close
        target = run.generation(1)
    else:
        folder = Path(tempfile.mkdtemp(prefix="ikg-snapshot-"))
        cleanup = lambda: shutil.rmtree(folder, ignore_errors=True)  # noqa: E731
        target = folder / "g1"
    try:
        store.snapshot(target)
        engine = start_engine(str(target), confined=reason is None)
        try:
            return engine.run(request, deadline, max_bytes)
        finally:
            engine.kill()
    finally:
        cleanup()
