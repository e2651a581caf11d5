from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from zhizao.cockpit.selectors.targets import Filters
from zhizao.core.models import AuditEntry
from zhizao.indicators.models import ProgressRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(demo_world, client_for):
    return client_for("leader")


def shown_codes(response) -> list[str]:
    return [row.record.target.code for row in response.context["data"].rows]


def stored(version, **filters):
    return ProgressRecord.objects.filter(
        version=version, unit__code="330400", period="2025Q4", **filters
    )


def test_the_list_shows_every_visible_target_in_the_plans_order(leader, demo_world) -> None:
    response = leader.get("/targets/?period=2025Q4")
    assert shown_codes(response) == list(
        demo_world.targets.order_by("order").values_list("code", flat=True)
    )


def test_filter_by_light_shows_exactly_the_targets_with_that_light(leader, demo_world) -> None:
    response = leader.get("/targets/?period=2025Q4&light=red")
    expected = stored(demo_world, light="red").order_by("target__order")
    assert shown_codes(response) == [r.target.code for r in expected]
    assert len(expected) > 0


def test_filters_combine(leader, demo_world) -> None:
    response = leader.get("/targets/?period=2025Q4&pillar=二、(三)&kind=cum")
    codes = shown_codes(response)
    assert codes == list(
        demo_world.targets.filter(clause__parent__ref="二、(三)", kind="cum")
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert codes


def test_text_search_matches_indicator_names_and_sentences(leader, demo_world) -> None:
    codes = shown_codes(leader.get("/targets/?period=2025Q4&q=单项冠军"))
    by_sentence = set(
        demo_world.targets.filter(sentence__contains="单项冠军").values_list("code", flat=True)
    )
    assert set(codes) == by_sentence
    assert "single-champions-2027" in codes
    assert shown_codes(leader.get("/targets/?period=2025Q4&q=SINGLE-CHAMPIONS")) == [
        "single-champions-2027"
    ]


def test_filter_by_department_keeps_the_targets_of_clauses_it_leads_or_co_leads(
    leader, demo_world
) -> None:
    from zhizao.accounts.models import Department
    from zhizao.accounts.selectors import clause_departments

    kjj = Department.objects.get(code="kjj")
    by_clause = clause_departments(demo_world)
    expected = [
        t.code
        for t in demo_world.targets.order_by("order")
        if kjj.pk in by_clause.get(t.clause_id, set())
    ]
    assert shown_codes(leader.get("/targets/?period=2025Q4&department=kjj")) == expected
    assert expected


def test_sorting_by_achievement_puts_missing_figures_last(leader, demo_world) -> None:
    rows = leader.get("/targets/?period=2025Q4&sort=achievement").context["data"].rows
    values = [r.record.achievement_pct for r in rows]
    present = [v for v in values if v is not None]
    assert present == sorted(present)
    assert values[: len(present)] == present


def test_sorting_descending_reverses_the_order(leader) -> None:
    up = shown_codes(leader.get("/targets/?period=2025Q4&sort=light"))
    down = shown_codes(leader.get("/targets/?period=2025Q4&sort=-light"))
    assert down == list(reversed(up))


def test_unknown_filter_values_are_ignored_not_refused(leader, demo_world) -> None:
    response = leader.get("/targets/?period=2025Q4&light=purple&kind=x&sort=drop table")
    assert response.status_code == 200
    assert len(shown_codes(response)) == demo_world.targets.count()


def test_filters_parse_only_known_values() -> None:
    f = Filters.parse({"light": "red", "kind": "flow", "sort": "-gap", "q": "  x  "})
    assert (f.light, f.kind, f.sort, f.descending, f.q) == ("red", "flow", "gap", True, "x")
    assert Filters.parse({"sort": "-nope"}).sort == "order"
    assert Filters.parse({"sort": "-nope"}).descending is False


def test_the_export_holds_exactly_the_rows_shown(leader, demo_world) -> None:
    query = "period=2025Q4&light=red&sort=-achievement"
    shown = shown_codes(leader.get(f"/targets/?{query}"))
    response = leader.get(f"/targets/export.xlsx?{query}")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="zhizao-targets-330400-2025Q4.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "条款")
    exported = [r[1] for r in rows[header_at + 1 :]]
    assert exported == shown
    assert "含合成演示数据，并非真实统计" in [r[0] for r in rows[:header_at]]


def test_export_figures_match_the_stored_progress(leader, demo_world) -> None:
    response = leader.get("/targets/export.xlsx?period=2025Q4&q=single-champions")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "条款")
    header = rows[header_at]
    row = dict(zip(header, rows[header_at + 1], strict=True))
    record = stored(demo_world, target__code="single-champions-2027").get()
    assert row["目标编号"] == "single-champions-2027"
    assert row["实际"] == record.actual
    assert (
        row["亮灯"]
        == {
            "achieved": "已完成",
            "green": "正常",
            "yellow": "滞后",
            "red": "严重滞后",
            "grey": "无数据",
        }[record.light]
    )
    assert row["目标值"] == 25


def test_an_export_is_recorded_in_the_audit_trail(leader) -> None:
    leader.get("/targets/export.xlsx?period=2025Q4&light=red")
    entry = AuditEntry.objects.filter(action="targets.export").latest("at")
    assert entry.actor_label == "leader"
    assert entry.data == {"unit": "330400", "period": "2025Q4", "light": "red"}


def test_the_export_follows_the_chosen_language(leader) -> None:
    leader.cookies["django_language"] = "en"
    response = leader.get("/targets/export.xlsx?period=2025Q4")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert any(r[0] == "Clause" for r in rows)


# ------------------------------------------------------------------ target page


def test_the_target_page_quotes_its_clause_and_shows_its_history(leader, demo_world) -> None:
    response = leader.get("/targets/single-champions-2027/?period=2025Q4")
    html = response.content.decode()
    target = demo_world.targets.get(code="single-champions-2027")
    assert target.sentence in html
    page = response.context["page"]
    assert [r.period for r in page.history] == ["2025Q3", "2025Q4"]
    assert page.chart_trend["xAxis"]["data"] == ["2025Q3", "2025Q4"]
    assert page.chart_trend["series"][0]["data"][1]["value"] == page.history[1].actual


def test_the_target_page_compares_the_seven_counties(leader) -> None:
    page = leader.get("/targets/tax-per-mu-2025/?period=2025Q4").context["page"]
    assert [r.unit.code for r in page.comparison] == [
        "330402",
        "330411",
        "330421",
        "330424",
        "330481",
        "330482",
        "330483",
    ]


def test_value_history_shows_provenance_and_flags_synthetic_figures(leader) -> None:
    html = leader.get("/targets/tax-per-mu-2025/?period=2025Q4&unit=330402").content.decode()
    assert "合成演示数据 seed=7 / synthetic demo data" in html
    assert '<span class="tag-synthetic">合成演示数据</span>' in html


def test_an_unknown_target_is_404(leader) -> None:
    assert leader.get("/targets/no-such-target/").status_code == 404
