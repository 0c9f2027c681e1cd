"""Stage 4, the network: actors and their ties read from the store, metrics, and the explained
networking gaps (missing links, coverage, brokers, silos, isolates)."""

from ikg.graph.analysis.numpy_lazy import defer as _defer

_defer()  # before any module of the analysis imports scipy.sparse (see numpy_lazy)
