"""The plan's key tasks by pillar, and its policy measures, with their targets' lights."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from zhizao.accounts.selectors import clause_ids_visible
from zhizao.cockpit.selectors.common import LIGHT_ORDER, LIGHT_RANK, Context, records
from zhizao.indicators.models import ProgressRecord
from zhizao.plans.models import Clause, ClauseRole, Milestone


@dataclass(slots=True)
class TaskRow:
    clause: Clause
    records: list[ProgressRecord] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def worst(self) -> str:
        """The task's light: its worst judged target (grey only when none is judged)."""
        judged = [r.light for r in self.records if r.light != "grey"]
        if not judged:
            return "grey" if self.records else ""
        return max(judged, key=LIGHT_RANK.__getitem__)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(LIGHT_ORDER, 0)
        for r in self.records:
            out[r.light] += 1
        return out


@dataclass(slots=True)
class PillarRow:
    clause: Clause
    tasks: list[TaskRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TaskBoard:
    pillars: list[PillarRow]
    measures: list[TaskRow]
    task_count: int
    synthetic: bool


def task_board(ctx: Context) -> TaskBoard:
    visible = clause_ids_visible(ctx.access, ctx.version)
    clauses = list(
        Clause.objects.filter(
            version=ctx.version, role__in=[ClauseRole.PILLAR, ClauseRole.TASK, ClauseRole.MEASURE]
        )
        .select_related("lead", "parent")
        .prefetch_related("co_leads")
        .order_by("order")
    )
    by_clause: dict[int, list[ProgressRecord]] = defaultdict(list)
    for r in records(ctx):
        by_clause[r.target.clause_id].append(r)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in (
        Milestone.objects.filter(version=ctx.version).select_related("owner").order_by("order")
    ):
        milestones[m.clause_id].append(m)
    pillars: dict[int, PillarRow] = {}
    measures: list[TaskRow] = []
    count = 0
    for c in clauses:
        if c.role == ClauseRole.PILLAR:
            pillars[c.pk] = PillarRow(c)
            continue
        if visible is not None and c.pk not in visible:
            continue
        row = TaskRow(c, by_clause.get(c.pk, []), milestones.get(c.pk, []))
        if c.role == ClauseRole.TASK and c.parent_id in pillars:
            pillars[c.parent_id].tasks.append(row)
            count += 1
        elif c.role == ClauseRole.MEASURE:
            measures.append(row)
    rows = [r for p in pillars.values() for t in p.tasks for r in t.records]
    rows += [r for m in measures for r in m.records]
    return TaskBoard(
        pillars=[p for p in pillars.values() if p.tasks],
        measures=measures,
        task_count=count,
        synthetic=any(r.synthetic for r in rows),
    )
