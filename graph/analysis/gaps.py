"""Networking gaps of a concept: ranked findings, each with its reasons and evidence.

Five kinds (docs/design.md, "Networking gaps"), each found by a module of its own:

``missing-link`` (:mod:`ikg.graph.analysis.links`)
    Two actors who pursue the same goals but have no tie (no shared working group, no
    cooperation). Ranked by affinity: Adamic–Adar over the goals they share on the actor–goal
    two-mode graph (a goal pursued by ``n`` actors adds ``1 / ln n``, so rare goals weigh more),
    plus a quarter of the same sum over the action fields they share (fields are broad; they
    only break ties between similar goal overlaps). Computed with sparse matrices in row chunks:
    no loop over pairs.
``coverage`` (:mod:`ikg.graph.analysis.coverage`)
    Action fields or cross-cutting tasks with no goal, no working group (fields only) or fewer
    than two actors; goals no actor pursues; working groups that lack an actor type the concept
    requires (default: a migrant organisation in every group, the participation principle).
``broker`` (:mod:`ikg.graph.analysis.structure`)
    Articulation points (actors whose absence splits the network), the actors with the highest
    betweenness, and bridges between groups of actors, with Burt's constraint and effective size
    as evidence (:mod:`ikg.graph.analysis.metrics`).
``silo`` (:mod:`ikg.graph.analysis.structure`)
    Communities (Leiden, optimising modularity) with few ties to the rest, and towns whose
    actors meet no actor from another town although they share goals with some.
``isolate`` (:mod:`ikg.graph.analysis.structure`)
    Actors with no tie at all (reported apart: constraint is undefined for them).

Every finding (:class:`~ikg.graph.analysis.finding.Finding`) has ``reasons`` as sentences in
German and English (worded by :mod:`ikg.graph.analysis.explain` from the ``gaps`` message
catalogue) and ``evidence`` as structured data (shared goals, fields, towns, actor types). The
same data gives the same findings in the same order. Scores rank findings within one kind; they
are not comparable across kinds.

This module runs them together (:func:`analyse`, :func:`analyse_store`); the names of the
modules above are importable from here as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ikg.graph.analysis.coverage import DEFAULT_REQUIRED_TYPES, actor_type_notations, coverage_gaps
from ikg.graph.analysis.figures import Figures, compute_figures
from ikg.graph.analysis.finding import Finding
from ikg.graph.analysis.links import FIELD_WEIGHT, missing_links
from ikg.graph.analysis.metrics import ActorMetrics, metrics, structural_holes_soon
from ikg.graph.analysis.model import ConceptNetwork
from ikg.graph.analysis.network import choose_concepts, load_network
from ikg.graph.analysis.structure import SILO_MAX_EXTERNAL_SHARE, brokers, isolates, silos
from ikg.graph.analysis.ties import actor_ties
from ikg.graph.choices import GAP_KINDS
from ikg.graph.errors import InputError
from ikg.graph.store.base import StoreLike

__all__ = [
    "DEFAULT_REQUIRED_TYPES",
    "FIELD_WEIGHT",
    "KINDS",
    "SILO_MAX_EXTERNAL_SHARE",
    "Analysis",
    "Figures",
    "Finding",
    "actor_type_notations",
    "analyse",
    "analyse_store",
    "brokers",
    "coverage_gaps",
    "isolates",
    "missing_links",
    "silos",
]

#: the kinds of networking gap, in the order reports show them
KINDS = GAP_KINDS


@dataclass
class Analysis:
    """Everything the gap analysis of one concept found.

    Attributes
    ----------
    concept : str
    findings : dict
        Kind to its findings, ranked.
    totals : dict
        Kind to the number of findings before any ``top`` cut.
    metrics : dict
        Actor IRI to :class:`~ikg.graph.analysis.metrics.ActorMetrics`.
    info : dict
        How metrics were computed (betweenness method, communities, articulation points,
        bridges).
    network : ConceptNetwork
    figures : Figures
        The key figures of the concept (:mod:`ikg.graph.analysis.figures`), computed once here
        and shown by every face.
    """

    concept: str
    findings: dict[str, list[Finding]]
    totals: dict[str, int]
    metrics: dict[str, ActorMetrics]
    info: dict[str, Any]
    network: ConceptNetwork
    figures: Figures

    def all(self, kinds: Iterable[str] = KINDS) -> list[Finding]:
        """The findings of the given kinds, kind by kind in :data:`KINDS` order.

        Parameters
        ----------
        kinds : iterable of str
            Which kinds to include (default: all).

        Returns
        -------
        list of Finding
        """
        wanted = set(kinds)
        return [f for k in KINDS if k in wanted for f in self.findings.get(k, [])]


def analyse(
    net: ConceptNetwork,
    kinds: Iterable[str] = KINDS,
    top: int | None = 10,
    required_types: Sequence[str] | None = None,
) -> Analysis:
    """Run the gap analysis of one concept.

    Parameters
    ----------
    net : ConceptNetwork
        From :func:`ikg.graph.analysis.network.load_network`.
    kinds : iterable of str
        Which kinds of finding to compute (metrics are always computed).
    top : int or None
        At most this many findings per kind (``None``: all).
    required_types : sequence of str, optional
        Actor types every working group should include (see :func:`coverage_gaps`).

    Returns
    -------
    Analysis

    Raises
    ------
    ValueError
        For a kind not in :data:`KINDS`.
    InputError
        For an unknown actor type in ``required_types`` (the message lists the known ones).

    Examples
    --------
    >>> from ikg.graph.ingest.importer import open_store
    >>> from ikg.graph.analysis.network import load_network
    >>> result = analyse(load_network(open_store(":memory:"), "mettmann-2015"), kinds=["coverage"])
    >>> [f.subjects[0].label("de") for f in result.findings["coverage"]][:2]
    ['Kultur', 'Sport']
    """
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) {sorted(unknown)}; choose from {', '.join(KINDS)}")
    if required_types is not None:
        known = actor_type_notations()
        strange = sorted(set(required_types) - known)
        if strange:
            raise InputError(key="gaps.unknown_actor_types", types=", ".join(strange), known=", ".join(sorted(known)))
    ties = actor_ties(net)
    holes = structural_holes_soon(ties)  # a child process for large networks, while the rest runs here
    found: dict[str, list[Finding]] = {}
    totals: dict[str, int] = {}
    if "missing-link" in wanted:
        found["missing-link"], totals["missing-link"] = missing_links(net, top, ties=ties)
    per_actor, info = metrics(ties, holes)
    if "coverage" in wanted:
        found["coverage"] = coverage_gaps(net, required_types)
    if "broker" in wanted:
        found["broker"], totals["broker"] = brokers(net, ties, per_actor, info, limit=top)
    if "silo" in wanted:
        found["silo"] = silos(net, ties, info)
    if "isolate" in wanted:
        found["isolate"] = isolates(net, ties)
    for kind in ("coverage", "silo", "isolate"):
        if kind in found:
            totals[kind] = len(found[kind])
            if top is not None:
                found[kind] = found[kind][:top]
    groups = info["communities"]
    figures = compute_figures(net, ties, len(groups) if isinstance(groups, list) else 0, totals)
    return Analysis(net.concept, found, totals, per_actor, info, net, figures)


def analyse_store(
    store: StoreLike,
    concept: str | None = None,
    kinds: Iterable[str] = KINDS,
    top: int | None = 10,
    required_types: Sequence[str] | None = None,
) -> list[Analysis]:
    """Run :func:`analyse` on one concept of a store, or on each of its concepts.

    Parameters
    ----------
    store : StoreLike
        Embedded or remote.
    concept : str, optional
        A concept id; all concepts (each analysed on its own) when left out.
    kinds, top, required_types
        As for :func:`analyse`.

    Returns
    -------
    list of Analysis
        One per concept, by concept id.

    Raises
    ------
    NotFoundError
        For a concept id the store does not hold (the message lists those it holds).
    InputError
        For an unknown actor type in ``required_types`` (the message lists the known ones).
    """
    return [analyse(load_network(store, c), kinds, top, required_types) for c in choose_concepts(store, concept)]
