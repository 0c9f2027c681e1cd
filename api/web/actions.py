"""What a coordinator can do about a finding: the recommended action of the web's gap pages.

The wording lives in :mod:`ikg.graph.analysis.advice` (one place for every face: the report in
HTML, Word and PDF, the command line and the workbench); this module keeps the names the web
pages call.
"""

from __future__ import annotations

from ikg.graph.analysis.advice import Advice, advise
from ikg.graph.analysis.gaps import Finding
from ikg.graph.analysis.model import ConceptNetwork
from ikg.graph.i18n import Lang

__all__ = ["advice_for"]


def advice_for(finding: Finding, net: ConceptNetwork, lang: Lang) -> Advice:
    """The whole advice on ``finding``: plain summary, action, strength and "how we know".

    Parameters
    ----------
    finding : Finding
        A finding of :func:`ikg.graph.analysis.gaps.analyse`.
    net : ConceptNetwork
        The concept's network.
    lang : {"de", "en"}

    Returns
    -------
    Advice
    """
    return advise(finding, net, lang)
