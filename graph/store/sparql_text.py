"""Reading SPARQL text without executing it: tokens, query form, parameter binding, safety checks.

The engines give no way to switch off ``SERVICE`` (remote calls) or ``LOAD`` from Python, and
rdflib reads ``FROM <file:...>`` from disk. So every query and update is scanned here first and
refused before it runs. The scanner follows the SPARQL 1.1 grammar's terminals (IRIs, prefixed
names, strings, comments, variables), so a keyword inside a string, an IRI or a comment is not
mistaken for one, and a keyword cannot be hidden from it by case, comments or line breaks.

Parameters are bound with a ``VALUES`` block placed at the start of the ``WHERE`` group; the terms
in it are written by the RDF serialiser, never pasted from user text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ikg.graph.errors import QueryError

if TYPE_CHECKING:
    from ikg.graph.store.base import Bound

__all__ = [
    "MAX_NESTING",
    "Token",
    "add_using",
    "as_ox_term",
    "bind_values",
    "check_remote_safe",
    "check_safe",
    "has_dataset_clause",
    "query_form",
    "tokenize",
]

#: deepest nesting of ``{`` ``(`` ``[`` that ikg accepts in a query or update
MAX_NESTING = 100

# The name characters of the grammar are written below as "neither under U+00C0 nor beyond the
# BMP" ([^\x00-\u00BF\U00010000-\U0010FFFF]) instead of the range \u00C0-\uFFFF: the same set
# (tests/test_startup.py compares them on every code point), but ``re`` compiles the range into a
# bitmap of the whole BMP: up to 17 ms per character class, 35 ms of every command binding a value.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\x00-/:-@\[-^`{-\u00B6\u00B8-\u00BF\U00010000-\U0010FFFF]+)
  | (?P<pname>(?:[^\x00-@\[-`{-\u00BF\U00010000-\U0010FFFF]
                 (?:[\w.\-\u00B7]|[^\x00-\u00BF\U00010000-\U0010FFFF])*)?
               :(?:[\w\-.:%\\\u00B7]|[^\x00-\u00BF\U00010000-\U0010FFFF]|\\.)*)
  | (?P<bnode>_:(?:[\w.\-\u00B7]|[^\x00-\u00BF\U00010000-\U0010FFFF])+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*=<>!+\-/|^a?])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    """One terminal of SPARQL text: its kind, its text and where it starts."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased word, for keyword tokens; empty otherwise."""
        return self.text.upper() if self.kind == "word" else ""


#: texts up to this length are tokenized once and remembered (:func:`tokenize`)
_REMEMBERED_CHARS = 16_384


def tokenize(text: str) -> list[Token]:
    """Split SPARQL text into tokens, dropping white space and comments.

    The tokens of a text of up to 16 KB are remembered (the last 256 such texts): the same query
    sent again, as a page or a client polling it does, is not scanned again (the library's
    ``wg-members`` with its parameters bound: 3.4 KB, 319 tokens, 0.7 ms to scan). Each call
    returns a list of its own; the tokens are immutable.

    Raises
    ------
    QueryError
        At a character no SPARQL terminal starts with (the engine would reject it too).

    Examples
    --------
    >>> [t.text for t in tokenize('SELECT ?s # SERVICE\\nWHERE { ?s ex:SERVICE "SERVICE" }')]
    ['SELECT', '?s', 'WHERE', '{', '?s', 'ex:SERVICE', '"SERVICE"', '}']
    """
    if len(text) <= _REMEMBERED_CHARS:
        return list(_remembered(text))
    return _scan(text)


@lru_cache(maxsize=256)
def _remembered(text: str) -> tuple[Token, ...]:
    return tuple(_scan(text))


