"""The gap analysis of each concept, computed once per store state, and what the pages ask of it.

The analysis of a concept (:func:`ikg.graph.analysis.gaps.analyse_store`: its network, read
with SPARQL, and every kind of finding) takes about 0.1 s at 60 actors and seconds at 10,000, so
the workbench keeps it, with the concepts of :func:`ikg.graph.library.inventory.list_concepts`,
for as long as the store object it was read from lives: the server's embedded backend gives a
new read-only store for every change, so a change is seen at the next page. A store that can
change under the same object (a remote server, a writable store) is read again after
:data:`FRESH_SECONDS`.

:class:`Insight` answers the pages' questions: the most important findings, the findings about
one thing, the recommended contacts of an actor, the findings that match a filter, and the
things whose name contains a search text.
"""

from __future__ import annotations

import threading
import time
import unicodedata
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ikg.graph.analysis.gaps import KINDS, Analysis, Finding, analyse
from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.analysis.network import load_network
from ikg.graph.library.inventory import ConceptInfo, list_concepts
from ikg.graph.store.base import StoreLike

__all__ = [
    "FRESH_SECONDS",
    "MAX_PER_KIND",
    "Facets",
    "Insight",
    "SteadyNetwork",
    "concepts",
    "fold",
    "insight",
    "kept",
    "warm",
]

#: how long what was read from a store that may change under the same object is used
FRESH_SECONDS = 30.0
#: at most this many findings per kind are kept (the totals count them all)
MAX_PER_KIND = 2000
#: the order in which one finding of each kind is picked for "the most important findings"
_IMPORTANCE = ("missing-link", "coverage", "silo", "isolate", "broker")


def fold(text: str) -> str:
    """Text as search compares it: case, umlauts (``ä``, ``ae``), ß and accents ignored.

    Examples
    --------
    >>> fold("Müller-Lüdenscheidt"), fold("MUELLER"), fold("Straße"), fold("Café")
    ('muller-ludenscheidt', 'muller', 'strasse', 'cafe')
    """
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    for pair, single in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        text = text.replace(pair, single)
    return text


@dataclass(frozen=True)
class Facets:
    """What a finding touches, for the filters of the gaps page (sets of IRIs, and towns)."""

    actors: frozenset[str]
    fields: frozenset[str]
    groups: frozenset[str]
    towns: frozenset[str]


class SteadyNetwork:
    """A concept's network as the advice reads it, its derived tables computed once.

    :class:`~ikg.graph.analysis.model.ConceptNetwork` derives its memberships, pursuers and the
    items of a kind anew on every call (0.15 s at 10,000 actors, and the words of one finding ask
    several times). The network the workbench keeps does not change, so this view answers those
    calls from the first answer and everything else from the network itself.
    """

    def __init__(self, net: ConceptNetwork) -> None:
        self._net = net
        self._once: dict[Any, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._net, name)

    def _get(self, key: Any, compute: Any) -> Any:
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    def memberships(self) -> dict[str, list[str]]:
        """As :meth:`ConceptNetwork.memberships`, computed once."""
        result: dict[str, list[str]] = self._get("memberships", self._net.memberships)
        return result

    def pursuers(self) -> dict[str, list[str]]:
        """As :meth:`ConceptNetwork.pursuers`, computed once."""
        result: dict[str, list[str]] = self._get("pursuers", self._net.pursuers)
        return result

    def of_kind(self, kind: str) -> list[Item]:
        """As :meth:`ConceptNetwork.of_kind`, computed once per kind."""
        result: list[Item] = self._get(("of_kind", kind), lambda: self._net.of_kind(kind))
        return result

    @property
    def actors(self) -> list[Item]:
        """The actors, sorted by id."""
        return self.of_kind("actor")

    @property
    def goals(self) -> list[Item]:
        """The goals (concept goals included), sorted by id."""
        return self.of_kind("goal")


