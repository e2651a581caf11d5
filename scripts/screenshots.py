"""Screenshots of the pages, in both languages, with Debian's Chromium (headless).

    python scripts/screenshots.py http://127.0.0.1:8000 screenshots/

Logs in as demo accounts of each role, visits each page in Chinese and English, and
writes full-page PNGs. Fails if the browser logs a console error or a request leaves
127.0.0.1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

# (file name, user, path)
PAGES = [
    ("overview", "office", "/"),
    ("overview-county", "nanhu", "/"),
    ("targets", "office", "/targets/"),
    ("targets-red", "leader", "/targets/?light=red&sort=-achievement"),
    ("target", "office", "/targets/mfg-va-gdp-share-2025/"),
    ("target-county", "haining", "/targets/tax-per-mu-2025/"),
    ("target-cover", "office", "/targets/county-clusters-500bn-2027/"),
    ("units", "leader", "/units/"),
    ("unit", "office", "/units/330402/"),
    ("tasks", "kjj", "/tasks/"),
    ("account", "nanhu", "/account/"),
    ("users", "sysadmin", "/manage/users/"),
    ("user-edit", "sysadmin", "/manage/users/new/"),
]


def main(base: str, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for lang in ("zh-hans", "en"):
            users: dict[str, object] = {}
            for name, user, path in PAGES:
                if user not in users:
                    context = browser.new_context(viewport={"width": 1366, "height": 900})
                    page = context.new_page()
                    page.on(
                        "console",
                        lambda m: (
                            problems.append(f"console {m.type}: {m.text}")
                            if m.type == "error"
                            else None
                        ),
                    )
                    page.on(
                        "request",
                        lambda r: (
                            problems.append(f"external request {r.url}")
                            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
                            and not r.url.startswith("data:")
                            else None
                        ),
                    )
                    page.goto(f"{base}/accounts/login/")
                    if not users:
                        page.screenshot(path=str(out / f"login-{lang}.png"))
                    page.fill("input[name=username]", user)
                    page.fill("input[name=password]", "zhizao-demo")
                    page.click("button.primary")
                    page.wait_for_load_state("networkidle")
                    if lang == "en":
                        page.click("button[name=language][value=en]")
                        page.wait_for_load_state("networkidle")
                    users[user] = page
                page = users[user]  # type: ignore[assignment]
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    problems.append(f"{user} {path}: HTTP {response.status if response else '?'}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"{name}-{lang}.png"), full_page=True)
                page.screenshot(path=str(out / f"{name}-{lang}-top.png"))
        browser.close()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
