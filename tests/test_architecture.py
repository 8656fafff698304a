"""The dependency rules of ARCHITECTURE.md ("The second wave"), read from the source with `ast`.

- No import cycle, counting imports inside functions too: none between modules, none
  between packages (each module of the kernel `app.common` counts as its own unit, so the
  kernel may use the models while the models use `app.common.statuses`).
- The kernel (`app.common`, `app.models`, `app.extensions`) imports no domain package.
- A domain package imports only the domains ALLOWED lists for it: an arrow A → B means "A
  may import B", never the reverse. A new package, or a new arrow, must be added here, and
  only if it follows ARCHITECTURE.md's arrows.
- The pure modules (PURE) import neither Flask nor SQLAlchemy (nor marshmallow), not even
  through the app modules they import, and never read the wall clock.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
KERNEL = {"common", "models", "extensions"}
WIRING = {"app", "factory"}  # the composition root: may import anything, imported by nothing else
ALL_DOMAINS = "*"
# The arrows of ARCHITECTURE.md plus the ones the code has that follow them (domain → domain).
ALLOWED: dict[str, set[str] | str] = {
    "screening": set(),
    "patients": {"screening", "visits", "assessments"},  # a progression is confirmed against the scans
    "visits": {"schedules", "screening", "notifications"},  # readiness: lab limits; calendar: the SMS's neutral names
    "schedules": set(),
    "symptoms": {"alerts", "notifications", "ctcae"},
    "alerts": {"notifications", "sites"},  # pages go to the site's on-call rota
    "notifications": set(),
    "adverse_events": {"patients", "ctcae", "auth"},  # auth: the e-signature re-checks the password
    "efficacy": {"assessments", "followup"},
    "assessments": {"schedules"},  # response rules (confirmation, SD minimum) are protocol data
    "followup": {"patients", "schedules"},
    "ctcae": set(),
    "auth": set(),
    "audit": set(),
    "sites": {"notifications"},  # an SMS name must pass the disclosure check of the templates
    "demo": ALL_DOMAINS,  # the demo cohort goes through every domain's real services
    # Declared ahead for the second wave's packages (ARCHITECTURE.md).
    "labs": {"adverse_events", "screening", "symptoms", "schedules", "visits"},  # CTCAE lab graders live with the measured ones
    "forms": {"symptoms", "notifications", "alerts"},  # an urgent answer pages the nurse
    "exports": ALL_DOMAINS,
    "console": ALL_DOMAINS,
}
NEVER_IMPORTED = {"exports", "console", "demo"}
# ARCHITECTURE.md principle 1: plain functions over plain data. A package name covers every
# module below it (new modules there must stay pure too).
PURE = (
    "app.schedules.engine", "app.schedules.planning", "app.schedules.shifting", "app.schedules.protocol",
    "app.schedules.protocol_fields", "app.schedules.booking", "app.schedules.calendar", "app.schedules.dosing",
    "app.schedules.events", "app.schedules.planned_visit",
    "app.screening.eligibility", "app.screening.inclusion", "app.screening.exclusion", "app.screening.labs",
    "app.screening.lab_limits", "app.screening.lab_units", "app.screening.outcomes",
    "app.ctcae.terms", "app.ctcae.record", "app.ctcae.official", "app.visits.readiness", "app.labs.candidates",
    "app.symptoms.grading", "app.symptoms.parsing", "app.symptoms.dialogue", "app.symptoms.checkins.rules",
    "app.assessments.recist", "app.assessments.timepoint", "app.assessments.best_response", "app.assessments.lesions",
    "app.efficacy.statistics", "app.efficacy.km", "app.efficacy.derivation", "app.efficacy.report",
    "app.efficacy.imaging", "app.followup.rules", "app.adverse_events.flags", "app.adverse_events.safety_report",
    "app.notifications.quiet_hours", "app.notifications.reminder_rules", "app.notifications.retry",
    "app.notifications.keywords", "app.notifications.sms_segments", "app.notifications.templates",
    "app.notifications.gateways.base", "app.patients.lifecycle", "app.patients.phones",
    "app.common.statuses", "app.common.permissions",
)
IMPURE_LIBRARIES = {"flask", "flask_sqlalchemy", "flask_smorest", "flask_migrate", "sqlalchemy", "marshmallow"}
CLOCK_CALLS = {"now", "utcnow", "today"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in APP.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(parts + ([node.module] if node.module else []))


def _imported_names(module: str, node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = _absolute(module, node)
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def _top_level_nodes(tree):
    """Nodes that run at import time (not inside a function body)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


