"""Staff pages of citizen reception: permissions by role, another commune's rows, the book's filters and
totals, query counts, confidentiality on every page, forms, import and export."""

import io
from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dancoso.accounts.roles import Role
from dancoso.core.models import LedgerEntry
from dancoso.petitions import reception
from dancoso.petitions.models import Kind, Petition, ReceptionSchedule, ReceptionSession, Visit
from dancoso.petitions.tests.test_reception_import import good_rows, xlsx
from dancoso.petitions.tests.test_reception_services import (
    PLANTED_NAME,
    PLANTED_PHONE,
    officer_of,
    session_of,
    visit_in,
)
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db

D = date
BOOK = reverse("petitions:reception_book")
SESSIONS = reverse("petitions:reception_sessions")
SCHEDULES = reverse("petitions:reception_schedules")
IMPORT = reverse("petitions:reception_import")
EXPORT = reverse("petitions:reception_export")


@pytest.fixture
def province(db):
    return ProvinceFactory(name="Tỉnh Ninh Bình")


@pytest.fixture
def commune(province):
    return UnitFactory(name="Xã An Khánh", parent=province)


@pytest.fixture
def other_commune(province):
    return UnitFactory(name="Xã Bình Minh", parent=province)


@pytest.fixture
def officer(commune):
    return officer_of(commune)


@pytest.fixture
def session(commune, officer):
    return session_of(commune, on=D(2026, 11, 17), actor=officer)


@pytest.fixture
def visit(session, officer):
    return visit_in(session, actor=officer)


def as_user(client, unit, role):
    user = officer_of(unit, role=role)
    client.force_login(user)
    return user


# ------------------------------------------------------------------------------------------- roles


