"""Missing links: two actors who pursue the same goals but have no tie.

No shared working group, no cooperation. Ranked by affinity: Adamic–Adar [1]_ over the goals
they share on the actor–goal two-mode graph (a goal pursued by ``n`` actors adds ``1 / ln n``,
so rare goals weigh more), plus :data:`FIELD_WEIGHT` of the same sum over the action fields they
share (fields are broad; they only break ties between similar goal overlaps). Computed with
sparse matrices in row chunks: no loop over pairs.

References
----------
.. [1] L. A. Adamic, E. Adar, "Friends and neighbors on the Web", *Social Networks* 25(3):211-230,
   2003.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import scipy.sparse as sp

from ikg.graph.analysis import explain
from ikg.graph.analysis.finding import Finding, in_all_languages, item_ref
from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.analysis.ties import Ties, actor_goal_matrix, actor_ties

__all__ = ["FIELD_WEIGHT", "missing_links"]

#: weight of shared action fields relative to shared goals in the affinity
FIELD_WEIGHT = 0.25
#: rows of actors whose affinities are computed at once (bounds the memory)
_CHUNK = 2048


def _aa_weights(counts: np.ndarray) -> np.ndarray:
    """Adamic–Adar weight per column: ``1 / ln n`` for ``n >= 2`` sharers, else 0."""
    safe = np.where(counts >= 2, counts, math.e)
    return np.where(counts >= 2, 1.0 / np.log(safe), 0.0)


def _actor_field_matrix(net: ConceptNetwork, actors: list[str]) -> tuple[sp.csr_matrix, list[str]]:
    """Actor–action field incidence: fields of the goals it pursues and of its working groups."""
    fields = [f.iri for f in net.of_kind("action_field")]
    col = {f: j for j, f in enumerate(fields)}
    row = {a: i for i, a in enumerate(actors)}
    pairs: set[tuple[int, int]] = set()
    for goal, pursuers in net.pursuers().items():
        for f in net.goal_fields.get(goal, ()):
            pairs.update((row[a], col[f]) for a in pursuers if f in col)
    for wg, members in net.members.items():
        for f in net.wg_fields.get(wg, ()):
            pairs.update((row[a], col[f]) for a in members if a in row and f in col)
    rows, cols = (list(x) for x in zip(*sorted(pairs), strict=True)) if pairs else ([], [])
    data = np.ones(len(rows))
    return sp.csr_matrix((data, (rows, cols)), shape=(len(actors), len(fields))), fields


def missing_links(net: ConceptNetwork, top: int | None = 10, ties: Ties | None = None) -> tuple[list[Finding], int]:
    """Pairs of actors that pursue the same goals but have no tie, ranked by affinity.

    Parameters
    ----------
    net : ConceptNetwork
    top : int or None
        How many to explain and return (``None``: all).
    ties : Ties, optional
        The actor network, if already built (:func:`ikg.graph.analysis.ties.actor_ties`).

    Returns
    -------
    findings : list of Finding
        Highest affinity first; equal scores by actor ids.
    total : int
        Number of such pairs in all.

    Notes
    -----
    With ``A`` the actor–goal incidence and ``W = diag(1 / ln n_g)``, the goal affinity of all
    pairs is ``A W Aᵀ``; it is computed for blocks of rows, tied pairs (``M Mᵀ + C``, ``M`` the
    actor–group incidence, ``C`` the cooperations) are removed in the same block, so memory is
    bounded by the candidate pairs, never by all pairs.
    """
    a, actors, goals = actor_goal_matrix(net)
    n = len(actors)
    if n < 2 or a.nnz == 0:
        return [], 0
    goal_counts = np.asarray(a.sum(axis=0)).ravel()
    wa = sp.csr_matrix(a @ sp.diags(_aa_weights(goal_counts)))
    at = sp.csr_matrix(a.T)
    tie_w = (ties or actor_ties(net)).weight  # same actor order as actor_goal_matrix (by id)
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_s: list[np.ndarray] = []
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        block = sp.triu(sp.csr_matrix(wa[start:stop] @ at), k=start + 1, format="csr")
        tied = tie_w[start:stop].multiply(block > 0)
        block = sp.csr_matrix(block - block.multiply(tied > 0))
        block.eliminate_zeros()
        coo = block.tocoo()
        found_i.append(coo.row + start)
        found_j.append(coo.col)
        found_s.append(coo.data)
    ii = np.concatenate(found_i)
    jj = np.concatenate(found_j)
    goal_score = np.concatenate(found_s)
    total = len(ii)
    if total == 0:
        return [], 0
    f_matrix, fields = _actor_field_matrix(net, actors)
    field_counts = np.asarray(f_matrix.sum(axis=0)).ravel()
    field_w = _aa_weights(field_counts)
    field_score = np.asarray(f_matrix[ii].multiply(f_matrix[jj]) @ field_w).ravel()
    score = goal_score + FIELD_WEIGHT * field_score
    ids = np.array([net.items[x].id for x in actors])
    order = np.lexsort((ids[jj], ids[ii], -np.round(score, 12)))
    if top is not None:
        order = order[:top]
    pursued: dict[str, set[str]] = defaultdict(set)
    for goal, pursuers in net.pursuers().items():
        for x in pursuers:
            pursued[x].add(goal)
    goal_n = dict(zip(goals, goal_counts.astype(int).tolist(), strict=True))
    out = []
    for k in order:
        x, y = actors[ii[k]], actors[jj[k]]
        out.append(
            _link_finding(
                net,
                net.items[x],
                net.items[y],
                sorted(pursued[x] & pursued[y] & set(goals), key=lambda g: (goal_n[g], net.items[g].id)),
                goal_n,
                [fields[c] for c in sorted(set(f_matrix[ii[k]].indices) & set(f_matrix[jj[k]].indices))],
                float(score[k]),
                float(goal_score[k]),
                float(field_score[k]),
            )
        )
    return out, total


def _link_finding(
    net: ConceptNetwork,
    x: Item,
    y: Item,
    shared_goals: list[str],
    goal_n: dict[str, int],
    shared_fields: list[str],
    score: float,
    goal_score: float,
    field_score: float,
) -> Finding:
    goals = [net.items[g] for g in shared_goals]
    fields = [net.items[f] for f in shared_fields]
    reasons = in_all_languages(explain.link_reasons, net, x, y, goals, goal_n, fields)
    evidence = {
        "shared_goals": [{**item_ref(g), "pursuers": goal_n[g.iri]} for g in goals],
        "shared_action_fields": [item_ref(f) for f in fields],
        "towns": [x.town, y.town],
        "actor_types": [x.subkind, y.subkind],
        "goal_affinity": round(goal_score, 6),
        "field_affinity": round(field_score, 6),
    }
    return Finding("missing-link", net.concept, (x, y), score, reasons, evidence)
