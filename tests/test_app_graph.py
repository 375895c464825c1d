"""The apps form a directed graph without cycles (docs/architecture.md, "Apps and their dependencies").

An app depends on another when one of its modules imports it or one of its models points at the other's models
by name ("org.Unit"). Migrations are history and are left out; the project-level modules (soisua/api.py,
soisua/urls.py, soisua/settings.py, soisua/cli.py) assemble the apps and may import any of them.
"""

import ast
import itertools
import re
from pathlib import Path

SOISUA = Path(__file__).resolve().parent.parent / "soisua"
APPS = sorted(path.name for path in SOISUA.iterdir() if (path / "apps.py").exists())
MODEL_REFERENCE = re.compile(r"""["']([a-z_]+)\.[A-Z][A-Za-z]+["']""")

# Shortcomings still point at the review and cycle they came from while reviews record shortcomings: the one
# pair of apps that depend on each other, to be untangled by moving those links to the reviews side. No other
# cycle may appear.
KNOWN_CYCLES = {frozenset({"corrections", "reviews"})}


def dependencies() -> dict[str, dict[str, set[str]]]:
    """{app: {app it depends on: {where}}}."""
    graph: dict[str, dict[str, set[str]]] = {app: {} for app in APPS}
    for app in APPS:
        for path in (SOISUA / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            tree = ast.parse(source)
            targets = []
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    targets.append((node.module, node.lineno))
                elif isinstance(node, ast.Import):
                    targets.extend((alias.name, node.lineno) for alias in node.names)
            for module, line in targets:
                parts = module.split(".")
                if parts[0] == "soisua" and len(parts) > 1 and parts[1] in APPS and parts[1] != app:
                    graph[app].setdefault(parts[1], set()).add(f"{path.relative_to(SOISUA)}:{line}")
            if path.name == "models.py":
                for match in MODEL_REFERENCE.finditer(source):
                    if match[1] in APPS and match[1] != app:
                        graph[app].setdefault(match[1], set()).add(f"{path.relative_to(SOISUA)} ({match[0]})")
    return graph


def cycles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """Every elementary cycle through each pair or longer path, found by a depth-first search from each app."""
    found = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for target in sorted(graph[node]):
            if target == start:
                found.append([*path, start])
            elif target not in path and target > start:
                walk(start, target, [*path, target])

    for app in APPS:
        walk(app, app, [app])
    return found


def test_the_apps_form_a_graph_without_cycles():
    graph = dependencies()

    unexpected = [cycle for cycle in cycles(graph) if frozenset(cycle) not in KNOWN_CYCLES]

    assert not unexpected, "\n".join(
        " → ".join(cycle) + ": " + "; ".join(sorted(graph[a][b])[0] for a, b in itertools.pairwise(cycle))
        for cycle in unexpected)


def test_core_depends_on_no_app():
    assert dependencies()["core"] == {}


def test_tool_packages_are_used_by_no_app():
    graph = dependencies()

    users = {app: sorted(set(targets) & {"national", "demo"}) for app, targets in graph.items()}

    assert {app: tools for app, tools in users.items() if tools} == {}
