"""The national generator is a tool on top of the apps: it composes the rows each app shapes (`<app>/bulk.py`),
and no app imports it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent.parent / "soisua"


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_no_app_imports_the_national_generator():
    outside = [path for path in PACKAGE.rglob("*.py") if "national" not in path.relative_to(PACKAGE).parts]

    importers = sorted(str(path.relative_to(PACKAGE)) for path in outside
                       if any(module == "soisua.national" or module.startswith("soisua.national.")
                              for module in imported_modules(path)))

    assert len(outside) > 100
    assert importers == []

