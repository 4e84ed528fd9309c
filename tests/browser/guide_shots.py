"""Screenshots for the user guides (docs/guides/img/), taken from the living demo with headless Chromium.

    make run                                     # the demo studio, seeded (docs/demo.md)
    python manage.py create_platform_staff --email ops@fitwell.test --password 'Ops-console-2026'
    .venv/bin/python -m tests.browser.guide_shots [--port 8000] [--staff ops@fitwell.test:Ops-console-2026]

Not a test: run it by hand after a change the guides show, and commit the PNGs. Staff pages are taken on
a laptop-sized window, the client's on a phone-sized one, as people use them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tests.needs import CHROMIUM

OUT = Path(__file__).resolve().parents[2] / "docs" / "guides" / "img"
PASSWORD = "Demo-studio-2026"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# role, email, window, [(file name, path)]
SHOTS = [
    (
        "owner",
        "owner@demo.fitwell.test",
        LAPTOP,
        [
            ("owner-dashboard", "/dashboard/"),
            ("owner-analytics", "/analytics/"),
            ("owner-people", "/people/"),
            ("owner-sales", "/sales/"),
            ("owner-branding", "/settings/branding/"),
        ],
    ),
    (
        "trainer",
        "trainer@demo.fitwell.test",
        LAPTOP,
        [
            ("trainer-clients", "/clients/"),
            ("trainer-schedule", "/schedule/"),
            ("trainer-templates", "/templates/"),
            ("trainer-videos", "/videos/review/"),
            ("trainer-messages", "/messages/"),
        ],
    ),
    (
        "client",
        "client@demo.fitwell.test",
        PHONE,
        [
            ("client-dashboard", "/dashboard/"),
            ("client-today", "/me/today/"),
            ("client-program", "/me/program/"),
            ("client-classes", "/schedule/classes/"),
            ("client-progress", "/me/progress/"),
            ("client-shop", "/shop/"),
        ],
    ),
]


def _studio(browser: Browser, base: str, email: str, window: dict[str, int], shots: list[tuple[str, str]]) -> None:
    _shoot(browser, base, (email, PASSWORD), window, shots, landing="**/dashboard/")


def _shoot(
    browser: Browser,
    base: str,
    login: tuple[str, str],
    window: dict[str, int],
    shots: list[tuple[str, str]],
    landing: str,
) -> None:
    """Sign in with `login` (email, password), then save each (file name, path) as docs/guides/img/<name>.png."""
    context = browser.new_context(viewport=window, is_mobile=window is PHONE, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next={landing.strip('*')}")
    page.fill("#id_login", login[0])
    page.fill("#id_password", login[1])
    page.click("button[type=submit]")
    page.wait_for_url(landing)
    for name, path in shots:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / f"{name}.png"))
        print(f"{name}.png  {path}")
    context.close()


def _console(browser: Browser, base: str, staff: str) -> None:
    email, password = staff.split(":", 1)
    shots = [("admin-studios", "/console/"), ("admin-studio", "/console/studios/demo/")]
    _shoot(browser, base, (email, password), LAPTOP, shots, landing="**/console/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--staff", default="", help="email:password of a platform staff account (console shots)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for _role, email, window, shots in SHOTS:
                _studio(browser, f"http://demo.localhost:{args.port}", email, window, shots)
            if args.staff:
                _console(browser, f"http://localhost:{args.port}", args.staff)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
