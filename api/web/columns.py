"""Column headers and coded values of the workbench's result tables, in the page's language.

A named query's columns are its SPARQL variables (``actor_id``, ``relation``) and some of its
cells are codes the query binds (``member_of``, ``goal_of_own_group``); the workbench shows both
as words a coordinator reads ("ID des Akteurs", "Ziel der eigenen AG") from the ``columns``
catalogue. Downloads, the command line and the JSON API keep the machine-readable names. A
variable or code without an entry here shows as it is.

Every key is written out below (not built from the name at run time), so that the catalogue test
finds each one used; ``tests/test_web_columns.py`` checks that every variable of every library
query's SELECT clause (:func:`select_variables`) has an entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ikg.graph.i18n import Lang, t

__all__ = ["CODED_COLUMNS", "coded_value", "column_label", "has_label", "select_variables"]

_COLUMNS: dict[str, Callable[[Lang], str]] = {
    "concept": lambda lang: t("columns.concept", lang),
    "id": lambda lang: t("columns.id", lang),
    "title": lambda lang: t("columns.title", lang),
    "label": lambda lang: t("columns.label", lang),
    "name": lambda lang: t("columns.name", lang),
    "kind": lambda lang: t("columns.kind", lang),
    "date": lambda lang: t("columns.date", lang),
    "since": lambda lang: t("columns.since", lang),
    "town": lambda lang: t("columns.town", lang),
    "towns": lambda lang: t("columns.towns", lang),
    "actor": lambda lang: t("columns.actor", lang),
    "actor_id": lambda lang: t("columns.actor_id", lang),
    "actor_label": lambda lang: t("columns.actor_label", lang),
    "actor_a": lambda lang: t("columns.actor_a", lang),
    "actor_b": lambda lang: t("columns.actor_b", lang),
    "actors": lambda lang: t("columns.actors", lang),
    "type": lambda lang: t("columns.type", lang),
    "role": lambda lang: t("columns.role", lang),
    "members": lambda lang: t("columns.members", lang),
    "wg_id": lambda lang: t("columns.wg_id", lang),
    "wg_ids": lambda lang: t("columns.wg_ids", lang),
    "wg_label": lambda lang: t("columns.wg_label", lang),
    "wg_members": lambda lang: t("columns.wg_members", lang),
    "working_groups": lambda lang: t("columns.working_groups", lang),
    "shared_working_group": lambda lang: t("columns.shared_working_group", lang),
    "goal": lambda lang: t("columns.goal", lang),
    "goal_id": lambda lang: t("columns.goal_id", lang),
    "goal_ids": lambda lang: t("columns.goal_ids", lang),
    "goal_label": lambda lang: t("columns.goal_label", lang),
    "goals": lambda lang: t("columns.goals", lang),
    "pursues_goals": lambda lang: t("columns.pursues_goals", lang),
    "field": lambda lang: t("columns.field", lang),
    "field_label": lambda lang: t("columns.field_label", lang),
    "action_fields": lambda lang: t("columns.action_fields", lang),
    "notation": lambda lang: t("columns.notation", lang),
    "task_label": lambda lang: t("columns.task_label", lang),
    "item": lambda lang: t("columns.item", lang),
    "item_id": lambda lang: t("columns.item_id", lang),
    "relation": lambda lang: t("columns.relation", lang),
    "how": lambda lang: t("columns.how", lang),
    "change": lambda lang: t("columns.change", lang),
    "cooperations": lambda lang: t("columns.cooperations", lang),
    "description": lambda lang: t("columns.description", lang),
    "issued": lambda lang: t("columns.issued", lang),
    "publisher_id": lambda lang: t("columns.publisher_id", lang),
    "revises": lambda lang: t("columns.revises", lang),
    "indicator_id": lambda lang: t("columns.indicator_id", lang),
    "value": lambda lang: t("columns.value", lang),
    "unit": lambda lang: t("columns.unit", lang),
    "area": lambda lang: t("columns.area", lang),
    "source": lambda lang: t("columns.source", lang),
    "source_label": lambda lang: t("columns.source_label", lang),
    "resource": lambda lang: t("columns.resource", lang),
}
_VALUES: dict[str, Callable[[Lang], str]] = {
    "member_of": lambda lang: t("columns.value.member_of", lang),
    "pursues": lambda lang: t("columns.value.pursues", lang),
    "concerned_by": lambda lang: t("columns.value.concerned_by", lang),
    "goal_of_own_group": lambda lang: t("columns.value.goal_of_own_group", lang),
    "named": lambda lang: t("columns.value.named", lang),
    "member_of_formulating_group": lambda lang: t("columns.value.member_of_formulating_group", lang),
    "concerned": lambda lang: t("columns.value.concerned", lang),
    "added": lambda lang: t("columns.value.added", lang),
    "removed": lambda lang: t("columns.value.removed", lang),
    "goal": lambda lang: t("columns.value.goal", lang),
    "working_group": lambda lang: t("columns.value.working_group", lang),
    "actor": lambda lang: t("columns.value.actor", lang),
    "action_field": lambda lang: t("columns.value.action_field", lang),
    "cross_cutting_task": lambda lang: t("columns.value.cross_cutting_task", lang),
}

#: the columns whose plain literals are codes of the library's queries (BIND and VALUES constants)
CODED_COLUMNS = frozenset({"relation", "how", "change", "kind"})

_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_COMMENT = re.compile(r"#[^\n]*")
_SELECT = re.compile(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{|\bFROM\b)", re.IGNORECASE | re.DOTALL)
_TOKEN = re.compile(r"\(|\)|\bAS\b|[?$]\w+", re.IGNORECASE)


def column_label(name: str, lang: Lang) -> str:
    """The header of the column ``name`` (a SPARQL variable) in ``lang``; the name itself if unknown.

    Parameters
    ----------
    name : str
        The variable name, without ``?``.
    lang : Lang
        ``de`` or ``en``.

    Returns
    -------
    str

    Examples
    --------
    >>> column_label("relation", "de"), column_label("relation", "en"), column_label("x_y", "de")
    ('Beziehung', 'Relation', 'x_y')
    """
    say = _COLUMNS.get(name)
    return say(lang) if say else name


def has_label(name: str) -> bool:
    """Whether the column ``name`` has a header in the catalogue (else :func:`column_label` shows the name)."""
    return name in _COLUMNS


def coded_value(column: str, text: str, lang: Lang) -> str | None:
    """The words for a code in one of the :data:`CODED_COLUMNS`, or ``None`` when it is not a known code.

    Parameters
    ----------
    column : str
        The variable name of the column.
    text : str
        The cell's plain literal.
    lang : Lang
        ``de`` or ``en``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> coded_value("relation", "goal_of_own_group", "de")
    'Ziel der eigenen AG'
    >>> coded_value("label", "goal_of_own_group", "de") is None
    True
    """
    if column not in CODED_COLUMNS:
        return None
    say = _VALUES.get(text)
    return say(lang) if say else None


def select_variables(text: str) -> list[str]:
    """The variables a query's (outermost) SELECT clause projects, in order, aliases included.

    Comments, IRIs and strings are left out first; the clause may span lines; ``(expr AS ?x)``
    gives ``x``, and the variables inside the expression are not projected. ``SELECT *`` and a
    query without SELECT give ``[]``.

    Parameters
    ----------
    text : str
        A SPARQL query.

    Returns
    -------
    list of str
        Variable names without ``?``.

    Examples
    --------
    >>> select_variables("SELECT ?a\\n  (COUNT(DISTINCT ?b) AS ?n) # ?c\\nWHERE { ?a ?p ?b }")
    ['a', 'n']
    """
    bare = _COMMENT.sub("", _STRING.sub('""', _IRI.sub("<>", text)))
    found = _SELECT.search(bare)
    if found is None:
        return []
    out: list[str] = []
    depth, alias = 0, False
    for part in _TOKEN.findall(found.group(1)):
        if part == "(":
            depth += 1
        elif part == ")":
            depth -= 1
        elif part.upper() == "AS":
            alias = True
        elif depth == 0 or alias:
            out.append(part[1:])
            alias = False
    return out
