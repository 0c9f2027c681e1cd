"""Generate a synthetic integration concept in ikg's spreadsheet format, for benchmarks.

Usage::

    python bench/generate.py --actors 10000 --out DIR [--seed 42] [--formats csv,xlsx,ttl]

Deterministic: everything is drawn from ``random.Random(seed)`` and nothing depends on the wall
clock, so the same arguments give byte-identical files (the XLSX is re-packed with fixed zip
timestamps and fixed document-property dates).

Writes under ``DIR``:

``csv/``
    One CSV per table (canonical English file names and headers, ``,`` delimiter, UTF-8).
``concept.xlsx``
    One sheet per table (openpyxl write-only mode), same cells as the CSVs (all text).
``concept.ttl``
    The graph exactly as ikg maps it: ``ikg.graph.ingest.importer.check_spreadsheet(DIR/csv)``, asserted
    free of error problems (this runs the SHACL validation too), serialised sorted.

Structure: actors of ten types in ten towns; about one working group per 20 actors, each under
one or two of the six action fields; 1-3 memberships per actor; 2-6 goals per working group,
each pursued by 0-4 members of its group (and for about 30 % of goals by 1-2 actors outside it,
so that actors share goals across groups) and sometimes addressing a cross-cutting task; 0-5
cooperations started by each actor (no self pairs, no duplicate unordered pairs); about 3 %
isolated actors (no membership, cooperation, goal or event); one indicator per town and one
kick-off event per working group. The ``source`` column is left empty, so every row gets its own
provenance locator (ikg's default), which is the heavier case.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import tempfile
import zipfile
from pathlib import Path

from ikg.graph.ingest.schema import SHEETS

TOWNS = (
    "Erkrath",
    "Haan",
    "Heiligenhaus",
    "Hilden",
    "Langenfeld",
    "Mettmann",
    "Monheim am Rhein",
    "Ratingen",
    "Velbert",
    "Wülfrath",
)

# actor type notation (ikg.ttl, ikg:ActorTypes) -> (weight, German name stem)
ACTOR_TYPES: tuple[tuple[str, int, str], ...] = (
    ("school", 15, "Schule"),
    ("daycare", 15, "Kita"),
    ("welfare_association", 10, "Wohlfahrtsverband"),
    ("migrant_organisation", 12, "Migrantenorganisation"),
    ("job_centre", 2, "Jobcenter"),
    ("police", 2, "Polizeiwache"),
    ("sports_club", 15, "Sportverein"),
    ("culture_association", 12, "Kulturverein"),
    ("administration", 5, "Stadtverwaltung, Fachbereich"),
    ("civil_society", 12, "Bürgerinitiative"),
)

# id, German label, English label
ACTION_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("sprache", "Sprache", "Language"),
    ("bildung-ausbildung", "Bildung/Ausbildung", "Education and vocational training"),
    ("wirtschaft-arbeit", "Wirtschaft/Arbeit", "Economy and work"),
    ("kultur", "Kultur", "Culture"),
    ("sport", "Sport", "Sport"),
    ("zusammenleben-sicherheit", "Zusammenleben in Sicherheit", "Living together in safety"),
)
CROSS_CUTTING_TASKS: tuple[tuple[str, str, str], ...] = (
    ("vernetzung", "Vernetzung", "Networking"),
    ("interkulturelle-oeffnung", "Interkulturelle Öffnung", "Intercultural opening"),
)

ROLES = (("member", 85), ("lead", 5), ("coordination", 5), ("guest", 5))

GOAL_PHRASES = (
    ("Ausbau der Angebote im Bereich", "Expanding the offers in"),
    ("Verbesserung des Zugangs zu", "Improving access to"),
    ("Qualifizierung der Fachkräfte für", "Qualifying professionals for"),
    ("Stärkung der Zusammenarbeit im Bereich", "Strengthening cooperation in"),
    ("Information und Beratung zu", "Information and counselling on"),
    ("Beteiligung von Menschen mit Zuwanderungsgeschichte an", "Participation of people with a migration history in"),
)

COOPERATION_TEXTS = (
    "Gemeinsames Projekt",
    "Regelmäßiger Austausch",
    "Gemeinsame Veranstaltungen",
    "Vermittlung von Teilnehmenden",
)

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2015-06-30T00:00:00Z"

Row = dict[str, str]


def _date(rng: random.Random, first: int, last: int) -> str:
    year = rng.randint(first, last)
    return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def build(n_actors: int, seed: int) -> dict[str, list[Row]]:
    """Return the rows of every table, by canonical table name (cells are strings; "" is empty)."""
    if n_actors < 2:
        raise ValueError("--actors must be at least 2")
    rng = random.Random(seed)
    width = max(4, len(str(n_actors)))
    af_ids = [a[0] for a in ACTION_FIELDS]
    af_label = {a[0]: (a[1], a[2]) for a in ACTION_FIELDS}

    # --- actors --------------------------------------------------------------------------------
    types = [t[0] for t in ACTOR_TYPES]
    weights = [t[1] for t in ACTOR_TYPES]
    stem = {t[0]: t[2] for t in ACTOR_TYPES}
    counter: dict[tuple[str, str], int] = {}
    actors: list[Row] = []
    for i in range(n_actors):
        kind = "administration" if i == 0 else rng.choices(types, weights)[0]
        town = TOWNS[0] if i == 0 else rng.choice(TOWNS)
        k = counter[(kind, town)] = counter.get((kind, town), 0) + 1
        name = "Kreisverwaltung (synthetisch)" if i == 0 else f"{stem[kind]} {town} {k}"
        actors.append({"id": f"actor-{i + 1:0{width}d}", "name": name, "type": kind, "town": town})
    ids = [a["id"] for a in actors]

    # about 3 % isolates; never the publisher (actor 0)
    n_iso = round(0.03 * n_actors)
    isolates = set(rng.sample(range(1, n_actors), min(n_iso, n_actors - 2)))
    active = [i for i in range(n_actors) if i not in isolates]

    # --- working groups ------------------------------------------------------------------------
    n_wg = max(1, round(n_actors / 20))
    wg_width = max(3, len(str(n_wg)))
    working_groups: list[Row] = []
    wg_fields: list[list[str]] = []
    for j in range(n_wg):
        fields = [af_ids[j % len(af_ids)]]
        if rng.random() < 0.3:
            other = rng.choice([f for f in af_ids if f != fields[0]])
            fields.append(other)
        wg_fields.append(fields)
        de = " / ".join(af_label[f][0] for f in fields)
        en = " / ".join(af_label[f][1] for f in fields)
        working_groups.append(
            {
                "id": f"ag-{j + 1:0{wg_width}d}",
                "name": f"AG {de} {j + 1}",
                "name_en": f"Working group {en} {j + 1}",
                "action_fields": "|".join(fields),
            }
        )

    # --- memberships: 1-3 per active actor -----------------------------------------------------
    role_names = [r[0] for r in ROLES]
    role_weights = [r[1] for r in ROLES]
    memberships: list[Row] = []
    members: list[list[int]] = [[] for _ in range(n_wg)]
    leads: list[list[int]] = [[] for _ in range(n_wg)]
    for i in active:
        for j in sorted(rng.sample(range(n_wg), min(rng.randint(1, 3), n_wg))):
            role = rng.choices(role_names, role_weights)[0]
            since = _date(rng, 2008, 2015) if rng.random() < 0.4 else ""
            until = _date(rng, 2016, 2020) if since and rng.random() < 0.1 else ""
            memberships.append(
                {
                    "actor": ids[i],
                    "working_group": working_groups[j]["id"],
                    "role": role,
                    "since": since,
                    "until": until,
                }
            )
            members[j].append(i)
            if role in ("lead", "coordination"):
                leads[j].append(i)

    # --- goals: 2-6 per working group ----------------------------------------------------------
    goals: list[Row] = []
    for j in range(n_wg):
        for _ in range(rng.randint(2, 6)):
            fields = wg_fields[j] if rng.random() < 0.5 else [rng.choice(wg_fields[j])]
            de_phrase, en_phrase = rng.choice(GOAL_PHRASES)
            tasks = []
            for task, p in (("vernetzung", 0.25), ("interkulturelle-oeffnung", 0.2)):
                if rng.random() < p:
                    tasks.append(task)
            pursuers = rng.sample(members[j], min(rng.randint(0, 4), len(members[j])))
            if rng.random() < 0.3:  # actors outside the group pursue it too: what missing links are made of
                for i in (rng.choice(active) for _ in range(rng.randint(1, 2))):
                    if i not in members[j] and i not in pursuers:
                        pursuers.append(i)
            n = len(goals) + 1
            goals.append(
                {
                    "id": f"z-{n:0{width}d}",
                    "title": f"{de_phrase} {af_label[fields[0]][0]} ({n})",
                    "title_en": f"{en_phrase} {af_label[fields[0]][1].lower()} ({n})",
                    "action_fields": "|".join(fields),
                    "cross_cutting_tasks": "|".join(tasks),
                    "working_group": working_groups[j]["id"],
                    "pursued_by": "|".join(ids[i] for i in pursuers),
                    "level": "action_field",
                }
            )

    # --- cooperations: 0-5 started by each active actor ----------------------------------------
    cooperations: list[Row] = []
    pairs: set[tuple[int, int]] = set()
    for a in active:
        want = rng.randint(0, 5)
        made = 0
        for _attempt in range(want * 4):
            if made == want:
                break
            b = rng.choice(active)
            pair = (a, b) if a < b else (b, a)
            if a == b or pair in pairs:
                continue
            pairs.add(pair)
            made += 1
            cooperations.append(
                {
                    "actor_a": ids[a],
                    "actor_b": ids[b],
                    "since": str(rng.randint(2005, 2015)) if rng.random() < 0.5 else "",
                    "description": rng.choice(COOPERATION_TEXTS) if rng.random() < 0.3 else "",
                }
            )

    # --- small tables --------------------------------------------------------------------------
    action_fields = [
        {"id": i, "label": de, "label_en": en, "notation": str(n)} for n, (i, de, en) in enumerate(ACTION_FIELDS, 1)
    ]
    tasks = [
        {"id": i, "label": de, "label_en": en, "notation": str(n)}
        for n, (i, de, en) in enumerate(CROSS_CUTTING_TASKS, 1)
    ]
    indicators = [
        {
            "id": f"anteil-zuwanderung-{k + 1:02d}",
            "label": f"Anteil der Menschen mit Zuwanderungsgeschichte in {town}",
            "value": f"{rng.randint(150, 400) / 10:.1f}",
            "unit": "%",
            "area": town,
            "date": "2014-12-31",
        }
        for k, town in enumerate(TOWNS)
    ]
    events = []
    for j in range(n_wg):
        who = leads[j] or members[j][:1]
        events.append(
            {
                "id": f"auftakt-{working_groups[j]['id']}",
                "label": f"Auftaktsitzung {working_groups[j]['name']}",
                "date": _date(rng, 2014, 2015),
                "kind": "meeting",
                "actors": "|".join(ids[i] for i in who),
            }
        )
    concept = [
        {
            "id": f"synthetic-{n_actors}",
            "title": f"Synthetisches Integrationskonzept ({n_actors} Akteure, Seed {seed})",
            "title_en": f"Synthetic integration concept ({n_actors} actors, seed {seed})",
            "issued": "2015-06-30",
            "publisher": ids[0],
            "required_actor_types": "school|migrant_organisation|administration",
        }
    ]
    return {
        "concept": concept,
        "actors": actors,
        "working_groups": working_groups,
        "memberships": memberships,
        "goals": goals,
        "action_fields": action_fields,
        "cross_cutting_tasks": tasks,
        "cooperations": cooperations,
        "indicators": indicators,
        "events": events,
    }


def _header(table: str) -> list[str]:
    return [c.name for c in next(s for s in SHEETS if s.name == table).columns]


def write_csv(tables: dict[str, list[Row]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        header = _header(name)
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, delimiter=",", lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(col, "") for col in header])
        (folder / f"{name}.csv").write_bytes(buf.getvalue().encode("utf-8"))


def write_xlsx(tables: dict[str, list[Row]], path: Path) -> None:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    fixed = dt.datetime(2015, 6, 30)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "ikg bench/generate.py"
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        header = _header(name)
        ws.append(header)
        for row in rows:
            ws.append([row.get(col) or None for col in header])
    raw = io.BytesIO()
    wb.save(raw)
    # openpyxl stamps "now" into docProps/core.xml and into every zip entry: re-pack with fixed ones
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + FIXED_DOC_TIME.encode() + m.group(2),
                    data,
                )
            fixed_info = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed_info.compress_type = zipfile.ZIP_DEFLATED
            fixed_info.external_attr = 0o644 << 16
            dst.writestr(fixed_info, data)
    path.write_bytes(out.getvalue())


def write_ttl(csv_folder: Path, path: Path) -> int:
    """Map the CSV folder as ikg would import it and write its graph as Turtle; return triples."""
    import pyoxigraph as ox

    from ikg.graph.ingest.importer import check_spreadsheet
    from ikg.graph.namespaces import PREFIXES
    from ikg.graph.terms import to_ox

    mapped = check_spreadsheet(csv_folder)
    errors = [p for p in mapped.problems if p.severity == "error"]
    assert not errors, f"{len(errors)} error problem(s), first: {errors[:3]}"
    triples = sorted((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in mapped.graph), key=lambda t: str(t))
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")
    return len(triples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--actors", type=int, required=True, help="number of actors (>= 2)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--formats", default="csv,xlsx,ttl", help="comma-separated subset of csv,xlsx,ttl")
    args = parser.parse_args(argv)
    formats = {f.strip() for f in args.formats.split(",") if f.strip()}
    unknown = formats - {"csv", "xlsx", "ttl"}
    if unknown:
        parser.error(f"unknown format(s): {', '.join(sorted(unknown))}")

    tables = build(args.actors, args.seed)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    counts = ", ".join(f"{k} {len(v)}" for k, v in tables.items())
    print(f"synthetic-{args.actors} (seed {args.seed}): {counts}")
    if "csv" in formats:
        write_csv(tables, out / "csv")
        print(f"wrote {out / 'csv'}/")
    if "xlsx" in formats:
        write_xlsx(tables, out / "concept.xlsx")
        print(f"wrote {out / 'concept.xlsx'}")
    if "ttl" in formats:
        if "csv" in formats:
            n = write_ttl(out / "csv", out / "concept.ttl")
        else:
            with tempfile.TemporaryDirectory(prefix="ikg-bench-") as tmp:
                write_csv(tables, Path(tmp) / "csv")
                n = write_ttl(Path(tmp) / "csv", out / "concept.ttl")
        print(f"wrote {out / 'concept.ttl'} ({n} triples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
