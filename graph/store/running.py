"""A server holds the store: how ``ikg serve`` says so, and how other ``ikg`` commands find it.

While ``ikg serve`` (or ``ikg up``) runs, its writer process owns the embedded store: Oxigraph
lets one process open a store folder. Another ``ikg`` command would wait for the lock and fail;
instead it finds the running server and goes through its SPARQL endpoint, reads and writes.

The server writes a small JSON file beside the store folder, ``.<folder>.server.json``
(``~/.local/share/ikg/.store.server.json`` for the default store), naming its URL, its process
and a write token made for this run; it removes the file when it stops. The token lets the
commands of the same user write (an ``ikg import`` while ``ikg up`` runs) without
``IKG_WRITE_TOKEN``. The file is created readable by its owner only (mode 0600), like the store
folder's own files: whoever can read it could change the store's files anyway. A file that
others may read, that belongs to another user or names a process that is gone is not used
(the last is removed).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["RunningServer", "alive", "announce", "find_server", "server_file"]


@dataclass(frozen=True)
class RunningServer:
    """A server that holds a store.

    Attributes
    ----------
    url : str
        Its SPARQL query endpoint (``http://127.0.0.1:8000/sparql``).
    token : str
        The write token of this run.
    pid : int
        The server's process.
    """

    url: str
    token: str
    pid: int


def server_file(store: str | os.PathLike[str]) -> Path:
    """Where the server holding the store folder ``store`` announces itself.

    Examples
    --------
    >>> server_file("/home/a/.local/share/ikg/store").as_posix()
    '/home/a/.local/share/ikg/.store.server.json'
    """
    folder = Path(store).expanduser().absolute()
    return folder.with_name(f".{folder.name}.server.json")


@contextmanager
def announce(store: str | os.PathLike[str], url: str) -> Iterator[RunningServer]:
    """Announce a server for ``store`` while the ``with`` block runs; remove the file after.

    Parameters
    ----------
    store : path-like
        The store folder the server holds.
    url : str
        The server's SPARQL query endpoint.

    Yields
    ------
    RunningServer
        With a new random write token, which the server must accept.
    """
    server = RunningServer(url, secrets.token_urlsafe(32), os.getpid())
    path = server_file(store)
    scratch = path.with_name(f"{path.name}.{server.pid}.tmp")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"url": server.url, "token": server.token, "pid": server.pid}, fh)
    os.chmod(scratch, 0o600)  # whatever the umask said
    os.replace(scratch, path)
    try:
        yield server
    finally:
        _remove_if_ours(path, server.pid)


def find_server(store: str | os.PathLike[str], wait: float = 15.0) -> RunningServer | None:
    """The server that holds the store folder ``store``, if one runs.

    Parameters
    ----------
    store : path-like
        The store folder.
    wait : float
        Seconds to wait for an announced server to accept connections (it may be starting).

    Returns
    -------
    RunningServer or None
        ``None`` when there is no announcement, or it cannot be trusted (others may read or
        write it, another user owns it, it is not what :func:`announce` writes), or its process
        is gone (then the file is removed), or it does not listen within ``wait`` seconds.
    """
    path = server_file(store)
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_uid != os.getuid():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        server = RunningServer(str(data["url"]), str(data["token"]), int(data["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not server.url.startswith(("http://", "https://")):
        return None
    if not alive(server.pid):
        _remove_if_ours(path, server.pid)
        return None
    return server if _listening(server.url, wait) else None


def _listening(url: str, wait: float) -> bool:
    """Whether the server at ``url`` accepts connections, waiting up to ``wait`` seconds for it.

    A server announces itself a moment before it listens (it starts after the announcement, so
    that no command ever finds it listening but unannounced); a command that starts in that
    moment waits for it.
    """
    parts = urlsplit(url)
    deadline = time.monotonic() + wait
    while True:
        try:
            with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=1):
                return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


#: whether ``os.kill(pid, 0)`` only asks whether a process exists (POSIX), rather than ending it
_SIGNAL_0_ASKS = os.name == "posix"


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (signal 0 checks without sending anything).

    Only on POSIX systems: on Windows ``os.kill`` with any other signal than Ctrl-C or Ctrl-Break
    ends the process, so there every process counts as alive (nothing is taken for stale).

    Parameters
    ----------
    pid : int

    Returns
    -------
    bool
    """
    if not _SIGNAL_0_ASKS:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user's
        return True
    return True


def _remove_if_ours(path: Path, pid: int) -> None:
    """Remove the announcement if it still names ``pid`` (a newer server may have replaced it)."""
    try:
        if int(json.loads(path.read_text(encoding="utf-8")).get("pid", -1)) == pid:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass
