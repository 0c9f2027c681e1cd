"""What a coordinator can do about a finding: one recommended action per kind of networking gap.

The findings of :mod:`ikg.graph.analysis.gaps` say *why* something is a gap (their reasons);
this module words *what to do next*, from the finding's kind and evidence, in the language of the
page (``web.action.*`` in the ``web`` catalogue).
"""

from __future__ import annotations

from ikg.graph.analysis.gaps import Finding
from ikg.graph.analysis.model import ConceptNetwork
from ikg.graph.i18n import Lang, t

__all__ = ["recommended_action"]


def _and(words: list[str], lang: Lang) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + t("web.and", lang) + words[-1]


def _label(ref: dict[str, str], lang: Lang) -> str:
    return ref.get(f"label_{lang}") or ref.get("label_de") or ref.get("label_en") or ref.get("id", "")


def _missing_link(finding: Finding, lang: Lang) -> str:
    a, b = (s.label(lang) for s in finding.subjects[:2])
    goals = finding.evidence.get("shared_goals") or []
    if goals:
        return t("web.action.missing_link", lang, a=a, b=b, goal=_label(goals[0], lang))
    return t("web.action.missing_link_fields", lang, a=a, b=b)


def _coverage(finding: Finding, net: ConceptNetwork, lang: Lang) -> str:
    subject = finding.subjects[0]
    name = subject.label(lang)
    is_task = subject.kind == "task"
    sentences = []
    for gap in finding.evidence.get("gaps", []):
        if gap == "no_goal":
            if is_task:
                sentences.append(t("web.action.task_no_goal", lang, name=name))
            else:
                sentences.append(t("web.action.field_no_goal", lang, name=name))
        elif gap == "no_working_group":
            sentences.append(t("web.action.field_no_group", lang, name=name))
        elif gap == "fewer_than_two_actors":
            sentences.append(t("web.action.few_actors", lang, name=name))
        elif gap == "no_actor":
            sentences.append(t("web.action.goal_no_actor", lang, name=name))
        elif gap == "missing_type":
            types = [net.type_label(n, lang) for n in finding.evidence.get("missing_types", [])]
            sentences.append(t("web.action.group_missing_type", lang, name=name, types=_and(types, lang)))
    return " ".join(sentences)


def _structure(finding: Finding, lang: Lang) -> str:
    ev = finding.evidence
    name = finding.subjects[0].label(lang) if finding.subjects else ""
    if finding.kind == "broker":
        if ev.get("articulation_point"):
            return t("web.action.broker_cut", lang, name=name)
        return t("web.action.broker", lang, name=name)
    if finding.kind == "silo":
        if isinstance(ev.get("town"), str):
            return t("web.action.silo_town", lang, town=ev["town"])
        return t("web.action.silo_group", lang)
    goals = [_label(g, lang) for g in ev.get("goals", []) if isinstance(g, dict)]
    if goals:
        return t("web.action.isolate_goals", lang, name=name, goal=goals[0])
    return t("web.action.isolate", lang, name=name)


def recommended_action(finding: Finding, net: ConceptNetwork, lang: Lang) -> str:
    """The next step a coordinator can take about ``finding``, as one or a few sentences.

    Parameters
    ----------
    finding : Finding
        A finding of :func:`ikg.graph.analysis.gaps.analyse`.
    net : ConceptNetwork
        The concept's network (for the names of actor types).
    lang : {"de", "en"}

    Returns
    -------
    str
    """
    if finding.kind == "missing-link":
        return _missing_link(finding, lang)
    if finding.kind == "coverage":
        return _coverage(finding, net, lang)
    return _structure(finding, lang)
