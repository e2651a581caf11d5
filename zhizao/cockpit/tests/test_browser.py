"""The cockpit in a real browser: Debian's Chromium driven by Playwright, headless.

A county liaison and a leader log in, open the overview and a target page, see the charts
drawn, switch to English; no console error and no request leaving 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and os.environ.get("CI") != "true",
        reason="Debian's chromium is not installed (make test installs it under CI)",
    ),
]


@pytest.fixture
def world(transactional_db, shipped_plan_path, settings):
    from django.core.management import call_command

    from zhizao.core.domain import Period
    from zhizao.indicators.services import progress_refresh
    from zhizao.plans.services import plan_load

    # Progress is stored below for the two quarters the test opens, not by a worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    version = plan_load(path=shipped_plan_path).version
    call_command("demo_data", "--seed", "7", "--until", "2025Q4", "--no-progress", verbosity=0)
    progress_refresh(version=version, periods=[Period.parse("2025Q3"), Period.parse("2025Q4")])
    return version


@pytest.fixture
def browser(world, live_server) -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the ORM is not used while
    # it runs, but Django's guard cannot know that.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def open_session(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: (
            problems.append(f"request left the machine: {r.url}")
            if urlparse(r.url).hostname != "127.0.0.1" and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "zhizao-demo")
    page.click("button.primary")
    page.wait_for_url(f"{base}/")
    return page, problems


def charts_drawn(page):
    """How many chart containers hold a drawn SVG with marks in it."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-chart]')).filter(
             el => el.dataset.drawn === '1' && el.querySelectorAll('svg path').length > 5
           ).length"""
    )


@pytest.mark.parametrize(
    ("username", "unit_label_zh", "unit_label_en"),
    [("nanhu", "南湖区", "Nanhu District"), ("leader", "嘉兴市", "Jiaxing")],
)
def test_a_user_sees_the_charts_in_both_languages_with_nothing_leaving_the_machine(
    browser, live_server, username: str, unit_label_zh: str, unit_label_en: str
) -> None:
    base = live_server.url
    page, problems = open_session(browser, base, username)

    page.wait_for_selector("[data-chart][data-drawn='1']")
    assert charts_drawn(page) == 2  # lights per pillar, headline goals
    latest = page.input_value("select[name=period]")
    assert f"{unit_label_zh} · {latest} 目标亮灯" in page.inner_text("#results h2")

    page.goto(f"{base}/targets/tax-per-mu-2025/?period=2025Q4")
    page.wait_for_selector("[data-chart='chart-trend'][data-drawn='1']")
    assert charts_drawn(page) >= 1
    assert "到2025年，规上工业亩均税收达到37万元/亩" in page.inner_text("blockquote")

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.wait_for_selector("[data-chart='chart-trend'][data-drawn='1']")
    assert "Tax per mu" in page.inner_text("h1")

    page.goto(f"{base}/")
    page.wait_for_selector("[data-chart][data-drawn='1']")
    assert charts_drawn(page) == 2
    assert f"{unit_label_en} · {latest}" in page.inner_text("#results h2")

    page.goto(f"{base}/units/")
    page.wait_for_selector("[data-chart='chart-map'][data-drawn='1']")
    assert charts_drawn(page) == 1

    assert problems == []
