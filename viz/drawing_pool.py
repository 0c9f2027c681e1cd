"""Processes that draw a report's views as SVG and PNG, started before the report is computed.

Drawing the views with matplotlib is most of ``ikg report``'s time, and importing matplotlib and
ikg's drawing code about half a second of it. On the command line, :meth:`DrawingPool.start`
forks one process first thing, while the command has imported little and opened nothing: it
imports the drawing code while the command imports the analysis, reads the store and computes
the gaps (the two cores work side by side). When the views arrive (as scenes,
:func:`ikg.viz.scene.view_scene`: the positions computed by the command, so that this process
imports neither networkx nor the layout; pickled in well under a millisecond), it forks one
process per view, which inherit the imported code, and sends the files back while the command
writes the HTML. The files are the same bytes as drawn in one process. One import, not one per
drawing process: on two cores, three processes importing at once took a third longer than one.

Forking is only safe where no other thread runs (the command line, never the server), so the pool
starts only on Linux-like systems with the ``fork`` start method, more than one core and a single
Python thread; otherwise the caller draws the views itself. This module imports nothing heavy,
so that starting the pool costs the command nothing. The process ends with the ``with`` block,
at once on an exception (Ctrl-C: its own drawing processes are stopped too), and by itself when
the command's end closes the pipe.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any

__all__ = ["DrawingPool"]

#: the views of one report (:data:`ikg.viz.report.REPORT_VIEWS`): more processes would have nothing to do
VIEWS = 3


def _serve(conn: Connection, processes: int) -> None:
    """The drawing process: import the drawing code, then draw each batch of views that arrives.

    A batch is a list of (graph, heading, lang); the answer is ``("ok", [(svg, png), ...])`` or
    ``("error", exception)``. ``None`` or a closed pipe ends the process. SIGTERM (the caller's
    :meth:`DrawingPool.end` with ``at_once``) stops the processes drawing a batch first.
    """
    import signal
    import sys

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the pool below is stopped on the way out
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's: it stops this process
    _warm_up()  # what the drawing processes inherit

    context = multiprocessing.get_context("fork")
    while True:
        try:
            jobs = conn.recv()
        except (EOFError, OSError):
            return
        if jobs is None:
            return
        try:
            if len(jobs) == 1:
                answer: tuple[str, Any] = ("ok", [_draw(jobs[0])])
            else:
                pool = context.Pool(min(len(jobs), processes), initializer=_plain_signals)
                try:
                    answer = ("ok", pool.map(_draw, jobs, chunksize=1))
                    pool.close()  # the drawing processes end by themselves, nothing held
                except BaseException:
                    pool.terminate()  # SIGTERM: they die at once, wherever they are
                    raise
                finally:
                    pool.join()
        except Exception as exc:  # handed to the caller, which raises it
            answer = ("error", exc)
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


def _plain_signals() -> None:
    """In a process drawing one view: SIGTERM kills it (not this module's handler, which turns it
    into an exception: an exception at the wrong moment can leave the pool's queue locked, and the
    pool then waits forever for a process that waits for the lock)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _warm_up() -> None:
    """Import the drawing code and draw a small view once: the fonts, their glyphs and matplotlib's
    caches are loaded here, once, not in each drawing process (a third of a second each). The
    views arrive as scenes (:func:`ikg.viz.static.view_scene`), so neither networkx nor the
    layout is imported here."""
    from ikg.viz.scene import Scene, SceneEdge, SceneNode
    from ikg.viz.static import scene_svg_png

    nodes = (
        SceneNode("a", "actor", "Akteur", "", "", -60.0, 0.0, 14.0),
        SceneNode("g", "goal", "Ziel 1", "", "", 60.0, 0.0, 10.0),
    )
    scene_svg_png(Scene(nodes, (SceneEdge(0, 1, "pursues", "", 1.0),)), heading="Ansicht", lang="de")


def _draw(job: tuple[Any, str, str]) -> tuple[str, bytes]:
    from ikg.viz.static import scene_svg_png

    view, heading, lang = job
    return scene_svg_png(view, heading=heading, lang=lang)


class DrawingPool:
    """A forked process that draws views (:func:`ikg.viz.static.to_svg_png`); a context manager.

    Leaving the ``with`` block normally lets the process end; leaving it by an exception (Ctrl-C,
    a failure) stops it and its drawing processes at once.
    """

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self._process: BaseProcess | None = process
        self._conn = conn

    @classmethod
    def start(cls, processes: int = VIEWS) -> DrawingPool | None:
        """Fork the drawing process; it draws up to ``processes`` views at a time (one process each).

        Parameters
        ----------
        processes : int, optional
            At most this many views are drawn at once (and no more than twice the cores).

        Returns
        -------
        DrawingPool or None
            ``None`` where forking is unsafe or impossible (one core, other threads running, no
            ``fork``): the caller draws the views itself.
        """
        cores = os.cpu_count() or 1
        if cores < 2 or threading.active_count() != 1 or "fork" not in multiprocessing.get_all_start_methods():
            return None
        context = multiprocessing.get_context("fork")
        try:
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, min(processes, 2 * cores)), name="ikg-drawing")
            process.start()
        except (OSError, multiprocessing.ProcessError):
            return None
        theirs.close()
        return cls(process, mine)

    def draw(self, views: Sequence[tuple[Any, str]], lang: str) -> Callable[[], list[tuple[str, bytes]]]:
        """Start drawing each view (graph, heading); return a function that waits for the drawings.

        Parameters
        ----------
        views : sequence of (graph, heading)
        lang : {"de", "en"}

        Returns
        -------
        callable
            Returns the SVG text and PNG file of each view, in order. It raises what a drawing
            raised, and ``multiprocessing.ProcessError`` when the process has ended or failed
            (the pool has ended then).

        Raises
        ------
        multiprocessing.ProcessError
            When the process has ended.
        """
        if self._process is None:
            raise multiprocessing.ProcessError("the drawing process has ended")
        from ikg.viz.scene import view_scene  # the caller has networkx and the layouts already

        jobs = [(view_scene(graph, lang), heading, lang) for graph, heading in views]
        try:
            self._conn.send(jobs)
        except (OSError, ValueError) as exc:
            self.end(at_once=True)
            raise multiprocessing.ProcessError("the drawing process has ended") from exc

        def finish() -> list[tuple[str, bytes]]:
            try:
                status, value = self._conn.recv()
            except BaseException as exc:  # Ctrl-C, or the process died
                self.end(at_once=True)
                if isinstance(exc, (EOFError, OSError)):
                    raise multiprocessing.ProcessError("the drawing process has ended") from exc
                raise
            if status != "ok":
                self.end(at_once=True)
                raise value
            return list(value)

        return finish

    def end(self, at_once: bool = False) -> None:
        """Let the process end and wait for it; with ``at_once``, stop it (and its drawings) first."""
        process, self._process = self._process, None
        if process is None:
            return
        if at_once:
            process.terminate()
        else:
            try:
                self._conn.send(None)
            except (OSError, ValueError):
                process.terminate()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
        self._conn.close()

    def __enter__(self) -> DrawingPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.end(at_once=kind is not None)
