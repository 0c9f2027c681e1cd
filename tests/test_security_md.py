"""SECURITY.md names a test for every promise; each named test exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _tests_named() -> list[tuple[str, str]]:
    """(file, test) pairs from SECURITY.md; ``::name`` after a file refers to that file."""
    pairs = []
    for line in (REPO / "SECURITY.md").read_text(encoding="utf-8").splitlines():
        current = None
        for m in re.finditer(r"`(tests/[\w/]+\.py)(?:::(\w+))?`|`::(\w+)`", line):
            if m.group(1):
                current = m.group(1)
                if m.group(2):
                    pairs.append((current, m.group(2)))
            elif current is not None:
                pairs.append((current, m.group(3)))
    return pairs


def test_every_test_named_in_security_md_exists() -> None:
    pairs = _tests_named()
    assert len(pairs) > 40
    missing = []
    for file, name in pairs:
        path = REPO / file
        if not path.exists():
            missing.append(f"{file} (no such file)")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if name not in names:
            missing.append(f"{file}::{name}")
    assert not missing, missing


def test_every_promise_row_names_a_test() -> None:
    rows = [
        line
        for line in (REPO / "SECURITY.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| promise", "| ---"))
    ]
    assert rows
    without = [row[:80] for row in rows if "tests/" not in row and "default values" not in row]
    assert not without, without