def _scan(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise QueryError(key="store.unexpected_character", char=repr(text[pos]), offset=pos)
        kind = m.lastgroup or ""
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    return tokens


def query_form(tokens: Iterable[Token]) -> str:
    """Return ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` or ``UPDATE`` for the text's first keyword.

    Examples
    --------
    >>> query_form(tokenize("PREFIX a: <x:> CONSTRUCT WHERE { ?s ?p ?o }"))
    'CONSTRUCT'
    >>> query_form(tokenize("PREFIX a: <x:> INSERT DATA { <x:a> <x:b> <x:c> }"))
    'UPDATE'
    """
    skip = 0
    for tok in tokens:
        if skip:
            skip -= 1
            continue
        kw = tok.keyword
        if kw == "PREFIX":
            skip = 2
        elif kw == "BASE":
            skip = 1
        elif kw in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return kw
        elif kw:
            return "UPDATE"
    return "UPDATE"


def _prefixes(tokens: list[Token]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, tok in enumerate(tokens[:-2]):
        if tok.keyword == "PREFIX" and tokens[i + 1].kind == "pname" and tokens[i + 2].kind == "iri":
            out[tokens[i + 1].text] = tokens[i + 2].text[1:-1]
    return out


def _expand(tok: Token, prefixes: Mapping[str, str]) -> str | None:
    if tok.kind == "iri":
        return tok.text[1:-1]
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        ns = prefixes.get(prefix + ":")
        return None if ns is None else ns + local
    return None


def check_safe(text: str, allowed_graphs: Iterable[str] | None = None) -> list[Token]:
    """Refuse what must never run: ``SERVICE``, ``LOAD``, and datasets that are not store graphs.

    Parameters
    ----------
    text : str
        A SPARQL query or update.
    allowed_graphs : iterable of str, optional
        IRIs of the graphs in the store; ``FROM``, ``FROM NAMED``, ``USING`` and ``USING NAMED``
        may name only these. ``None`` refuses every such clause.

    Returns
    -------
    list of Token
        The tokens, for further use.

    Raises
    ------
    QueryError
        Naming what was refused and why.

    Examples
    --------
    >>> check_safe("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    ikg.graph.errors.QueryError: SERVICE is refused: ikg does not call other endpoints from a query
    """
    tokens = tokenize(text)
    _check_nesting(tokens)
    allowed = set(allowed_graphs or ())
    prefixes = _prefixes(tokens)
    for i, tok in enumerate(tokens):
        kw = tok.keyword
        if kw == "SERVICE":
            raise QueryError(key="store.service_refused")
        if kw == "LOAD":
            raise QueryError(key="store.load_refused")
        if kw in ("FROM", "USING"):
            j = i + 1
            if j < len(tokens) and tokens[j].keyword == "NAMED":
                j += 1
            target = _expand(tokens[j], prefixes) if j < len(tokens) else None
            if target is None or target not in allowed:
                shown = tokens[j].text if j < len(tokens) else "…"
                raise QueryError(key="store.dataset_refused", keyword=kw, graph=shown)
    return tokens


def _check_nesting(tokens: list[Token]) -> None:
    depth = deepest = 0
    for tok in tokens:
        if tok.text in ("{", "(", "["):
            depth += 1
            deepest = max(deepest, depth)
        elif tok.text in ("}", ")", "]"):
            depth -= 1
    if deepest > MAX_NESTING:
        raise QueryError(key="store.too_deep", depth=deepest, limit=MAX_NESTING)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_REMOTE_REFUSED = re.compile(r"(?<![\w])(service|load|from|using|define)(?![\w])")


def check_remote_safe(text: str) -> None:
    """The strict check for text that goes to a remote SPARQL server, which ikg cannot confine.

    A remote server's parser is not ikg's, so no scan can know how it reads a text. This check
    assumes nothing about it: after SPARQL's codepoint escapes (``\\u0053``) are decoded and the text
    is folded (NFKC, case), the words ``SERVICE``, ``LOAD``, ``FROM``, ``USING`` and ``DEFINE``
    (Virtuoso's pragmas) are refused *anywhere*, even inside strings or comments. Datasets are
    chosen with the protocol's ``default-graph-uri`` and ``named-graph-uri`` instead.

    Raises
    ------
    QueryError

    Examples
    --------
    >>> check_remote_safe("SELECT * WHERE { ?s ?p 'Servicestelle' }")
    >>> check_remote_safe("ASK { FILTER(''<'>') \\u0053ERVICE <http://x/> { } }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ikg.graph.errors.QueryError: the word SERVICE is refused in text for a remote SPARQL server ...
    """
    import unicodedata

    decoded = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    folded = unicodedata.normalize("NFKC", decoded).casefold()
    found = _REMOTE_REFUSED.search(folded)
    if found:
        raise QueryError(key="store.remote_word_refused", word=found.group(1).upper())


def has_dataset_clause(tokens: Iterable[Token]) -> bool:
    """Whether a query names its own dataset (``FROM``/``FROM NAMED``); then no union default graph."""
    return any(t.keyword == "FROM" for t in tokens)


def add_using(update: str, using: Sequence[tuple[str, str]]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` as ``USING`` clauses.

    They go before the ``WHERE`` of every ``INSERT``/``DELETE ... WHERE`` operation, which is
    what the SPARQL 1.1 Protocol defines them to mean. The IRIs are written by the RDF
    serialiser.

    Examples
    --------
    >>> add_using("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", [("using-graph-uri", "http://g")])
    'DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }'
    """
    if not using:
        return update
    clause = " ".join(
        ("USING NAMED " if key == "using-named-graph-uri" else "USING ") + str(ox.NamedNode(iri)) for key, iri in using
    )
    out, last, depth = [], 0, 0
    for tok in tokenize(update):
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif tok.keyword == "WHERE" and depth == 0:
            out.append(update[last : tok.start])
            out.append(clause + " ")
            last = tok.start
    out.append(update[last:])
    return "".join(out)


def as_ox_term(term: Bound) -> Any:
    """A bound value as a pyoxigraph term; rdflib is imported only if the value is one of its terms.

    Examples
    --------
    >>> as_ox_term(ox.Literal("Sprache", language="de"))
    <Literal value=Sprache language=de>
    """
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term
    from ikg.graph.terms import to_ox

    return to_ox(term)


def bind_values(text: str, bindings: Mapping[str, Bound]) -> str:
    """Bind variables with ``VALUES`` blocks: at the start of the ``WHERE`` group and of each ``GRAPH`` group.

    The block at the start of the ``WHERE`` group is what binds. The same one-row block is
    repeated at the start of every ``GRAPH`` group that mentions a bound variable (outside
    sub-``SELECT`` s, whose variables are their own), which changes no answer (every occurrence
    of a variable in that scope must take the one value anyway) but lets Oxigraph's planner use
    the value inside the graph pattern: with an ``OPTIONAL`` in the group, a ``VALUES`` block
    outside it is joined only after the whole group was evaluated (10,000 actors: 700 ms
    against 2 ms for the members of one working group).

    Parameters
    ----------
    text : str
        A SELECT, ASK, CONSTRUCT or DESCRIBE query.
    bindings : mapping
        Variable name (without ``?``) to an rdflib or a pyoxigraph term; each term is written in
        N-Triples form by Oxigraph's serialiser, which escapes it.

    Returns
    -------
    str

    Examples
    --------
    >>> from rdflib import Literal
    >>> bind_values('SELECT ?x WHERE { ?x ?p ?o }', {"o": Literal('a" } DROP ALL #')})
    'SELECT ?x WHERE { VALUES (?o) { ("a\\\\" } DROP ALL #") } ?x ?p ?o }'
    >>> bind_values('SELECT ?x WHERE { GRAPH ?g { ?x ?p ?o } }', {"o": Literal("b")})
    'SELECT ?x WHERE { VALUES (?o) { ("b") } GRAPH ?g { VALUES (?o) { ("b") } ?x ?p ?o } }'
    """
    if not bindings:
        return text
    tokens = tokenize(text)
    brace = _where_brace(tokens)
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"not a variable name: {name!r}")
    terms = {n: str(as_ox_term(bindings[n])) for n in names}

    def block(subset: list[str]) -> str:
        values = " ".join(terms[n] for n in subset)
        return f" VALUES ({' '.join('?' + n for n in subset)}) {{ ({values}) }}"

    inserts = [(brace.start + 1, block(names))]
    for at, mentioned in _graph_groups(tokens, tokens.index(brace)):
        subset = [n for n in names if n in mentioned]
        if subset:
            inserts.append((at, block(subset)))
    for at, piece in sorted(inserts, reverse=True):
        text = text[:at] + piece + text[at:]
    return text


def _graph_groups(tokens: list[Token], where: int) -> list[tuple[int, set[str]]]:
    """Offsets just inside each ``GRAPH`` group of the WHERE group (sub-SELECTs excluded), with their variables."""
    out: list[tuple[int, set[str]]] = []
    depth = 0
    subselect_depth: int | None = None
    i = where
    while i < len(tokens):
        tok = tokens[i]
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
            if subselect_depth is not None and depth <= subselect_depth:
                subselect_depth = None
            if depth == 0:
                break
        elif tok.keyword == "SELECT" and subselect_depth is None:
            subselect_depth = depth
        elif tok.keyword == "GRAPH" and subselect_depth is None and i + 2 < len(tokens) and tokens[i + 2].text == "{":
            end = _matching(tokens, i + 2)
            mentioned = {t.text[1:] for t in tokens[i + 1 : end] if t.kind == "var"}
            out.append((tokens[i + 2].start + 1, mentioned))
        i += 1
    return out


def _matching(tokens: list[Token], open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(tokens)):
        if tokens[j].text == "{":
            depth += 1
        elif tokens[j].text == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens)


def _where_brace(tokens: list[Token]) -> Token:
    form = query_form(tokens)
    depth = 0
    seen_where = False
    for i, tok in enumerate(tokens):
        if tok.keyword == "WHERE" and depth == 0:
            seen_where = True
        if tok.text == "{":
            # CONSTRUCT's template comes before WHERE; SELECT/ASK may omit the WHERE keyword
            if depth == 0 and (seen_where or form in ("SELECT", "ASK", "DESCRIBE")):
                return tok
            if depth == 0 and form == "CONSTRUCT" and i + 1 < len(tokens) and _construct_where(tokens, i):
                return tok
            depth += 1
        elif tok.text == "}":
            depth -= 1
    raise QueryError(key="store.no_where")


def _construct_where(tokens: list[Token], i: int) -> bool:
    # "CONSTRUCT WHERE { ... }" has no template: the first group is the WHERE group
    return i > 0 and tokens[i - 1].keyword == "WHERE"