@dataclass
class Insight:
    """One concept's analysis with the indexes the pages use.

    Attributes
    ----------
    analysis : Analysis
        Every kind of finding (at most :data:`MAX_PER_KIND` each), the metrics and the network.
    findings : list of Finding
        All findings, kind by kind in :data:`ikg.graph.analysis.gaps.KINDS` order.
    facets : list of Facets
        What each finding of ``findings`` touches (same order).
    """

    analysis: Analysis
    findings: list[Finding] = field(default_factory=list)
    facets: list[Facets] = field(default_factory=list)
    _about: dict[str, list[int]] = field(default_factory=dict)
    _names: list[tuple[str, Item]] = field(default_factory=list)
    _memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def network(self) -> ConceptNetwork:
        """The concept's network (items and incidences)."""
        return self.analysis.network

    @property
    def steady(self) -> ConceptNetwork:
        """The network with its derived tables computed once (:class:`SteadyNetwork`), for the advice."""
        view: ConceptNetwork = self.memo("steady", lambda: SteadyNetwork(self.analysis.network))
        return view

    @classmethod
    def of(cls, analysis: Analysis) -> Insight:
        """Index an analysis: facets and the findings about each thing, names for search."""
        net = analysis.network
        groups_of = net.memberships()
        goals_of: dict[str, set[str]] = defaultdict(set)
        for goal, actors in net.pursuers().items():
            for a in actors:
                goals_of[a].add(goal)
        out = cls(analysis, analysis.all())
        about: dict[str, list[int]] = defaultdict(list)
        for i, finding in enumerate(out.findings):
            facets = _facets(finding, net, groups_of, goals_of)
            out.facets.append(facets)
            for iri in {s.iri for s in finding.subjects} | facets.actors:
                about[iri].append(i)
        out._about = dict(about)
        searchable = ("actor", "working_group", "goal", "action_field", "task")
        items = sorted((i for i in net.items.values() if i.kind in searchable), key=lambda i: (i.kind, i.id))
        out._names = [(" ".join(fold(v) for v in {*i.labels.values(), i.id}), i) for i in items]
        return out

    def memo(self, key: Any, compute: Any) -> Any:
        """``compute()``, kept under ``key`` for as long as this analysis is kept (what pages derive from it).

        At 10,000 actors the words of one finding take up to 0.2 s and the actors on a field a
        second: computed on the first page that shows them, then read. Two threads may both
        compute a value once; either result is the same.
        """
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def top(self, n: int = 3) -> list[Finding]:
        """The most important findings: the first of each kind, missing links first, then coverage, ..."""
        picked = [self.analysis.findings[k][0] for k in _IMPORTANCE if self.analysis.findings.get(k)]
        return picked[:n]

    def about(self, iri: str, kinds: tuple[str, ...] = KINDS) -> list[Finding]:
        """The findings that name or involve the thing ``iri`` (its subjects or the actors behind them)."""
        return [self.findings[i] for i in self._about.get(iri, []) if self.findings[i].kind in kinds]

    def contacts(self, actor_iri: str) -> list[tuple[Item, Finding]]:
        """The actors ikg recommends ``actor_iri`` to meet: its missing links, best first."""
        out = []
        for finding in self.about(actor_iri, ("missing-link",)):
            other = [s for s in finding.subjects if s.iri != actor_iri]
            if other:
                out.append((other[0], finding))
        return out

    def select(
        self, kind: str = "", field: str = "", group: str = "", town: str = "", actor: str = ""
    ) -> list[Finding]:
        """The findings that match every filter given (IRIs for field, group, actor; a town's name)."""
        out = []
        for finding, facets in zip(self.findings, self.facets, strict=True):
            if kind and finding.kind != kind:
                continue
            if (field and field not in facets.fields) or (group and group not in facets.groups):
                continue
            if (town and town not in facets.towns) or (actor and actor not in facets.actors):
                continue
            out.append(finding)
        return out

    def towns(self) -> list[str]:
        """The towns of the concept's actors, sorted."""
        return sorted({i.town for i in self.network.items.values() if i.kind == "actor" and i.town}, key=fold)

    def search(self, text: str) -> list[Item]:
        """The actors, working groups, goals, fields and tasks whose name or id contains ``text``."""
        wanted = fold(text.strip())
        if not wanted:
            return []
        return [item for name, item in self._names if wanted in name]

    def item(self, kind: str, item_id: str) -> Item | None:
        """The item of ``kind`` with id ``item_id``, if the concept has one."""
        for item in self.network.items.values():
            if item.kind == kind and item.id == item_id:
                return item
        return None


