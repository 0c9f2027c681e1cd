"""The Examples sections of the docstrings run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ikg.graph.namespaces",
    "ikg.graph.problems",
    "ikg.graph.schema",
    "ikg.graph.mapping",
    "ikg.graph.terms",
    "ikg.graph.sparql_text",
    "ikg.graph.i18n",
    "ikg.api.output",
    "ikg.api.negotiation",
    "ikg.api.app",
    "ikg.graph.remote",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
