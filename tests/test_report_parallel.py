"""The command line draws a report's views in forked processes; the files stay the same."""

from __future__ import annotations

import multiprocessing
import threading
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
