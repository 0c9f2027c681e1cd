"""The command line draws a report's views in forked processes; the files stay the same."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from ikg.graph.analysis.gaps import KINDS, analyse
from ikg.graph.analysis.model import ConceptNetwork
from ikg.viz import report
from ikg.viz.views import ViewRequest, build_view

from .test_report import winzig  # noqa: F401 - the fixture


def _views(net: ConceptNetwork) -> list[tuple[Any, str]]:
    analysis = analyse(net, KINDS)
    return [build_view(net, analysis, ViewRequest(name, "de")) for name in report.REPORT_VIEWS]


def test_views_drawn_in_forked_processes_are_the_same_files(
    winzig: ConceptNetwork,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    views = _views(winzig)
    here = report.draw_views(views, "de")
    pools: list[str] = []
    real = multiprocessing.get_context

    def counted(method: str | None = None) -> Any:
        pools.append(str(method))
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", counted)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # as on the command line
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    forked = report.draw_views(views, "de", parallel=True)
    assert pools == ["fork"]  # the pool drew them
    assert forked == here  # SVG text and PNG bytes, view by view, in order
    assert len(forked) == len(report.REPORT_VIEWS) and all(png.startswith(b"\x89PNG") for _, png in forked)


def test_with_other_threads_running_nothing_is_forked(
    winzig: ConceptNetwork,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pools: list[str] = []
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: pools.append(str(method)))
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # a server's threads: forking is not safe
    drawn = report.draw_views(_views(winzig)[:2], "de", parallel=True)
    assert pools == [] and len(drawn) == 2


#: run in a fresh interpreter (one thread, as on the command line: nothing is forked from pytest's
#: threads): record what the drawing pool and the store do while ``ikg ARGS`` runs, print it as JSON
_RECORDER = """
import json, sys
from ikg.api.cli import network
from ikg.api.cli.app import main
from ikg.viz import drawing_pool

events = []

class Recorded(drawing_pool.DrawingPool):
    @classmethod
    def start(cls, processes=drawing_pool.VIEWS):
        events.append("pool")
        return super().start(processes)

    def draw(self, views, lang):
        events.append("draw")
        return super().draw(views, lang)

    def end(self, at_once=False):
        if self._process is not None:
            events.append("end")
        super().end(at_once)

real_open = network.open_store

def opened(**kwargs):
    events.append("open")
    return real_open(**kwargs)

drawing_pool.DrawingPool = Recorded
network.open_store = opened
try:
    main(sys.argv[1:])
except SystemExit as done:
    events.append(f"exit {done.code or 0}")
print(json.dumps(events))
"""


def _recorded(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _RECORDER, *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return list(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.skipif(os.cpu_count() == 1, reason="one core: the views are drawn in process")
def test_the_report_command_forks_its_drawing_processes_before_it_opens_the_store(tmp_path: Path) -> None:
    # the drawing processes import matplotlib while the command reads the store and computes the
    # gaps: they must exist before the store is opened (and hold no handle of it), draw the views,
    # and end with the command
    out = tmp_path / "bericht"
    events = _recorded(
        "--store", str(tmp_path / "store"), "report", "--concept", "beispielkreis-2024", "--out", str(out)
    )
    assert events == ["pool", "open", "draw", "end", "exit 0"]
    assert sorted(p.name for p in (out / "views").iterdir()) == sorted(
        f"{name}.{suffix}" for name in report.REPORT_VIEWS for suffix in ("html", "png", "svg")
    )
    assert all((out / "views" / f"{name}.png").read_bytes().startswith(b"\x89PNG") for name in report.REPORT_VIEWS)


@pytest.mark.skipif(os.cpu_count() == 1, reason="one core: the views are drawn in process")
def test_up_draws_the_views_of_every_concept_with_one_drawing_process(tmp_path: Path) -> None:
    # `ikg up` writes a report per concept: one drawing process, started before the store is
    # opened, draws them all (not one per report, each importing matplotlib again)
    out = tmp_path / "berichte"
    events = _recorded("--store", str(tmp_path / "store"), "up", "--no-serve", "--out", str(out))
    assert events == ["pool", "draw", "draw", "end", "exit 0"]  # the two shipped concepts
    assert sorted(p.parent.name for p in out.glob("*/index.html")) == ["beispielkreis-2024", "mettmann-2015"]


def _draw_or_fail(job: tuple[Any, str, str]) -> tuple[str, bytes]:
    """The drawing processes' ``_draw``, failing for the heading ``kaputt`` (module level: pickled by name)."""
    from ikg.viz import drawing_pool

    if job[1] == "kaputt":
        raise ValueError("the drawing failed")
    return drawing_pool.__dict__["_original_draw"](job)


def test_a_drawing_that_fails_in_the_pool_ends_it_and_reaches_the_caller(
    winzig: ConceptNetwork,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ikg.viz import drawing_pool

    views = _views(winzig)[:1]
    monkeypatch.setattr(drawing_pool, "_original_draw", drawing_pool._draw, raising=False)
    monkeypatch.setattr(drawing_pool, "_draw", _draw_or_fail)  # before the fork: the drawing process has it
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    pool = drawing_pool.DrawingPool.start(2)
    assert pool is not None
    with pool:
        with pytest.raises(ValueError, match="the drawing failed"):
            report.draw_views([*views, (views[0][0], "kaputt")], "de", pool=pool)
        assert pool._process is None  # it was stopped at once
        # a pool that has ended draws nothing: the views are drawn here
        assert report.draw_views(views, "de", pool=pool) == report.draw_views(views, "de")


def test_a_view_the_scene_refuses_is_refused_before_the_pool_and_the_pool_goes_on(
    winzig: ConceptNetwork,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import networkx as nx

    from ikg.viz import drawing_pool

    views = _views(winzig)[:1]
    broken = nx.Graph()
    broken.add_node("x", kind="no such kind", label="x", title="")
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    pool = drawing_pool.DrawingPool.start(2)
    assert pool is not None
    with pool:
        with pytest.raises(ValueError, match="no such kind"):  # the command makes the scenes
            report.draw_views([*views, (broken, "kaputt")], "de", pool=pool)
        assert pool._process is not None and pool._process.is_alive()
        assert report.draw_views(views, "de", pool=pool) == report.draw_views(views, "de")


def test_the_drawing_pool_knows_how_many_views_a_report_has() -> None:
    # drawing_pool stays light (it must not import the report module): its copy of the count is checked here
    from ikg.viz import drawing_pool

    assert len(report.REPORT_VIEWS) == drawing_pool.VIEWS
