"""The Examples sections of the docstrings run as doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

MODULES = sorted(
    info.name
    for package in ("ikg.graph", "ikg.api", "ikg.viz")
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + ".")
    if not info.ispkg or info.name.count(".") > 1  # sub-packages too, and their modules
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
