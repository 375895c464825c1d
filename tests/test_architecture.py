"""The layering the project relies on, checked on the source: views are thin, access is decided in policy.

Views (each app's `views.py`, `views_*.py`, `views/*.py` and `api.py`, and the project's API module) neither
decide access nor touch the database themselves: no `raise PermissionDenied` (a refusal comes from a policy loader
or predicate), no `<Model>.objects`, no `get_object_or_404` / `get_list_or_404`, no `.save()`, `.delete()`,
`.create()`, `.update()` and the like (reads go through `queries` and `policy`, writes through the audited
services). `queries.py` modules only read: a refusal raised there is an access decision, which belongs in the
app's policy, and they never import a policy module (the policy reads through them).

Every write service says who acts: a public function of a `services` module that takes `by` takes it keyword-only
and without a default, so no caller can leave it out and skip a rule that depends on the person; the command line,
jobs and demo loaders pass `core.actors.SYSTEM`.
"""

import ast
import importlib
import inspect
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "soisua"

WRITE_METHODS = frozenset({"save", "delete", "create", "bulk_create", "update", "bulk_update", "get_or_create",
                           "update_or_create"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})


def view_modules() -> list[Path]:
    patterns = ("*/views.py", "*/views_*.py", "*/views/*.py", "*/api.py", "api.py")
    return sorted({path for pattern in patterns for path in PACKAGE.glob(pattern)})


def query_modules() -> list[Path]:
    return sorted({*PACKAGE.glob("*/queries.py"), *PACKAGE.glob("*/queries/*.py")})


def _name(node: ast.expr) -> str:
    """The last name of a dotted expression: `PermissionDenied` for `access.PermissionDenied("…")`."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def refusals(tree: ast.AST) -> list[tuple[int, str]]:
    return [(node.lineno, "raises PermissionDenied") for node in ast.walk(tree)
            if isinstance(node, ast.Raise) and node.exc is not None and _name(node.exc) == "PermissionDenied"]


def database_use(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append((node.lineno, "uses a model manager (.objects)"))
        elif isinstance(node, ast.Call) and _name(node.func) in SHORTCUTS:
            found.append((node.lineno, f"calls {_name(node.func)}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS:
            found.append((node.lineno, f"calls .{node.func.attr}()"))
    return found


def policy_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """Imports of a policy module (`from . import policy`, `from .policy import …`, `soisua.<app>.policy`)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            modules = [node.module or ""] + [f"{node.module or ''}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        if any(module.split(".")[-1] == "policy" for module in modules):
            found.append((node.lineno, "imports a policy module"))
    return found


def _report(paths: list[Path], check) -> list[str]:
    lines = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        lines += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in sorted(check(tree))]
    return lines


def test_the_checks_find_what_they_look_for():
    source = ast.parse(
        "def view(request):\n"
        "    raise PermissionDenied\n"
        "    raise access.PermissionDenied('no')\n"
        "    Unit.objects.filter(pk=1)\n"
        "    get_object_or_404(Unit, pk=1)\n"
        "    shortcuts.get_list_or_404(Unit)\n"
        "    unit.save()\n"
        "    context.update(a=1)\n"
        "    raise Http404\n"
        "    unit.delete_later()\n")

    assert [line for line, _what in refusals(source)] == [2, 3]
    assert [line for line, _what in sorted(database_use(source))] == [4, 5, 6, 7, 8]


def test_the_import_check_finds_every_spelling_of_a_policy_import():
    source = ast.parse("from . import policy\nfrom .policy import can_decide\nimport soisua.reviews.policy\n"
                       "from soisua.org import access\nfrom .queries import unit_reviews\n")

    assert [line for line, _what in policy_imports(source)] == [1, 2, 3]


def test_there_are_views_and_queries_to_check():
    assert len(view_modules()) >= 15
    assert len(query_modules()) >= 5


@pytest.mark.parametrize("check", [refusals, database_use], ids=["access", "database"])
def test_views_neither_decide_access_nor_touch_the_database(check):
    found = _report(view_modules(), check)

    assert not found, ("Views must ask the app's policy (access) and call queries and services (database):\n"
                       + "\n".join(found))


def test_queries_never_refuse_access():
    found = _report(query_modules(), refusals)

    assert not found, "Access is decided in the app's policy module, not in queries:\n" + "\n".join(found)


def test_queries_never_import_the_policy():
    found = _report(query_modules(), policy_imports)

    assert not found, "The policy reads through queries, never the other way round:\n" + "\n".join(found)


def service_modules() -> list[types.ModuleType]:
    paths = sorted({*PACKAGE.glob("*/services.py"), *PACKAGE.glob("*/services/*.py")})
    names = [".".join(part for part in path.relative_to(ROOT).with_suffix("").parts if part != "__init__")
             for path in paths]
    return [importlib.import_module(name) for name in names]


def actor_parameters(module: types.ModuleType) -> dict[str, inspect.Parameter]:
    """The `by` parameter of each public function defined in `module` that takes one, by function name."""
    functions = inspect.getmembers(module, inspect.isfunction)
    return {name: inspect.signature(function).parameters["by"] for name, function in functions
            if not name.startswith("_") and function.__module__ == module.__name__
            and "by" in inspect.signature(function).parameters}


def actors_not_required(module: types.ModuleType) -> list[str]:
    """Public functions defined in `module` whose `by` has a default or can be passed by position."""
    found = []
    for name, by in actor_parameters(module).items():
        if by.default is not inspect.Parameter.empty:
            found.append(f"{module.__name__}.{name}: by has the default {by.default!r}")
        if by.kind is not inspect.Parameter.KEYWORD_ONLY:
            found.append(f"{module.__name__}.{name}: by is not keyword-only")
    return found


def test_the_actor_check_finds_what_it_looks_for():
    def named(unit, *, by): ...

    def defaulted(unit, *, by=None): ...

    def positional(unit, by): ...

    def _private(unit, *, by=None): ...

    def reader(unit): ...

    module = types.ModuleType("example.services")
    for function in (named, defaulted, positional, _private, reader):
        function.__module__ = module.__name__
        setattr(module, function.__name__, function)

    assert actors_not_required(module) == ["example.services.defaulted: by has the default None",
                                           "example.services.positional: by is not keyword-only"]


def test_every_write_service_requires_who_acts():
    modules = service_modules()
    found = [line for module in modules for line in actors_not_required(module)]

    assert len(modules) >= 10 and sum(len(actor_parameters(module)) for module in modules) >= 70
    assert not found, ("A write service names who acts (`by`, keyword-only, no default; SYSTEM when no person "
                       "does):\n" + "\n".join(found))
