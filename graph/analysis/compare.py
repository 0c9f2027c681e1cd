"""What changed between two versions of a concept: actors, working groups, goals, ties and gaps.

A concept that revises another (``revision_of``, ``prov:wasRevisionOf``) is compared with that
version when both are in the store. Things are matched by their id (``dcterms:identifier``), as
the spreadsheet writes it, never by IRI; a tie is a pair of actor ids (shared working group or
cooperation, docs/design.md). A networking gap of the old version is **closed** when the new
version has no finding of the same kind about the same subjects (for a town silo: the same town),
and **left open** when it still has one (a field that lost one of its gaps but kept another is
still open); gaps of the new version the old one did not have are
**new**. Both versions are analysed completely (no cut to the top findings).

:func:`compare` works on two analyses, :func:`compare_store` on a store (what ``ikg gaps
--since OLD_ID``, the report and the workbench call).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from ikg.graph.analysis.finding import Finding
from ikg.graph.analysis.gaps import Analysis, analyse
from ikg.graph.analysis.model import Item
from ikg.graph.analysis.network import choose_concepts, load_network
from ikg.graph.analysis.ties import actor_network
from ikg.graph.errors import NotFoundError
from ikg.graph.store.base import StoreLike

__all__ = ["Changes", "compare", "compare_store", "gap_key"]


@dataclass(frozen=True)
class Changes:
    """What changed from version ``old`` to version ``new`` of a concept.

    Attributes
    ----------
    old, new : str
        The concept ids.
    added, removed : dict
        ``actors``, ``working_groups``, ``goals`` to the items added or removed (by id), and
        ``ties`` to the actor pairs ``(a, b)`` (items, ``a.id < b.id``) added or removed.
    closed, still_open, new_gaps : list of Finding
        Gaps of the old version the new one closed; gaps of the old version still open (the new
        version's finding); gaps only the new version has.
    """

    old: str
    new: str
    added: dict[str, list]
    removed: dict[str, list]
    closed: list[Finding]
    still_open: list[Finding]
    new_gaps: list[Finding]

    def counts(self) -> dict[str, int]:
        """How many of each: ``actors_added``, ..., ``ties_removed``, ``gaps_closed``, ``gaps_open``, ``gaps_new``."""
        out = {f"{k}_added": len(v) for k, v in self.added.items()}
        out.update({f"{k}_removed": len(v) for k, v in self.removed.items()})
        out.update(gaps_closed=len(self.closed), gaps_open=len(self.still_open), gaps_new=len(self.new_gaps))
        return out

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ids of what was added and removed, and the gaps by kind and subject ids."""

        def ids(values: list) -> list:
            return [[v[0].id, v[1].id] if isinstance(v, tuple) else v.id for v in values]

        def gaps(found: list[Finding]) -> list[dict[str, object]]:
            return [{"kind": f.kind, "subjects": [s.id for s in f.subjects]} for f in found]

        return {
            "old": self.old,
            "new": self.new,
            "added": {k: ids(v) for k, v in self.added.items()},
            "removed": {k: ids(v) for k, v in self.removed.items()},
            "closed": gaps(self.closed),
            "still_open": gaps(self.still_open),
            "new_gaps": gaps(self.new_gaps),
        }


def gap_key(finding: Finding) -> Hashable:
    """What makes two findings of two versions the same gap: kind and subjects by id (a town silo: its town)."""
    if finding.kind == "silo" and isinstance(finding.evidence.get("town"), str):
        return ("silo", "town", finding.evidence["town"])
    return (finding.kind, tuple(sorted((s.kind, s.id) for s in finding.subjects)))


def _ties(analysis: Analysis) -> dict[tuple[str, str], tuple[Item, Item]]:
    graph = actor_network(analysis.network)
    items = analysis.network.items
    out = {}
    for u, v in graph.edges:
        a, b = sorted((items[u], items[v]), key=lambda i: i.id)
        out[(a.id, b.id)] = (a, b)
    return out


def compare(old: Analysis, new: Analysis) -> Changes:
    """Compare two analysed versions of a concept.

    Parameters
    ----------
    old, new : Analysis
        Analyses of both versions, with every finding (``top=None``).

    Returns
    -------
    Changes
    """
    added: dict[str, list] = {}
    removed: dict[str, list] = {}
    for kind, name in (("actor", "actors"), ("working_group", "working_groups"), ("goal", "goals")):
        before = {i.id: i for i in old.network.of_kind(kind)}
        after = {i.id: i for i in new.network.of_kind(kind)}
        added[name] = [after[k] for k in sorted(set(after) - set(before))]
        removed[name] = [before[k] for k in sorted(set(before) - set(after))]
    before_ties, after_ties = _ties(old), _ties(new)
    added["ties"] = [after_ties[k] for k in sorted(set(after_ties) - set(before_ties))]
    removed["ties"] = [before_ties[k] for k in sorted(set(before_ties) - set(after_ties))]
    new_by_key = {gap_key(f): f for f in new.all()}
    old_keys = {gap_key(f) for f in old.all()}
    closed = [f for f in old.all() if gap_key(f) not in new_by_key]
    still_open = [new_by_key[gap_key(f)] for f in old.all() if gap_key(f) in new_by_key]
    new_gaps = [f for f in new.all() if gap_key(f) not in old_keys]
    return Changes(old.concept, new.concept, added, removed, closed, still_open, new_gaps)


def compare_store(store: StoreLike, concept: str, since: str | None = None) -> Changes:
    """Compare a concept of the store with the version it revises (or with ``since``).

    Parameters
    ----------
    store : StoreLike
    concept : str
        The newer version's id.
    since : str, optional
        The older version's id; default: the one ``concept`` revises.

    Returns
    -------
    Changes

    Raises
    ------
    NotFoundError
        When either version is not in the store, or ``concept`` revises none and ``since`` is
        not given.
    """
    from ikg.graph.library.inventory import require_concept

    info = require_concept(store, concept)
    old = since or info.revision_of
    if not old:
        raise NotFoundError(key="compare.no_revision", concept=concept)
    known = choose_concepts(store)
    if old not in known:
        raise NotFoundError(key="compare.old_not_in_store", old=old, concept=concept, known=", ".join(known))
    return compare(
        analyse(load_network(store, old), top=None),
        analyse(load_network(store, concept), top=None),
    )
