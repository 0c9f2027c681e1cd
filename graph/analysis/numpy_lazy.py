"""numpy's test and Fortran-wrapper packages loaded when first used, not by scipy's import.

``import scipy.sparse`` (scipy 1.17) clones numpy's namespace for its array-API layer with
``from numpy import *``. numpy 2 lists ``f2py``, ``testing`` and ``ma`` in ``__all__`` and loads
them on first access, so the clone imports all three. ``f2py`` and ``testing`` are about 0.08 s of
the 0.17 s that ``scipy.sparse`` cost ``ikg gaps``, for packages ikg never uses. (``ma`` is left as
it is: ``numpy.unique`` reads it, so the analysis would load it anyway.)

:func:`defer` puts a lazy module (:class:`importlib.util.LazyLoader`, Python's own mechanism) in
their place before scipy is imported. The clone then holds the lazy module, which runs its code the
first time one of its attributes is read. Nothing changes for code that uses them; a package that
is already imported is left as it is. (On Python 3.11 two threads reading a lazy module's first
attribute at the same moment could see it half loaded; no thread of ikg uses these two.)
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["DEFERRED", "defer"]

#: numpy's packages that ``from numpy import *`` imports and ikg does not use
DEFERRED: tuple[str, ...] = ("numpy.f2py", "numpy.testing")


def defer(names: tuple[str, ...] = DEFERRED) -> list[str]:
    """Register lazy modules for the packages in ``names`` that are not imported yet.

    Call it before the first ``import scipy.sparse``; it imports numpy itself.

    Parameters
    ----------
    names : tuple of str
        Dotted names of subpackages of an imported or importable package.

    Returns
    -------
    list of str
        The names that now stand as lazy modules (empty when all were imported already, or when
        called again).

    Examples
    --------
    >>> import numpy.testing  # imported already: left as it is
    >>> defer(("numpy.testing",))
    []
    """
    deferred = []
    for name in names:
        if name in sys.modules:
            continue
        parent_name, _, child = name.rpartition(".")
        parent = importlib.import_module(parent_name)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        loader = importlib.util.LazyLoader(spec.loader)
        spec.loader = loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        loader.exec_module(module)
        # ``import numpy.testing as t`` reads the attribute of the parent; without it numpy's own
        # ``__getattr__`` would import the name again, and find the lazy module, forever
        setattr(parent, child, module)
        deferred.append(name)
    return deferred
