"""Literals as written, for the compiled SHACL checks: XSD lexical forms and term identity.

Oxigraph canonicalises typed literals when it stores them: ``"7"^^xsd:int`` becomes
``"7"^^xsd:integer``, ``"1.0"`` and ``"1.00"`` (``xsd:decimal``) become one term ``"1"``, and
``"1"^^xsd:boolean`` becomes ``"true"``. SHACL, however, speaks of RDF terms as written:
``sh:datatype xsd:int`` holds for ``"7"^^xsd:int``, and ``"1.0"`` and ``"1.00"`` are two values
for ``sh:maxCount``. So before the data goes into the store the checks run on, every literal that
is not a plain string or a language-tagged string is given an opaque datatype that Oxigraph keeps
as it is (:func:`for_checks`): ``"7"^^<urn:ikg:shacl:well-formed:…xsd%23int>``. Its lexical form
is the one written; its datatype says whether that form is in the lexical space of the original
datatype (checked here in Python, :func:`well_formed`) and which datatype that was. A compiled
``sh:datatype`` test is then one comparison of IRIs (:func:`datatype_iri`), and results are turned
back into the terms as written (:func:`as_written`).

The lexical spaces are those of XML Schema 1.1 Part 2 (the regular expressions of its sections
3.3 and 3.4, with digits spelt ``[0-9]``), with the value ranges of the integer types and the
days of each month. rdflib's ``Literal.ill_typed`` was tried first and does not fit: it parses
with Python's ``int``, ``Decimal`` and ``float`` (which accept ``" 7"``, ``"1_000"``, ``"NaN"``
as a decimal and ``"inf"``), and checks no ``g*`` type at all. Datatypes of XML Schema not listed
in :data:`LEXICAL` (``xsd:NCName``, ``xsd:QName`` …) and RDF's own ``rdf:HTML``,
``rdf:XMLLiteral`` and ``rdf:JSON`` are not checked; :func:`checkable` tells the compiler so,
and it refuses a shape that names them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote, unquote

import pyoxigraph as ox

__all__ = ["LEXICAL", "as_written", "checkable", "datatype_iri", "for_checks", "well_formed"]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_STRING = XSD + "string"
_LANG_STRING = RDF + "langString"
_DIR_LANG_STRING = RDF + "dirLangString"
_STRING_NODE = ox.NamedNode(_STRING)
_WELL = "urn:ikg:shacl:well-formed:"
_ILL = "urn:ikg:shacl:ill-formed:"

_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_MONTH, _DAY = r"(0[1-9]|1[0-2])", r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_SEC = r"[0-9]+(\.[0-9]+)?S"
_DT_PART = rf"T(([0-9]+H)([0-9]+M)?({_SEC})?|([0-9]+M)({_SEC})?|{_SEC})"
_DAY_TIME = rf"-?P(([0-9]+D)({_DT_PART})?|{_DT_PART})"
_YEAR_MONTH = r"-?P(([0-9]+Y)([0-9]+M)?|[0-9]+M)"
_DURATION = rf"-?P((([0-9]+Y)([0-9]+M)?([0-9]+D)?|([0-9]+M)([0-9]+D)?|[0-9]+D)({_DT_PART})?|{_DT_PART})"
_B64 = r"[A-Za-z0-9+/] ?"
_B64_END = rf"({_B64}){{3}}[A-Za-z0-9+/]|({_B64}){{2}}[AEIMQUYcgkosw048] ?=|{_B64}[AQgw] ?= ?="
_FLOAT = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN"

#: XSD datatype (local name) to the regular expression of its lexical space
_PATTERNS: dict[str, str] = {
    "boolean": r"true|false|1|0",
    "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "integer": r"[+-]?[0-9]+",
    "float": _FLOAT,
    "double": _FLOAT,
    "duration": _DURATION,
    "dayTimeDuration": _DAY_TIME,
    "yearMonthDuration": _YEAR_MONTH,
    "dateTime": rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}",
    "dateTimeStamp": rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ[:-1]}",
    "time": rf"{_TIME}{_TZ}",
    "date": rf"{_YEAR}-{_MONTH}-{_DAY}{_TZ}",
    "gYearMonth": rf"{_YEAR}-{_MONTH}{_TZ}",
    "gYear": rf"{_YEAR}{_TZ}",
    "gMonthDay": rf"--{_MONTH}-{_DAY}{_TZ}",
    "gDay": rf"---{_DAY}{_TZ}",
    "gMonth": rf"--{_MONTH}{_TZ}",
    "hexBinary": r"([0-9a-fA-F]{2})*",
    "base64Binary": rf"(({_B64}){{4}})*({_B64_END})?",
    "anyURI": r"[^\x00]*",
    "normalizedString": r"[^\t\n\r]*",
    "token": r"([^\s]+( [^\s]+)*)?",
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
}
#: the integer types derived from xsd:integer, with their bounds (``None``: unbounded)
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
_COMPILED = {XSD + name: re.compile(pattern) for name, pattern in _PATTERNS.items()}
_INTEGER = _COMPILED[XSD + "integer"]
_DATE_PARTS = re.compile(r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})")
_MONTH_DAY = re.compile(r"--([0-9]{2})-([0-9]{2})")


def _days_in(month: int, year: int | None) -> int:
    """Days of ``month`` (of ``year``; without a year, February has 29 as in ``xsd:gMonthDay``)."""
    if month == 2:
        leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _day_exists(lexical: str) -> bool:
    """The day a date, dateTime or gMonthDay names exists (no 31 April, 29 February only in leap years)."""
    found = _DATE_PARTS.match(lexical)
    if found:
        return int(found[3]) <= _days_in(int(found[2]), int(found[1]))
    found = _MONTH_DAY.match(lexical)
    return found is None or int(found[2]) <= _days_in(int(found[1]), None)


def _in_range(bounds: tuple[int | None, int | None]) -> Callable[[str], bool]:
    low, high = bounds

    def check(lexical: str) -> bool:
        if not _INTEGER.fullmatch(lexical):
            return False
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)

    return check


def _pattern(datatype: str) -> Callable[[str], bool]:
    compiled = _COMPILED[datatype]
    if datatype.removeprefix(XSD) in {"date", "dateTime", "dateTimeStamp", "gMonthDay"}:
        return lambda lexical: compiled.fullmatch(lexical) is not None and _day_exists(lexical)
    return lambda lexical: compiled.fullmatch(lexical) is not None


#: datatype IRI to the test of a lexical form, for every datatype whose lexical space is checked
LEXICAL: dict[str, Callable[[str], bool]] = {dt: _pattern(dt) for dt in _COMPILED} | {
    XSD + name: _in_range(bounds) for name, bounds in _INTEGER_RANGES.items()
}
#: recognised datatypes whose lexical space is not checked here
_UNCHECKED_RDF = {RDF + "HTML", RDF + "XMLLiteral", RDF + "JSON", RDF + "PlainLiteral"}


def checkable(datatype: str) -> bool:
    """Whether ``sh:datatype <datatype>`` can be checked as SHACL says.

    Parameters
    ----------
    datatype : str
        The datatype IRI.

    Returns
    -------
    bool
        True for ``xsd:string``, ``rdf:langString``, the XSD datatypes in :data:`LEXICAL` and any
        datatype outside the XSD and RDF namespaces (not recognised: only its IRI counts); False
        for the other XSD datatypes and ``rdf:HTML``, ``rdf:XMLLiteral``, ``rdf:JSON``.

    Examples
    --------
    >>> checkable(XSD + "byte"), checkable(XSD + "NCName"), checkable("https://example.org/dt")
    (True, False, True)
    """
    if datatype in (_STRING, _LANG_STRING) or datatype in LEXICAL:
        return True
    if datatype.startswith((_WELL, _ILL)):
        return False
    return not datatype.startswith(XSD) and datatype not in _UNCHECKED_RDF


def well_formed(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is in the lexical space of ``datatype``.

    Parameters
    ----------
    lexical : str
        The lexical form, as written.
    datatype : str
        The datatype IRI; one not in :data:`LEXICAL` counts as well-formed (its form is not known).

    Returns
    -------
    bool

    Examples
    --------
    >>> well_formed("c", XSD + "byte"), well_formed("300", XSD + "byte"), well_formed("007", XSD + "byte")
    (False, False, True)
    >>> well_formed("2015-02-29", XSD + "date"), well_formed("2016-02-29", XSD + "date")
    (False, True)
    """
    check = LEXICAL.get(datatype)
    return check is None or check(lexical)


