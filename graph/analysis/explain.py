"""The reasons of the networking-gap findings: sentences a coordinator can read out, in any language.

:mod:`ikg.graph.analysis.gaps` finds the gaps and gathers the evidence; the functions here turn
that evidence into sentences, one function per kind of finding, each returning the sentences in
one language. Every word comes from the ``gaps`` catalogue
(``graph/locale/<lang>/LC_MESSAGES/gaps.po``), every number is written as the language writes
it (:func:`~ikg.graph.i18n.format_number`: ``0,412`` in German, ``0.412`` in English).

Examples
--------
>>> from ikg.graph.analysis.network import Item
>>> school = Item("s", "s", "actor", {"de": "Gesamtschule West", "en": "West comprehensive"}, "school", "Ratingen")
>>> isolate_reasons(school, [], [], "de")
['Gesamtschule West (Ratingen) ist in keiner AG und hat keine Kooperation.']
>>> isolate_reasons(school, [], [], "en")
['West comprehensive (Ratingen) is in no working group and has no cooperation.']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from ikg.graph.analysis.metrics import ActorMetrics
from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.i18n import Lang, format_number, t, tn

__all__ = [
    "GOALS_SHOWN",
    "RARE_GOAL_MAX_PURSUERS",
    "bridge_reasons",
    "broker_reasons",
    "community_reasons",
    "coverage_reasons",
    "goal_without_actor_reasons",
    "isolate_reasons",
    "join",
    "link_reasons",
    "missing_type_reasons",
    "quote",
    "town_reasons",
    "who",
]

#: how many shared goals a sentence names before it says how many more there are
GOALS_SHOWN = 3
#: a shared goal is called rare when at most this many actors pursue it
RARE_GOAL_MAX_PURSUERS = 3


# --- words shared by all sentences ----------------------------------------------------------------


def quote(text: str, lang: Lang) -> str:
    """``text`` in the quotation marks of ``lang``.

    Examples
    --------
    >>> quote("Sprache", "de"), quote("Language", "en")
    ('„Sprache“', "'Language'")
    """
    return t("gaps.quote", lang, text=text)


def join(parts: Sequence[str], lang: Lang) -> str:
    """A list in running text: ``a, b und c`` in German, ``a, b and c`` in English.

    Examples
    --------
    >>> join(["Velbert", "Ratingen", "Hilden"], "de"), join(["Velbert"], "en"), join([], "en")
    ('Velbert, Ratingen und Hilden', 'Velbert', '')
    """
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return t("gaps.and", lang, head=", ".join(parts[:-1]), last=parts[-1])


def who(item: Item, lang: Lang) -> str:
    """An actor's label with its town in brackets (the label alone when the town is unknown)."""
    return f"{item.label(lang)} ({item.town})" if item.town else item.label(lang)


def _n(value: float, lang: Lang, digits: int | None = None) -> str:
    return format_number(value, lang, digits)


# --- missing links --------------------------------------------------------------------------------


def link_reasons(
    net: ConceptNetwork,
    x: Item,
    y: Item,
    goals: Sequence[Item],
    pursuers: Mapping[str, int],
    fields: Sequence[Item],
    lang: Lang,
) -> list[str]:
    """Why two actors without a tie should meet.

    Parameters
    ----------
    net : ConceptNetwork
        For the labels of actor types.
    x, y : Item
        The two actors.
    goals : sequence of Item
        The goals both pursue, rarest first.
    pursuers : mapping
        Goal IRI to the number of actors pursuing it.
    fields : sequence of Item
        The action fields both work in.
    lang : {"de", "en"}

    Returns
    -------
    list of str
        The shared goals (at most :data:`GOALS_SHOWN` by name), a rare shared goal, the shared
        action fields, different towns, different kinds of actor: each only when it applies.
    """
    titles = join([quote(g.label(lang), lang) for g in goals[:GOALS_SHOWN]], lang)
    more = len(goals) - GOALS_SHOWN
    if more > 0:
        titles = t("gaps.link.more_goals", lang, titles=titles, more=_n(more, lang))
    lines = [t("gaps.link.both_pursue", lang, x=who(x, lang), y=who(y, lang), titles=titles)]
    rare = [g for g in goals if pursuers[g.iri] <= RARE_GOAL_MAX_PURSUERS]
    if rare:
        goal = rare[0]
        lines.append(t("gaps.link.rare_goal", lang, goal=quote(goal.label(lang), lang), n=_n(pursuers[goal.iri], lang)))
    if fields:
        lines.append(tn("gaps.link.fields", len(fields), lang, names=join([f.label(lang) for f in fields], lang)))
    if x.town and y.town and x.town != y.town:
        lines.append(t("gaps.link.towns", lang, town_x=x.town, town_y=y.town))
    if x.subkind and y.subkind and x.subkind != y.subkind:
        lines.append(
            t("gaps.link.types", lang, type_x=net.type_label(x.subkind, lang), type_y=net.type_label(y.subkind, lang))
        )
    return lines


