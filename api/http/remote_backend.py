"""The backend for ``--store URL``: forward to a SPARQL 1.1 server, whose engine ikg cannot confine.

User text for it passes :func:`ikg.graph.store.sparql_text.check_remote_safe` (see
:mod:`ikg.api.http.sparql`); answers are read as a stream and refused past the byte cap; CSV and TSV
are written here, spreadsheet-safe like every CSV ikg writes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import httpx
import pyoxigraph as ox

from ikg.api.http.backends import QueryJob
from ikg.graph.cells import write_sparql_csv, write_sparql_tsv
from ikg.graph.errors import StoreError
from ikg.graph.namespaces import PREFIXES
from ikg.graph.store.engine.process import (
    Answer,
    DeadlineError,
    EngineError,
    too_large,
)
from ikg.graph.store.remote import CANCELLED, RemoteStore, by_value
from ikg.graph.store.sparql_text import query_form, tokenize

__all__ = ["RemoteBackend"]


@dataclass
class RemoteBackend:
    """Forward to a SPARQL 1.1 server (``--store URL``); the server enforces its own deadline.

    The answer is read as a stream and refused past the byte cap; CSV and TSV are written here
    (:mod:`ikg.graph.cells`), so they are spreadsheet-safe like every CSV ikg writes.
    """

    store: RemoteStore
    refusal: str | None = None
    sandbox: str = "remote server (not confined by ikg; user text checked strictly)"

    def named_graphs(self) -> list[str]:
        return self.store.named_graphs()

    def run_query(self, job: QueryJob, deadline: float, max_bytes: int) -> Answer:
        """Run one query on the server; see :meth:`PooledBackend.run_query`."""
        # results are always asked for as JSON: what a server sends there is read by value
        # (Virtuoso's ASK table, its booleans 1/0) and written again in the format the client chose
        accept = "application/sparql-results+json, application/n-triples"
        body = bytearray()
        try:
            with self.store.stream_query(job.text, accept, list(job.dataset), timeout=deadline) as response:
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise too_large("bytes", max_bytes)
                status, media = response.status_code, response.headers.get("content-type", "").split(";")[0]
        except httpx.TimeoutException as exc:
            raise DeadlineError(key="store.deadline", seconds=f"{deadline:g}") from exc
        except httpx.HTTPError as exc:
            raise StoreError(key="store.unreachable", url=self.store.url, detail=str(exc)) from exc
        if status == 400:
            raise EngineError("syntax", body.decode("utf-8", "replace").strip() or "malformed query")
        if status >= 300 or CANCELLED.encode() in body[-200:]:
            if CANCELLED.encode() in body:
                raise DeadlineError(key="store.remote_deadline")
            raise StoreError(f"the SPARQL server answered {status}: {bytes(body[:300])!r}")
        if media in ("application/n-triples", "text/plain"):
            triples = [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(bytes(body), format=ox.RdfFormat.N_TRIPLES)
            ]
            if len(triples) > job.max_rows:
                raise too_large("rows", job.max_rows)
            out = ox.serialize(triples, format=ox.RdfFormat.from_media_type(job.graph_media), prefixes=PREFIXES) or b""
            return Answer(out, {"form": "CONSTRUCT", "rows": len(triples), "media": job.graph_media})
        fmt = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
        raw = bytes(body)
        if fmt == ox.QueryResultsFormat.JSON:
            raw = by_value(raw, ask=query_form(tokenize(job.text)) == "ASK")
        parsed = ox.parse_query_results(raw, format=fmt)
        if isinstance(parsed, ox.QueryBoolean):
            return Answer(
                parsed.serialize(format=ox.QueryResultsFormat.from_media_type(job.results_media)) or b"",
                {"form": "ASK", "rows": 1, "media": job.results_media},
            )
        names = [v.value for v in parsed.variables]
        rows = [[s[i] for i in range(len(names))] for s in parsed]
        if len(rows) > job.max_rows:
            raise too_large("rows", job.max_rows)
        if job.results_media in ("text/csv", "text/tab-separated-values"):
            text = io.StringIO(newline="")
            (write_sparql_csv if job.results_media == "text/csv" else write_sparql_tsv)(text, names, rows)
            out = text.getvalue().encode("utf-8")
        elif ox.QueryResultsFormat.from_media_type(job.results_media) == fmt:
            out = raw
        else:  # XML asked for: the rows read, written again
            target = ox.QueryResultsFormat.from_media_type(job.results_media)
            out = ox.parse_query_results(raw, format=fmt).serialize(format=target) or b""
        return Answer(out, {"form": "SELECT", "rows": len(rows), "media": job.results_media})

    def run_update(self, text: str, base_iri: str | None) -> None:
        """Send an update to the server."""
        response = self.store.raw_update(text)
        if response.status_code >= 300:
            message = response.text.strip() or f"update failed ({response.status_code})"
            raise EngineError("syntax" if response.status_code < 500 else "engine", message)

    def close(self) -> None:
        self.store.close()