def test_a_commune_officer_keeps_the_book(client, commune, session):
    as_user(client, commune, Role.COMMUNE_OFFICER)
    for url in (BOOK, SESSIONS, SCHEDULES, IMPORT, reverse("petitions:reception_session_add")):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("petitions:reception_visit_add", args=[session.pk]),
        {"visitor_name": "Trần Văn Đến", "kind": Kind.REPORT, "content": "Đèn đường hỏng", "persons": 1},
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "petitions:reception_visit_detail", args=[visit.pk]
    )
    response = client.post(
        reverse("petitions:reception_visit_answer", args=[visit.pk]),
        {"answer": "accepted", "answered_on": "2026-11-18"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.answer == "accepted" and visit.answered_on == D(2026, 11, 18)
    assert client.get(EXPORT).status_code == 200


def test_a_front_officer_only_views(client, commune, session, visit):
    as_user(client, commune, Role.FRONT_OFFICER)
    for url in (
        BOOK,
        SESSIONS,
        SCHEDULES,
        reverse("petitions:reception_session_detail", args=[session.pk]),
        reverse("petitions:reception_visit_detail", args=[visit.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("petitions:reception_visit_detail", args=[visit.pk]))
    assert detail.context["answer_form"] is None and detail.context["petition_form"] is None
    for url in (
        reverse("petitions:reception_session_add"),
        reverse("petitions:reception_schedule_add"),
        reverse("petitions:reception_visit_add", args=[session.pk]),
        reverse("petitions:reception_session_edit", args=[session.pk]),
        IMPORT,
        EXPORT,
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("petitions:reception_visit_answer", args=[visit.pk]),
        {"answer": "accepted", "answered_on": "2026-11-18"},
    )
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.answer == ""


def test_a_resident_is_denied(client, commune, session, visit):
    as_user(client, commune, Role.RESIDENT)
    for url in (BOOK, SESSIONS, SCHEDULES, IMPORT, EXPORT):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("petitions:reception_session_detail", args=[session.pk]),
        reverse("petitions:reception_visit_detail", args=[visit.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(BOOK)
    assert response.status_code == 302 and "login" in response.url


ROLES = [
    Role.COMMUNE_OFFICER,
    Role.COMMUNE_LEADER,
    Role.FRONT_OFFICER,
    Role.INSPECTION_BOARD_MEMBER,
    Role.RESIDENT,
    Role.WORKPLACE_OFFICER,
]


@pytest.mark.parametrize("role", ROLES)
def test_another_communes_reception_is_out_of_reach(client, role, commune, other_commune, officer, session):
    schedule = reception.add_schedule(
        commune,
        actor=officer,
        weekday=1,
        start_time=time(8),
        end_time=time(11),
        host_title="Chủ tịch",
        location="UBND",
    )
    secret = visit_in(session, actor=officer, visitor={"name": PLANTED_NAME}, confidential=True)
    as_user(client, other_commune, role)
    gets = [
        reverse("petitions:reception_session_detail", args=[session.pk]),
        reverse("petitions:reception_session_edit", args=[session.pk]),
        reverse("petitions:reception_visit_add", args=[session.pk]),
        reverse("petitions:reception_visit_detail", args=[secret.pk]),
        reverse("petitions:reception_schedule_edit", args=[schedule.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code in (403, 404), url
    posts = {
        reverse("petitions:reception_visit_answer", args=[secret.pk]): {
            "answer": "accepted",
            "answered_on": "2026-11-18",
        },
        reverse("petitions:reception_visit_petition", args=[secret.pk]): {},
        reverse("petitions:reception_visit_reveal", args=[secret.pk]): {"reason": "Xem"},
        reverse("petitions:reception_schedule_end", args=[schedule.pk]): {},
        reverse("petitions:reception_visit_add", args=[session.pk]): {
            "visitor_name": "X",
            "kind": "report",
            "content": "Y",
            "persons": 1,
        },
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code in (403, 404), url
        assert PLANTED_NAME not in response.content.decode()
    for url in (BOOK, SESSIONS):
        response = client.get(url)
        assert PLANTED_NAME not in response.content.decode()
        if response.status_code == 200:
            assert "Xã An Khánh" not in response.content.decode()
    secret.refresh_from_db()
    assert secret.answer == "" and secret.petition_id is None and Visit.objects.count() == 1
    assert ReceptionSchedule.objects.get().valid_until is None


def test_a_province_officer_sees_the_communes_below(client, province, commune, visit):
    as_user(client, province, Role.PROVINCE_OFFICER)
    response = client.get(BOOK)
    assert response.status_code == 200 and response.context["totals"]["visits"] == 1


# ------------------------------------------------------------------------------------------- the book


def test_the_book_counts_visits_persons_cases_and_groups_and_filters(client, commune, officer):
    october = session_of(commune, on=D(2026, 10, 1), actor=officer)
    november = session_of(commune, on=D(2026, 11, 17), actor=officer)
    old = visit_in(october, actor=officer, content="Việc cũ chưa trả lời")
    visit_in(october, actor=officer, case_key=old.case_key, content="Nhắc lại việc cũ")
    visit_in(
        november,
        actor=officer,
        persons=12,
        is_group=True,
        representatives=["Lê Văn Một"],
        kind=Kind.COMPLAINT,
    )
    answered = visit_in(november, actor=officer, content="Việc đã trả lời")
    reception.answer_visit(answered, actor=officer, answer="guided", answered_on=D(2026, 11, 18))
    client.force_login(officer)

    response = client.get(BOOK)
    assert response.context["totals"] == {"visits": 4, "persons": 15, "cases": 3, "groups": 1, "overdue": 2}
    page = response.content.decode()
    assert 'class="due-overdue"' in page and "Quá hạn" in page
    assert "lượt" in page and "vụ việc" in page and "đoàn đông người" in page

    overdue = client.get(BOOK, {"status": "overdue"})
    assert {v.content for v in overdue.context["page_obj"]} == {"Việc cũ chưa trả lời", "Nhắc lại việc cũ"}
    assert overdue.context["totals"]["cases"] == 1
    november_only = client.get(BOOK, {"date_from": "2026-11-01", "date_to": "2026-11-30"})
    assert november_only.context["totals"] == {
        "visits": 2,
        "persons": 13,
        "cases": 2,
        "groups": 1,
        "overdue": 0,
    }
    complaints = client.get(BOOK, {"kind": Kind.COMPLAINT})
    assert complaints.context["totals"]["visits"] == 1
    assert client.get(BOOK, {"status": "answered"}).context["totals"]["visits"] == 1
    assert client.get(BOOK, {"status": "late"}).context["totals"]["visits"] == 0
    bad = client.get(BOOK, {"date_from": "2026-12-01", "date_to": "2026-11-01"})
    assert bad.status_code == 200 and bad.context["form"].errors["date_to"]


def test_the_book_query_count_does_not_grow_with_rows(
    client, commune, officer, session, django_assert_max_num_queries
):
    client.force_login(officer)
    visit_in(session, actor=officer)
    with django_assert_max_num_queries(20) as few:
        client.get(BOOK)
    for n in range(30):
        visit_in(
            session,
            actor=officer,
            persons=6,
            is_group=True,
            representatives=["Lê Văn Một"],
            confidential=n % 2 == 0,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(BOOK)
    assert response.context["totals"]["visits"] == 31
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        client.get(reverse("petitions:reception_session_detail", args=[session.pk]))


def test_confidential_visits_are_redacted_on_every_page_and_in_the_export(client, commune, officer, session):
    secret = visit_in(
        session,
        actor=officer,
        kind=Kind.DENUNCIATION,
        visitor={"name": PLANTED_NAME, "address": "Xóm Kín", "phone": PLANTED_PHONE},
    )
    client.force_login(officer)
    for url in (
        BOOK,
        reverse("petitions:reception_session_detail", args=[session.pk]),
        reverse("petitions:reception_visit_detail", args=[secret.pk]),
    ):
        page = client.get(url).content.decode()
        assert PLANTED_NAME not in page and PLANTED_PHONE not in page and "Xóm Kín" not in page
        assert "Bảo mật" in page
    assert (
        client.get(reverse("petitions:reception_visit_detail", args=[secret.pk])).context["reveal_form"]
        is None
    )
    export = client.get(EXPORT)
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert PLANTED_NAME not in text and PLANTED_PHONE not in text and "Bảo mật" in text


def test_a_leader_reveals_a_visitor_with_a_reason_once(client, commune, officer, session):
    secret = visit_in(session, actor=officer, visitor={"name": PLANTED_NAME}, confidential=True)
    as_user(client, commune, Role.COMMUNE_LEADER)
    url = reverse("petitions:reception_visit_reveal", args=[secret.pk])
    refused = client.post(url, {"reason": ""})
    assert PLANTED_NAME not in refused.content.decode() and refused.context["reveal_form"].errors
    response = client.post(url, {"reason": "Xác minh nội dung tố cáo"})
    assert PLANTED_NAME in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert LedgerEntry.objects.filter(action="petitions.identity_revealed").count() == 1
    assert (
        PLANTED_NAME
        not in client.get(reverse("petitions:reception_visit_detail", args=[secret.pk])).content.decode()
    )
    as_user(client, commune, Role.COMMUNE_OFFICER)
    assert client.post(url, {"reason": "Tò mò"}).status_code == 403


# ------------------------------------------------------------------------------------------- forms


def test_group_errors_are_shown_next_to_the_field(client, commune, officer, session):
    client.force_login(officer)
    response = client.post(
        reverse("petitions:reception_visit_add", args=[session.pk]),
        {
            "visitor_name": "Lê Văn Một",
            "kind": Kind.COMPLAINT,
            "content": "Đất đai",
            "persons": 8,
            "is_group": "on",
            "representatives": "Lê Văn Một\nHà Thị Hai\nVũ Văn Ba",
        },
    )
    assert response.status_code == 200 and not Visit.objects.exists()
    page = response.content.decode()
    assert 'id="id_representatives_error"' in page
    assert "Đoàn 8 người chỉ được cử tối đa 2 người đại diện" in page
    assert 'aria-invalid="true"' in page and "autofocus" in page


def test_a_petition_is_created_from_a_visit(client, commune, officer, visit):
    client.force_login(officer)
    response = client.post(reverse("petitions:reception_visit_petition", args=[visit.pk]), {"title": ""})
    assert response.status_code == 302
    visit.refresh_from_db()
    petition = Petition.objects.get()
    assert visit.petition == petition and petition.channel == "in_person"
    again = client.post(reverse("petitions:reception_visit_petition", args=[visit.pk]), {"title": ""})
    assert again.status_code == 200 and Petition.objects.count() == 1


def test_schedule_pages_add_edit_and_end(client, commune, officer):
    client.force_login(officer)
    assert "Chủ tịch UBND phải trực tiếp tiếp công dân" in client.get(SCHEDULES).content.decode()
    response = client.post(
        reverse("petitions:reception_schedule_add"),
        {
            "weekday": 1,
            "start_time": "07:30",
            "end_time": "11:00",
            "host_title": "Chủ tịch UBND xã",
            "host_is_head": "on",
            "location": "Phòng tiếp công dân",
        },
    )
    assert response.status_code == 302
    schedule = ReceptionSchedule.objects.get()
    assert schedule.host_is_head and client.get(SCHEDULES).context["head_ok"]
    bad = client.post(
        reverse("petitions:reception_schedule_edit", args=[schedule.pk]),
        {
            "weekday": 1,
            "start_time": "11:00",
            "end_time": "07:00",
            "host_title": "Chủ tịch",
            "location": "UBND",
        },
    )
    assert "Giờ kết thúc phải sau giờ bắt đầu." in bad.content.decode()
    response = client.post(
        reverse("petitions:reception_schedule_end", args=[schedule.pk]), {"valid_until": ""}
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.valid_until == timezone.localdate()  # blank: today is its last day


def test_a_session_is_recorded_from_its_schedule(client, commune, officer):
    schedule = reception.add_schedule(
        commune,
        actor=officer,
        weekday=1,
        start_time=time(8),
        end_time=time(11),
        host_title="Chủ tịch UBND xã",
        location="Phòng tiếp",
        host=officer,
        host_is_head=True,
    )
    client.force_login(officer)
    response = client.post(
        reverse("petitions:reception_session_add"),
        {"schedule": schedule.pk, "kind": "regular", "mode": "in_person", "date": "2026-11-17"},
    )
    session = ReceptionSession.objects.get()
    assert response.status_code == 302 and session.location == "Phòng tiếp" and session.host_is_head
    page = client.get(reverse("petitions:reception_session_detail", args=[session.pk])).content.decode()
    assert "Phòng tiếp" in page


# ------------------------------------------------------------------------------------------- import, export


def test_the_import_page_lists_every_row_error_and_writes_nothing(client, commune, officer):
    as_user(client, commune, Role.COMMUNE_LEADER)
    rows = good_rows()
    rows[0][1] = ""  # no date
    rows[1][8] = 12
    rows[1][9] = ""  # a group without representatives
    response = client.post(IMPORT, {"file": SimpleUploadedFile("so.xlsx", xlsx(rows))})
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert {e.line for e in errors} == {4, 5}
    page = response.content.decode()
    assert "2 lỗi" in page and "chưa nhập dữ liệu nào" in page
    assert not Visit.objects.exists()


def test_the_import_page_imports_a_good_book(client, commune):
    as_user(client, commune, Role.COMMUNE_OFFICER)
    response = client.post(IMPORT, {"file": SimpleUploadedFile("so.xlsx", xlsx(good_rows()))})
    assert response.status_code == 302 and response.url == BOOK
    assert Visit.objects.filter(unit=commune).count() == 3
    not_xlsx = client.post(IMPORT, {"file": SimpleUploadedFile("so.csv", b"a,b")})
    assert not_xlsx.context["form"].errors["file"] == ["Chỉ nhập được tệp .xlsx."]


def test_the_export_follows_the_filters(client, commune, officer):
    visit_in(session_of(commune, on=D(2026, 10, 1), actor=officer), actor=officer, content="Tháng mười")
    visit_in(session_of(commune, on=D(2026, 11, 17), actor=officer), actor=officer, content="Tháng mười một")
    client.force_login(officer)
    response = client.get(EXPORT, {"date_from": "2026-11-01"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert [row[4] for row in rows[1:]] == ["Tháng mười một"]