def imports(module: str, *, at_import_time_only=False) -> set[str]:
    """Every name `module` imports (absolute), function-level imports included unless asked."""
    tree = TREES[module]
    nodes = _top_level_nodes(tree) if at_import_time_only else ast.walk(tree)
    return {name for node in nodes if isinstance(node, (ast.Import, ast.ImportFrom))
            for name in _imported_names(module, node)}


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def module_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for module in MODULES:
        for name in imports(module):
            target = _resolve(name) if name.startswith("app") else None
            if target and target != module and target != "app":
                graph[module].add(target)
    return graph


def unit(module: str) -> str:
    """The node a module belongs to in the package graph: its top-level package, except that
    each module of the kernel's `app.common` is a unit of its own."""
    parts = module.split(".")
    if len(parts) == 1:
        return "app"
    if parts[1] == "common" and len(parts) > 2:
        return module
    return parts[1]


def package(unit_name: str) -> str:
    return unit_name.split(".")[1] if unit_name.startswith("app.") else unit_name


def package_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for module, targets in module_graph().items():
        for target in targets:
            if unit(target) != unit(module):
                graph[unit(module)].add(unit(target))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in list(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]), ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": {"c"}}, []), ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, []),
])
def test_cycle_finder(graph, expected):
    assert cycles(graph) == expected


def test_no_import_cycle_between_modules():
    assert cycles(module_graph()) == []


def test_no_import_cycle_between_packages():
    assert cycles(package_graph()) == []


def test_the_allowed_arrows_themselves_form_no_cycle():
    graph = {name: (set(ALLOWED) - {name} if deps == ALL_DOMAINS else deps) - NEVER_IMPORTED
             for name, deps in ALLOWED.items()}
    assert cycles(graph) == []


def _package_edges():
    edges = defaultdict(set)
    for source, targets in package_graph().items():
        for target in targets:
            if package(source) != package(target):
                edges[package(source)].add(package(target))
    return edges


def test_every_package_is_declared():
    packages = {path.parent.name for path in APP.glob("*/__init__.py")} | {p.stem for p in APP.glob("*.py")}
    undeclared = packages - set(ALLOWED) - KERNEL - WIRING - {"__init__"}
    assert undeclared == set(), "add each new package to ALLOWED, with the arrows ARCHITECTURE.md gives it"


def test_the_kernel_imports_no_domain():
    edges = _package_edges()
    assert {k: sorted(edges[k] - KERNEL) for k in KERNEL if edges[k] - KERNEL} == {}


@pytest.mark.parametrize("source", sorted(set(ALLOWED)))
def test_domains_import_only_what_their_arrows_allow(source):
    allowed = ALLOWED[source]
    imported = _package_edges().get(source, set()) - KERNEL
    if allowed == ALL_DOMAINS:
        # The console is the trial team's client at the very top: it may offer the exports'
        # downloads; nothing else imports exports, console or demo.
        never = NEVER_IMPORTED - ({"exports"} if source == "console" else set())
        assert imported & never == set()
        return
    assert imported - allowed == set(), f"{source} may import {sorted(allowed)} (and the kernel) only"


def test_nothing_but_the_wiring_imports_the_wiring():
    edges = _package_edges()
    assert sorted(source for source, targets in edges.items() if targets & {"factory"} and source not in WIRING) == []


def _pure_modules() -> list[str]:
    chosen = [m for m in MODULES if any(m == p or m.startswith(p + ".") for p in PURE)]
    missing = [p for p in PURE if p not in MODULES]
    assert missing == [], f"PURE names modules that do not exist: {missing}"
    return sorted(chosen)


def _closure(module: str) -> set[str]:
    """`module` and every app module that runs when it is imported (its packages' __init__ too)."""
    seen, todo = set(), [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        parts = current.split(".")
        todo += [".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i]) in MODULES]
        todo += [t for name in imports(current, at_import_time_only=True) if name.startswith("app.")
                 for t in [_resolve(name)] if t and t != "app"]
    return seen


@pytest.mark.parametrize("module", _pure_modules())
def test_pure_modules_import_no_framework(module):
    offenders = {f"{m} imports {name}" for m in _closure(module) for name in imports(m)
                 if name.split(".")[0] in IMPURE_LIBRARIES}
    assert sorted(offenders) == []


@pytest.mark.parametrize("module", _pure_modules())
def test_pure_modules_never_read_the_clock(module):
    calls = [node.func.attr for node in ast.walk(TREES[module]) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_CALLS]
    assert calls == [], "take `now` (or `today`) as an argument"


def test_the_purity_check_can_fail():
    assert {name for name in imports("app.common.jobs") if name.split(".")[0] in IMPURE_LIBRARIES} == set()
    assert any(name.split(".")[0] in IMPURE_LIBRARIES for m in _closure("app.common.jobs") for name in imports(m))
