"""A concept from the store as a workbook or a CSV folder, ready to be edited and imported again.

The export is the template's format with the concept's rows: same sheets, same columns, same
instructions, in German or English. Importing it unchanged changes nothing (+0 −0 triples);
importing it with one cell edited changes that one fact.
"""

from __future__ import annotations

from ikg.graph.errors import InputError
from ikg.graph.i18n import Lang
from ikg.graph.library.inventory import list_concepts
from ikg.graph.sheets.csvfiles import build_csv
from ikg.graph.sheets.read import read_concept
from ikg.graph.sheets.workbook import build_workbook
from ikg.graph.store.base import StoreLike

__all__ = ["choose_concept", "export_csv", "export_xlsx"]


def choose_concept(store: StoreLike, concept: str | None) -> str:
    """The concept to export: the one named, else the only one in the store.

    Raises
    ------
    InputError
        If none is named and the store holds several concepts (they are listed) or none.
    """
    if concept:
        return concept
    ids = [c.id for c in list_concepts(store)]
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise InputError(key="sheets.error.no_concepts")
    raise InputError(key="sheets.error.choose_concept", concepts=", ".join(ids))


def export_xlsx(store: StoreLike, concept: str, lang: Lang) -> bytes:
    """The concept as the workbook an import reads.

    Raises
    ------
    NotFoundError
        For an unknown concept.
    """
    return build_workbook(read_concept(store, concept), lang, concept)


def export_csv(store: StoreLike, concept: str, lang: Lang) -> dict[str, bytes]:
    """The concept as the CSV files an import reads, with the read-me.

    Raises
    ------
    NotFoundError
        For an unknown concept.
    """
    return build_csv(read_concept(store, concept), lang, concept)
