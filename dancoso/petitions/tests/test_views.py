"""Staff pages of petitions: the inbox, intake, the case page and every workflow step through its form.

Each step has a happy path and a refusal: a refused step shows the service's message on the case page and
changes nothing (state, events, ledger). Helpers and fixtures here are shared by the other staff test files.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.core import calendar
from dancoso.core.models import Attachment, LedgerEntry
from dancoso.petitions import services
from dancoso.petitions.models import Channel, Kind, Petition, PetitionEvent, Sector, State
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("petitions:inbox")
CREATE = reverse("petitions:create")
EXPORT = reverse("petitions:export")
PERSON = {"name": "Trần Văn Khánh", "address": "Thôn Đông", "phone": "0987654321"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# ------------------------------------------------------------------------------------------------ helpers


@pytest.fixture
def tree(db):
    province = ProvinceFactory(name="Tỉnh Thử")
    commune = UnitFactory(parent=province, name="Xã An Khánh")
    return SimpleNamespace(
        province=province,
        commune=commune,
        village=VillageFactory(parent=commune, name="Thôn Đông"),
        other=UnitFactory(parent=province, name="Xã Bình Minh"),
    )


def user_with(unit, role=Role.COMMUNE_OFFICER, **extra):
    return MembershipFactory(unit=unit, role=role, **extra).user


def login(client, unit, role=Role.COMMUNE_OFFICER):
    user = user_with(unit, role)
    client.force_login(user)
    return user


def today():
    return timezone.localdate()


def make_petition(unit, **overrides):
    values = {
        "unit": unit,
        "kind": Kind.PROPOSAL,
        "channel": Channel.PAPER,
        "title": "Đường bê tông thôn Đông bị sạt lở",
        "content": "Đoạn đường bê tông qua thôn Đông bị sạt lở sau mưa lớn, đề nghị xã sửa chữa.",
        "petitioner": PERSON,
    }
    values.update(overrides)
    return services.submit_petition(**values)


def classified(unit, actor=None, **overrides):
    petition = make_petition(unit, **overrides)
    return services.classify_petition(petition, actor=actor, is_eligible=True, within_competence=True)


def outside_competence(unit, actor=None, **overrides):
    petition = make_petition(unit, **overrides)
    return services.classify_petition(petition, actor=actor, is_eligible=True, within_competence=False)


def accepted(unit, actor=None, **overrides):
    return services.accept_petition(classified(unit, actor, **overrides), actor=actor)


def resolved(unit, actor=None, **overrides):
    petition = accepted(unit, actor, **overrides)
    return services.resolve_petition(petition, actor=actor, outcome="Đã trả lời", decision_number="12/QĐ")


def action_url(name, petition):
    return reverse(f"petitions:{name}", kwargs={"pk": petition.pk})


def detail_url(petition):
    return reverse("petitions:detail", kwargs={"pk": petition.pk})


def prefixed(prefix, **data):
    return {f"{prefix}-{key}": value for key, value in data.items()}


def snapshot(petition):
    """What must not change when a step is refused."""
    petition.refresh_from_db()
    return (
        petition.state,
        petition.due_on,
        petition.handler_id,
        PetitionEvent.objects.filter(petition=petition).count(),
        LedgerEntry.objects.count(),
        Petition.objects.count(),
    )


def illegal_message(state):
    with override("vi"):
        return gettext("This step is not possible: the petition is “%(state)s”.") % {
            "state": State(state).label
        }


def shows(response, message) -> bool:
    return escape(str(message)) in response.content.decode()


def assert_refused(response, petition, before, message):
    assert response.status_code == 200
    assert shows(response, message), message
    assert snapshot(petition) == before


def pdf(name="don.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# ------------------------------------------------------------------------------------------------ inbox


def test_inbox_shows_open_petitions_most_urgent_first_with_labels(client, tree):
    user = login(client, tree.commune)
    late = make_petition(tree.commune, title="Đơn quá hạn", received_on=today() - timedelta(days=40))
    soon = make_petition(tree.commune, title="Đơn sắp đến hạn")
    Petition.objects.filter(pk=soon.pk).update(due_on=calendar.add_working_days(today(), 2, tree.commune))
    fresh = make_petition(tree.commune, title="Đơn mới")
    done = resolved(tree.commune, user, title="Đơn đã giải quyết")
    response = client.get(INBOX)
    assert response.status_code == 200
    rows = [row.petition.pk for row in response.context["page"].rows]
    assert rows == [late.pk, soon.pk, fresh.pk] and done.pk not in rows
    assert [row.urgency for row in response.context["page"].rows] == ["overdue", "soon", "ok"]
    assert response.context["counts"] == {"overdue": 1, "soon": 1}
    text = response.content.decode()
    with override("vi"):
        assert gettext("Overdue") in text and gettext("Due soon") in text
    assert "due-overdue" in text and "due-soon" in text


def test_inbox_buckets_and_filters(client, tree):
    user = login(client, tree.commune)
    land = Sector.objects.get(code="dat-dai")
    complaint = make_petition(tree.commune, kind=Kind.COMPLAINT, sector=land, title="Khiếu nại thu hồi đất")
    hotline = make_petition(tree.commune, channel=Channel.HOTLINE, title="Phản ánh rác thải")
    done = resolved(tree.commune, user, title="Kiến nghị đã trả lời")
    outside = outside_competence(tree.commune, user, title="Chuyển đơn")
    transferred = services.transfer_petition(outside, actor=user, to_body="Sở TN&MT", letter_number="5/CV")
    mine = make_petition(tree.commune, title="Đơn của tôi")
    services.assign_handler(mine, actor=user, handler=user)

    def codes(**params):
        return {row.petition.pk for row in client.get(INBOX, params).context["page"].rows}

    assert codes() == {complaint.pk, hotline.pk, mine.pk}
    assert codes(bucket="resolved") == {done.pk}
    assert codes(bucket="transferred") == {transferred.pk}
    assert codes(bucket="all") == {complaint.pk, hotline.pk, done.pk, transferred.pk, mine.pk}
    assert codes(kind=Kind.COMPLAINT) == {complaint.pk}
    assert codes(sector=land.pk) == {complaint.pk}
    assert codes(channel=Channel.HOTLINE) == {hotline.pk}
    assert codes(mine="on") == {mine.pk}
    assert codes(q="THU HOI DAT") == {complaint.pk}
    assert codes(q="thu hồi đất") == {complaint.pk}
    assert codes(q=hotline.tracking_code.replace("-", "").lower()) == {hotline.pk}


def test_inbox_is_limited_to_the_current_unit_subtree(client, tree):
    in_village = make_petition(tree.village, title="Đơn ở thôn")
    make_petition(tree.other, title="Đơn xã khác")
    user = login(client, tree.province, Role.PROVINCE_OFFICER)
    assert len(client.get(INBOX).context["page"].rows) == 2
    MembershipFactory(user=user, unit=tree.commune, role=Role.COMMUNE_OFFICER)
    session = client.session
    session["dancoso_current_unit"] = tree.commune.pk
    session.save()
    response = client.get(INBOX)
    assert [row.petition.pk for row in response.context["page"].rows] == [in_village.pk]
    assert "Đơn xã khác" not in response.content.decode()


def test_inbox_pages_by_fifty_without_counting_everything(client, tree):
    login(client, tree.commune)
    for _ in range(51):
        make_petition(tree.commune)
    first = client.get(INBOX).context["page"]
    assert len(first.rows) == 50 and first.has_next and not first.has_previous
    second = client.get(INBOX, {"page": 2}).context["page"]
    assert len(second.rows) == 1 and not second.has_next
    assert client.get(INBOX, {"page": "x"}).status_code == 200
    assert client.get(INBOX, {"page": "9" * 30}).context["page"].number == 10_000


def test_inbox_query_count_does_not_grow_with_rows(client, tree, django_assert_max_num_queries):
    user = login(client, tree.commune)
    handler = user_with(tree.commune, Role.COMMUNE_LEADER)
    land = Sector.objects.get(code="dat-dai")

    def add(n):
        for _ in range(n):
            petition = make_petition(tree.village, sector=land)
            services.assign_handler(petition, actor=user, handler=handler)

    add(5)
    with django_assert_max_num_queries(20) as few:
        response = client.get(INBOX)
    assert len(response.context["page"].rows) == 5
    add(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    assert len(response.context["page"].rows) == 50


def test_inbox_counts_are_bounded_range_queries(client, tree):
    """No COUNT(*) over every matching row: the page fetches 51 rows, and the two counts (one query, one
    sub-select each) read at most URGENCY_COUNT_CAP + 1 rows each, filtered on state and due_on (the columns of
    petitions_open_due_idx)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, tree.commune)
    make_petition(tree.commune)
    with CaptureQueriesContext(connection) as queries:
        client.get(INBOX)
    petition_queries = [q["sql"] for q in queries if 'FROM "petitions_petition"' in q["sql"]]
    assert len(petition_queries) == 2
    [counts] = [sql for sql in petition_queries if "COUNT(" in sql.upper()]
    subselects = counts.split("COUNT(*)")[1:]
    assert len(subselects) == 2
    for sql in subselects:
        assert '"due_on" <' in sql and '"state" IN' in sql and "LIMIT 1000" in sql


