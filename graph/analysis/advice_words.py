"""The plain summary and the recommended action of each kind of finding (used by :mod:`.advice`).

One function per kind; each reads the finding's evidence and the network and returns the main
text (sentences without metrics) and one recommended action, from the ``advice`` catalogue.
"""

from __future__ import annotations

from ikg.graph.analysis.advice import by_id, groups_in_fields, groups_working_on, names, quoted, who_list
from ikg.graph.analysis.explain import quote, who
from ikg.graph.analysis.finding import Finding
from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.i18n import Lang, format_number, t

__all__ = ["score_line", "summary_and_action"]


def summary_and_action(finding: Finding, net: ConceptNetwork, lang: Lang) -> tuple[list[str], str]:
    """The plain main text and the recommended action of ``finding``.

    Returns
    -------
    summary : list of str
    action : str
    """
    if finding.kind == "missing-link":
        return [finding.reasons[lang][0]], _missing_link(finding, net, lang)
    if finding.kind == "coverage":
        return list(finding.reasons[lang]), _coverage(finding, net, lang)
    if finding.kind == "broker":
        return _broker(finding, net, lang)
    if finding.kind == "silo":
        return _silo(finding, net, lang)
    return _isolate(finding, net, lang)


def score_line(finding: Finding, lang: Lang) -> str:
    """The score of a finding with what it measures, for "how we know"."""
    score = format_number(finding.score, lang, 3)
    if finding.kind == "missing-link":
        return t("advice.score.missing_link", lang, score=score)
    if finding.kind == "coverage":
        return t("advice.score.coverage", lang, score=format_number(finding.score, lang, 0))
    if finding.kind == "broker" and finding.evidence.get("bridge"):
        return t("advice.score.bridge", lang, score=score)
    if finding.kind == "broker":
        return t("advice.score.broker", lang, score=score)
    if finding.kind == "silo" and "town" in finding.evidence:
        return t("advice.score.silo_town", lang, score=format_number(finding.score, lang, 0))
    if finding.kind == "silo":
        return t("advice.score.silo_group", lang, score=score)
    return t("advice.score.isolate", lang, score=format_number(finding.score, lang, 0))


# --- missing links -----------------------------------------------------------------------------------


def _missing_link(finding: Finding, net: ConceptNetwork, lang: Lang) -> str:
    x, y = finding.subjects[:2]
    goals = [g["iri"] for g in finding.evidence.get("shared_goals", []) if g.get("iri") in net.items]
    if not goals:
        fields = [net.items[f["iri"]] for f in finding.evidence.get("shared_action_fields", [])]
        return t("advice.action.meet_fields", lang, a=who(x, lang), b=who(y, lang), fields=names(fields, lang))
    meet = t(
        "advice.action.meet", lang, a=who(x, lang), b=who(y, lang), goal=quote(net.items[goals[0]].label(lang), lang)
    )
    invite = _invite_into(net, x, y, goals, lang)
    return f"{meet} {invite}" if invite else meet


def _invite_into(net: ConceptNetwork, x: Item, y: Item, goals: list[str], lang: Lang) -> str:
    """Invite the one of the two who is not in a group the other sits in and that works on their goal.

    Groups that formulated one of the shared goals come first (most of them first), then groups
    working in the action fields of the shared goals; ties by id.
    """
    fields = {f for g in goals for f in net.goal_fields.get(g, [])}
    ranked = [w.iri for w in groups_working_on(net, goals)]
    ranked += [w.iri for w in groups_in_fields(net, sorted(fields)) if w.iri not in ranked]
    groups = net.memberships()
    for inside, outside in ((x, y), (y, x)):
        mine = set(groups.get(outside.iri, []))
        theirs = set(groups.get(inside.iri, [])) - mine
        chosen = [w for w in ranked if w in theirs]
        if chosen:
            group = quote(net.items[chosen[0]].label(lang), lang)
            return t("advice.action.invite_into", lang, b=outside.label(lang), group=group, a=inside.label(lang))
    return ""


# --- coverage ----------------------------------------------------------------------------------------


