"""Findings in plain language, each with a recommended action (Handlungsempfehlung) and its strength.

The gap analysis (:mod:`ikg.graph.analysis.gaps`) says *that* something is a gap and gathers the
evidence; this module says it the way a coordinator reads it out in a meeting, and *what to do
next*, following from the evidence: who should meet whom about which goal, which working group
should invite which kind of actor, which field needs a goal or a working group. Every face (the
report in HTML, Word and PDF, the workbench, the command line) words findings with
:func:`advise`. The words are in the ``advice`` catalogue
(``graph/locale/<lang>/LC_MESSAGES/advice.po``).

An :class:`Advice` has a plain main text (``summary``, no metrics), the ``action``, a
``strength`` in words, and ``how`` ("how we know"): the reasons of the analysis with its
metrics and the score, for the part a reader opens only when asking why.

**Strength** (stark / mittel / schwach; strong / medium / weak), one rule per kind:

``missing-link``
    strong when the two share a rare goal (at most
    :data:`~ikg.graph.analysis.explain.RARE_GOAL_MAX_PURSUERS` actors pursue it), medium when they
    share two goals or more, weak otherwise (one common goal, or action fields only).
``coverage``
    strong when an action field or task has no goal, or a goal has no actor; medium when a field
    has no working group, or a working group lacks an actor type the concept requires; weak when
    the only gap is that fewer than two actors work on it.
``broker``
    strong for an actor without whom the network falls apart; medium for a tie that is the only
    one between two groups of actors; weak for an actor that only lies on many shortest paths.
``silo``
    strong when the group has no tie to the rest (a town silo never meets another town); medium
    when a few of its ties lead outside.
``isolate``
    medium when the actor pursues goals that others pursue too (a first contact is at hand), weak
    otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ikg.graph.analysis.explain import RARE_GOAL_MAX_PURSUERS, join, quote, who
from ikg.graph.analysis.finding import Finding
from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.i18n import Lang, format_number, t

__all__ = ["STRENGTHS", "Advice", "advise", "strength_of", "strength_word"]

#: the strengths, strongest first
STRENGTHS = ("strong", "medium", "weak")
#: how many working groups or actors a recommendation names at most
NAMED = 4


@dataclass(frozen=True)
class Advice:
    """One finding as a coordinator reads it.

    Attributes
    ----------
    kind : str
        The finding's kind.
    title : str
        What it is about, in a few words.
    summary : list of str
        The finding in plain words (no metrics, no scores).
    action : str
        The recommended action.
    strength : str
        ``strong``, ``medium`` or ``weak`` (see the module's rule).
    strength_word : str
        The strength in the language asked for (``stark``, ``mittel``, ``schwach``).
    how : list of str
        "How we know": the reasons of the analysis with their metrics, and the score.
    """

    kind: str
    title: str
    summary: list[str]
    action: str
    strength: str
    strength_word: str
    how: list[str]


def strength_word(strength: str, lang: Lang) -> str:
    """The word for a strength in ``lang``.

    Examples
    --------
    >>> strength_word("strong", "de"), strength_word("weak", "en")
    ('stark', 'weak')
    """
    words = {
        "strong": t("advice.strength.strong", lang),
        "medium": t("advice.strength.medium", lang),
        "weak": t("advice.strength.weak", lang),
    }
    return words[strength]


def strength_of(finding: Finding) -> str:
    """The strength of a finding by the rule of its kind (module docstring).

    Returns
    -------
    str
        ``strong``, ``medium`` or ``weak``.
    """
    ev = finding.evidence
    if finding.kind == "missing-link":
        goals = ev.get("shared_goals") or []
        if any(g.get("pursuers", RARE_GOAL_MAX_PURSUERS + 1) <= RARE_GOAL_MAX_PURSUERS for g in goals):
            return "strong"
        return "medium" if len(goals) >= 2 else "weak"
    if finding.kind == "coverage":
        gaps = set(ev.get("gaps", []))
        if gaps & {"no_goal", "no_actor"}:
            return "strong"
        return "medium" if gaps & {"no_working_group", "missing_type"} else "weak"
    if finding.kind == "broker":
        if ev.get("articulation_point"):
            return "strong"
        return "medium" if ev.get("bridge") else "weak"
    if finding.kind == "silo":
        return "strong" if "town" in ev or not ev.get("external_ties") else "medium"
    return "medium" if ev.get("could_meet") else "weak"


def advise(finding: Finding, net: ConceptNetwork, lang: Lang) -> Advice:
    """Word a finding for a coordinator: plain summary, recommended action, strength, how we know.

    Parameters
    ----------
    finding : Finding
        A finding of :func:`ikg.graph.analysis.gaps.analyse` on ``net``.
    net : ConceptNetwork
        The concept's network (names, working groups, pursuers).
    lang : {"de", "en"}

    Returns
    -------
    Advice

    Examples
    --------
    >>> from ikg.graph.ingest.importer import open_store
    >>> from ikg.graph.analysis.gaps import analyse
    >>> from ikg.graph.analysis.network import load_network
    >>> net = load_network(open_store(":memory:"), "beispielkreis-2024")
    >>> first = analyse(net, kinds=["missing-link"], top=1).findings["missing-link"][0]
    >>> advice = advise(first, net, "de")
    >>> advice.strength_word
    'stark'
    >>> advice.action.startswith("Bringen Sie Grundschule am Lindenweg Beispielhausen (Beispielhausen) und Sprachpaten")
    True
    """
    from ikg.graph.analysis import advice_words as words

    strength = strength_of(finding)
    summary, action = words.summary_and_action(finding, net, lang)
    how = [*finding.reasons[lang], words.score_line(finding, lang)]
    return Advice(
        finding.kind,
        title_of(finding, lang),
        summary,
        action,
        strength,
        strength_word(strength, lang),
        [line for line in how if line],
    )


def title_of(finding: Finding, lang: Lang) -> str:
    """What a finding is about, in a few words: its subjects, a town, or a group's first members."""
    ev = finding.evidence
    labels = [s.label(lang) for s in finding.subjects]
    if finding.kind == "silo" and isinstance(ev.get("town"), str):
        return t("advice.title.town", lang, town=ev["town"])
    if finding.kind == "silo":
        return t("advice.title.group", lang, names=join(labels[:2], lang), n=format_number(len(labels), lang))
    return " – ".join(labels[:2]) if finding.kind in ("missing-link", "broker") else join(labels[:NAMED], lang)


# --- helpers the wording module shares --------------------------------------------------------------


def by_id(net: ConceptNetwork) -> dict[str, Item]:
    """Actor id to the actor (evidence names actors by id)."""
    return {a.id: a for a in net.actors}


def groups_working_on(net: ConceptNetwork, goals: Sequence[str], exclude: Sequence[str] = ()) -> list[Item]:
    """Working groups that formulated any of ``goals`` (IRIs), most of them first, then by id.

    Groups in ``exclude`` (IRIs) are left out.
    """
    counts = Counter(net.formulated_by[g] for g in goals if g in net.formulated_by)
    chosen = [w for w in counts if w not in exclude]
    return [net.items[w] for w in sorted(chosen, key=lambda w: (-counts[w], net.items[w].id))]


def groups_in_fields(net: ConceptNetwork, fields: Sequence[str]) -> list[Item]:
    """Working groups working in any of ``fields`` (IRIs), by id."""
    wanted = set(fields)
    return sorted((net.items[w] for w, fs in net.wg_fields.items() if wanted & set(fs)), key=lambda w: w.id)


def names(items: Sequence[Item], lang: Lang, limit: int = NAMED) -> str:
    """Labels in running text, at most ``limit`` of them."""
    return join([i.label(lang) for i in items[:limit]], lang)


def quoted(items: Sequence[Item], lang: Lang, limit: int = NAMED) -> str:
    """Labels in quotation marks, in running text, at most ``limit`` of them."""
    return join([quote(i.label(lang), lang) for i in items[:limit]], lang)


def who_list(items: Sequence[Item], lang: Lang, limit: int = NAMED) -> str:
    """Actors with their towns, in running text, at most ``limit`` of them."""
    return join([who(i, lang) for i in items[:limit]], lang)
