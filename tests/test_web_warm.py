"""The analyses the workbench's first page needs are computed as the server starts (``warm``)."""

from __future__ import annotations

from typing import Any

import pytest

from ikg.api.web import insight as kept
from ikg.graph.ingest.importer import open_store


def test_warm_analyses_every_concept_once_and_the_first_page_finds_them_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = open_store(":memory:")  # the two shipped concepts
    analysed: list[str] = []
    real = kept.analyse

    def counting(net: Any, *args: Any, **kwargs: Any) -> Any:
        analysed.append(net.concept)
        return real(net, *args, **kwargs)

    monkeypatch.setattr(kept, "analyse", counting)
    thread = kept.warm(store)
    thread.join(120)
    assert not thread.is_alive() and thread.daemon
    assert sorted(analysed) == ["beispielkreis-2024", "mettmann-2015"]
    kept.insight(store, "beispielkreis-2024")  # what the start page asks for
    kept.insight(store, "mettmann-2015")
    assert len(analysed) == 2  # nothing computed again
