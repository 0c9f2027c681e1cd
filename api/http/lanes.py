"""Lanes of engine processes: a bounded set, handed to waiters first-in-first-out or newest first.

:class:`~ikg.api.http.backends.PooledBackend` keeps two: the general lane and the express lane.
A process is handed from one query straight to the next waiting one (no thundering herd); a
waiter that times out leaves the queue; a slot freed by a killed process goes to the next waiter,
which starts a new process in it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ikg.graph.store.engine.process import EngineProcess

__all__ = ["Lane"]

_START = object()  # handed to a waiter: a slot is free, start a process in it


@dataclass(eq=False)
class _Waiter:
    event: threading.Event = field(default_factory=threading.Event)
    slot: Any = None


class Lane:
    """A bounded set of engine processes; waiters are served first-in-first-out, or newest first."""

    def __init__(self, name: str, capacity: int, start: Callable[[], EngineProcess], retired: Callable[[Any], None]):
        self.name = name
        self.capacity = capacity
        self._start = start
        self._retired = retired
        self._lock = threading.Lock()
        self._idle: list[EngineProcess] = []
        self._count = 0
        self._waiters: deque[_Waiter] = deque()
        self.busy: set[EngineProcess] = set()

    def waiting(self) -> int:
        return len(self._waiters)

    def acquire(self, timeout: float, newest_first: bool = False) -> EngineProcess | None:
        """An idle process, a new one if there is room, or one handed over within ``timeout``; else None."""
        with self._lock:
            if self._idle:
                engine = self._idle.pop()
                self.busy.add(engine)
                return engine
            if self._count < self.capacity:
                self._count += 1
                waiter = None
            elif timeout <= 0:
                return None
            else:
                waiter = _Waiter()
                (self._waiters.appendleft if newest_first else self._waiters.append)(waiter)
        if waiter is not None:
            waiter.event.wait(timeout)
            with self._lock:
                if waiter.slot is None:
                    self._waiters.remove(waiter)
                    return None
            if waiter.slot is not _START:
                return waiter.slot
        return self._start_in_slot()

    def _start_in_slot(self) -> EngineProcess:
        try:
            engine = self._start()
        except BaseException:
            self._free_slot()
            raise
        with self._lock:
            self.busy.add(engine)
        return engine

    def _free_slot(self) -> None:
        with self._lock:
            if self._waiters:
                waiter = self._waiters.popleft()
                waiter.slot = _START
                waiter.event.set()
            else:
                self._count -= 1

    def release(self, engine: EngineProcess) -> None:
        """Give back a process that finished its work."""
        with self._lock:
            self.busy.discard(engine)
            if self._waiters:
                waiter = self._waiters.popleft()
                waiter.slot = engine
                self.busy.add(engine)
                waiter.event.set()
                return
            self._idle.append(engine)

    def retire(self, engine: EngineProcess) -> None:
        """Kill a process and free its slot (a waiter then starts a new one)."""
        engine.kill()
        with self._lock:
            self.busy.discard(engine)
        self._retired(engine.tag)
        self._free_slot()

    def replace(self, engine: EngineProcess) -> EngineProcess:
        """Kill a process and start a new one in its slot."""
        engine.kill()
        with self._lock:
            self.busy.discard(engine)
        self._retired(engine.tag)
        return self._start_in_slot()

    def idle_out(self, keep: Callable[[EngineProcess], bool]) -> None:
        """Retire the idle processes ``keep`` rejects (stale snapshot)."""
        with self._lock:
            stale = [e for e in self._idle if not keep(e)]
            self._idle = [e for e in self._idle if keep(e)]
            self.busy.update(stale)
        for engine in stale:
            self.retire(engine)

    def close(self) -> None:
        with self._lock:
            engines = self._idle + list(self.busy)
            self._idle = []
        for engine in engines:
            engine.kill()