def _facets(
    finding: Finding, net: ConceptNetwork, groups_of: dict[str, list[str]], goals_of: dict[str, set[str]]
) -> Facets:
    ev = finding.evidence
    actors = {s.iri for s in finding.subjects if s.kind == "actor"}
    actors |= {a["iri"] for a in ev.get("actors", []) if isinstance(a, dict) and "iri" in a}
    fields = {s.iri for s in finding.subjects if s.kind == "action_field"}
    groups = {s.iri for s in finding.subjects if s.kind == "working_group"}
    for s in finding.subjects:
        if s.kind == "goal":
            fields.update(net.goal_fields.get(s.iri, ()))
            if s.iri in net.formulated_by:
                groups.add(net.formulated_by[s.iri])
        elif s.kind == "working_group":
            fields.update(net.wg_fields.get(s.iri, ()))
    groups |= {g["iri"] for g in ev.get("working_groups", []) if isinstance(g, dict) and "iri" in g}
    if finding.kind == "missing-link":
        fields |= {f["iri"] for f in ev.get("shared_action_fields", [])}
    elif finding.kind != "coverage":
        for a in actors:
            for g in groups_of.get(a, ()):
                fields.update(net.wg_fields.get(g, ()))
            for goal in goals_of.get(a, ()):
                fields.update(net.goal_fields.get(goal, ()))
    for a in actors:
        groups.update(groups_of.get(a, ()))
    towns = {net.items[a].town for a in actors if a in net.items and net.items[a].town}
    if isinstance(ev.get("town"), str):
        towns.add(ev["town"])
    return Facets(frozenset(actors), frozenset(fields), frozenset(groups), frozenset(towns))


class _Cache:
    """Per store object: the concepts and each concept's insight, computed once (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stores: weakref.WeakKeyDictionary[Any, dict[str, tuple[float, Any]]] = weakref.WeakKeyDictionary()

    def get(self, store: StoreLike, key: str, compute: Any) -> Any:
        with self._lock:  # one computation at a time: the machine is small, and a second would wait anyway
            entries = self._stores.setdefault(store, {})
            now = time.monotonic()
            found = entries.get(key)
            fixed = bool(getattr(store, "read_only", False))
            if found is not None and (fixed or now - found[0] < FRESH_SECONDS):
                return found[1]
            value = compute()
            entries[key] = (now, value)
            return value


_CACHE = _Cache()


def concepts(store: StoreLike) -> list[ConceptInfo]:
    """The concepts in the store with their counts (:func:`~ikg.graph.library.inventory.list_concepts`), kept.

    Parameters
    ----------
    store : StoreLike
        The store the server reads.

    Returns
    -------
    list of ConceptInfo
    """
    result: list[ConceptInfo] = _CACHE.get(store, "", lambda: list_concepts(store))
    return result


def kept(store: StoreLike, key: str, compute: Any) -> Any:
    """``compute()``, kept per store state like the analyses (:func:`insight`): for other derived pages.

    Parameters
    ----------
    store : StoreLike
    key : str
        What is kept (e.g. ``changes:NEW:OLD``); must not start with ``concept:``.
    compute : callable
        Called without arguments when nothing is kept under ``key`` for this store state, under
        the cache's lock: it must not call :func:`concepts`, :func:`insight` or :func:`kept`.

    Returns
    -------
    Any
    """
    return _CACHE.get(store, key, compute)


def insight(store: StoreLike, concept: str) -> Insight:
    """The analysis of one concept with its indexes, computed once per store state.

    Parameters
    ----------
    store : StoreLike
        The store the server reads.
    concept : str
        A concept id the store holds (see :func:`concepts`).

    Returns
    -------
    Insight
    """

    def compute() -> Insight:
        return Insight.of(analyse(load_network(store, concept), KINDS, MAX_PER_KIND))

    result: Insight = _CACHE.get(store, "concept:" + concept, compute)
    return result


def warm(store: StoreLike) -> threading.Thread:
    """Analyse every concept of ``store`` in a background thread, so that the first page need not wait.

    ``ikg serve`` calls it as it starts: the first page a coordinator opens needs the analysis of
    each concept (10,000 actors: about 9 s), and it is then already kept, or being computed. A
    failure is left to the page that asks for the analysis, which shows it.

    Parameters
    ----------
    store : StoreLike
        The store the pages will read (the backend's current one).

    Returns
    -------
    threading.Thread
        The (daemon) thread, started.
    """

    def run() -> None:
        try:
            for concept in concepts(store):
                insight(store, concept.id)
        except Exception:  # noqa: S110 - the page that needs the analysis computes it again and shows why
            pass

    thread = threading.Thread(target=run, name="ikg-warm-insight", daemon=True)
    thread.start()
    return thread
