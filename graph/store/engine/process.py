"""The owner's side of an engine process: start it, give it one operation, bound it, kill it.

The owner enforces the limits, whatever the process does: a timer kills the process at the
deadline (Python threads and pyoxigraph cannot cancel a query; a kill really stops the work and
frees the CPU), and the answer is counted as it arrives and the process killed past the byte cap,
so the owner never holds more than the cap. A process that dies for any other reason (a text that
overflows the parser's stack) takes only itself down.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import IO, Any

from ikg.graph.errors import QueryError, StoreError
from ikg.graph.store.engine import frames

__all__ = [
    "DeadlineError",
    "EngineError",
    "EngineProcess",
    "EngineUnavailableError",
    "ResultTooLargeError",
    "refused_unconfined",
    "start_engine",
    "too_large",
]

#: seconds a new engine process may take to confine itself and open its store
START_TIMEOUT = 60.0


class DeadlineError(QueryError):
    """The operation ran past its deadline; its process was killed."""


class ResultTooLargeError(QueryError):
    """The answer passed the byte or row cap (``code``: ``rows`` or ``bytes``); nothing of it is given out."""

    def __init__(self, code: str, cap: int, **message: Any) -> None:
        super().__init__(**message)
        self.code = code
        self.limit = cap


class EngineUnavailableError(StoreError):
    """An engine process could not start; ``code`` is ``sandbox`` (it cannot be confined here) or ``store``."""

    def __init__(self, code: str, message: str = "", **params: Any) -> None:
        super().__init__(message, **params)
        self.code = code


class EngineError(QueryError):
    """The engine refused or failed the operation; ``code`` says why.

    ``syntax`` (the parser's message), ``network`` (the text tried to reach the network and the
    sandbox refused), ``crashed`` (the process died on this text), ``engine`` (anything else).
    """

    def __init__(self, code: str, message: str = "", **params: Any) -> None:
        super().__init__(message, **params)
        self.code = code


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGKILL when its parent dies (Linux), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up now, not in the forked child
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def arm() -> None:
        prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


class _Spawner:
    """Starts every engine process from one thread that lives as long as the owner's process.

    The kernel sends the parent-death signal when the *thread* that started a child ends, not the
    process; children started from a server's thread pool would be killed when an idle pool thread
    is retired. This thread never ends before the process does.
    """

    def __init__(self) -> None:
        self._requests: queue.Queue[tuple[list[str], Future[subprocess.Popen[bytes]]]] = queue.Queue()
        self._arm = _die_with_parent()
        threading.Thread(target=self._loop, name="ikg-engine-spawner", daemon=True).start()

    def _loop(self) -> None:
        while True:
            args, future = self._requests.get()
            try:
                future.set_result(
                    subprocess.Popen(  # preexec_fn: only a prctl call, looked up before the fork
                        args,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                        preexec_fn=self._arm,
                        close_fds=True,
                    )
                )
            except BaseException as exc:  # hand every failure to the caller
                future.set_exception(exc)

    def popen(self, args: list[str]) -> subprocess.Popen[bytes]:
        """Start ``args`` from the spawner thread; return its process."""
        future: Future[subprocess.Popen[bytes]] = Future()
        self._requests.put((args, future))
        return future.result()


_SPAWNER: _Spawner | None = None
_SPAWNER_LOCK = threading.Lock()


def _spawner() -> _Spawner:
    global _SPAWNER
    with _SPAWNER_LOCK:
        if _SPAWNER is None:
            _SPAWNER = _Spawner()
        return _SPAWNER


@dataclass
class Answer:
    """A finished operation: the serialised answer and what the engine said about it."""

    body: bytes
    info: dict[str, Any]


@dataclass(eq=False)
class EngineProcess:
    """One running engine process (see :func:`start_engine`).

    Attributes
    ----------
    sandbox : str
        What confines it (``"seccomp: no sockets"``), or ``"none"`` if started unconfined.
    tag : object
        Free for the owner (the snapshot generation a query process reads).
    """

    process: subprocess.Popen[bytes]
    sandbox: str
    tag: Any = None
    expired: threading.Event = field(default_factory=threading.Event)

    @property
    def _stdin(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    @property
    def _stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.poll() is None

    def kill(self) -> None:
        """Kill the process and wait for it (idempotent)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _expire(self) -> None:
        self.expired.set()
        self.kill()

    def run(self, request: dict[str, Any], deadline: float, max_bytes: int) -> Answer:
        """Send one operation and collect its answer, within ``deadline`` seconds and ``max_bytes``.

        On a deadline or a cap the process is killed; the caller must not use it again (check
        :meth:`alive`).

        Raises
        ------
        DeadlineError, ResultTooLargeError, EngineError
        """
        request = {**request, "max_bytes": max_bytes}
        timer = threading.Timer(deadline, self._expire)
        timer.daemon = True
        timer.start()
        body = bytearray()
        try:
            with contextlib.suppress(ValueError, OSError):  # the process is gone; reading says why
                frames.write_json(self._stdin, frames.REQUEST, request)
            while True:
                try:
                    frame = frames.read_frame(self._stdout, limit=max_bytes + 1)
                except (ValueError, OSError):
                    frame = None
                if frame is None:
                    break
                kind, payload = frame
                if kind == frames.DATA:
                    body += payload
                    if len(body) > max_bytes:
                        self.kill()
                        raise too_large("bytes", max_bytes)
                elif kind == frames.DONE:
                    return Answer(bytes(body), frames.read_json(payload))
                elif kind == frames.ERROR:
                    raise _engine_error(frames.read_json(payload))
        finally:
            timer.cancel()
        # the stream ended: killed at the deadline, or died
        self.kill()
        if self.expired.is_set():
            raise DeadlineError(key="store.deadline", seconds=f"{deadline:g}")
        raise EngineError("crashed", key="store.engine_crashed")

    def close(self) -> None:
        """Let the process end by closing its input; kill it if it does not end within 5 s."""
        with contextlib.suppress(OSError):
            self._stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.kill()