def _coverage(finding: Finding, net: ConceptNetwork, lang: Lang) -> str:
    item = finding.subjects[0]
    name = quote(item.label(lang), lang)
    gaps = set(finding.evidence.get("gaps", []))
    if item.kind == "goal":
        return _goal_without_actor(finding, net, item, lang)
    if item.kind == "working_group":
        return _missing_type(finding, net, item, lang)
    actors = [net.items[a["iri"]] for a in finding.evidence.get("actors", []) if a.get("iri") in net.items]
    groups = [net.items[w["iri"]] for w in finding.evidence.get("working_groups", []) if w.get("iri") in net.items]
    if item.kind == "task" and "no_goal" in gaps:
        return t("advice.action.task_no_goal", lang, name=name)
    if {"no_goal", "no_working_group"} <= gaps:
        return t("advice.action.field_empty", lang, name=name)
    if "no_goal" in gaps:
        return t("advice.action.field_no_goal", lang, name=name, groups=quoted(groups, lang))
    if "no_working_group" in gaps and actors:
        return t("advice.action.field_no_group_with", lang, name=name, actors=who_list(actors, lang))
    if "no_working_group" in gaps:
        return t("advice.action.field_no_group", lang, name=name)
    if actors:
        return t("advice.action.few_actors_beside", lang, name=name, actors=who_list(actors, lang))
    if groups:
        return t("advice.action.few_actors_groups", lang, name=name, groups=quoted(groups, lang))
    return t("advice.action.few_actors", lang, name=name)


def _goal_without_actor(finding: Finding, net: ConceptNetwork, goal: Item, lang: Lang) -> str:
    name = quote(goal.label(lang), lang)
    group = finding.evidence.get("working_group")
    if group and group.get("iri") in net.items:
        return t(
            "advice.action.goal_group_empty", lang, goal=name, group=quote(net.items[group["iri"]].label(lang), lang)
        )
    fields = [f["iri"] for f in finding.evidence.get("action_fields", [])]
    candidates = groups_in_fields(net, fields)
    if candidates:
        return t("advice.action.goal_owner_groups", lang, goal=name, groups=quoted(candidates, lang))
    return t("advice.action.goal_owner", lang, goal=name)


def _missing_type(finding: Finding, net: ConceptNetwork, group: Item, lang: Lang) -> str:
    missing = finding.evidence.get("missing_types", [])
    types = ", ".join(net.type_label(m, lang) for m in missing)
    members = set(net.members.get(group.iri, []))
    own_goals = {g for g, w in net.formulated_by.items() if w == group.iri}
    cooperating = {b for a, c in net.cooperations for b in ((c,) if a in members else (a,) if c in members else ())}
    candidates = []
    for actor in net.actors:
        if actor.subkind not in missing or actor.iri in members:
            continue
        goals = sum(1 for g in own_goals if actor.iri in net.named.get(g, ()))
        if goals or actor.iri in cooperating:
            candidates.append((-(actor.iri in cooperating), -goals, actor.id, actor))
    chosen = [c[-1] for c in sorted(candidates, key=lambda c: c[:3])]
    name = quote(group.label(lang), lang)
    if chosen:
        return t("advice.action.invite_type_named", lang, group=name, types=types, actors=who_list(chosen, lang, 2))
    return t("advice.action.invite_type", lang, group=name, types=types)


# --- brokers -----------------------------------------------------------------------------------------


def _broker(finding: Finding, net: ConceptNetwork, lang: Lang) -> tuple[list[str], str]:
    ev = finding.evidence
    if ev.get("bridge"):
        u, v = finding.subjects[:2]
        return [finding.reasons[lang][0]], t("advice.action.bridge", lang, u=u.label(lang), v=v.label(lang))
    actor = finding.subjects[0]
    name = actor.label(lang)
    if not ev.get("articulation_point"):
        summary = t("advice.summary.broker", lang, name=who(actor, lang), n=format_number(ev.get("degree", 0), lang))
        return [summary], t("advice.action.broker", lang, name=name)
    ids = by_id(net)
    parts = [[ids[a] for a in p if a in ids] for p in ev.get("parts_without_it", [])]
    small = [p for p in parts[1:] if p]
    sample = names([a for p in small for a in p], lang, 3)
    summary = t(
        "advice.summary.broker_cut",
        lang,
        name=who(actor, lang),
        parts=format_number(len(parts), lang),
        sample=sample,
    )
    return [summary], _second_bridge(net, actor, parts, lang) or t(
        "advice.action.broker_cut", lang, name=name, sample=sample
    )


