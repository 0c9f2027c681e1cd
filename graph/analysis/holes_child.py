"""Child process of :func:`ikg.graph.analysis.metrics.structural_holes_soon`.

Usage: ``python -m ikg.graph.analysis.holes_child TIES.npz OUT.npz``. Reads a symmetric weight matrix
(scipy ``save_npz``), writes ``constraint`` and ``effective_size`` (``numpy.savez``).
"""

from __future__ import annotations

import sys

import numpy as np
import scipy.sparse as sp

from ikg.graph.analysis.metrics import _structural_holes, to_igraph


def main(argv: list[str]) -> int:
    """Compute the structural-hole measures of one matrix file into another; 0 on success."""
    src, out = argv
    constraint, eff = _structural_holes(to_igraph(sp.load_npz(src).tocsr()))
    with open(out, "wb") as fh:
        np.savez(fh, constraint=constraint, effective_size=eff)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