def too_large(code: str, limit: int) -> ResultTooLargeError:
    """The error for an answer past the row cap (``code == "rows"``) or the byte cap."""
    if code == "rows":
        return ResultTooLargeError(code, limit, key="store.too_many_rows", limit=limit)
    return ResultTooLargeError(code, limit, key="store.too_many_bytes", mb=f"{limit / 1_048_576:g}")


def refused_unconfined(reason: str) -> EngineUnavailableError:
    """The error for user SPARQL on a system where the engine cannot be confined (``reason`` says why)."""
    return EngineUnavailableError("sandbox", key="store.unconfined_refused", reason=reason)


def _engine_error(info: dict[str, Any]) -> QueryError:
    code = str(info.get("code", "engine"))
    if code in ("rows", "bytes"):
        return too_large(code, int(info.get("limit", 0)))
    message = str(info.get("message", "")).strip()
    if code == "network":
        return EngineError(code, key="store.engine_network", detail=message)
    return EngineError(code, message or "the query engine refused the text")


def start_engine(
    location: str, *, writable: bool = False, confined: bool = True, tag: Any = None, nice: int = 0
) -> EngineProcess:
    """Start an engine process on a store and wait until it has confined itself and opened the store.

    Parameters
    ----------
    location : str
        A store directory (a read-only snapshot unless ``writable``), or ``":memory:"``.
    writable : bool
        Open the store for updates (the single writer; the store must not be open elsewhere).
    confined : bool
        Confine the process (:func:`ikg.graph.store.engine.sandbox.confine`). Only for texts ikg wrote
        itself, or when the user opted out (``IKG_ALLOW_UNCONFINED=1``), may this be False.
    tag : object
        Kept on the process for the owner.
    nice : int
        Lower CPU priority (0-19) for the process.

    Raises
    ------
    EngineUnavailableError
        If the process cannot confine itself (``code == "sandbox"``) or open the store.
    """
    args = [sys.executable, "-m", "ikg.graph.store.engine.worker", "--location", str(location)]
    if writable:
        args.append("--writable")
    if not confined:
        args.append("--unconfined")
    if nice:
        args += ["--nice", str(nice)]
    process = _spawner().popen(args)
    engine = EngineProcess(process, sandbox="")
    timer = threading.Timer(START_TIMEOUT, engine._expire)
    timer.daemon = True
    timer.start()
    try:
        frame = frames.read_frame(process.stdout) if process.stdout is not None else None
    except (ValueError, OSError):
        frame = None
    finally:
        timer.cancel()
    if frame is None or frame[0] != frames.HELLO:
        engine.kill()
        raise EngineUnavailableError("start", key="store.engine_did_not_start", detail=f"exit {process.returncode}")
    hello = frames.read_json(frame[1])
    if not hello.get("ok"):
        engine.kill()
        raise EngineUnavailableError(
            str(hello.get("code")), key="store.engine_did_not_start", detail=str(hello.get("message"))
        )
    engine.sandbox = str(hello.get("sandbox"))
    engine.tag = tag
    return engine
