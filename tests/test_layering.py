"""The core never imports Textual or Rich: the CLI and other front ends depend on that."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "finconsole" / "core"


def test_core_imports_no_textual_or_rich():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in ("textual", "rich")
            ]
    assert offenders == []