# --- coverage -------------------------------------------------------------------------------------


def coverage_reasons(item: Item, gaps: Sequence[str], actors: Sequence[Item], lang: Lang) -> list[str]:
    """What an action field or a cross-cutting task lacks.

    Parameters
    ----------
    item : Item
        The action field or cross-cutting task.
    gaps : sequence of str
        ``no_goal``, ``no_working_group``, ``fewer_than_two_actors``.
    actors : sequence of Item
        The actors working on it (none or one when ``fewer_than_two_actors``).
    lang : {"de", "en"}

    Returns
    -------
    list of str
        One sentence per gap.
    """
    name = quote(item.label(lang), lang)
    field = item.kind == "action_field"
    lines = []
    if "no_goal" in gaps:
        lines.append(
            t("gaps.coverage.field_without_goal", lang, name=name)
            if field
            else t("gaps.coverage.task_without_goal", lang, name=name)
        )
    if "no_working_group" in gaps:
        lines.append(t("gaps.coverage.no_working_group", lang, name=name))
    if "fewer_than_two_actors" in gaps:
        if actors:
            names = join([who(a, lang) for a in actors], lang)
            lines.append(t("gaps.coverage.lone_actor", lang, n=_n(len(actors), lang), names=names))
        else:
            lines.append(t("gaps.coverage.no_actor", lang))
    return lines


def goal_without_actor_reasons(goal: Item, fields: Sequence[Item], group: Item | None, lang: Lang) -> list[str]:
    """Why nobody pursues a goal.

    Parameters
    ----------
    goal : Item
    fields : sequence of Item
        Its action fields.
    group : Item or None
        The working group that formulated it, if one did.
    lang : {"de", "en"}

    Returns
    -------
    list of str
    """
    lines = [t("gaps.goal.no_actor", lang, name=quote(goal.label(lang), lang))]
    if group is not None:
        lines.append(t("gaps.goal.group_without_members", lang, group=quote(group.label(lang), lang)))
    else:
        lines.append(t("gaps.goal.no_group", lang))
    if fields:
        lines.append(t("gaps.goal.fields", lang, names=join([f.label(lang) for f in fields], lang)))
    return lines


def missing_type_reasons(
    net: ConceptNetwork, group: Item, missing: Sequence[str], members: int, lang: Lang
) -> list[str]:
    """Which actor types a working group lacks.

    Parameters
    ----------
    net : ConceptNetwork
        For the labels of actor types.
    group : Item
        The working group.
    missing : sequence of str
        Notations of the actor types it lacks.
    members : int
        How many members it has.
    lang : {"de", "en"}

    Returns
    -------
    list of str
    """
    types = join([net.type_label(x, lang) for x in missing], lang)
    name = quote(group.label(lang), lang)
    return [t("gaps.coverage.missing_type", lang, name=name, n=_n(members, lang), types=types)]


# --- brokers --------------------------------------------------------------------------------------


def broker_reasons(actor: Item, m: ActorMetrics, parts: Sequence[Sequence[Item]], lang: Lang) -> list[str]:
    """Why an actor holds the network together.

    Parameters
    ----------
    actor : Item
    m : ActorMetrics
        Its metrics.
    parts : sequence of sequence of Item
        For an articulation point: the parts the network falls into without it, largest first;
        else empty.
    lang : {"de", "en"}

    Returns
    -------
    list of str
        The parts without it (when it is an articulation point), its betweenness, and its
        constraint and effective size (when defined).
    """
    label = actor.label(lang)
    lines = []
    if parts:
        small = parts[-1]
        lines.append(
            tn(
                "gaps.broker.cut",
                len(small),
                lang,
                name=who(actor, lang),
                parts=_n(len(parts), lang),
                sizes=", ".join(_n(len(p), lang) for p in parts),
                sample=join([a.label(lang) for a in small[:3]], lang),
                label=label,
            )
        )
    lines.append(t("gaps.broker.betweenness", lang, value=_n(m.betweenness, lang, 3), label=label.rstrip(".")))
    if not math.isnan(m.constraint):
        lines.append(
            t(
                "gaps.broker.constraint",
                lang,
                constraint=_n(m.constraint, lang, 3),
                size=_n(m.effective_size, lang, 1),
                degree=_n(m.degree, lang),
                share=_n(100 * m.effective_size / m.degree, lang, 0),
            )
        )
    return lines