def test_inbox_says_when_a_count_is_capped(client, tree, monkeypatch):
    from dancoso.petitions import views

    monkeypatch.setattr(views, "URGENCY_COUNT_CAP", 2)
    login(client, tree.commune)
    for _ in range(4):
        make_petition(tree.commune, received_on=today() - timedelta(days=40))
    response = client.get(INBOX)
    assert response.context["counts"]["overdue"] == 3
    assert "2+" in response.content.decode()


# ------------------------------------------------------------------------------------------------ intake


def intake_data(**overrides):
    data = {
        "channel": Channel.PAPER,
        "kind": Kind.PROPOSAL,
        "received_on": today().isoformat(),
        "title": "Đề nghị lắp đèn đường",
        "content": "Đề nghị lắp đèn đường ở ngõ 3 thôn Đông.",
        "name": "Phạm Thị Hoa",
        "address": "Ngõ 3, thôn Đông",
        "phone": "0901 234 567",
        "signers": 1,
    }
    data.update(overrides)
    return data


def test_staff_intake_receives_a_paper_letter_with_attachments(client, tree):
    login(client, tree.commune)
    response = client.post(CREATE, intake_data(attachments=[pdf("don.pdf"), pdf("anh.pdf")]))
    petition = Petition.objects.get()
    assert response.status_code == 302 and response.url == detail_url(petition)
    assert petition.channel == Channel.PAPER and petition.petitioner_name == "Phạm Thị Hoa"
    assert petition.petitioner_phone == "0901234567" and petition.unit == tree.commune
    assert Attachment.objects.filter(object_id=str(petition.pk)).count() == 2
    page = client.get(response.url)
    assert petition.tracking_code in page.content.decode()


