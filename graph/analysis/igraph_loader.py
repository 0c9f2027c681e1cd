"""igraph, imported without the matplotlib it would import with it.

igraph imports ``matplotlib.pyplot`` when matplotlib is installed, for its plotting (0.5-0.9 s,
over half of an ``ikg gaps``). ikg never draws with igraph (figures are drawn with matplotlib by
:mod:`ikg.viz`), but uses its C core for the network metrics (:mod:`ikg.graph.analysis.metrics`)
and for the Kamada–Kawai layout of small components (:mod:`ikg.viz.layout`).
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import Any

__all__ = ["load_igraph"]


class _NoMatplotlibHere:
    """A meta path finder that makes ``import matplotlib`` fail, in one thread only (see :func:`load_igraph`)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        """Refuse matplotlib and its modules in the importing thread; leave everything else alone."""
        if threading.get_ident() == self.thread and name.partition(".")[0] == "matplotlib":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def load_igraph() -> ModuleType:
    """The ``igraph`` module, imported without matplotlib when matplotlib is not loaded yet.

    While igraph is imported, matplotlib is refused in the importing thread, and igraph falls
    back to its stand-in for a missing matplotlib. Once matplotlib is imported (a report),
    igraph is imported as it is.

    Returns
    -------
    module
        ``igraph``.

    Examples
    --------
    >>> load_igraph().Graph(n=2, edges=[(0, 1)]).ecount()
    1
    """
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    blocker = _NoMatplotlibHere()
    sys.meta_path.insert(0, blocker)
    try:
        import igraph
    finally:
        sys.meta_path.remove(blocker)
    return igraph
