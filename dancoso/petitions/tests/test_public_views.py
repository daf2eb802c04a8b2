"""Public petition pages: sending with a photo, refusing bad input, idempotent retries, anonymous denunciations,
tracking, statistics, reception days and their iCalendar feed, confidentiality and page weight."""

import gzip
import re
import struct
import uuid
import zlib
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from dancoso.core.models import Attachment
from dancoso.petitions import services
from dancoso.petitions.models import Kind, Petition, ReceptionSchedule, ReceptionSession, Sector, State
from dancoso.petitions.public_views import reception_calendar
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

SECRET_NAME = "Hoàng Thị Kín Tên"
SECRET_ADDRESS = "Số 9 ngõ Bí Mật"
PHONE = "0912345678"
BUDGET_BYTES = 60 * 1024
ASSET = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def tiny_png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def png(name: str = "anh-duong.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commune(db):
    province = ProvinceFactory(name="Thành phố Hải Phòng", slug="hai-phong")
    return UnitFactory(name="Xã An Khánh", slug="an-khanh", parent=province)


@pytest.fixture
def village(commune):
    return VillageFactory(name="Thôn Đông", slug="thon-dong", parent=commune)


def url(name: str, unit, *args) -> str:
    return reverse(f"petitions_public:{name}", args=[unit.slug, *args])


def form_data(**overrides) -> dict:
    data = {
        "kind": Kind.REPORT,
        "sector": str(Sector.objects.get(code="moi-truong").pk),
        "title": "Rác thải đổ trộm ven đường",
        "content": "Rác thải đổ trộm ven đường liên thôn, đã hai tuần chưa thu gom.",
        "phone": "0912 345 678",
        "email": "",
        "name": "Nguyễn Văn Bình",
        "address": "Thôn Đông, xã An Khánh",
        "location_text": "Đường liên thôn số 3",
        "latitude": "20.861234",
        "longitude": "106.681234",
        "submission_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def html_of(response) -> str:
    return response.content.decode()


class Clock:
    """The day the services think it is."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __call__(self, day: date) -> None:
        self.monkeypatch.setattr(services, "_today", lambda: day)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def submit(unit, day, clock, kind=Kind.PROPOSAL, **extra) -> Petition:
    clock(day)
    extra.setdefault("petitioner", {"name": "Nguyễn Văn Bình", "phone": PHONE})
    return services.submit_petition(
        unit=unit,
        kind=kind,
        channel="web",
        title="Sửa đường thôn",
        content="Đường thôn hỏng.",
        received_on=day,
        **extra,
    )


# ------------------------------------------------------------------------------------------------ the form


def test_form_is_vietnamese_accessible_and_phone_first(client, commune):
    response = client.get(url("submit", commune))

    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>Gửi đơn</h1>" in html
    assert html.index('name="phone"') < html.index('name="email"') < html.index('name="name"')
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert 'name="attachments"' in html and "multiple" in html
    assert '<label for="id_title">' in html
    assert 'aria-describedby="id_title_helptext"' in html
    assert "Luật Tố cáo 2018 Art. 25" in html or "Điều 25 Luật Tố cáo" in html
    assert "Những thông tin được lưu và lý do" in html
    assert 'name="submission_key"' in html
    assert "style=" not in html and "<script>" not in html
    assert response["Cache-Control"] == "private, no-store"


def test_happy_path_with_a_photo(client, commune):
    response = client.post(url("submit", commune), form_data(photo=png()))

    assert response.status_code == 200
    petition = Petition.objects.get()
    assert (petition.unit, petition.channel, petition.kind) == (commune, "web", Kind.REPORT)
    assert petition.sector.code == "moi-truong"
    assert petition.petitioner_phone == PHONE
    assert str(petition.latitude) == "20.861234"
    attachment = Attachment.objects.get()
    assert (attachment.object_id, attachment.media_type) == (str(petition.pk), "image/png")

    html = html_of(response)
    assert f'<p class="tracking-code">{petition.tracking_code}</p>' in html
    assert f"?code={petition.tracking_code}" in html
    page_url = re.search(r'href="(/an-khanh/petitions/sent/[^"]+)"', html).group(1).replace("&amp;", "&")
    assert page_url.startswith(url("sent", commune, petition.tracking_code) + "?s=")
    assert petition.tracking_code in html_of(client.get(page_url))


def test_files_and_photo_together(client, commune):
    response = client.post(
        url("submit", commune),
        form_data(
            photo=png(), attachments=[png("mot.png"), SimpleUploadedFile("don.txt", "Nội dung đơn".encode())]
        ),
    )

    assert response.status_code == 200
    assert Attachment.objects.count() == 3


def exe() -> SimpleUploadedFile:
    return SimpleUploadedFile("anh.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)


BAD_INPUT = [
    ("kind", {"kind": ""}, "Chọn loại đơn"),
    ("kind", {"kind": "mixed"}, "lựa chọn hợp lệ"),
    ("title", {"title": "  "}, "Ghi tóm tắt"),
    ("content", {"content": ""}, "Ghi nội dung"),
    ("phone", {"phone": "12345"}, "số điện thoại Việt Nam"),
    ("phone", {"phone": "", "email": ""}, "Cho biết số điện thoại"),
    ("email", {"email": "khong-phai-email"}, "hợp lệ, ví dụ ten@example.vn"),
    ("name", {"name": ""}, "Ghi họ và tên"),
    ("latitude", {"latitude": "bắc"}, "Nhập một số"),
    ("latitude", {"latitude": "95"}, "nhỏ hơn hoặc bằng"),
    ("longitude", {"longitude": ""}, "cả vĩ độ và kinh độ"),
    ("photo", {"photo": "EXE"}, "chương trình"),
    ("attachments", {"attachments": "SIX"}, "Đính kèm tối đa 5 tệp"),
    ("attachments", {"attachments": "HTML"}, "trang web"),
]


@pytest.mark.parametrize(
    ("field", "overrides", "message"), BAD_INPUT, ids=[f"{f}-{m}" for f, _o, m in BAD_INPUT]
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_kept(
    client, commune, field, overrides, message
):
    files = {
        "EXE": exe,
        "SIX": lambda: [png(f"anh{i}.png") for i in range(6)],
        "HTML": lambda: [png(), SimpleUploadedFile("trang.txt", b"<html><script>alert(1)</script></html>")],
    }
    overrides = {key: files[value]() if value in files else value for key, value in overrides.items()}
    data = form_data(**overrides)
    if field != "photo":
        data["photo"] = png()  # a good photo beside the bad input: it must not be stored either

    response = client.post(url("submit", commune), data)

    html = html_of(response)
    assert response.status_code == 200
    error_block = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert error_block, html
    assert message in error_block.group(1)
    assert 'aria-invalid="true"' in html
    assert "data-error-summary" in html
    assert "hãy chọn lại ảnh và tài liệu" in html
    assert Petition.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files() == []


def test_a_corrected_form_is_accepted_after_a_refusal(client, commune):
    refused = client.post(url("submit", commune), form_data(title=""))
    new_key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', html_of(refused)).group(1)

    accepted = client.post(url("submit", commune), form_data(submission_key=new_key))

    assert accepted.status_code == 200
    assert Petition.objects.get().tracking_code in html_of(accepted)


def test_a_retried_form_gives_the_same_tracking_code(client, commune):
    data = form_data()

    first = client.post(url("submit", commune), {**data, "photo": png()})
    again = client.post(url("submit", commune), {**data, "photo": png()})

    code = Petition.objects.get().tracking_code
    assert first.status_code == again.status_code == 200
    assert code in html_of(first) and code in html_of(again)
    assert again["Idempotent-Replayed"] == "true"
    assert Petition.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_the_same_page_sent_with_other_content_is_a_new_petition(client, commune):
    data = form_data()

    client.post(url("submit", commune), data)
    client.post(url("submit", commune), {**data, "title": "Một việc khác"})

    assert Petition.objects.count() == 2


def test_an_idempotency_key_header_is_honoured(client, commune):
    data = form_data(submission_key="")
    headers = {"Idempotency-Key": "thu-lai-1"}

    first = client.post(url("submit", commune), data, headers=headers)
    again = client.post(url("submit", commune), data, headers=headers)

    code = Petition.objects.get().tracking_code
    assert code in html_of(first)
    assert again["Idempotent-Replayed"] == "true"
    assert code in html_of(again)


def test_anonymous_denunciation(client, commune, clock):
    data = form_data(
        kind=Kind.DENUNCIATION, anonymous="on", phone="", name="", address="", title="Cán bộ nhận tiền"
    )

    response = client.post(url("submit", commune), data)

    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.is_anonymous and not petition.is_confidential
    assert (petition.petitioner_name, petition.phone_digest, petition.email_digest) == ("", "", "")
    sent = html_of(response)
    assert "không được xử lý như đơn tố cáo" in sent
    assert "để trống ô liên hệ" in sent

    clock(timezone.localdate())
    services.classify_petition(petition, actor=None, is_eligible=False, within_competence=True)
    tracked = html_of(client.post(url("track", commune), {"code": petition.tracking_code, "contact": ""}))
    assert "Không xử lý" in tracked
    assert "Luật Tố cáo 2018" in tracked


def test_anonymous_drops_what_was_typed_about_the_person(client, commune):
    client.post(url("submit", commune), form_data(anonymous="on", name=SECRET_NAME))

    petition = Petition.objects.get()
    assert petition.is_anonymous
    assert SECRET_NAME not in str(Petition.objects.values().get())


def test_a_denunciation_is_always_confidential(client, commune):
    client.post(
        url("submit", commune), form_data(kind=Kind.DENUNCIATION, name=SECRET_NAME, address=SECRET_ADDRESS)
    )

    petition = Petition.objects.get()
    assert petition.is_confidential
    assert petition.petitioner_name == petition.petitioner_phone == ""
    assert petition.phone_digest  # can still be followed with the phone


def test_sent_page_needs_its_signature(client, commune):
    client.post(url("submit", commune), form_data())
    code = Petition.objects.get().tracking_code

    assert client.get(url("sent", commune, code)).status_code == 404
    assert client.get(url("sent", commune, code) + "?s=sai").status_code == 404


def test_submissions_are_rate_limited(client, commune, settings):
    settings.PETITIONS_PUBLIC_RATE_LIMITS = {"submit": (2, 3600)}

    statuses = [client.post(url("submit", commune), form_data()).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert Petition.objects.count() == 2


def test_unknown_unit_is_404(client, db):
    for name in ("submit", "track", "stats", "reception", "reception_ics"):
        assert client.get(reverse(f"petitions_public:{name}", args=["khong-co"])).status_code == 404


# ------------------------------------------------------------------------------------------------ tracking


def track(client, unit, code, contact):
    return client.post(url("track", unit), {"code": code, "contact": contact})


def test_tracking_with_the_right_contact(client, commune, clock):
    petition = submit(commune, date(2025, 3, 3), clock, kind=Kind.COMPLAINT)

    by_phone = html_of(
        track(client, commune, petition.tracking_code.lower().replace("-", ""), "+84 912 345 678")
    )

    assert f"Đơn {petition.tracking_code}" in by_phone
    assert "Đã tiếp nhận" in by_phone
    assert "Thời hạn đang áp dụng" in by_phone
    assert petition.due_on.strftime("%d/%m/%Y") in by_phone
    assert "quá hạn" in by_phone  # due in March 2025, still open


def test_tracking_by_email(client, commune, clock):
    petition = submit(
        commune, date(2025, 3, 3), clock, petitioner={"name": "Bình", "email": "Binh@Example.vn"}
    )

    html = html_of(track(client, commune, petition.tracking_code, "binh@example.vn"))

    assert f"Đơn {petition.tracking_code}" in html


def test_a_wrong_code_or_contact_gives_one_generic_message(client, commune, clock):
    petition = submit(commune, date(2025, 3, 3), clock)

    wrong_contact = html_of(track(client, commune, petition.tracking_code, "0987654321"))
    wrong_code = html_of(track(client, commune, "ZZZZ-ZZZZ", PHONE))
    no_contact = html_of(track(client, commune, petition.tracking_code, ""))

    message = "Không tìm thấy đơn nào khớp với mã theo dõi và thông tin liên hệ này."
    for html in (wrong_contact, wrong_code, no_contact):
        assert message in html
        assert "Đã tiếp nhận" not in html
    strip = lambda html: re.sub(r'\s*(value|data-csrf-token)="[^"]*"', "", html)  # noqa: E731
    assert strip(wrong_contact) == strip(wrong_code) == strip(no_contact)


def test_tracking_is_rate_limited(client, commune, settings, clock):
    settings.PETITIONS_PUBLIC_RATE_LIMITS = {"track": (3, 900)}
    petition = submit(commune, date(2025, 3, 3), clock)

    statuses = [track(client, commune, "ZZZZ-ZZZZ", PHONE).status_code for _ in range(3)]
    blocked = track(client, commune, petition.tracking_code, PHONE)

    assert statuses == [200, 200, 200]
    assert blocked.status_code == 429
    assert "Quá nhiều lần thử" in html_of(blocked)


def test_tracking_shows_the_answer_steps_and_the_appeal_window(client, commune, clock):
    petition = submit(commune, date(2025, 3, 3), clock, kind=Kind.COMPLAINT)
    clock(date(2025, 3, 4))
    services.classify_petition(petition, actor=None, is_eligible=True, within_competence=True)
    services.accept_petition(petition, actor=None, accepted_on=date(2025, 3, 4))
    clock(date(2025, 3, 20))
    services.resolve_petition(
        petition,
        actor=None,
        outcome="Giữ nguyên quyết định.",
        decision_number="15/QĐ-UBND",
        resolved_on=date(2025, 3, 20),
    )

    html = html_of(track(client, commune, petition.tracking_code, PHONE))

    assert "Giữ nguyên quyết định." in html
    assert "15/QĐ-UBND" in html
    assert "Các bước đã thực hiện" in html
    assert "04/03/2025" in html and "20/03/2025" in html
    assert (
        "21/04/2025" in html
    )  # 30 days after the decision (Luật Khiếu nại Art. 33): Saturday 19/04 → Monday
    assert "khiếu nại lần hai" in html


def test_tracking_a_split_letter_lists_its_parts(client, commune, clock):
    letter = submit(commune, date(2025, 3, 3), clock, kind=Kind.MIXED)
    parts = services.split_petition(
        letter,
        actor=None,
        parts=[{"kind": Kind.PROPOSAL, "title": "Một"}, {"kind": Kind.REPORT, "title": "Hai"}],
    )

    html = html_of(track(client, commune, letter.tracking_code, PHONE))

    assert "Các phần của đơn" in html
    for part in parts:
        assert part.tracking_code in html
    assert f"Đơn {parts[0].tracking_code}" in html_of(track(client, commune, parts[0].tracking_code, PHONE))


def test_tracking_a_repeat_shows_the_earlier_petition_without_another_persons_answer(client, commune, clock):
    earlier = submit(
        commune, date(2025, 3, 3), clock, petitioner={"name": "Người Khác", "phone": "0977000111"}
    )
    services.classify_petition(earlier, actor=None, is_eligible=True, within_competence=True)
    repeat = submit(commune, date(2025, 3, 5), clock)
    services.link_repeat(repeat, actor=None, earlier=Petition.objects.get(pk=earlier.pk))

    html = html_of(track(client, commune, repeat.tracking_code, PHONE))

    assert "Được theo dõi cùng một đơn trước" in html
    assert "03/03/2025" in html
    assert earlier.tracking_code not in html


def test_a_planted_confidential_name_never_appears(client, commune, clock):
    client.post(
        url("submit", commune),
        form_data(kind=Kind.DENUNCIATION, name=SECRET_NAME, address=SECRET_ADDRESS, email="kin@example.vn"),
    )
    client.post(url("submit", commune), form_data(keep_confidential="on", name=SECRET_NAME))
    denunciation, proposal = Petition.objects.order_by("pk")
    assert proposal.is_confidential

    pages = [
        html_of(track(client, commune, denunciation.tracking_code, "0912345678")),
        html_of(track(client, commune, proposal.tracking_code, "kin@example.vn")),
        html_of(track(client, commune, proposal.tracking_code, "0912345678")),
        html_of(client.get(url("stats", commune))),
        html_of(client.get(url("stats", commune.parent))),
    ]

    assert f"Đơn {denunciation.tracking_code}" in pages[0]
    assert f"Đơn {proposal.tracking_code}" in pages[2]
    for html in pages:
        assert SECRET_NAME not in html
        assert SECRET_ADDRESS not in html
        assert "0912345678" not in html and "0912 345 678" not in html


# ------------------------------------------------------------------------------------------------ statistics


def test_statistics_page_numbers(client, commune, village, clock):
    for kind in (Kind.PROPOSAL, Kind.PROPOSAL, Kind.COMPLAINT):
        submit(commune, date(2025, 5, 5), clock, kind=kind, sector=Sector.objects.get(code="dat-dai"))
    resolved = submit(village, date(2025, 5, 6), clock, kind=Kind.REPORT)
    services.classify_petition(resolved, actor=None, is_eligible=True, within_competence=True)
    services.accept_petition(resolved, actor=None, accepted_on=date(2025, 5, 6))
    services.resolve_petition(resolved, actor=None, outcome="Đã sửa.", resolved_on=date(2025, 5, 6))
    submit(commune, date(2024, 5, 5), clock)  # another year

    response = client.get(url("stats", commune) + "?year=2025")

    html = html_of(response)
    assert response.status_code == 200
    assert "năm 2025" in html
    summary = re.findall(
        r'<span class="stat-value">([^<]*)</span><span class="stat-label">([^<]*)</span>', html
    )
    assert ("4", "đơn đã tiếp nhận") in summary
    assert ("1", "đã giải quyết") in summary
    assert ("100%", "giải quyết đúng hạn") in summary
    rows = dict(re.findall(r'<th scope="row">([^<]*)</th>\s*<td class="bar-count">(\d+)', html))
    assert rows["Kiến nghị"] == "2"
    assert rows["Khiếu nại"] == "1"
    assert rows["Đất đai"] == "3"
    assert rows["Đã giải quyết"] == "1"
    assert rows["Đang giải quyết"] == "3"
    assert 'class="chart-bar chart-bar-50"' in html  # 2 of 4 recommendations
    assert "style=" not in html


def test_statistics_default_to_this_year_and_ignore_a_bad_year(client, commune):
    this_year = timezone.localdate().year

    default = html_of(client.get(url("stats", commune)))
    bad = client.get(url("stats", commune) + "?year=1800")

    assert f"năm {this_year}" in default
    assert bad.status_code == 200
    assert f"năm {this_year}" in html_of(bad)


# ------------------------------------------------------------------------------------------------ reception


@pytest.fixture
def schedule(commune):
    return ReceptionSchedule.objects.create(
        unit=commune,
        weekday=ReceptionSchedule.Weekday.FRIDAY,
        start_time=time(7, 30),
        end_time=time(11, 0),
        host_title="Chủ tịch UBND xã",
        host_is_head=True,
        location="Phòng tiếp công dân, trụ sở UBND xã",
        valid_from=date(2025, 1, 1),
    )


@pytest.fixture
def ad_hoc(commune):
    return ReceptionSession.objects.create(
        unit=commune,
        kind=ReceptionSession.Kind.AD_HOC,
        mode=ReceptionSession.Mode.ONLINE,
        date=timezone.localdate() + timedelta(days=10),
        start_time=time(14, 0),
        end_time=time(16, 0),
        host_name="Trần Văn Chủ",
        host_title="Chủ tịch UBND xã",
        location="https://hop.example.vn/tiep-dan",
        notes="Ghi chú nội bộ không công bố",
    )


def test_reception_page_shows_schedule_sessions_and_the_feed(client, commune, schedule, ad_hoc):
    response = client.get(url("reception", commune))

    html = html_of(response)
    assert response.status_code == 200
    assert "Thứ Sáu hằng tuần, 07:30–11:00" in html
    assert "Chủ tịch UBND xã" in html
    assert "Phòng tiếp công dân, trụ sở UBND xã" in html
    assert "https://hop.example.vn/tiep-dan" in html
    assert "Ghi chú nội bộ không công bố" not in html
    assert f'<link rel="alternate" type="text/calendar" href="{url("reception_ics", commune)}"' in html


def test_ics_feed_parses_with_a_weekly_rule(client, commune, schedule, ad_hoc):
    response = client.get(url("reception_ics", commune))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    feed = Calendar.from_ical(response.content)
    events = feed.walk("VEVENT")
    regular = next(event for event in events if "schedule" in str(event["UID"]))
    assert regular["RRULE"]["FREQ"] == ["WEEKLY"]
    assert regular["RRULE"]["BYDAY"] == ["FR"]
    assert regular.decoded("DTSTART").date() == date(2025, 1, 3)  # the first Friday from 01/01/2025
    assert regular.decoded("DTSTART").time() == time(7, 30)
    assert str(regular["LOCATION"]) == "Phòng tiếp công dân, trụ sở UBND xã"
    session = next(event for event in events if "session" in str(event["UID"]))
    assert session.decoded("DTSTART").date() == ad_hoc.date
    assert "trực tuyến" in str(session["SUMMARY"]).lower()
    assert feed.walk("VTIMEZONE")


def test_ics_feed_skips_holidays_and_ends_with_the_schedule(commune, schedule):
    schedule.valid_until = date(2027, 6, 30)
    schedule.save()

    feed = reception_calendar(commune, today=date(2026, 12, 1))
    event = feed.walk("VEVENT")[0]

    exdates = event["EXDATE"] if isinstance(event["EXDATE"], list) else [event["EXDATE"]]
    excluded = {moment.dt.date() for entry in exdates for moment in entry.dts}
    assert date(2027, 1, 1) in excluded  # New Year's Day, a Friday
    assert date(2026, 12, 4) not in excluded
    assert max(excluded) <= date(2027, 6, 30)
    until = event["RRULE"]["UNTIL"]
    until = until[0] if isinstance(until, list) else until
    assert until.tzinfo is not None and until.utcoffset() == timedelta(0)


def test_ended_schedules_are_not_in_the_feed(commune, schedule):
    schedule.valid_until = date(2025, 6, 30)
    schedule.save()

    assert reception_calendar(commune).walk("VEVENT") == []


# ------------------------------------------------------------------------------------------------ weight


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def transferred(html: str) -> int:
    total = gzipped(html.encode())
    for asset in ASSET.findall(html):
        path = finders.find(asset.removeprefix(settings.STATIC_URL))
        assert path, asset
        total += gzipped(Path(path).read_bytes())
    return total


def test_pages_fit_the_budget(client, commune, clock, schedule, ad_hoc):
    petition = submit(commune, date(2025, 3, 3), clock)
    pages = [
        html_of(client.get(url("submit", commune))),
        html_of(client.post(url("submit", commune), form_data(title="", content="", phone="1"))),
        html_of(track(client, commune, petition.tracking_code, PHONE)),
        html_of(client.get(url("stats", commune))),
        html_of(client.get(url("reception", commune))),
    ]

    for html in pages:
        assert "petitions/public.js" in html
        assert transferred(html) <= BUDGET_BYTES


def test_the_state_names_shown_are_translated(client, commune, clock):
    petition = submit(commune, date(2025, 3, 3), clock)
    clock(date(2025, 3, 4))
    services.transfer_petition(
        petition,
        actor=None,
        to_body="UBND huyện An Dương",
        letter_number="7/CV-UBND",
        transferred_on=date(2025, 3, 4),
    )

    html = html_of(track(client, commune, petition.tracking_code, PHONE))

    assert Petition.objects.get().state == State.TRANSFERRED
    assert "UBND huyện An Dương" in html
    assert "Transferred" not in html
