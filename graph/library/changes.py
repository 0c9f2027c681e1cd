"""What an import would change in a concept: triples added and removed, and which things, by kind.

:func:`compare` takes what the concept's named graph holds now and what the import would make it
hold, and says which actors, working groups, goals, action fields and cross-cutting tasks are
added, removed or changed. A thing is *changed* when a triple about it differs, or a triple of
a node that points at it (a membership names its actor and its working group, so a new role or
date marks both). Things are told by their id (``dcterms:identifier``) and shown with their
label; the web workbench shows this as the preview before an import writes anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

__all__ = ["KIND_CLASSES", "Preview", "ThingChange", "compare"]

_IKG = "https://w3id.org/ikg/ns#"
#: the kinds of thing a preview names, by the class of the ikg ontology
KIND_CLASSES: dict[str, str] = {
    _IKG + "Actor": "actor",
    _IKG + "WorkingGroup": "working_group",
    _IKG + "Goal": "goal",
    _IKG + "ActionField": "action_field",
    _IKG + "CrossCuttingTask": "task",
}
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ID = ox.NamedNode("http://purl.org/dc/terms/identifier")
_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
_STATUS_ORDER = {"added": 0, "removed": 1, "changed": 2}


@dataclass(frozen=True)
class ThingChange:
    """One thing an import adds, removes or changes."""

    kind: str
    id: str
    labels: dict[str, str]
    status: str

    def label(self, lang: str) -> str:
        """The label in ``lang``, else the other language, else the id."""
        return self.labels.get(lang) or next(iter(self.labels.values()), "") or self.id


@dataclass
class Preview:
    """What an import would do: triples added and removed, and the things changed, kind by kind."""

    added: int
    removed: int
    things: list[ThingChange] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """Whether the import would write nothing."""
        return not self.added and not self.removed

    def of_kind(self, kind: str) -> list[ThingChange]:
        """The changes of one kind: added first, then removed, then changed, each by id."""
        return [c for c in self.things if c.kind == kind]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind, how many things are added, removed and changed."""
        out: dict[str, dict[str, int]] = defaultdict(lambda: {"added": 0, "removed": 0, "changed": 0})
        for c in self.things:
            out[c.kind][c.status] += 1
        return dict(out)


def _triples(quads: Iterable[ox.Quad]) -> set[tuple[Any, Any, Any]]:
    return {(q.subject, q.predicate, q.object) for q in quads}


def _things(triples: set[tuple[Any, Any, Any]]) -> dict[object, tuple[str, str, dict[str, str]]]:
    """Each thing of a kind: its node, kind, id and labels by language."""
    kinds = {s: KIND_CLASSES[o.value] for s, p, o in triples if p == _TYPE and getattr(o, "value", "") in KIND_CLASSES}
    ids: dict[object, str] = {}
    labels: dict[object, dict[str, str]] = defaultdict(dict)
    for s, p, o in triples:
        if s in kinds and isinstance(o, ox.Literal):
            if p == _ID:
                ids[s] = o.value
            elif p == _LABEL:
                labels[s][o.language or ""] = o.value
    return {s: (kind, ids.get(s, str(s)), labels.get(s, {})) for s, kind in kinds.items()}


def compare(old: Iterable[ox.Quad], new: Iterable[ox.Quad]) -> Preview:
    """What turning a concept's graph from ``old`` into ``new`` changes.

    Parameters
    ----------
    old : iterable of pyoxigraph.Quad
        What the concept's named graph holds now (empty for a new concept).
    new : iterable of pyoxigraph.Quad
        What the import would write (graph names are ignored).

    Returns
    -------
    Preview

    Examples
    --------
    >>> A, ID, T = ox.NamedNode("https://x/a"), _ID, _TYPE
    >>> actor = ox.NamedNode(_IKG + "Actor")
    >>> old = [ox.Quad(A, T, actor), ox.Quad(A, ID, ox.Literal("a"))]
    >>> old.append(ox.Quad(A, _LABEL, ox.Literal("Alt", language="de")))
    >>> new = old[:2] + [ox.Quad(A, _LABEL, ox.Literal("Neu", language="de"))]
    >>> p = compare(old, new)
    >>> (p.added, p.removed), [(c.status, c.id, c.label("de")) for c in p.things]
    ((1, 1), [('changed', 'a', 'Neu')])
    """
    before, after = _triples(old), _triples(new)
    gone, come = before - after, after - before
    things_before, things_after = _things(before), _things(after)
    touched: set[object] = set()
    links: dict[object, set[object]] = defaultdict(set)  # a node to the things it points at
    for s, _p, o in before | after:
        if o in things_before or o in things_after:
            links[s].add(o)
    for s, _p, o in gone | come:
        if s in things_before or s in things_after:
            touched.add(s)
        else:
            touched |= links.get(s, set())
        if o in things_before or o in things_after:
            touched.add(o)
    out = []
    for node in set(things_before) | set(things_after):
        if node in things_after and node not in things_before:
            status = "added"
        elif node in things_before and node not in things_after:
            status = "removed"
        elif node in touched:
            status = "changed"
        else:
            continue
        kind, thing_id, labels = things_after.get(node) or things_before[node]
        out.append(ThingChange(kind, thing_id, labels, status))
    out.sort(key=lambda c: (_STATUS_ORDER[c.status], c.id))
    return Preview(len(come), len(gone), out)
