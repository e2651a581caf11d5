from __future__ import annotations

from decimal import Decimal

import pytest

from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.indicators.models import Indicator, ProgressRecord, ProgressRun, ValueSource
from zhizao.indicators.selectors import ProgressBook, plan_progress, progress_periods
from zhizao.indicators.services import progress_refresh, progress_schedule, value_set

pytestmark = pytest.mark.django_db


def new_run() -> ProgressRun:
    """The one run queued by the test (the demo fixture's own run is marked done)."""
    return ProgressRun.objects.exclude(reason__startswith="plan jiaxing-135n").get()


def test_a_book_read_once_judges_every_quarter_as_a_fresh_read_would(demo_plan) -> None:
    units = list(Unit.objects.filter(code__in=["330400", "330402", "JX-ETDZ"]))
    book = ProgressBook(version=demo_plan, upto=Period.parse("2025Q4"), units=units)
    for unit in units:
        for pid in ("2024Q2", "2025Q1", "2025Q4"):
            period = Period.parse(pid)
            fresh = plan_progress(version=demo_plan, period=period, unit=unit)
            assert book.judge(unit, period) == fresh


def test_refresh_stores_one_record_per_target_unit_and_quarter(demo_plan) -> None:
    assert ProgressRecord.objects.filter(version=demo_plan).count() == 82 * 11 * 2
    record = ProgressRecord.objects.get(
        target__code="tax-per-mu-2025", unit__code="330400", period="2025Q4"
    )
    fresh = next(
        s
        for s in plan_progress(version=demo_plan, period=Period.parse("2025Q4"))
        if s.target.code == "tax-per-mu-2025"
    )
    assert record.light == fresh.progress.light.value
    assert record.actual == fresh.progress.actual
    assert record.reason_zh == fresh.progress.reason_zh


def test_a_changed_value_is_rejudged_in_the_background_after_commit(
    demo_plan, django_capture_on_commit_callbacks
) -> None:
    nanhu = Unit.objects.get(code="330402")
    indicator = Indicator.objects.get(code="tax_per_mu")
    before = ProgressRecord.objects.get(target__code="tax-per-mu-2025", unit=nanhu, period="2025Q4")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        value_set(
            indicator=indicator,
            unit=nanhu,
            period=Period.parse("2025Q4"),
            value=Decimal("99"),
            source=ValueSource.REPORTED,
        )
        # Nothing is recomputed inside the writing transaction.
        assert ProgressRecord.objects.get(pk=before.pk).actual == before.actual
    assert len(callbacks) == 1
    after = ProgressRecord.objects.get(target__code="tax-per-mu-2025", unit=nanhu, period="2025Q4")
    assert after.actual == 99.0
    assert after.light == "achieved"
    run = new_run()
    assert run.status == ProgressRun.Status.DONE
    assert run.units == ["330402"]
    assert run.from_period == "2025Q4"
    # The unit and its city, for the quarter changed and every later one kept; quarters
    # no unit had yet (the fixture stored two) are stored for all eleven units.
    kept = progress_periods(demo_plan)
    missing = [p for p in kept if p.id not in ("2025Q3", "2025Q4")]
    later = [p for p in kept if p >= Period.parse("2025Q4") and p not in missing]
    assert run.rows == 82 * 11 * len(missing) + 82 * 2 * len(later)
    assert ProgressRecord.objects.filter(version=demo_plan).count() == 82 * 11 * len(kept)


def test_a_lost_task_is_sent_again_by_the_next_change(
    demo_plan, django_capture_on_commit_callbacks
) -> None:
    nanhu, haining = Unit.objects.filter(code__in=["330402", "330481"]).order_by("code")
    with django_capture_on_commit_callbacks(execute=False):  # the first send is lost
        progress_schedule(version=demo_plan, units=[nanhu], reason="a")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        progress_schedule(version=demo_plan, units=[haining], reason="b")
    assert len(callbacks) == 1
    run = new_run()
    assert run.status == ProgressRun.Status.DONE
    assert run.units == ["330402", "330481"]


def test_an_interrupted_run_is_marked_failed_not_left_running(
    demo_plan, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from zhizao.indicators import services

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(services, "progress_refresh", interrupted)
    with django_capture_on_commit_callbacks(execute=False):
        run = progress_schedule(version=demo_plan, reason="test")
    with pytest.raises(KeyboardInterrupt):
        services.progress_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ProgressRun.Status.FAILED
    assert run.error == "KeyboardInterrupt: "


def test_the_same_figure_again_schedules_nothing(
    demo_plan, django_capture_on_commit_callbacks
) -> None:
    nanhu = Unit.objects.get(code="330402")
    value = nanhu.values.get(indicator__code="tax_per_mu", period="2025Q4")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _, created = value_set(
            indicator=value.indicator,
            unit=nanhu,
            period=Period.parse("2025Q4"),
            value=value.value,
            source=ValueSource(value.source),
            source_detail=value.source_detail,
        )
    assert created is False
    assert callbacks == []
    assert not ProgressRun.objects.exclude(status=ProgressRun.Status.DONE).exists()
    assert ProgressRun.objects.count() == 1  # the plan load's, carried out by the fixture


def test_changes_while_a_run_is_queued_widen_it_instead_of_queueing_another(
    demo_plan, django_capture_on_commit_callbacks
) -> None:
    nanhu, haining = Unit.objects.filter(code__in=["330402", "330481"]).order_by("code")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        progress_schedule(
            version=demo_plan, units=[nanhu], from_period=Period.parse("2025Q4"), reason="a"
        )
        progress_schedule(
            version=demo_plan, units=[haining], from_period=Period.parse("2025Q2"), reason="b"
        )
    run = new_run()
    assert run.units == ["330402", "330481"]
    assert run.from_period == "2025Q2"
    assert run.reason == "a; b"
    assert len(callbacks) == 2  # each change sends the task; the second finds it done


def test_a_whole_plan_change_covers_every_unit(demo_plan, django_capture_on_commit_callbacks):
    nanhu = Unit.objects.get(code="330402")
    with django_capture_on_commit_callbacks(execute=False):
        progress_schedule(version=demo_plan, units=[nanhu], reason="value")
        progress_schedule(version=demo_plan, reason="plan")
    run = new_run()
    assert run.units == []
    assert run.from_period == ""


def test_a_failed_run_is_marked_with_its_error(
    demo_plan, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from zhizao.indicators import services

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "progress_refresh", boom)
    with django_capture_on_commit_callbacks(execute=True):
        progress_schedule(version=demo_plan, reason="test")  # the worker logs the error
    run = new_run()
    assert run.status == ProgressRun.Status.FAILED
    assert run.error == "RuntimeError: disk full"


def test_loading_a_plan_queues_a_full_recomputation(
    shipped_plan_path, django_capture_on_commit_callbacks
) -> None:
    from zhizao.plans.services import plan_load

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = plan_load(path=shipped_plan_path).version
    run = ProgressRun.objects.get()
    assert run.version == version
    assert run.units == []
    assert len(callbacks) == 1


def test_refresh_replaces_a_quarter_whole(demo_plan) -> None:
    nanhu = Unit.objects.get(code="330402")
    ProgressRecord.objects.filter(unit=nanhu, period="2025Q4").update(light="red")
    written = progress_refresh(version=demo_plan, units=[nanhu], periods=[Period.parse("2025Q4")])
    assert written == 82 * 2  # the county and its city
    assert ProgressRecord.objects.filter(unit=nanhu, period="2025Q4").count() == 82
    assert ProgressRecord.objects.filter(unit=nanhu, period="2025Q4", light="red").count() < 82
