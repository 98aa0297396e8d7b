"""Check a schedule's date rules: each names something the schedule has, and none wait on each other."""

from __future__ import annotations

from collections.abc import Sequence

from engage.language import N_, _
from engage.schedule.items import rules_of
from engage.schedule.model import Deadline, Deliverable, Meeting, Phase
from engage.schedule.rules import DateRule
from engage.schedule.toml_values import Reader

Node = tuple[str, str]  # ("phase" | "deliverable" | "meeting" | "deadline", key)
ARRAYS = {"phase": "phases", "deliverable": "deliverables", "meeting": "meetings", "deadline": "deadlines"}
UNKNOWN = {
    "phase": N_("names unknown phase {key}; phases: {keys}"),
    "deliverable": N_("names unknown deliverable {key}; deliverables: {keys}"),
    "meeting": N_("names unknown meeting {key}; meetings: {keys}"),
}
NONE_KNOWN = {
    "phase": N_("(no phases in this schedule)"),
    "deliverable": N_("(no deliverables in this schedule)"),
    "meeting": N_("(no meetings in this schedule)"),
}


def check_rules(
    r: Reader,
    phases: Sequence[Phase],
    deliverables: Sequence[Deliverable],
    meetings: Sequence[Meeting],
    deadlines: Sequence[Deadline],
    dates: dict[str, object],
) -> None:
    """Refuse rules naming unknown keys, phase windows that wait on events, and cycles."""
    known = {
        "phase": [p.key for p in phases],
        "deliverable": [d.key for d in deliverables],
        "meeting": [m.key for m in meetings],
    }
    items: dict[str, Sequence[Phase | Deliverable | Meeting | Deadline]] = {
        "phase": phases,
        "deliverable": deliverables,
        "meeting": meetings,
        "deadline": deadlines,
    }
    graph: dict[Node, list[tuple[Node, str]]] = {}
    for kind, listed in items.items():
        for index, item in enumerate(listed):
            node = (kind, item.key)
            edges = graph.setdefault(node, [])
            for field, rule in rules_of(item):
                where = f"{ARRAYS[kind]}[{index}].{field}"
                target = _target(r, rule, where, known, dates)
                if kind == "phase":
                    _plannable(r, rule, where, dates)
                if target is not None:
                    edges.append((target, where))
            if kind == "phase" and index > 0 and isinstance(item, Phase) and item.start is None:
                # A phase without a start is planned after the one before it.
                edges.append((("phase", phases[index - 1].key), f"phases[{index}]"))
    _refuse_cycles(r, graph)


def _target(
    r: Reader, rule: DateRule, where: str, known: dict[str, list[str]], dates: dict[str, object]
) -> Node | None:
    ref = rule.ref
    if ref.kind == "start":
        return None
    if ref.kind == "date":
        if ref.key not in dates:
            named = ", ".join(dates) or _("none: add a [dates] table")
            r.fail(
                where,
                _("names {key}, which is not a known date; named dates: {keys}").format(
                    key=repr(ref.key), keys=named
                ),
            )
        return None
    kind = "phase" if ref.kind.startswith("phase") else ref.kind
    if ref.key not in known[kind]:
        keys = ", ".join(known[kind]) or _(NONE_KNOWN[kind])
        r.fail(where, _(UNKNOWN[kind]).format(key=repr(ref.key), keys=keys))
    return (kind, ref.key)


def _plannable(r: Reader, rule: DateRule, where: str, dates: dict[str, object]) -> None:
    """Phase windows plan the whole engagement, so they may not wait on what is not yet known."""
    ref = rule.ref
    if ref.kind in ("deliverable", "meeting") or (ref.kind == "date" and dates.get(ref.key) is None):
        r.fail(
            where,
            _(
                "a phase window cannot wait on {rule}; count from start, another phase "
                "or a [dates] value that is known, and give the deliverable or meeting the rule instead"
            ).format(rule=repr(ref.text())),
        )


def _refuse_cycles(r: Reader, graph: dict[Node, list[tuple[Node, str]]]) -> None:
    done: set[Node] = set()

    def visit(node: Node, trail: list[tuple[Node, str]]) -> None:
        if node in done:
            return
        for target, where in graph.get(node, ()):
            chain = [n for n, _at in trail] + [node]
            if target in chain:
                start = chain.index(target)
                cycle = " -> ".join(f"{kind} {key}" for kind, key in [*chain[start:], target])
                r.fail(where, _("dates wait on each other in a cycle: {cycle}").format(cycle=cycle))
            visit(target, [*trail, (node, where)])
        done.add(node)

    for node in graph:
        visit(node, [])


def check_dependencies(r: Reader, deliverables: Sequence[Deliverable]) -> None:
    """Refuse deliverables whose ``depends_on`` lists form a cycle."""
    graph = {d.key: d.depends_on for d in deliverables}

    def visit(key: str, trail: tuple[str, ...]) -> None:
        for dep in graph.get(key, ()):
            if dep in trail:
                index = next(i for i, d in enumerate(deliverables) if d.key == key)
                cycle = " -> ".join((*trail[trail.index(dep) :], dep))
                r.fail(
                    f"deliverables[{index}].depends_on",
                    _("dependencies form a cycle: {cycle}").format(cycle=cycle),
                )

            visit(dep, (*trail, dep))

    for deliverable in deliverables:
        visit(deliverable.key, (deliverable.key,))
