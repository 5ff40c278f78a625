"""The code's layers, read from its imports with `ast` (nothing is imported to check them).

- no import circle between two modules anywhere (imports inside functions count: a deferred import
  hides a circle, it does not remove it);
- the apps' domain modules (models, services, tasks and the like) form layers: no circle between two apps
  counted through them; the entry points (views, forms, URLs, permission helpers, commands, middleware) sit
  above and may use any app;
- `boardkeeper/lib` and the minutes engine `boardkeeper/minutes` import no app (and the engine nothing of
  ours outside itself).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "boardkeeper"
NOT_APPS = {"lib", "minutes", "formats"}  # plain packages, not apps
# modules (or packages) of an app that are entry points into it, not its domain
ENTRY_POINTS = {
    "views",
    "forms",
    "urls",
    "permissions",
    "management",
    "cli",
    "middleware",
    "apps",
    "admin",
    "templatetags",
    "migrations",
}

Graph = dict[str, set[str]]


def modules_of(root: Path) -> dict[str, Path]:
    """Every module under `root` (a package directory) by dotted name; a package by its own name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def import_graph(root: Path) -> Graph:
    """Who imports whom among the modules under `root`; `from package import module` names the module."""
    modules = modules_of(root)
    graph: Graph = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:  # `import a.b.c` of a name inside a module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def circles(graph: Graph) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(set(graph) | {n for targets in graph.values() for n in targets}):
        if node not in index:
            visit(node)
    return found


def part_of(module: str) -> str:
    """The app (or plain package) a module belongs to: `boardkeeper.actions.models` -> `actions`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def is_domain(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 2 and parts[1] not in NOT_APPS and not set(parts[2:]) & ENTRY_POINTS


def app_graph(graph: Graph) -> Graph:
    """App -> apps its domain modules import from their domain modules."""
    apps: Graph = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            if is_domain(source) and is_domain(target) and part_of(source) != part_of(target):
                apps[part_of(source)].add(part_of(target))
    return apps


def apps_imported_by_plain_packages(graph: Graph) -> list[str]:
    wrong = []
    for source, targets in graph.items():
        if part_of(source) not in ("lib", "minutes"):
            continue
        for target in targets:
            outside = part_of(target) not in NOT_APPS
            engine_leaves = part_of(source) == "minutes" and part_of(target) != "minutes"
            if outside or engine_leaves:
                wrong.append(f"{source} imports {target}")
    return sorted(wrong)


# The checks on Boardkeeper ------------------------------------------------------------------------------


def test_no_two_modules_import_each_other_even_through_others() -> None:
    assert circles(import_graph(PACKAGE)) == []


def test_the_apps_domain_modules_form_layers_without_a_circle() -> None:
    apps = app_graph(import_graph(PACKAGE))
    assert circles(apps) == [], dict(apps)
    assert "imports" in apps and "actions" in apps["imports"]  # the import writes actions: it sits above


def test_lib_and_the_minutes_engine_import_no_app() -> None:
    assert apps_imported_by_plain_packages(import_graph(PACKAGE)) == []


# The checks catch what they are for (a package written for the purpose) --------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for directory in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        (directory / "__init__.py").touch()
    return root


def test_a_circle_hidden_in_a_function_is_found(tmp_path: Path) -> None:
    root = write(
        tmp_path / "boardkeeper",
        {
            "shop/services.py": "from boardkeeper.shop import tasks\n",
            "shop/tasks.py": "def run():\n    from . import services\n",
        },
    )
    assert circles(import_graph(root)) == [["boardkeeper.shop.services", "boardkeeper.shop.tasks"]]


def test_a_circle_between_apps_counts_their_domain_modules_only(tmp_path: Path) -> None:
    root = write(
        tmp_path / "boardkeeper",
        {
            "orders/models.py": "from boardkeeper.stock.models import Item\n",
            "stock/models.py": "Item = 1\n",
            "stock/services.py": "from boardkeeper.orders import models\n",
            "stock/views.py": "from boardkeeper.orders.models import x\n",
            "orders/views.py": "from boardkeeper.stock.views import y\n",
        },
    )
    graph = import_graph(root)
    assert circles(graph) == []  # no two modules import each other
    assert circles(app_graph(graph)) == [["orders", "stock"]]  # but the apps do, through models/services
    del graph["boardkeeper.stock.services"]
    assert circles(app_graph(graph)) == []  # views may use any app


def test_lib_or_the_engine_importing_an_app_is_found(tmp_path: Path) -> None:
    root = write(
        tmp_path / "boardkeeper",
        {
            "lib/http.py": "from boardkeeper.audit import recorder\n",
            "minutes/read.py": "from ..lib import http\n",
            "audit/recorder.py": "",
        },
    )
    assert apps_imported_by_plain_packages(import_graph(root)) == [
        "boardkeeper.lib.http imports boardkeeper.audit.recorder",
        "boardkeeper.minutes.read imports boardkeeper.lib.http",
    ]
