"""A commune officer logs in on a 360 px phone and reaches the dashboard (Playwright, headless Debian Chromium)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from dancoso.units.tests.factories import UnitFactory, VillageFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def live_server():
    """pytest-django's live server, started with the HTTPS redirect and HSTS off.

    SecurityMiddleware reads those settings once, when the server thread builds its handler; the session-wide
    `live_server` may start before the per-test settings fixture in conftest.py turns them off, and Chromium
    would then follow the redirect to an https:// address nobody serves."""
    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="vi-VN"
        )
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the login page (the demo and test users share PASSWORD)."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def officer_login():
    commune = UnitFactory(name="Xã An Khánh", population=34000, household_count=8900)
    for name in ("Tân Viên", "Mỹ Đức", "Thái Sơn", "Đông Hải"):
        VillageFactory(parent=commune, name=f"Thôn {name}")
    user = UserFactory(username="canbo.ankhanh", full_name="Trần Thị Lan")
    MembershipFactory(
        user=user, unit=commune, role=Role.COMMUNE_OFFICER, title="Công chức Văn phòng - Thống kê"
    )
    return user.username


def test_officer_logs_in_and_sees_the_dashboard_at_phone_width(live_server, browser_page, officer_login):
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on(
        "response",
        lambda response: response.status >= 400 and errors.append(f"{response.status} {response.url}"),
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", officer_login)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/staff/")

    assert page.locator("h1").inner_text() == "Tổng quan"
    assert page.locator("#unit-heading").inner_text() == "Xã An Khánh"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("typeof window.htmx") == "object"
    assert errors == []  # a CSP violation would show up here

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-360.png"), full_page=True)
