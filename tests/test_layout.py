"""The layers hold: the core imports no face, the views import no face; nothing reads ../shared."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: folder -> the ikg packages its modules must not import
FORBIDDEN = {"graph": ("ikg.api", "ikg.viz"), "viz": ("ikg.api",)}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(folder: str) -> None:
    wrong = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in sorted((REPO / folder).rglob("*.py"))
        for name in _imports(path)
        if name.startswith(FORBIDDEN[folder])
    ]
    assert not wrong


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ikg.api.cli import main\n", encoding="utf-8")
    assert "ikg.api.cli" in _imports(module)


def test_no_relative_imports_and_no_shared_folder() -> None:
    for folder in ("graph", "api", "viz", "tests"):
        for path in (REPO / folder).rglob("*.py"):
            if path == Path(__file__).resolve():
                continue
            text = path.read_text(encoding="utf-8")
            assert "../shared" not in text and '"shared"' not in text, path
            if folder != "tests":
                tree = ast.parse(text)
                relative = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
                assert not relative, f"{path}: relative imports on lines {relative}"


def test_modules_are_of_one_topic_and_rarely_long() -> None:
    """No module over 900 lines; the few over 400 are named here with the reason."""
    long_ones = {
        p.relative_to(REPO).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for folder in ("graph", "api", "viz")
        for p in (REPO / folder).rglob("*.py")
    }
    assert max(long_ones.values()) <= 900, max(long_ones.items(), key=lambda kv: kv[1])
