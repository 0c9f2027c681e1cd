"""Did you mean ...? The one rule for suggesting the id, value, table or column a user most likely meant.

A suggestion is the candidate fewest edits away (optimal string alignment: a letter added,
dropped, changed, or two neighbours swapped each count one), compared without case, umlauts
or ``-``/space differences, and only when those edits are few for the length of what was
written: one up to seven letters, then one more per four (``Otr`` → ``ort``, ``ag-sprach`` →
``ag-sprache``, ``Mitgliedschaft`` → ``mitgliedschaften``; ``Fachtag`` suggests nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["closest"]


def closest(written: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``written`` most likely means, or ``None`` if none is close.

    Parameters
    ----------
    written : str
        What the user wrote.
    candidates : iterable of str
        What exists (ids, values, names).

    Returns
    -------
    str or None
        The candidate as given (not normalised).

    Examples
    --------
    >>> closest("ag-sprach", ["ag-sprache", "ag-arbeit"]), closest("Otr", ["name", "ort"])
    ('ag-sprache', 'ort')
    >>> closest("Sportverien", ["sportverein", "verein"]), closest("Fachtag", ["frist", "sitzung"])
    ('sportverein', None)
    """
    from rapidfuzz import process  # loaded at the first suggestion, not by every command
    from rapidfuzz.distance import OSA

    from ikg.graph.ingest.schema import normalise_name

    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(normalise_name(candidate), candidate)
    key = normalise_name(written)
    if not key or key in by_key:
        return by_key.get(key)
    limit = 1 + max(0, len(key) - 4) // 4
    found = process.extractOne(key, list(by_key), scorer=OSA.distance, score_cutoff=limit)
    return None if found is None else by_key[found[0]]
