"""The whole journey at phone width in headless Chromium: a resident sends a report with a photo, an officer
classifies, accepts and resolves it, and the resident reads the answer with the tracking code."""

import struct
import zlib

import pytest
from django.urls import reverse

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from dancoso.petitions.models import Petition, State
from dancoso.portal.tests.test_browser import SCREENSHOTS, browser_page, live_server  # noqa: F401
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "Ngày 20/11 xã đã thay bóng đèn chiếu sáng tại ngõ 5 thôn Tân Viên."


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def commune():
    province = ProvinceFactory(name="Thành phố Hải Phòng")
    commune = UnitFactory(parent=province, name="Xã An Khánh", slug="an-khanh")
    MembershipFactory(user=UserFactory(username="canbo.ankhanh"), unit=commune, role=Role.COMMUNE_OFFICER)
    return commune


def submit_as_resident(page, base_url: str, photo_path) -> str:
    page.goto(f"{base_url}/an-khanh/petitions/new/")
    page.check("input[name=kind][value=report]")
    page.fill("input[name=phone]", "0912 345 678")
    page.fill("input[name=name]", "Phạm Văn Hùng")
    page.fill("input[name=title]", "Đèn đường ngõ 5 thôn Tân Viên bị hỏng")
    page.fill("textarea[name=content]", "Đèn chiếu sáng ngõ 5 đã hỏng hai tuần, buổi tối rất tối.")
    page.set_input_files("input[name=photo]", str(photo_path))
    page.locator("main form button[type=submit]").click()
    code = page.locator(".tracking-code").inner_text().strip()
    page.screenshot(path=str(SCREENSHOTS / "petition-sent-360.png"), full_page=True)
    return code


def open_step(page, action: str):
    """Unfold one workflow step on the case page and return its form."""
    page.locator(f"#action-{action} > summary").click()
    return page.locator(f"#action-{action} form")


def act(page, action: str) -> None:
    """Submit the case page's form for one workflow step."""
    form = page.locator(f"#action-{action} form")
    if not form.is_visible():
        open_step(page, action)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def handle_as_officer(page, base_url: str, code: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", "canbo.ankhanh")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{base_url}{reverse('petitions:inbox')}")
    page.get_by_role("link", name=code).first.click()
    classify = open_step(page, "classify")
    classify.locator("input[name$=is_eligible][value='1']").check()
    classify.locator("input[name$=within_competence][value='1']").check()
    act(page, "classify")
    act(page, "accept")
    open_step(page, "resolve").locator("textarea[name$=outcome]").fill(ANSWER)
    act(page, "resolve")
    page.screenshot(path=str(SCREENSHOTS / "petition-resolved-staff-360.png"), full_page=True)


def test_resident_sends_officer_resolves_resident_reads_answer(live_server, browser_page, commune, tmp_path):  # noqa: F811
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    photo = tmp_path / "den-hong.png"
    photo.write_bytes(tiny_png())

    code = submit_as_resident(page, live_server.url, photo)
    petition = Petition.objects.get(tracking_code=code)
    assert petition.channel == "web" and petition.unit == commune

    handle_as_officer(page, live_server.url, code)
    petition.refresh_from_db()
    assert petition.state == State.RESOLVED

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/an-khanh/petitions/track/")
    page.fill("input[name=code]", code.lower().replace("-", ""))
    page.fill("input[name=contact]", "0912345678")
    page.locator("main form button[type=submit]").click()
    page.screenshot(path=str(SCREENSHOTS / "petition-tracked-360.png"), full_page=True)

    assert ANSWER in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert errors == []
