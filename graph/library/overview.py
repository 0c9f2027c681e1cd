"""A first look at a concept's coverage: action fields, tasks and goals nobody works on.

The full, explained gap analysis is :mod:`ikg.graph.analysis.gaps` (networking gaps); this is the
short list ``ikg up`` prints. It uses the definitions of :mod:`ikg.graph.analysis.figures` (an
actor pursues a goal it is named for or that its working group formulated), so the summary, the
report and the gaps count the same goals.
"""

from __future__ import annotations

from ikg.graph.i18n import Lang
from ikg.graph.store.base import StoreLike

__all__ = ["UNCOVERED_KINDS", "uncovered"]

#: the kinds of coverage gap the summary lists, in order
UNCOVERED_KINDS = (
    "action_fields_without_goal",
    "action_fields_without_wg",
    "tasks_without_goal",
    "goals_without_actor",
)


def uncovered(store: StoreLike, concept_id: str, lang: Lang = "en") -> dict[str, list[str]]:
    """Return, per kind of coverage gap, the labels of what nobody covers in one concept.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    concept_id : str
        The concept to look at.
    lang : {"de", "en"}
        Language of the labels (falls back to the other).

    Returns
    -------
    dict
        ``action_fields_without_goal``, ``action_fields_without_wg``, ``tasks_without_goal``,
        ``goals_without_actor`` to lists of labels, by id.

    Examples
    --------
    >>> from ikg.graph.ingest.importer import open_store
    >>> uncovered(open_store(":memory:"), "beispielkreis-2024", "de")["goals_without_actor"]
    ['Mehrsprachige Bildungsberatung für Eltern einrichten']
    """
    from ikg.graph.analysis.coverage import coverage_rows, goals_without_actor
    from ikg.graph.analysis.network import load_network

    net = load_network(store, concept_id)
    rows = coverage_rows(net)
    items = {
        "action_fields_without_goal": [r.item for r in rows if r.item.kind == "action_field" and "no_goal" in r.gaps],
        "action_fields_without_wg": [r.item for r in rows if "no_working_group" in r.gaps],
        "tasks_without_goal": [r.item for r in rows if r.item.kind == "task" and "no_goal" in r.gaps],
        "goals_without_actor": goals_without_actor(net),
    }
    return {kind: [i.label(lang) for i in items[kind]] for kind in UNCOVERED_KINDS}
