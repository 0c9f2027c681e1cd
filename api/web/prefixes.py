"""The prefixes of the named query library, for the SPARQL editor (``/workbench/sparql``).

The library's queries (``queries/*.rq``) each declare the prefixes they use; the editor offers
their union, the most used first: it starts with them, lists them, and its button "insert the
prefixes" adds those a query lacks at its top (on the server when no script runs, in the browser
otherwise, with the same lines).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ikg.graph.library.named import library

__all__ = ["add_prefixes", "library_prefixes", "prefix_block", "prefix_line"]

_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=1)
def library_prefixes() -> tuple[tuple[str, str], ...]:
    """The prefixes the named queries declare, as ``(name, IRI)``, the most used first.

    Returns
    -------
    tuple of (str, str)
        One pair per prefix name; ties keep the order in which the library first declares them.

    Examples
    --------
    >>> dict(library_prefixes())["ikg"]
    'https://w3id.org/ikg/ns#'
    """
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, str]] = {}
    for query in library().values():
        for name, iri in dict(_DECLARED.findall(query.text)).items():
            counts[name] += 1
            first.setdefault(name, (len(first), iri))
    return tuple((name, first[name][1]) for name in sorted(first, key=lambda n: (-counts[n], first[n][0])))


def prefix_line(name: str, iri: str) -> str:
    """The declaration of one prefix, as the library writes it (``PREFIX ikg: <...>``)."""
    return f"PREFIX {name}: <{iri}>"


def prefix_block() -> str:
    """Every prefix of the library, one declaration a line (with a final newline)."""
    return "".join(prefix_line(name, iri) + "\n" for name, iri in library_prefixes())


def add_prefixes(text: str) -> tuple[str, list[str]]:
    """Put the library's prefixes that ``text`` does not declare yet at its top.

    Parameters
    ----------
    text : str
        A SPARQL query (or nothing yet).

    Returns
    -------
    tuple of (str, list of str)
        The text with the missing declarations first, and the names of the prefixes added (empty
        when the text declares them all; the text is then returned unchanged).

    Examples
    --------
    >>> text, added = add_prefixes("PREFIX ikg: <https://w3id.org/ikg/ns#>\\nASK {}")
    >>> "ikg" in added, "org" in added, text.count("PREFIX ikg:")
    (False, True, 1)
    """
    declared = {name for name, _iri in _DECLARED.findall(text)}
    missing = [(name, iri) for name, iri in library_prefixes() if name not in declared]
    if not missing:
        return text, []
    head = "".join(prefix_line(name, iri) + "\n" for name, iri in missing)
    return head + text.lstrip("\n"), [name for name, _iri in missing]
