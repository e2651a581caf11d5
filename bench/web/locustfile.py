"""Load profile of `make bench-web`: logged-in users reading the cockpit and the data API.

Each simulated user logs in through the real login form as one of the demo data users
(office, leader, kjj, nanhu, haining, in turn), then once a second opens one page or calls
one API endpoint drawn from a weighted mix. Requests are named by route ("/targets/[code]/")
so the figures group per endpoint.

Anything but a 2xx is an error. Redirects are not followed, so a page that sends a user
back to the login form counts as the error it is, and so does a request locust had to
abandon unanswered when the run stopped. Every URL is chosen so that a correct system
answers 200 for that user: a county liaison only opens its own county.

Every response time is written to $BENCH_SAMPLES when locust quits, one tab-separated line
per request (start as Unix time, name, milliseconds, the error or empty), for
bench/web/run.py to compute exact percentiles over all requests.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import yaml

# locust comes with the `bench` extra only; the lint and type-check pass runs without it.
from locust import FastHttpUser, constant, events  # type: ignore[import-not-found,unused-ignore]

PLAN = "jiaxing-135n"
PLAN_FILE = Path(__file__).resolve().parents[2] / "data" / "plans" / f"{PLAN}.yaml"
PASSWORD = "zhizao-demo"
PERIOD = "2026Q2"
COUNTIES = ("330402", "330411", "330421", "330424", "330481", "330482", "330483")
# Username and, for a county liaison, the one county it may open.
ACCOUNTS: tuple[tuple[str, str | None], ...] = (
    ("office", None),
    ("leader", None),
    ("kjj", None),
    ("nanhu", "330402"),
    ("haining", "330481"),
)
LOGIN = "/accounts/login/"
LOGIN_POST = "POST /accounts/login/"  # bench/web/run.py finds the logins by this name

# (weight, name in the figures); the URL for each name is built per user in CockpitUser.url.
MIX: tuple[tuple[int, str], ...] = (
    (10, "/"),
    (4, f"/?period={PERIOD}"),
    (8, "/targets/"),
    (3, "/targets/?light=red"),
    (3, "/targets/?q=增加值"),
    (12, "/targets/[code]/"),
    (4, "/units/"),
    (6, "/units/[code]/"),
    (5, "/tasks/"),
    (1, "/targets/export.xlsx"),
    (5, f"/api/v1/plans/[plan]/targets?period={PERIOD}"),
    (3, "/api/v1/units"),
    (5, "/api/v1/values?indicator=[code]&limit=100"),
    (3, "/api/v1/indicators"),
)
WEIGHTS = [weight for weight, _ in MIX]
NAMES = [name for _, name in MIX]

_next_account = itertools.count()
_samples: list[tuple[float, str, float, str]] = []


def expect_2xx(response: Any) -> bool:
    """Mark a response (catch_response) ok only if it is a 2xx; a redirect says where to."""
    status = response.status_code
    if 200 <= status < 300:
        response.success()
        return True
    location = response.headers.get("location", "") if response.headers else ""
    response.failure(f"HTTP {status} to {location}" if location else f"HTTP {status}")
    return False


def plan_codes(key: str) -> list[str]:
    """Codes of the plan file's targets or indicators: the fallback when the API is missing."""
    with PLAN_FILE.open(encoding="utf-8") as f:
        plan = yaml.safe_load(f)
    return [str(item["code"]) for item in plan[key]]


def codes_in(payload: Any) -> list[str]:
    """The `code` of each item of an API list, paginated ({"items": [...]}) or not."""
    if isinstance(payload, dict):
        payload = payload.get("items", payload.get("results", []))
    if not isinstance(payload, list):
        return []
    return [str(item["code"]) for item in payload if isinstance(item, dict) and "code" in item]


class CockpitUser(FastHttpUser):  # type: ignore[misc,unused-ignore]
    wait_time = constant(1)
    waiting_for: tuple[float, str] | None = None  # (start, name) of the request under way

    def on_start(self) -> None:
        self.username, own_county = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.counties = [own_county] if own_county else list(COUNTIES)
        self.log_in()
        # What this user may see: a department liaison sees its department's targets only.
        self.targets = self.api_codes(f"/api/v1/plans/{PLAN}/targets?limit=100", "targets")
        self.indicators = self.api_codes("/api/v1/indicators", "indicators")

    def on_stop(self) -> None:
        # Locust stopped this user while it waited for an answer (after the grace period of
        # run.py's --stop-timeout): no request event will come, so record it as the error it is.
        if self.waiting_for is not None:
            started, name = self.waiting_for
            elapsed = (time.time() - started) * 1000
            _samples.append((started, name, elapsed, "no answer when the run stopped"))
            self.waiting_for = None

    def send(self, method: str, path: str, name: str, **kwargs: Any) -> Any:
        """One request, redirects not followed, judged by the caller (catch_response)."""
        self.waiting_for = (time.time(), name)
        response = self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
        )
        self.waiting_for = None
        return response

    def log_in(self) -> None:
        with self.send("GET", LOGIN, "GET /accounts/login/") as response:
            expect_2xx(response)
        token = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{self.host}{LOGIN}",
        }
        with self.send(
            "POST", LOGIN, LOGIN_POST, data=urlencode(form), headers=headers
        ) as response:
            location = response.headers.get("location", "") if response.headers else ""
            if response.status_code == 302 and not location.startswith(LOGIN):
                response.success()
            else:
                response.failure(f"login as {self.username} refused (HTTP {response.status_code})")

    def api_codes(self, path: str, plan_key: str) -> list[str]:
        codes: list[str] = []
        with self.send("GET", path, path.replace(PLAN, "[plan]")) as response:
            if expect_2xx(response):
                try:
                    codes = codes_in(json.loads(response.content))
                except ValueError:
                    response.failure("not JSON")
        return codes or plan_codes(plan_key)

    def url(self, name: str) -> str:
        if name == "/targets/[code]/":
            return f"/targets/{quote(random.choice(self.targets))}/"
        if name == "/units/[code]/":
            return f"/units/{random.choice(self.counties)}/"
        if name.startswith("/api/v1/values"):
            return f"/api/v1/values?indicator={quote(random.choice(self.indicators))}&limit=100"
        if "?q=" in name:
            return "/targets/?q=" + quote("增加值")
        return name.replace("[plan]", PLAN)

    def browse(self) -> None:
        name = random.choices(NAMES, WEIGHTS)[0]
        with self.send("GET", self.url(name), name) as response:
            expect_2xx(response)

    tasks = [browse]


def record(
    request_type: str,
    name: str,
    response_time: float,
    exception: BaseException | None = None,
    start_time: float = 0.0,
    **kwargs: Any,
) -> None:
    error = (
        "" if exception is None else " ".join(str(exception).split()) or type(exception).__name__
    )
    _samples.append((start_time, name, response_time, error))


def save(**kwargs: Any) -> None:
    path = os.environ.get("BENCH_SAMPLES")
    if not path:
        return
    with open(path, "w", encoding="utf-8") as f:
        for started, name, ms, error in _samples:
            f.write(f"{started:.3f}\t{name}\t{ms:.3f}\t{error}\n")


# add_listener is untyped in locust.
events.request.add_listener(record)  # type: ignore[no-untyped-call,unused-ignore]
events.quitting.add_listener(save)  # type: ignore[no-untyped-call,unused-ignore]
