"""Where the read-only copies of a store live while a server or a command uses them.

Snapshots are RocksDB checkpoints: hard links, so they must sit on the store's own file system.
Each running owner gets a folder of its own, ``.STORE.snapshots/run-PID-XXXX`` beside the store
(mode 0700: only the owner's user can read it), holding a ``lock`` file it keeps locked while it
lives. A folder whose lock nobody holds belongs to an owner that died (``kill -9``, power loss);
:func:`remove_stale` deletes those when the next owner starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO

__all__ = ["RunDir", "remove_stale", "snapshots_root"]


def snapshots_root(store: Path) -> Path:
    """The folder beside ``store`` that holds the run folders of its owners."""
    return store.parent / f".{store.name}.snapshots"


def remove_stale(root: Path) -> list[Path]:
    """Delete the run folders under ``root`` whose owner is gone; return them.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()) / ".store.snapshots"
    >>> run = RunDir(root)
    >>> remove_stale(root)  # the owner lives: nothing is removed
    []
    >>> run._lock.close()  # as if the owner died
    >>> [p == run.path for p in remove_stale(root)]
    [True]
    """
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for run in root.glob("run-*"):
        lock_path = run / "lock"
        try:
            with open(lock_path, "a+b") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(run, ignore_errors=True)
                removed.append(run)
        except BlockingIOError:
            continue  # a live owner holds it
        except OSError:
            if not lock_path.exists():  # never finished starting, or half removed
                shutil.rmtree(run, ignore_errors=True)
                removed.append(run)
    return removed


class RunDir:
    """The run folder of one owner, locked for as long as this object is open.

    Parameters
    ----------
    root : Path
        Usually :func:`snapshots_root` of the store.
    """

    def __init__(self, root: Path) -> None:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=root))  # mode 0700
        self._lock: IO[bytes] = open(self.path / "lock", "a+b")  # noqa: SIM115 - held for the object's life
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def generation(self, n: int) -> Path:
        """The folder of snapshot generation ``n`` (not created)."""
        return self.path / f"g{n}"

    def close(self) -> None:
        """Remove the folder and let go of its lock."""
        shutil.rmtree(self.path, ignore_errors=True)
        self._lock.close()
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()  # the root, if no other owner uses it