def test_staff_intake_transferred_in_needs_the_sender(client, tree):
    login(client, tree.commune)
    response = client.post(CREATE, intake_data(channel=Channel.TRANSFERRED_IN))
    assert response.status_code == 200 and Petition.objects.count() == 0
    assert response.context["form"].errors["transferred_from"]
    response = client.post(CREATE, intake_data(channel=Channel.TRANSFERRED_IN, transferred_from="UBND tỉnh"))
    assert response.status_code == 302
    assert Petition.objects.get().transferred_from == "UBND tỉnh"


def test_staff_intake_refuses_a_future_date_and_a_bad_file(client, tree):
    login(client, tree.commune)
    future = (today() + timedelta(days=1)).isoformat()
    response = client.post(CREATE, intake_data(received_on=future))
    assert response.context["form"].errors["received_on"]
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
    response = client.post(CREATE, intake_data(attachments=[bad]))
    assert response.context["form"].errors["attachments"]
    assert Petition.objects.count() == 0 and Attachment.objects.count() == 0


def test_staff_intake_of_a_denunciation_keeps_the_identity_apart(client, tree):
    login(client, tree.commune)
    client.post(CREATE, intake_data(kind=Kind.DENUNCIATION, channel=Channel.IN_PERSON))
    petition = Petition.objects.get()
    assert petition.is_confidential and petition.petitioner_name == "" and petition.petitioner_phone == ""
    assert petition.protected_identity is not None


def test_staff_intake_anonymous_and_service_errors_next_to_fields(client, tree):
    login(client, tree.commune)
    response = client.post(CREATE, intake_data(name="", anonymous=""))
    assert response.context["form"].errors["name"]
    response = client.post(CREATE, intake_data(phone="12345"))
    assert response.context["form"].errors["phone"] and Petition.objects.count() == 0
    response = client.post(CREATE, intake_data(name="", phone="", anonymous="on", channel=Channel.HOTLINE))
    assert response.status_code == 302 and Petition.objects.get().is_anonymous


@pytest.mark.parametrize("role", [Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER, Role.RESIDENT])
def test_staff_intake_needs_the_handle_permission(client, tree, role):
    login(client, tree.commune, role)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, intake_data()).status_code == 403
    assert Petition.objects.count() == 0


# ------------------------------------------------------------------------------------------------ case page


def test_case_page_shows_fields_deadlines_history_and_attachments(client, tree):
    user = login(client, tree.commune)
    petition = make_petition(tree.commune, kind=Kind.COMPLAINT, attachments=[pdf("quyet-dinh.pdf")])
    services.classify_petition(
        petition, actor=user, is_eligible=True, within_competence=True, note="Đủ điều kiện"
    )
    services.accept_petition(petition, actor=user)
    response = client.get(detail_url(petition))
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1
    text = response.content.decode()
    assert petition.tracking_code in text and "Trần Văn Khánh" in text and "0987654321" in text
    assert "Điều 28 Luật Khiếu nại 2011" in text  # the resolution period's legal basis
    assert "Đủ điều kiện" in text  # the reason of the classification event
    assert user.get_full_name() in text
    assert "quyet-dinh.pdf" in text
    entries = response.context["timeline"]
    assert [e.event.action for e in entries] == ["received", "classify", "accept"]
    assert entries[-1].event.due_after == Petition.objects.get(pk=petition.pk).due_on
    assert {a.action.name for a in response.context["action_forms"]} == {
        "start_verification",
        "extend",
        "resolve",
        "withdraw",
        "assign",
        "protect",
    }


def test_case_page_lists_only_the_steps_of_the_current_state(client, tree):
    user = login(client, tree.commune)
    petition = resolved(tree.commune, user)
    names = {a.action.name for a in client.get(detail_url(petition)).context["action_forms"]}
    assert names == {"close", "protect"}


def test_attachment_download_checks_the_petition(client, tree):
    petition = make_petition(tree.commune, attachments=[pdf()])
    file = Attachment.objects.get(object_id=str(petition.pk))
    url = reverse("petitions:attachment", kwargs={"pk": file.pk})
    login(client, tree.commune, Role.FRONT_OFFICER)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert "no-store" in response["Cache-Control"]
    client.force_login(user_with(tree.other))
    assert client.get(url).status_code == 404
    client.force_login(user_with(tree.commune, Role.RESIDENT))
    assert client.get(url).status_code == 404


def test_read_only_roles_see_the_case_but_no_steps(client, tree):
    petition = make_petition(tree.commune)
    login(client, tree.commune, Role.FRONT_OFFICER)
    response = client.get(detail_url(petition))
    assert response.status_code == 200 and response.context["action_forms"] == []
    before = snapshot(petition)
    response = client.post(action_url("not_process", petition), prefixed("not_process", reason="x"))
    assert response.status_code == 403 and snapshot(petition) == before


# ------------------------------------------------------------------------------------------------ steps


def classify_data(**overrides):
    data = {
        "kind": Kind.PROPOSAL,
        "is_eligible": "1",
        "within_competence": "1",
        "has_originals": "",
        "signers": 6,
        "complexity": "normal",
    }
    data.update(overrides)
    return prefixed("classify", **data)


def test_classify(client, tree):
    login(client, tree.commune)
    petition = make_petition(tree.commune)
    land = Sector.objects.get(code="dat-dai")
    response = client.post(action_url("classify", petition), classify_data(sector=land.pk, has_originals="1"))
    assert response.status_code == 302 and response.url == detail_url(petition)
    petition.refresh_from_db()
    assert petition.state == State.CLASSIFIED and petition.sector == land and petition.signers == 6
    assert petition.has_originals is True and petition.is_eligible is True


