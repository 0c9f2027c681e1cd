"""One networking gap: the :class:`Finding` every kind of the gap analysis reports.

Every finding has ``reasons`` as sentences in German and English (worded by
:mod:`ikg.graph.analysis.explain` from the ``gaps`` message catalogue) and ``evidence`` as
structured data. The helpers here are shared by the modules that find the gaps
(:mod:`~ikg.graph.analysis.links`, :mod:`~ikg.graph.analysis.coverage`,
:mod:`~ikg.graph.analysis.structure`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ikg.graph.analysis.model import Item
from ikg.graph.i18n import LANGS, Lang

__all__ = ["Finding", "in_all_languages", "item_ref"]


@dataclass(frozen=True)
class Finding:
    """One networking gap.

    Attributes
    ----------
    kind : str
        One of :data:`ikg.graph.choices.GAP_KINDS`.
    concept : str
        The concept id.
    subjects : tuple of Item
        What the finding is about (two actors for a missing link, a field, a group, ...).
    score : float
        Rank within the kind (higher first).
    reasons : dict
        ``{"de": [...], "en": [...]}``: sentences a coordinator can read out.
    evidence : dict
        Structured facts behind the reasons (JSON-serialisable).
    """

    kind: str
    concept: str
    subjects: tuple[Item, ...]
    score: float
    reasons: dict[str, list[str]]
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """The finding as JSON-ready data with reasons in one language.

        Returns
        -------
        dict
            ``kind``, ``concept``, ``subjects`` (``iri``, ``id``, ``kind``, ``label`` each),
            ``score``, ``reasons`` (list of str), ``evidence``.
        """
        return {
            "kind": self.kind,
            "concept": self.concept,
            "subjects": [{"iri": s.iri, "id": s.id, "kind": s.kind, "label": s.label(lang)} for s in self.subjects],
            "score": round(self.score, 6),
            "reasons": list(self.reasons[lang]),
            "evidence": self.evidence,
        }


def item_ref(item: Item) -> dict[str, str]:
    """An item as evidence: its IRI, id and labels.

    Parameters
    ----------
    item : Item

    Returns
    -------
    dict
        ``iri``, ``id``, ``label_de`` and ``label_en``.
    """
    return {"iri": item.iri, "id": item.id, "label_de": item.label("de"), "label_en": item.label("en")}


def in_all_languages(explain_in: Callable[..., list[str]], *facts: Any) -> dict[str, list[str]]:
    """The reasons in every language ikg speaks: ``explain_in(*facts, lang)`` for each.

    Parameters
    ----------
    explain_in : callable
        A function of :mod:`ikg.graph.analysis.explain` that takes ``facts`` and a language.
    *facts
        Its arguments before the language.

    Returns
    -------
    dict
        Language to the list of sentences.
    """
    return {lang: explain_in(*facts, lang) for lang in LANGS}
