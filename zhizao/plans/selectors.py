"""Reads of plans, their tasks and their targets, scoped to the user.

A department liaison sees the tasks its departments lead or co-lead and their targets
(``accounts.selectors``); a county liaison sees every target but only for its own units.
Targets come with their progress as stored in ``ProgressRecord`` rows by the background
recomputation: nothing is judged during a request.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from zhizao.accounts.models import Department
from zhizao.accounts.selectors import (
    Access,
    clause_ids_visible,
    default_unit,
    target_ids_visible,
    unit_get_for_user,
)
from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.core.selectors import PagedRows, QueryParamError
from zhizao.indicators.models import ProgressRecord
from zhizao.indicators.selectors import (
    progress_history,
    progress_periods,
    progress_periods_stored,
    progress_records,
    progress_records_scope,
)
from zhizao.plans.models import Clause, ClauseRole, Milestone, PlanVersion, Target


@dataclass(frozen=True, slots=True)
class PlanRow:
    version: PlanVersion  # the plan's current version
    periods: list[Period] = field(default_factory=list)  # stored progress, newest first
    pillars: list[Clause] = field(default_factory=list)


def plan_versions() -> QuerySet[PlanVersion]:
    """The current version of every plan, by plan code."""
    return (
        PlanVersion.objects.filter(is_current=True)
        .select_related("plan__region")
        .order_by("plan__code")
    )


def plan_list() -> PagedRows[PlanVersion, PlanRow]:
    return PagedRows(plan_versions(), lambda versions: [PlanRow(v) for v in versions])


def plan_get(code: str) -> PlanVersion:
    """A plan's current version; 404 for an unknown plan or one with no version loaded."""
    version = plan_versions().filter(plan__code=code).first()
    if version is None:
        raise Http404("no such plan")
    return version


def plan_detail(code: str) -> PlanRow:
    version = plan_get(code)
    pillars = list(
        Clause.objects.filter(version=version, role=ClauseRole.PILLAR).order_by("order", "pk")
    )
    return PlanRow(version, progress_periods_stored(version), pillars)


def pillar_of(clause: Clause) -> Clause | None:
    """The pillar a clause belongs to (itself if it is one); walks ``parent`` links, so
    select the parents with the clause."""
    node: Clause | None = clause
    while node is not None and node.role != ClauseRole.PILLAR:
        node = node.parent
    return node


class ClauseTree:
    """The clause tree of a plan version, read once (two queries)."""

    def __init__(self, version: PlanVersion) -> None:
        self.clauses = {
            c.pk: c
            for c in Clause.objects.filter(version=version)
            .select_related("lead")
            .prefetch_related("co_leads")
        }
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for c in self.clauses.values():
            self.children[c.parent_id].append(c.pk)

    def chain(self, clause_id: int) -> list[Clause]:
        """The clause and its ancestors, nearest first."""
        out: list[Clause] = []
        node = self.clauses.get(clause_id)
        while node is not None:
            out.append(node)
            node = self.clauses.get(node.parent_id) if node.parent_id else None
        return out

    def pillar(self, clause_id: int) -> Clause | None:
        return next((c for c in self.chain(clause_id) if c.role == ClauseRole.PILLAR), None)

    def lead(self, clause_id: int) -> Department | None:
        """The clause's lead department, or the nearest one above it."""
        return next((c.lead for c in self.chain(clause_id) if c.lead is not None), None)

    def under(self, ref: str, role: str = ClauseRole.PILLAR) -> set[int]:
        """Ids of the clause with this ref and role and of every clause beneath it."""
        found = {pk for pk, c in self.clauses.items() if c.ref == ref and c.role == role}
        todo = list(found)
        while todo:
            kids = self.children.get(todo.pop(), [])
            found.update(kids)
            todo.extend(kids)
        return found

    def led_by(self, department: str) -> set[int]:
        """Ids of the clauses a department leads or co-leads, directly or from above."""
        return {
            pk
            for pk in self.clauses
            if any(
                (c.lead is not None and c.lead.code == department)
                or any(d.code == department for d in c.co_leads.all())
                for c in self.chain(pk)
            )
        }


def task_list(
    *, access: Access, version: PlanVersion, pillar: str = "", department: str = ""
) -> QuerySet[Clause]:
    """The plan's tasks the user may see, in plan order, with departments and milestones.

    ``pillar``: the pillar's clause ref (二、(三)); ``department``: a department code that
    leads or co-leads the task.
    """
    qs = (
        Clause.objects.filter(version=version, role=ClauseRole.TASK)
        .select_related("lead", "parent__parent")
        .prefetch_related(
            Prefetch("co_leads", queryset=Department.objects.order_by("order", "code")),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related("owner").order_by("order", "pk"),
            ),
        )
        .order_by("order", "pk")
    )
    visible = clause_ids_visible(access, version)
    if visible is not None:
        qs = qs.filter(pk__in=visible)
    if pillar or department:
        tree = ClauseTree(version)
        if pillar:
            qs = qs.filter(pk__in=tree.under(pillar))
        if department:
            qs = qs.filter(pk__in=tree.led_by(department))
    return qs