def bridge_reasons(
    u: Item, v: Item, groups: Sequence[Item], cooperation: bool, n_u: int, n_v: int, lang: Lang
) -> list[str]:
    """Why a tie between two actors is a bridge.

    Parameters
    ----------
    u, v : Item
        The two actors.
    groups : sequence of Item
        The working groups both are members of.
    cooperation : bool
        Whether they cooperate.
    n_u, n_v : int
        How many actors stay on ``u``'s and on ``v``'s side without the tie.
    lang : {"de", "en"}

    Returns
    -------
    list of str
    """
    via = (
        t("gaps.bridge.via_cooperation", lang)
        if cooperation and not groups
        else join([w.label(lang) for w in groups], lang)
    )
    return [
        t("gaps.bridge.only_tie", lang, u=who(u, lang), v=who(v, lang), via=via, n_u=_n(n_u, lang), n_v=_n(n_v, lang))
    ]


# --- silos ----------------------------------------------------------------------------------------


def community_reasons(
    number: int,
    actors: int,
    towns: Sequence[tuple[str, int]],
    inside: int,
    outside: int,
    gateways: Sequence[Item],
    lang: Lang,
) -> list[str]:
    """Why a community of actors is a silo.

    Parameters
    ----------
    number : int
        The community's number.
    actors : int
        How many actors it holds.
    towns : sequence of (str, int)
        Its towns with their numbers of actors, most first.
    inside, outside : int
        Its ties among its members and to the rest of the network.
    gateways : sequence of Item
        Its members with a tie outside it.
    lang : {"de", "en"}

    Returns
    -------
    list of str
    """
    town_text = join([f"{town} ({_n(n, lang)})" for town, n in towns[:3]], lang) or "-"
    first = t(
        "gaps.silo.community",
        lang,
        number=_n(number, lang),
        n=_n(actors, lang),
        towns=town_text,
        inside=_n(inside, lang),
        outside=_n(outside, lang),
    )
    if not outside:
        return [first, t("gaps.silo.no_tie", lang)]
    return [first, t("gaps.silo.gateways", lang, gateways=join([a.label(lang) for a in gateways[:3]], lang))]


def town_reasons(town: str, actors: int, goals: Sequence[Item], other_towns: Sequence[str], lang: Lang) -> list[str]:
    """Why the actors of a town form a silo.

    Parameters
    ----------
    town : str
    actors : int
        How many actors the town has.
    goals : sequence of Item
        The goals they share with actors of other towns.
    other_towns : sequence of str
        The towns of those actors.
    lang : {"de", "en"}

    Returns
    -------
    list of str
    """
    titles = join([quote(g.label(lang), lang) for g in goals[:GOALS_SHOWN]], lang)
    places = join(list(other_towns[:4]), lang)
    return [t("gaps.silo.town", lang, n=_n(actors, lang), town=town, titles=titles, places=places)]


# --- isolates -------------------------------------------------------------------------------------


def isolate_reasons(actor: Item, goals: Sequence[Item], others: Sequence[Item], lang: Lang) -> list[str]:
    """Why an actor is isolated, and whom it could meet first.

    Parameters
    ----------
    actor : Item
    goals : sequence of Item
        The goals it pursues.
    others : sequence of Item
        The actors pursuing any of them.
    lang : {"de", "en"}

    Returns
    -------
    list of str
    """
    lines = [t("gaps.isolate.alone", lang, name=who(actor, lang))]
    if others and goals:
        names = join([b.label(lang) for b in others[:3]], lang)
        lines.append(t("gaps.isolate.first_contact", lang, names=names, goal=quote(goals[0].label(lang), lang)))
    return lines
