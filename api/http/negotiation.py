"""Content negotiation: which media type to answer with, from ``Accept`` (with q-values) or ``format``."""

from __future__ import annotations

import pyoxigraph as ox

from ikg.api.formats.rows import MEDIA_TYPES

__all__ = [
    "FORMAT_ALIASES",
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "XLSX_TYPE",
    "choose",
    "parse_accept",
]

#: media type of SELECT/ASK results -> pyoxigraph results format (the first is the default)
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}

#: media type of CONSTRUCT/DESCRIBE results -> pyoxigraph RDF format (the first is the default)
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}

#: an Excel workbook (query results, gaps and metrics; never from ``/sparql``)
XLSX_TYPE = MEDIA_TYPES["xlsx"]

#: the ``format`` parameter, for browsers and clients that cannot set ``Accept``: candidates in
#: order, the first one offered for the query form wins (``xml`` means RDF/XML for graphs)
FORMAT_ALIASES: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/ld+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle",),
    "ttl": ("text/turtle",),
    "ntriples": ("application/n-triples",),
    "nt": ("application/n-triples",),
    "jsonld": ("application/ld+json",),
    "json-ld": ("application/ld+json",),
    "rdfxml": ("application/rdf+xml",),
    "rdf+xml": ("application/rdf+xml",),
    "md": ("text/markdown",),
    "markdown": ("text/markdown",),
    "graphml": ("application/graphml+xml",),
    "gexf": ("application/gexf+xml",),
    "xlsx": (XLSX_TYPE,),
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Parse an ``Accept`` header into ``(media range, q)`` pairs, best first.

    Examples
    --------
    >>> parse_accept("text/csv;q=0.5, application/sparql-results+json, */*;q=0.1")
    [('application/sparql-results+json', 1.0), ('text/csv', 0.5), ('*/*', 0.1)]
    >>> parse_accept("text/turtle;q=abc")
    [('text/turtle', 0.0)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, i))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges]


def _matches(media_range: str, media: str) -> bool:
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return media.split("/")[0] == media_range[:-2]
    return media_range == media


def choose(accept: str | None, offered: list[str], fmt: str | None = None) -> str | None:
    """Choose the media type to answer with.

    Parameters
    ----------
    accept : str or None
        The request's ``Accept`` header.
    offered : list of str
        What the server can produce, preferred first.
    fmt : str, optional
        A ``format`` parameter (an alias from :data:`FORMAT_ALIASES` or a media type); it wins
        over ``Accept`` when it names something offered, and is ignored when unknown.

    Returns
    -------
    str or None
        ``None`` when nothing acceptable is offered (answer 406).

    Examples
    --------
    >>> choose("text/csv;q=0.9, application/sparql-results+xml", list(RESULT_TYPES))
    'application/sparql-results+xml'
    >>> choose("text/html", list(RESULT_TYPES)) is None
    True
    >>> choose("text/html", list(GRAPH_TYPES), fmt="jsonld")
    'application/ld+json'
    >>> choose(None, list(GRAPH_TYPES), fmt="csv") is None
    True
    """
    if fmt:
        candidates = FORMAT_ALIASES.get(fmt.lower(), (fmt.lower(),))
        for media in candidates:
            if media in offered:
                return media
        if fmt.lower() in FORMAT_ALIASES:
            return None  # a known format this kind of query cannot give
    best: tuple[float, int, str] | None = None
    ranges = parse_accept(accept)
    refused = {m for m, q in ranges if q <= 0 and "*" not in m}
    for media_range, q in ranges:
        if q <= 0:
            continue
        for rank, media in enumerate(offered):
            if media not in refused and _matches(media_range, media):
                # an exact match beats a wildcard of the same weight; then the server's order
                key = (q + (0.001 if media_range == media else 0), -rank, media)
                if best is None or key[:2] > best[:2]:
                    best = key
    return best[2] if best else None