def datatype_iri(datatype: str) -> str:
    """The datatype that a well-formed literal of ``datatype`` has in the checks' store.

    Parameters
    ----------
    datatype : str
        The datatype IRI a shape names in ``sh:datatype``.

    Returns
    -------
    str
        ``datatype`` itself for ``xsd:string`` and ``rdf:langString``, else its opaque stand-in.
    """
    if datatype in (_STRING, _LANG_STRING, _DIR_LANG_STRING):
        return datatype
    return _WELL + quote(datatype, safe="")


@lru_cache(maxsize=4096)
def _stand_ins(datatype: str) -> tuple[ox.NamedNode, ox.NamedNode, Callable[[str], bool] | None]:
    """The stand-in datatypes of ``datatype`` (ill-formed, well-formed) and its lexical test."""
    encoded = quote(datatype, safe="")
    return ox.NamedNode(_ILL + encoded), ox.NamedNode(_WELL + encoded), LEXICAL.get(datatype)


def _stand_in(literal: ox.Literal) -> ox.Literal:
    ill, well, check = _stand_ins(literal.datatype.value)
    lexical = literal.value
    return ox.Literal(lexical, datatype=well if check is None or check(lexical) else ill)


def for_checks(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The term as it goes into the checks' store: a typed literal keeps its form (see the module).

    Parameters
    ----------
    term : pyoxigraph term
        An IRI, a blank node, a string or a language-tagged string is returned as it is; any
        other literal becomes its stand-in.

    Returns
    -------
    pyoxigraph term
    """
    if isinstance(term, ox.Literal) and not term.language and term.datatype != _STRING_NODE:
        return _stand_in(term)
    return term


def as_written(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The term as written, from its form in the checks' store (inverse of :func:`for_checks`).

    Parameters
    ----------
    term : pyoxigraph term

    Returns
    -------
    pyoxigraph term
    """
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        for prefix in (_WELL, _ILL):
            if dt.startswith(prefix):
                return ox.Literal(term.value, datatype=ox.NamedNode(unquote(dt.removeprefix(prefix))))
    return term
