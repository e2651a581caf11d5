"""Screenshots of the pages, in both languages, with Debian's Chromium (headless).

    python scripts/screenshots.py http://127.0.0.1:8000 screenshots/

Logs in as the demo programme-office account, visits each page in Chinese and English,
and writes full-page PNGs. Fails if the browser logs a console error or a request leaves
127.0.0.1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

PAGES = [("overview", "/"), ("overview-county", "/?unit=330481&period=2025Q4")]


def main(base: str, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for lang in ("zh-hans", "en"):
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
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
            page.screenshot(path=str(out / f"login-{lang}.png"))
            page.fill("input[name=username]", "office")
            page.fill("input[name=password]", "zhizao-demo")
            page.click("button.primary")
            page.wait_for_load_state("networkidle")
            if lang == "en":
                page.click("button[name=language][value=en]")
                page.wait_for_load_state("networkidle")
            for name, path in PAGES:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"{name}-{lang}.png"), full_page=True)
                page.screenshot(path=str(out / f"{name}-{lang}-top.png"))
            page.close()
        browser.close()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