def _second_bridge(net: ConceptNetwork, broker: Item, parts: list[list[Item]], lang: Lang) -> str:
    """A second bridge for the largest part that hangs on ``broker``: a shared goal across the cut."""
    if len(parts) < 2:
        return ""
    big = {a.iri for a in parts[0]}
    pursuers = net.pursuers()
    for part in sorted(parts[1:], key=lambda p: -len(p)):
        mine = {a.iri for a in part}
        shared = [
            (len(who_), g)
            for g, who_ in pursuers.items()
            if mine & set(who_) and big & set(who_) and net.items[g].subkind != "concept_goal"
        ]
        if not shared:
            continue
        _, goal = min(shared, key=lambda s: (s[0], net.items[s[1]].id))
        outside = min((net.items[a] for a in pursuers[goal] if a in big), key=lambda a: a.id)
        common = [w for w, ms in net.members.items() if mine <= set(ms)]
        label = quote(net.items[goal].label(lang), lang)
        if common:
            group = quote(min((net.items[w] for w in common), key=lambda w: w.id).label(lang), lang)
            return t(
                "advice.action.second_bridge_group",
                lang,
                name=broker.label(lang),
                outside=who(outside, lang),
                group=group,
                goal=label,
            )
        inside = min((net.items[a] for a in pursuers[goal] if a in mine), key=lambda a: a.id)
        return t(
            "advice.action.second_bridge",
            lang,
            name=broker.label(lang),
            outside=who(outside, lang),
            inside=who(inside, lang),
            goal=label,
        )
    return ""


# --- silos -------------------------------------------------------------------------------------------


def _silo(finding: Finding, net: ConceptNetwork, lang: Lang) -> tuple[list[str], str]:
    ev = finding.evidence
    members = list(finding.subjects)
    mine = {a.iri for a in members}
    goals = [g for g, who_ in net.pursuers().items() if mine & set(who_) and net.items[g].subkind != "concept_goal"]
    inside_groups = {w for w, ms in net.members.items() if mine & set(ms)}
    groups = groups_working_on(net, goals, exclude=sorted(inside_groups))
    if isinstance(ev.get("town"), str):
        summary = [finding.reasons[lang][0]]
        if groups:
            return summary, t("advice.action.silo_town", lang, town=ev["town"], groups=quoted(groups, lang))
        partners = [a for a in by_id(net).values() if a.id in set(ev.get("partners_elsewhere", []))]
        return summary, t("advice.action.silo_town_partners", lang, town=ev["town"], actors=who_list(partners, lang))
    towns = [str(town) for town, _n in ev.get("towns", [])[:2]]
    summary = [
        t(
            "advice.summary.silo_group",
            lang,
            n=format_number(len(members), lang),
            towns=", ".join(towns) or "–",
            outside=format_number(ev.get("external_ties", 0), lang),
        )
    ]
    who_ = names(members, lang, 3)
    if groups:
        return summary, t("advice.action.silo_group", lang, actors=who_, groups=quoted(groups, lang))
    return summary, t("advice.action.silo_group_plain", lang, actors=who_)


# --- isolates ----------------------------------------------------------------------------------------


def _isolate(finding: Finding, net: ConceptNetwork, lang: Lang) -> tuple[list[str], str]:
    actor = finding.subjects[0]
    ids = by_id(net)
    others = [ids[b] for b in finding.evidence.get("could_meet", []) if b in ids]
    goals = [g for g in finding.evidence.get("goals", []) if g.get("iri") in net.items]
    summary = [finding.reasons[lang][0]]
    if others and goals:
        goal = quote(net.items[goals[0]["iri"]].label(lang), lang)
        return summary, t(
            "advice.action.isolate_contact", lang, name=actor.label(lang), actors=who_list(others, lang, 3), goal=goal
        )
    return summary, t("advice.action.isolate", lang, name=actor.label(lang))