def progress_unit(*, access: Access, version: PlanVersion, unit: str = "") -> Unit:
    """The unit whose stored progress is shown: ``unit`` if the user may see it (else 404,
    as for an unknown code); by default the plan's region when the user sees it, else the
    user's first county."""
    if unit:
        return unit_get_for_user(access, unit)
    found = default_unit(access, version.plan.region)
    if found is None:
        raise Http404("no unit in scope")
    return found


def progress_period(*, version: PlanVersion, period: str = "") -> Period:
    """The quarter whose stored progress is shown: by default the latest one stored.

    A malformed period raises ``PeriodError``; a quarter without stored progress
    ``QueryParamError``.
    """
    stored = progress_periods_stored(version)
    if period:
        asked = Period.parse(period)
        if asked not in stored:
            listed = ", ".join(p.id for p in stored) or "-"
            raise QueryParamError(
                f"该期间无进度数据 / no stored progress for {asked.id} (stored: {listed})"
            )
        return asked
    if stored:
        return stored[0]
    # Nothing computed yet: the latest quarter that should have progress, with none shown.
    kept = progress_periods(version)
    return kept[-1] if kept else Period.quarter_of(version.start_year, 1)


@dataclass(frozen=True, slots=True)
class TargetRow:
    target: Target
    pillar: Clause | None
    lead: Department | None  # of the target's clause, or inherited from above it
    progress: ProgressRecord | None  # stored for the unit and quarter asked; None: not yet


@dataclass(frozen=True, slots=True)
class TargetHistory:
    target: Target
    pillar: Clause | None
    lead: Department | None
    unit: Unit
    history: list[ProgressRecord]  # every stored quarter, oldest first


def targets_visible_query(access: Access, version: PlanVersion) -> QuerySet[Target]:
    qs = (
        Target.objects.filter(version=version)
        .select_related("indicator", "clause")
        .order_by("order", "pk")
    )
    ids = target_ids_visible(access, version)
    return qs if ids is None else qs.filter(pk__in=ids)


def target_list(
    *,
    access: Access,
    version: PlanVersion,
    unit: Unit,
    period: Period,
    light: str = "",
    kind: str = "",
    pillar: str = "",
    department: str = "",
    q: str = "",
) -> PagedRows[Target, TargetRow]:
    """The targets the user may see with their stored progress for ``unit`` and ``period``.

    ``unit`` must come from ``unit_get_for_user`` (or ``default_unit``): it is not checked
    here. ``light`` filters on the stored light, so a target without a stored record for
    the quarter is left out by it.
    """
    tree = ClauseTree(version)
    qs = targets_visible_query(access, version)
    if light:
        qs = qs.filter(progress__unit=unit, progress__period=period.id, progress__light=light)
    if kind:
        qs = qs.filter(kind=kind)
    if pillar:
        qs = qs.filter(clause_id__in=tree.under(pillar))
    if department:
        qs = qs.filter(clause_id__in=tree.led_by(department))
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(sentence__icontains=q)
            | Q(indicator__code__icontains=q)
            | Q(indicator__name__icontains=q)
            | Q(indicator__name_en__icontains=q)
        )

    def build(targets: list[Target]) -> list[TargetRow]:
        records = list(
            progress_records(version=version, unit=unit, period=period).filter(target__in=targets)
        )
        progress_records_scope(access, records)
        by_target = {r.target_id: r for r in records}
        return [
            TargetRow(
                target=t,
                pillar=tree.pillar(t.clause_id),
                lead=tree.lead(t.clause_id),
                progress=by_target.get(t.pk),
            )
            for t in targets
        ]

    return PagedRows(qs, build)


def target_get_for_user(access: Access, version: PlanVersion, code: str) -> Target:
    """A target the user may see; 404 otherwise, exactly as for an unknown code."""
    target = targets_visible_query(access, version).filter(code=code).first()
    if target is None:
        raise Http404("no such target")
    return target


def target_history(*, access: Access, version: PlanVersion, code: str, unit: Unit) -> TargetHistory:
    """A target with every stored quarter of its progress for ``unit`` (already allowed)."""
    target = target_get_for_user(access, version, code)
    tree = ClauseTree(version)
    return TargetHistory(
        target=target,
        pillar=tree.pillar(target.clause_id),
        lead=tree.lead(target.clause_id),
        unit=unit,
        history=progress_history(access=access, target=target, unit=unit),
    )