def test_classify_refused_after_resolution(client, tree):
    user = login(client, tree.commune)
    petition = resolved(tree.commune, user)
    before = snapshot(petition)
    response = client.post(action_url("classify", petition), classify_data())
    assert_refused(response, petition, before, illegal_message(State.RESOLVED))


def test_classify_form_errors_change_nothing(client, tree):
    login(client, tree.commune)
    petition = make_petition(tree.commune)
    before = snapshot(petition)
    response = client.post(action_url("classify", petition), classify_data(is_eligible="", signers=0))
    form = response.context["failed"][1]
    assert form.errors["is_eligible"] and form.errors["signers"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert snapshot(petition) == before


def split_data(*parts):
    data = {}
    for number, (kind, title) in enumerate(parts, start=1):
        data.update({f"kind_{number}": kind, f"title_{number}": title, f"content_{number}": f"{title}."})
    return prefixed("split", **data)


def test_split(client, tree):
    login(client, tree.commune)
    letter = make_petition(tree.commune, kind=Kind.MIXED)
    response = client.post(
        action_url("split", letter),
        split_data(
            (Kind.COMPLAINT, "Khiếu nại quyết định thu hồi đất"), (Kind.PROPOSAL, "Kiến nghị làm đường")
        ),
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == State.SPLIT
    assert sorted(letter.parts.values_list("kind", flat=True)) == [Kind.COMPLAINT, Kind.PROPOSAL]
    text = client.get(detail_url(letter)).content.decode()
    assert all(part.tracking_code in text for part in letter.parts.all())


def test_split_refused_with_one_part_and_after_acceptance(client, tree):
    user = login(client, tree.commune)
    letter = make_petition(tree.commune, kind=Kind.MIXED)
    before = snapshot(letter)
    response = client.post(action_url("split", letter), split_data((Kind.COMPLAINT, "Một phần")))
    assert response.context["failed"][1].errors
    assert snapshot(letter) == before
    petition = accepted(tree.commune, user)
    before = snapshot(petition)
    response = client.post(
        action_url("split", petition), split_data((Kind.COMPLAINT, "Phần 1"), (Kind.PROPOSAL, "Phần 2"))
    )
    assert_refused(response, petition, before, illegal_message(State.ACCEPTED))


def test_link_repeat(client, tree):
    login(client, tree.commune)
    earlier = make_petition(tree.commune)
    repeat = make_petition(tree.commune)
    response = client.post(
        action_url("link_repeat", repeat), prefixed("link_repeat", earlier=earlier.tracking_code.lower())
    )
    assert response.status_code == 302
    repeat.refresh_from_db()
    assert repeat.state == State.LINKED and repeat.linked_to == earlier
    assert repeat.tracking_code in client.get(detail_url(earlier)).content.decode()


def test_link_repeat_refused_for_unknown_or_foreign_code(client, tree):
    login(client, tree.commune)
    repeat = make_petition(tree.commune)
    foreign = make_petition(tree.other)
    before = snapshot(repeat)
    for code in ("ZZZZ-ZZZZ", foreign.tracking_code):
        response = client.post(action_url("link_repeat", repeat), prefixed("link_repeat", earlier=code))
        assert response.context["failed"][1].errors["earlier"]
        assert snapshot(repeat) == before


def test_accept(client, tree):
    login(client, tree.commune)
    petition = classified(tree.commune)
    response = client.post(
        action_url("accept", petition), prefixed("accept", accepted_on=today().isoformat())
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.ACCEPTED and petition.resolution_due is not None


def test_accept_refused_before_classification_and_when_ineligible(client, tree):
    user = login(client, tree.commune)
    petition = make_petition(tree.commune)
    before = snapshot(petition)
    data = prefixed("accept", accepted_on=today().isoformat())
    assert_refused(
        client.post(action_url("accept", petition), data), petition, before, illegal_message(State.RECEIVED)
    )
    services.classify_petition(petition, actor=user, is_eligible=False, within_competence=True)
    before = snapshot(petition)
    with override("vi"):
        message = gettext("Only an eligible petition can be accepted.")
    assert_refused(client.post(action_url("accept", petition), data), petition, before, message)


def test_transfer_with_a_letter_number_or_file(client, tree):
    login(client, tree.commune)
    petition = outside_competence(tree.commune)
    data = prefixed("transfer", to_body="Thanh tra tỉnh", transferred_on=today().isoformat())
    response = client.post(action_url("transfer", petition), {**data, "transfer-letter": pdf("cong-van.pdf")})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.TRANSFERRED and petition.transferred_to == "Thanh tra tỉnh"
    assert Attachment.objects.filter(object_id=str(petition.pk), original_name="cong-van.pdf").exists()


def test_transfer_refused_without_letter_and_after_acceptance(client, tree):
    user = login(client, tree.commune)
    petition = outside_competence(tree.commune)
    before = snapshot(petition)
    data = prefixed("transfer", to_body="Thanh tra tỉnh", transferred_on=today().isoformat())
    response = client.post(action_url("transfer", petition), data)
    assert response.context["failed"][1].errors["letter_number"] and snapshot(petition) == before
    petition = accepted(tree.commune, user)
    before = snapshot(petition)
    response = client.post(action_url("transfer", petition), {**data, "transfer-letter_number": "7/CV"})
    assert_refused(response, petition, before, illegal_message(State.ACCEPTED))


def test_guide(client, tree):
    login(client, tree.commune)
    petition = outside_competence(tree.commune)
    data = prefixed("guide", to_body="Tòa án nhân dân", guidance="Hướng dẫn khởi kiện tại tòa án.")
    assert client.post(action_url("guide", petition), data).status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.GUIDED


def test_guide_refused_after_acceptance(client, tree):
    user = login(client, tree.commune)
    petition = accepted(tree.commune, user)
    before = snapshot(petition)
    data = prefixed("guide", to_body="Tòa án", guidance="Hướng dẫn.")
    assert_refused(
        client.post(action_url("guide", petition), data), petition, before, illegal_message(State.ACCEPTED)
    )


def test_not_process(client, tree):
    login(client, tree.commune)
    petition = make_petition(tree.commune)
    data = prefixed("not_process", reason="Đơn trùng, đã hướng dẫn một lần.", refer_for_inspection="on")
    assert client.post(action_url("not_process", petition), data).status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.NOT_PROCESSED and petition.state_reason.startswith("Đơn trùng")


def test_not_process_refused_without_reason_and_after_acceptance(client, tree):
    user = login(client, tree.commune)
    petition = make_petition(tree.commune)
    before = snapshot(petition)
    response = client.post(action_url("not_process", petition), prefixed("not_process", reason=""))
    assert response.context["failed"][1].errors["reason"] and snapshot(petition) == before
    petition = accepted(tree.commune, user)
    before = snapshot(petition)
    response = client.post(action_url("not_process", petition), prefixed("not_process", reason="Lưu đơn"))
    assert_refused(response, petition, before, illegal_message(State.ACCEPTED))


def test_start_verification(client, tree):
    user = login(client, tree.commune)
    petition = accepted(tree.commune, user)
    response = client.post(
        action_url("start_verification", petition), prefixed("start_verification", note="Xác minh")
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.VERIFYING


def test_start_verification_refused_before_acceptance(client, tree):
    login(client, tree.commune)
    petition = classified(tree.commune)
    before = snapshot(petition)
    response = client.post(
        action_url("start_verification", petition), prefixed("start_verification", note="")
    )
    assert_refused(response, petition, before, illegal_message(State.CLASSIFIED))


def test_extend_a_denunciation(client, tree):
    user = login(client, tree.commune)
    petition = accepted(tree.commune, user, kind=Kind.DENUNCIATION)
    due = petition.resolution_due
    data = prefixed(
        "extend", complexity="very_complex", reason="Nhiều nội dung phức tạp", decision_number="3/QĐ"
    )
    assert client.post(action_url("extend", petition), data).status_code == 302
    petition.refresh_from_db()
    assert petition.extensions == 1 and petition.resolution_due > due
    assert "khoản 1 Điều 30 Luật Tố cáo 2018" in client.get(detail_url(petition)).content.decode()


def test_extend_refused_for_a_recommendation_and_without_decision(client, tree):
    user = login(client, tree.commune)
    petition = accepted(tree.commune, user)
    before = snapshot(petition)
    data = prefixed("extend", complexity="complex", reason="Phức tạp", decision_number="1/QĐ")
    with override("vi"):
        message = gettext("The law provides no extension for recommendations and reports.")
    assert_refused(client.post(action_url("extend", petition), data), petition, before, message)
    denunciation = accepted(tree.commune, user, kind=Kind.DENUNCIATION)
    before = snapshot(denunciation)
    response = client.post(action_url("extend", denunciation), {**data, "extend-decision_number": ""})
    assert response.context["failed"][1].errors["decision_number"] and snapshot(denunciation) == before


def test_resolve_with_a_document(client, tree):
    user = login(client, tree.commune)
    petition = accepted(tree.commune, user, kind=Kind.COMPLAINT)
    data = prefixed("resolve", outcome="Giữ nguyên quyết định", decision_number="45/QĐ-UBND")
    data.update({"resolve-resolved_on": today().isoformat(), "resolve-document": pdf("qd-45.pdf")})
    assert client.post(action_url("resolve", petition), data).status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.RESOLVED and petition.decision_number == "45/QĐ-UBND"
    assert petition.resolved_late is False
    assert Attachment.objects.filter(object_id=str(petition.pk), original_name="qd-45.pdf").exists()


def test_resolve_refused_without_decision_number(client, tree):
    user = login(client, tree.commune)
    petition = accepted(tree.commune, user, kind=Kind.COMPLAINT)
    before = snapshot(petition)
    data = prefixed("resolve", outcome="Kết luận", decision_number="", resolved_on=today().isoformat())
    response = client.post(action_url("resolve", petition), data)
    assert response.context["failed"][1].errors["decision_number"]
    assert snapshot(petition) == before and Attachment.objects.count() == 0


def test_close(client, tree):
    user = login(client, tree.commune)
    petition = resolved(tree.commune, user)
    assert client.post(action_url("close", petition), prefixed("close", note="Lưu hồ sơ")).status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.CLOSED


def test_close_refused_before_resolution(client, tree):
    user = login(client, tree.commune)
    petition = accepted(tree.commune, user)
    before = snapshot(petition)
    response = client.post(action_url("close", petition), prefixed("close", note=""))
    assert_refused(response, petition, before, illegal_message(State.ACCEPTED))


def test_withdraw(client, tree):
    login(client, tree.commune)
    petition = make_petition(tree.commune)
    data = prefixed("withdraw", reason="Đơn xin rút ngày hôm nay", withdrawn_on=today().isoformat())
    assert client.post(action_url("withdraw", petition), data).status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.WITHDRAWN


def test_withdraw_refused_after_resolution(client, tree):
    user = login(client, tree.commune)
    petition = resolved(tree.commune, user)
    before = snapshot(petition)
    data = prefixed("withdraw", reason="Rút đơn", withdrawn_on=today().isoformat())
    assert_refused(
        client.post(action_url("withdraw", petition), data), petition, before, illegal_message(State.RESOLVED)
    )


def test_assign(client, tree):
    login(client, tree.commune)
    handler = user_with(tree.commune, Role.COMMUNE_LEADER, title="Phó Chủ tịch")
    petition = make_petition(tree.commune)
    response = client.get(detail_url(petition))
    form = next(a.form for a in response.context["action_forms"] if a.action.name == "assign")
    choices = form.fields["handler"].queryset
    assert handler in choices
    assert (
        client.post(action_url("assign", petition), prefixed("assign", handler=handler.pk)).status_code == 302
    )
    petition.refresh_from_db()
    assert petition.handler == handler


def test_assign_refused_for_someone_who_cannot_handle_it(client, tree):
    login(client, tree.commune)
    petition = make_petition(tree.commune)
    before = snapshot(petition)
    for outsider in (user_with(tree.other), user_with(tree.commune, Role.FRONT_OFFICER)):
        response = client.post(action_url("assign", petition), prefixed("assign", handler=outsider.pk))
        assert response.context["failed"][1].errors["handler"]
        assert snapshot(petition) == before


def second_complaint_data(unit, **overrides):
    data = {
        "unit": unit.pk,
        "channel": Channel.PAPER,
        "received_on": today().isoformat(),
        "content": "Không đồng ý với quyết định giải quyết lần đầu.",
    }
    data.update(overrides)
    return prefixed("second_complaint", **data)


def test_second_complaint_goes_to_a_unit_the_user_may_handle(client, tree):
    user = login(client, tree.province, Role.PROVINCE_OFFICER)
    original = resolved(tree.commune, user, kind=Kind.COMPLAINT)
    page = client.get(detail_url(original))
    form = next(a.form for a in page.context["action_forms"] if a.action.name == "second_complaint")
    units = list(form.fields["unit"].queryset)
    assert tree.province in units and tree.commune not in units and tree.village not in units
    response = client.post(action_url("second_complaint", original), second_complaint_data(tree.province))
    appeal = Petition.objects.get(appeal_of=original)
    assert response.status_code == 302 and response.url == detail_url(appeal)
    assert appeal.instance == 2 and appeal.unit == tree.province
    assert appeal.tracking_code in client.get(detail_url(original)).content.decode()


def test_second_complaint_refused_for_a_recommendation_or_the_same_unit(client, tree):
    user = login(client, tree.province, Role.PROVINCE_OFFICER)
    proposal = resolved(tree.commune, user)
    before = snapshot(proposal)
    with override("vi"):
        message = gettext("Only a first-instance complaint can be appealed.")
    response = client.post(action_url("second_complaint", proposal), second_complaint_data(tree.province))
    assert_refused(response, proposal, before, message)
    complaint = resolved(tree.commune, user, kind=Kind.COMPLAINT)
    before = snapshot(complaint)
    response = client.post(action_url("second_complaint", complaint), second_complaint_data(tree.commune))
    assert response.context["failed"][1].errors["unit"] and snapshot(complaint) == before


def test_protect_identity(client, tree):
    login(client, tree.commune)
    petition = make_petition(tree.commune)
    data = prefixed("protect", reason="Người gửi đề nghị giữ bí mật")
    assert client.post(action_url("protect", petition), data).status_code == 302
    petition.refresh_from_db()
    assert petition.is_confidential and petition.petitioner_name == ""
    assert "Trần Văn Khánh" not in client.get(detail_url(petition)).content.decode()


def test_protect_identity_needs_a_reason(client, tree):
    login(client, tree.commune)
    petition = make_petition(tree.commune)
    before = snapshot(petition)
    response = client.post(action_url("protect", petition), prefixed("protect", reason=""))
    assert response.context["failed"][1].errors["reason"] and snapshot(petition) == before


def test_get_on_a_step_is_not_allowed(client, tree):
    login(client, tree.commune)
    petition = make_petition(tree.commune)
    assert client.get(action_url("accept", petition)).status_code == 405


def test_duplicate_suggestion_links_as_repeat_from_the_case_page(client, tree):
    login(client, tree.commune)
    earlier = make_petition(tree.commune)
    repeat = make_petition(tree.commune)
    page = client.get(detail_url(repeat))
    assert [s.petition for s in page.context["suggestions"]] == [earlier]
    assert f'name="link_repeat-earlier" value="{earlier.tracking_code}"' in page.content.decode()
    client.post(action_url("link_repeat", repeat), prefixed("link_repeat", earlier=earlier.tracking_code))
    repeat.refresh_from_db()
    assert repeat.linked_to == earlier


def test_a_suggestion_from_another_unit_of_the_commune_cannot_be_linked_from_the_page(client, tree):
    login(client, tree.commune)
    in_village = make_petition(tree.village)
    repeat = make_petition(tree.commune)
    page = client.get(detail_url(repeat))
    assert [s.petition for s in page.context["suggestions"]] == [in_village]
    assert f'value="{in_village.tracking_code}"' not in page.content.decode()
