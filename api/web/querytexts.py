"""What each named query answers and what each parameter means, in the page's language.

The ``.rq`` headers carry titles in German and English but say what a query answers, and what
its parameters mean, in English only; the workbench says both from the ``web`` catalogue. A query
or parameter added later without an entry here falls back to the header's English text.
"""

from __future__ import annotations

from collections.abc import Callable

from ikg.graph.i18n import Lang, t
from ikg.graph.library.named import NamedQuery, Param

__all__ = ["answers", "param_label"]

_ANSWERS: dict[str, Callable[[Lang], str]] = {
    "action-fields": lambda lang: t("web.query.answers.action_fields", lang),
    "actor-involvement": lambda lang: t("web.query.answers.actor_involvement", lang),
    "actors-by-town-and-field": lambda lang: t("web.query.answers.actors_by_town_and_field", lang),
    "actors-without-membership": lambda lang: t("web.query.answers.actors_without_membership", lang),
    "concept-diff": lambda lang: t("web.query.answers.concept_diff", lang),
    "concepts": lambda lang: t("web.query.answers.concepts", lang),
    "cooperations": lambda lang: t("web.query.answers.cooperations", lang),
    "goal-pursuers": lambda lang: t("web.query.answers.goal_pursuers", lang),
    "goals-by-action-field": lambda lang: t("web.query.answers.goals_by_action_field", lang),
    "goals-by-task": lambda lang: t("web.query.answers.goals_by_task", lang),
    "goals-without-actor": lambda lang: t("web.query.answers.goals_without_actor", lang),
    "indicators": lambda lang: t("web.query.answers.indicators", lang),
    "provenance": lambda lang: t("web.query.answers.provenance", lang),
    "shared-goals": lambda lang: t("web.query.answers.shared_goals", lang),
    "timeline": lambda lang: t("web.query.answers.timeline", lang),
    "uncovered-fields-and-tasks": lambda lang: t("web.query.answers.uncovered_fields_and_tasks", lang),
    "wg-members": lambda lang: t("web.query.answers.wg_members", lang),
    "working-groups": lambda lang: t("web.query.answers.working_groups", lang),
}

_PARAMS: dict[str, Callable[[Lang], str]] = {
    "concept": lambda lang: t("web.param.concept", lang),
    "lang": lambda lang: t("web.param.lang", lang),
    "wg_id": lambda lang: t("web.param.wg_id", lang),
    "goal_id": lambda lang: t("web.param.goal_id", lang),
    "actor_id": lambda lang: t("web.param.actor_id", lang),
    "actor_a": lambda lang: t("web.param.actor_a", lang),
    "actor_b": lambda lang: t("web.param.actor_b", lang),
    "old": lambda lang: t("web.param.old", lang),
    "new": lambda lang: t("web.param.new", lang),
    "resource": lambda lang: t("web.param.resource", lang),
}


def answers(query: NamedQuery, lang: Lang) -> str:
    """What ``query`` answers, in ``lang`` (the header's English text if the catalogue has none).

    Examples
    --------
    >>> from ikg.graph.library.named import get_query
    >>> answers(get_query("wg-members"), "de")[:24]
    'Wer in einer AG mitarbei'
    """
    say = _ANSWERS.get(query.name)
    return say(lang) if say else query.answers


def param_label(param: Param, lang: Lang) -> str:
    """The label of a parameter's input in ``lang`` (the header's description if the catalogue has none)."""
    say = _PARAMS.get(param.name)
    return say(lang) if say else param.description or param.name
