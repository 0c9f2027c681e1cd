"""The ``ikg`` command line, run as a user runs it: a subprocess, from another directory."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .conftest import SMALL, write_csv_set


def test_up_loads_the_default_concept_into_a_new_store(run_ikg, tmp_path: Path) -> None:
    result = run_ikg("up", "--no-serve", check=True)
    assert "mettmann-2015: Integration concept of the district of Mettmann 2015" in result.stdout
    assert "action fields without a goal (2): Culture, Sport" in result.stdout
    assert (
        "beispielkreis-2024: missing links 226, coverage gaps 5, brokers 6, silos 1, isolated actors 3" in result.stdout
    )
    assert "missing links 1: Grundschule am Lindenweg Beispielhausen (Beispielhausen) and Sprachpaten" in result.stdout
    assert (tmp_path / "ikg-report" / "beispielkreis-2024" / "index.html").is_file()


def test_up_in_german(run_ikg) -> None:
    result = run_ikg("--lang", "de", "up", "--no-serve", check=True)
    assert "Handlungsfelder ohne AG (2): Kultur, Sport" in result.stdout


def test_help_documents_every_command_with_an_example(run_ikg) -> None:
    commands = ("up", "import", "validate", "export", "info", "query", "concepts", "drop", "serve")
    for command in (*commands, "gaps", "metrics", "view", "report"):
        result = run_ikg(command, "--help", check=True)
        assert "Example: ikg" in result.stdout, command


def test_import_info_and_drop(run_ikg, tmp_path: Path) -> None:
    folder = write_csv_set(tmp_path / "klein")
    result = run_ikg("import", str(folder), check=True)
    assert "imported concept kleinstadt-2020" in result.stdout
    info = run_ikg("info", check=True).stdout
    assert "kleinstadt-2020: Integrationskonzept Kleinstadt" in info and "actors 5" in info
    again = run_ikg("import", str(folder), check=True)
    assert "(+0 -0)" in again.stdout
    assert run_ikg("drop", "--concept", "kleinstadt-2020").returncode == 1  # no --yes, no terminal
    run_ikg("drop", "--concept", "kleinstadt-2020", "--yes", check=True)
    assert "kleinstadt-2020" not in run_ikg("concepts", check=True).stdout
    # the store was seeded once; a dropped default concept does not come back
    run_ikg("drop", "--concept", "mettmann-2015", "--yes", check=True)
    assert "mettmann-2015" not in run_ikg("concepts", check=True).stdout


def test_bad_spreadsheet_gives_one_line_per_problem_and_no_traceback(run_ikg, tmp_path: Path) -> None:
    tables = {**SMALL, "mitgliedschaften": [*SMALL["mitgliedschaften"], ["stadt", "ag-sprach", "", "", ""]]}
    result = run_ikg("import", str(write_csv_set(tmp_path / "bad", tables)))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (  # file, column and table as the user's spreadsheet spells them
        "ikg: mitgliedschaften.csv, row 6, column arbeitsgruppe: "
        "unknown reference ag-sprach (no such id in table arbeitsgruppen); did you mean ag-sprache?"
    )
    assert lines[-1].startswith("ikg: error: bad: 1 problem(s), nothing was imported")
    assert "kleinstadt" not in run_ikg("concepts", check=True).stdout


def test_validate_writes_nothing(run_ikg, tmp_path: Path) -> None:
    result = run_ikg("validate", str(write_csv_set(tmp_path / "klein")), check=True)
    assert "valid, concept kleinstadt-2020" in result.stdout
    assert "kleinstadt" not in run_ikg("concepts", check=True).stdout


def test_query_formats_and_syntax_error(run_ikg) -> None:
    q = "PREFIX ikg: <https://w3id.org/ikg/ns#> SELECT ?wg WHERE { GRAPH <https://w3id.org/ikg/graph/mettmann-2015> { ?wg a ikg:WorkingGroup } } ORDER BY ?wg"
    csv_out = run_ikg("query", "-e", q, "--format", "csv", check=True).stdout.splitlines()
    assert csv_out[0] == "wg" and len(csv_out) == 4
    bad = run_ikg("query", "-e", "SELECT ?x WHERE { ?x")
    assert bad.returncode == 1 and bad.stderr.startswith("ikg: error:") and "Traceback" not in bad.stderr


def test_missing_path_is_one_clear_line(run_ikg) -> None:
    result = run_ikg("import", "/nonexistent/folder")
    assert result.returncode == 1
    assert result.stderr.strip() == "ikg: error: /nonexistent/folder: no such file or folder"


def test_store_in_use_is_explained(run_ikg, tmp_path: Path) -> None:
    store_dir = tmp_path / "busy"
    holder = ox.Store(str(store_dir))  # another process would hold the same lock
    try:
        result = run_ikg("info", extra_env={"IKG_STORE": str(store_dir), "IKG_LOCK_WAIT": "1"})
    finally:
        del holder
    assert result.returncode == 1
    assert "in use by another ikg process; waiting up to 1 s" in result.stderr
    assert "in use by another ikg process" in result.stderr.splitlines()[-1]
    assert "(waited 1 s, IKG_LOCK_WAIT)" in result.stderr


def test_export_round_trip(run_ikg, tmp_path: Path) -> None:
    run_ikg("import", str(write_csv_set(tmp_path / "klein")), check=True)
    again = run_ikg("export", "--format", "nquads", check=True).stdout
    assert "kleinstadt-2020" in again and "mettmann-2015" in again
    for fmt, suffix in (("trig", "trig"), ("jsonld", "jsonld"), ("nquads", "nq")):
        dump = tmp_path / f"all.{suffix}"
        run_ikg("export", "--format", fmt, "--out", str(dump), check=True)
        other = {"IKG_STORE": str(tmp_path / f"other-{fmt}"), "IKG_NO_SEED": "1"}
        run_ikg("import", str(dump), check=True, extra_env=other)
        assert run_ikg("export", "--format", "nquads", extra_env=other, check=True).stdout == again, fmt
    # one concept as Turtle, into a named graph of the user's choice
    ttl = tmp_path / "k.ttl"
    run_ikg("export", "-f", "turtle", "--concept", "kleinstadt-2020", "-o", str(ttl), check=True)
    third = {"IKG_STORE": str(tmp_path / "third"), "IKG_NO_SEED": "1"}
    no_graph = run_ikg("import", str(ttl), extra_env=third)
    assert no_graph.returncode == 1 and "--graph" in no_graph.stderr
    run_ikg("import", str(ttl), "--graph", "https://w3id.org/ikg/graph/kleinstadt-2020", check=True, extra_env=third)
    exported = run_ikg("export", "--format", "nquads", "--concept", "kleinstadt-2020", extra_env=third, check=True)
    original = run_ikg("export", "--format", "nquads", "--concept", "kleinstadt-2020", check=True)
    assert exported.stdout == original.stdout


def test_rdf_syntax_error_writes_nothing(run_ikg, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/p> .\n", encoding="utf-8")
    result = run_ikg("import", str(bad), "--graph", "https://example.org/g")
    assert result.returncode == 1 and "RDF syntax error" in result.stderr


def test_up_serves_the_api_the_views_and_the_reports(tmp_path: Path) -> None:
    """The README's first command: summary, reports, then the server on 127.0.0.1 (stopped here)."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from .servers import free_port

    exe = Path(sys.executable).with_name("ikg")
    port = free_port()
    env = {**os.environ, "IKG_STORE": str(tmp_path / "store"), "IKG_LANG": "en"}
    proc = subprocess.Popen(
        [str(exe), "up", "--port", str(port)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while not any("API docs" in line for line in lines):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            lines.append(proc.stdout.readline())  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        assert any(f"{base}/report/beispielkreis-2024/" in line for line in lines)
        with httpx.Client(base_url=base, timeout=60) as client:
            report = client.get("/report/beispielkreis-2024/")
            assert report.status_code == 200 and "Sprachpaten Kinderland" in report.text
            assert client.get("/views/gaps.html", params={"concept": "beispielkreis-2024"}).status_code == 200
            assert client.get("/gaps", params={"concept": "mettmann-2015"}).status_code == 200
            assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        workers = _children(proc.pid)
        assert workers, "a query worker runs while serving"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()  # type: ignore[union-attr]
    time.sleep(0.5)
    assert [w for w in workers if Path(f"/proc/{w}").exists()] == [], "query workers outlived ikg up"


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_ctrl_c_inside_a_command_says_so(tmp_path: Path, monkeypatch, capsys) -> None:
    # Typer turns Ctrl-C into exit code 130 without a word; the coordinator should read that the
    # command was stopped, in German
    import pytest

    from ikg.api.cli import explore
    from ikg.api.cli.app import main

    def interrupted(**_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(explore, "open_store", interrupted)
    monkeypatch.setenv("IKG_LANG", "de")
    with pytest.raises(SystemExit) as done:
        main(["--store", str(tmp_path / "store"), "info"])
    assert done.value.code == 130
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith("abgebrochen")
