"""Staff pages of disclosure: the list, a new item (published or a draft, with its channel rows), the item's page
with its versions and every step, the plan, the quarterly list and the internal items of one's own units.

Each step has a happy path and a refusal: a refused step shows a Vietnamese message next to its field and
changes nothing (rows, ledger). Fixtures and helpers here are shared by test_rules.py.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.core.models import Attachment, LedgerEntry
from dancoso.disclosure import legal, services
from dancoso.disclosure.models import (
    Category,
    Channel,
    DisclosurePlan,
    PlanItem,
    Posting,
    Publication,
    PublicationVersion,
)
from dancoso.disclosure.services import PostingSpec
from dancoso.portal.tests import test_browser
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

live_server = test_browser.live_server  # the phone test's fixtures
browser_page = test_browser.browser_page

LIST = reverse("disclosure:list")
CREATE = reverse("disclosure:create")
PLAN = reverse("disclosure:plan")
QUARTERLY = reverse("disclosure:quarterly")
INTERNAL = reverse("disclosure:internal")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# ------------------------------------------------------------------------------------------------ helpers


@pytest.fixture
def tree(db):
    province = ProvinceFactory(name="Tỉnh Thử")
    commune = UnitFactory(parent=province, name="Xã An Khánh")
    other = UnitFactory(parent=province, name="Xã Bình Minh")
    agency = UnitFactory(kind=UnitKind.AGENCY, parent=province, name="Sở Nội vụ")
    return SimpleNamespace(
        province=province,
        commune=commune,
        dong=VillageFactory(parent=commune, name="Thôn Đông"),
        tay=VillageFactory(parent=commune, name="Thôn Tây"),
        other=other,
        other_village=VillageFactory(parent=other, name="Thôn Bắc"),
        agency=agency,
        other_agency=UnitFactory(kind=UnitKind.ENTERPRISE, parent=province, name="Công ty Điện lực"),
    )


def user_with(unit, role=Role.COMMUNE_OFFICER):
    return MembershipFactory(unit=unit, role=role).user


def login(client, unit, role=Role.COMMUNE_OFFICER):
    user = user_with(unit, role)
    client.force_login(user)
    return user


def today():
    return timezone.localdate()


def category(code="xa-02-ngan-sach"):
    return Category.objects.get(code=code)


def publish(unit, **extra):
    values = {
        "unit": unit,
        "category": category(),
        "title": "Dự toán ngân sách xã năm 2026",
        "body": "Tổng thu 12,5 tỷ đồng; tổng chi 12,5 tỷ đồng.",
        "decision_date": today() - timedelta(days=2),
        "document_number": "15/NQ-HĐND",
        "actor": None,
    }
    values.update(extra)
    return services.create_publication(**values)


def internal(unit, **extra):
    values = {"category": category("co-quan-04-nhan-su"), "title": "Kế hoạch tuyển dụng công chức năm 2026"}
    if unit.kind == UnitKind.ENTERPRISE:
        values["category"] = category("doanh-nghiep-03-lao-dong")
    values.update(extra)
    return publish(unit, **values)


def png(name="bang-tin.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name="nghi-quyet.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def detail_url(publication):
    return reverse("disclosure:detail", kwargs={"pk": publication.pk})


def step_url(name, obj):
    return reverse(f"disclosure:{name}", kwargs={"pk": obj.pk})


def vi(message, **values):
    with override("vi"):
        text = gettext(message)
    return text % values if values else text


def shows(response, message) -> bool:
    return escape(str(message)) in response.content.decode()


def snapshot():
    """What must not change when a step is refused."""
    return (
        list(Publication.objects.order_by("pk").values()),
        PublicationVersion.objects.count(),
        list(Posting.objects.order_by("pk").values()),
        list(PlanItem.objects.order_by("pk").values()),
        list(DisclosurePlan.objects.order_by("pk").values()),
        LedgerEntry.objects.count(),
    )


def management(prefix, total, initial=None):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(total if initial is None else initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }


def rows(prefix, *rows_):
    data = management(prefix, len(rows_))
    for index, row in enumerate(rows_):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def new_item(**extra):
    data = {
        "category": category().pk,
        "decision_date": (today() - timedelta(days=2)).isoformat(),
        "title": "Dự toán ngân sách xã năm 2026",
        "document_number": "15/NQ-HĐND",
        "body": "Tổng thu 12,5 tỷ đồng.",
        "action": "publish",
        **management("postings", 0),
    }
    data.update(extra)
    return data


# ------------------------------------------------------------------------------------------------ list


def test_the_list_shows_the_units_items_drafts_first_in_vietnamese(client, tree):
    login(client, tree.commune)
    published = publish(tree.commune)
    draft = publish(tree.commune, title="Quyết toán ngân sách năm 2025", publish=False)
    publish(tree.other, title="Dự toán của xã khác")
    response = client.get(LIST)
    assert response.status_code == 200
    rows_ = response.context["page"].rows
    assert rows_ == [draft, published]
    page = response.content.decode()
    assert "Công khai của Xã An Khánh" in page
    assert "Dự toán của xã khác" not in page
    assert escape(vi("Draft")) in page and published.code in page


def test_the_list_filters_by_category_state_audience_and_searches_without_accents(client, tree):
    login(client, tree.commune)
    budget = publish(tree.commune)
    poor = publish(tree.commune, title="Danh sách hộ nghèo năm 2026", category=category("xa-07-an-sinh"))
    draft = publish(tree.commune, title="Quyết toán 2025", publish=False)

    def listed(**params):
        return client.get(LIST, params).context["page"].rows

    assert listed(category=category("xa-07-an-sinh").pk) == [poor]
    assert listed(state="draft") == [draft]
    assert set(listed(state="published")) == {budget, poor}
    assert listed(audience="internal") == []
    assert listed(q="ho ngheo") == [poor]
    assert listed(q=budget.code.lower().replace("-", " ")) == [budget]


def test_the_list_query_count_does_not_grow_with_rows(client, tree, django_assert_max_num_queries):
    login(client, tree.commune)
    publish(tree.commune)
    with django_assert_max_num_queries(8) as few:
        client.get(LIST)
    for number in range(20):
        publish(tree.commune, title=f"Khoản huy động {number}", category=category("xa-05-huy-dong"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page"].rows) == 21


def test_the_list_is_paged(client, tree):
    login(client, tree.commune)
    for number in range(51):
        publish(tree.commune, title=f"Khoản phí {number}", publish=False)
    first = client.get(LIST).context["page"]
    assert len(first.rows) == 50 and first.has_next
    second = client.get(LIST, {"page": 2}).context["page"]
    assert len(second.rows) == 1 and not second.has_next


def test_a_role_without_staff_rights_gets_a_way_to_its_internal_items(client, tree):
    login(client, tree.agency, Role.RESIDENT)
    response = client.get(LIST)
    assert response.status_code == 403
    assert INTERNAL in response.content.decode()


# ------------------------------------------------------------------------------------------------ create


def test_an_item_is_published_with_its_channels(client, tree):
    user = login(client, tree.commune)
    start = today().isoformat()
    end = (today() + timedelta(days=29)).isoformat()
    data = new_item(
        attachments=[pdf()],
        **rows(
            "postings",
            {"channel": "seat_board", "start_on": start, "end_on": end},
            {"channel": "village_board", "place": tree.dong.pk, "start_on": start, "end_on": end},
            {"channel": ""},
        ),
    )
    response = client.post(CREATE, data)
    publication = Publication.objects.get()
    assert response.status_code == 302 and response.url == detail_url(publication)
    assert publication.state == "published" and publication.created_by == user
    channels = sorted(Posting.objects.filter(publication=publication).values_list("channel", "place__name"))
    assert channels == [("portal", None), ("seat_board", None), ("village_board", "Thôn Đông")]
    version = publication.current_version
    assert [a.original_name for a in services.version_attachments(version)] == ["nghi-quyet.pdf"]
    page = client.get(response.url).content.decode()
    assert version.content_digest in page and "nghi-quyet.pdf" in page
    assert escape(vi("%(code)s was published on the portal.", code=publication.code)) in page


def test_an_item_is_kept_as_a_draft_without_channels(client, tree):
    login(client, tree.commune)
    data = new_item(action="draft", **rows("postings", {"channel": "seat_board", "start_on": "bad"}))
    response = client.post(CREATE, data)
    draft = Publication.objects.get()
    assert response.status_code == 302
    assert draft.state == "draft" and draft.disclosed_on is None and not Posting.objects.exists()


def test_bad_input_is_reported_next_to_each_field_and_nothing_is_written(client, tree):
    login(client, tree.commune)
    before = snapshot()
    data = new_item(
        title="",
        decision_date=(today() + timedelta(days=3)).isoformat(),
        **rows(
            "postings",
            {"channel": "village_board", "start_on": today().isoformat()},
            {
                "channel": "seat_board",
                "start_on": today().isoformat(),
                "end_on": (today() - timedelta(days=1)).isoformat(),
            },
            {"place_text": "Nhóm Zalo thôn"},
        ),
    )
    response = client.post(CREATE, data)
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert form.errors["title"] == [vi("Give the title of what is disclosed.")]
    assert shows(response, vi("Give the title of what is disclosed."))
    assert formset.forms[0].errors["place"] == [vi("Choose the village (thôn, tổ dân phố).")]
    assert formset.forms[1].errors["end_on"] == [vi("The last day cannot be before the first.")]
    assert formset.forms[2].errors["channel"] == [vi("Choose the channel.")]
    assert snapshot() == before


def test_the_service_refusal_lands_on_its_field(client, tree):
    login(client, tree.commune)
    before = snapshot()
    response = client.post(CREATE, new_item(decision_date=(today() + timedelta(days=3)).isoformat()))
    assert response.context["form"].errors["decision_date"] == [
        vi("The date of the decision cannot be in the future.")
    ]
    assert snapshot() == before


def test_a_channel_row_cannot_start_before_the_decision_or_name_another_communes_village(client, tree):
    login(client, tree.commune)
    before = snapshot()
    decided = today() - timedelta(days=2)
    data = new_item(
        **rows(
            "postings",
            {"channel": "seat_board", "start_on": (decided - timedelta(days=1)).isoformat()},
            {"channel": "village_board", "place": tree.other_village.pk, "start_on": today().isoformat()},
        )
    )
    response = client.post(CREATE, data)
    formset = response.context["formset"]
    assert formset.forms[0].errors["start_on"] == [
        vi("It cannot be made known before the decision was taken.")
    ]
    assert "place" in formset.forms[1].errors  # not one of the choices
    assert snapshot() == before


def test_a_file_of_the_wrong_kind_is_refused(client, tree):
    login(client, tree.commune)
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x00\x00\x00\x00" * 20, content_type="application/pdf")
    response = client.post(CREATE, new_item(attachments=[bad]))
    assert response.status_code == 200 and "attachments" in response.context["form"].errors
    assert not Publication.objects.exists()


def test_the_channels_the_law_asks_are_filled_in_and_nothing_is_written(client, tree):
    login(client, tree.commune)
    before = snapshot()
    data = {
        "action": "suggest",
        "category": category("xa-07-an-sinh").pk,
        "decision_date": (today() - timedelta(days=1)).isoformat(),
        "title": "Danh sách hộ nghèo",
    }
    response = client.post(CREATE, data)
    assert response.status_code == 200
    formset = response.context["formset"]
    initial = [(row.get("channel"), row.get("place")) for row in formset.initial]
    # Item 7: seat board, each village's board, the loudspeaker, each village head (Art. 13.2, 13.3).
    assert initial == [
        ("seat_board", None),
        ("village_board", tree.dong.pk),
        ("village_board", tree.tay.pk),
        ("loudspeaker", None),
        ("village_head", tree.dong.pk),
        ("village_head", tree.tay.pk),
        (None, None),
    ]
    seat = formset.initial[0]
    assert (seat["end_on"] - seat["start_on"]).days == 29  # 30 days, both ends counted
    assert response.context["form"].initial["title"] == "Danh sách hộ nghèo"
    assert snapshot() == before


def test_htmx_refills_the_channel_rows_when_the_category_changes(client, tree):
    login(client, tree.commune)
    page = client.get(CREATE).content.decode()
    assert 'hx-post="/staff/disclosure/new/"' in page and 'hx-select="#postings"' in page
    response = client.post(
        CREATE,
        {"action": "suggest", "category": category("xa-04-quy-che").pk, "decision_date": ""},
        HTTP_HX_REQUEST="true",
    )
    initial = response.context["formset"].initial
    assert initial[0]["channel"] == "seat_board" and initial[0]["end_on"] is None  # permanent (Art. 13.1)
    assert 'id="postings"' in response.content.decode()


def test_a_workplace_chooses_the_audience_and_a_commune_does_not(client, tree):
    login(client, tree.commune)
    assert "audience" not in client.get(CREATE).context["form"].fields
    client.force_login(user_with(tree.agency, Role.WORKPLACE_OFFICER))
    form = client.get(CREATE).context["form"]
    assert "audience" in form.fields
    assert {c.regime for c in form.fields["category"].queryset} == {"agency"}
    choices = [
        value for value, _label in client.get(CREATE).context["formset"].forms[0].fields["channel"].choices
    ]
    assert "loudspeaker" not in choices and "village_board" not in choices


def test_a_province_does_not_disclose_by_itself(client, tree):
    login(client, tree.province, Role.SYSTEM_ADMIN)
    response = client.get(CREATE)
    assert response.status_code == 200 and response.context["no_regime"]


# ------------------------------------------------------------------------------------------------ item page


def test_the_item_page_shows_versions_postings_and_what_the_law_asks(client, tree):
    login(client, tree.commune)
    publication = publish(
        tree.commune,
        attachments=[pdf()],
        postings=[PostingSpec(Channel.SEAT_BOARD, today(), today() + timedelta(days=29))],
    )
    response = client.get(detail_url(publication))
    assert response.status_code == 200
    checks = {check.requirement.channel: check for check in response.context["checks"]}
    assert checks["seat_board"].covered and not checks["village_board"].covered
    assert checks["village_board"].detail == "Thôn Đông, Thôn Tây"
    page = response.content.decode()
    assert publication.current_version.content_digest in page
    assert escape(vi("not confirmed yet")) in page


def test_the_item_page_query_count_does_not_grow_with_postings(client, tree, django_assert_max_num_queries):
    login(client, tree.commune)
    publication = publish(tree.commune)
    with django_assert_max_num_queries(15) as few:
        client.get(detail_url(publication))
    for village in (tree.dong, tree.tay):
        for channel in (Channel.VILLAGE_BOARD, Channel.VILLAGE_HEAD):
            services.add_posting(publication, PostingSpec(channel, today(), place=village), actor=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(detail_url(publication))


def test_a_draft_is_published_with_its_channels(client, tree):
    login(client, tree.commune)
    draft = publish(tree.commune, publish=False)
    page = client.get(detail_url(draft))
    assert page.context["steps"]["publish_postings"].initial[0]["channel"] == "seat_board"
    data = {
        "publish-on": today().isoformat(),
        **rows("publish-postings", {"channel": "seat_board", "start_on": today().isoformat()}),
    }
    response = client.post(step_url("publish", draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published" and draft.disclosed_on == today()
    assert set(Posting.objects.filter(publication=draft).values_list("channel", flat=True)) == {
        "portal",
        "seat_board",
    }


def test_publishing_a_draft_with_a_bad_row_changes_nothing(client, tree):
    login(client, tree.commune)
    draft = publish(tree.commune, publish=False)
    before = snapshot()
    data = {
        "publish-on": today().isoformat(),
        **rows("publish-postings", {"channel": "village_board", "start_on": today().isoformat()}),
    }
    response = client.post(step_url("publish", draft), data)
    assert response.status_code == 200
    assert shows(response, vi("Choose the village (thôn, tổ dân phố)."))
    assert snapshot() == before


def test_a_revision_is_a_new_version_and_needs_what_changed(client, tree):
    login(client, tree.commune)
    publication = publish(tree.commune, attachments=[pdf()])
    data = {
        "revise-title": "Dự toán ngân sách xã năm 2026 (điều chỉnh)",
        "revise-decision_date": today().isoformat(),
        "revise-body": "Tổng thu 13 tỷ đồng.",
        "revise-change_note": "",
        "revise-keep_attachments": "on",
    }
    before = snapshot()
    refused = client.post(step_url("revise", publication), data)
    assert refused.status_code == 200 and shows(refused, vi("Say what changed."))
    assert snapshot() == before
    data["revise-change_note"] = "Điều chỉnh dự toán theo Nghị quyết 20"
    response = client.post(step_url("revise", publication), data)
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.version_count == 2 and publication.title.endswith("(điều chỉnh)")
    assert [a.original_name for a in services.version_attachments(publication.current_version)] == [
        "nghi-quyet.pdf"
    ]
    page = client.get(detail_url(publication)).content.decode()
    assert "Điều chỉnh dự toán theo Nghị quyết 20" in page
    assert "Tổng thu 12,5 tỷ đồng" in page  # the first version stays readable


def test_a_posting_is_added_and_a_village_of_another_commune_is_refused(client, tree):
    login(client, tree.commune)
    publication = publish(tree.commune)
    data = {
        "posting-channel": "village_board",
        "posting-place": tree.tay.pk,
        "posting-start_on": today().isoformat(),
    }
    assert client.post(step_url("add_posting", publication), data).status_code == 302
    assert Posting.objects.filter(publication=publication, place=tree.tay).exists()
    before = snapshot()
    data["posting-place"] = tree.other_village.pk
    response = client.post(step_url("add_posting", publication), data)
    assert response.status_code == 200 and "place" in response.context["failed_form"].errors
    data = {"posting-channel": "loudspeaker", "posting-start_on": (today() + timedelta(days=400)).isoformat()}
    response = client.post(step_url("add_posting", publication), data)
    assert shows(response, vi("The first day is more than a year away."))
    assert snapshot() == before


def test_a_notice_board_is_confirmed_with_a_photo_shown_through_a_checked_view(client, tree):
    user = login(client, tree.commune)
    publication = publish(tree.commune, postings=[PostingSpec(Channel.SEAT_BOARD, today())])
    board = Posting.objects.get(publication=publication, channel="seat_board")
    url = step_url("confirm_posting", board)
    before = snapshot()
    refused = client.post(url, {f"confirm-{board.pk}-note": "Đã dán"})
    assert refused.status_code == 200
    assert shows(refused, vi("Attach a photo of the notice board as proof."))
    assert snapshot() == before
    not_an_image = client.post(url, {f"confirm-{board.pk}-photo": pdf()})
    assert "photo" in not_an_image.context["failed_form"].errors and snapshot() == before
    response = client.post(url, {f"confirm-{board.pk}-photo": png(), f"confirm-{board.pk}-note": "Đã dán"})
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.is_confirmed and board.confirmed_by == user and board.proof.media_type == "image/png"
    photo = client.get(reverse("disclosure:attachment", kwargs={"pk": board.proof_id}))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG
    client.force_login(user_with(tree.other))
    assert client.get(reverse("disclosure:attachment", kwargs={"pk": board.proof_id})).status_code == 404


def test_the_day_a_notice_was_taken_down_is_recorded(client, tree):
    login(client, tree.commune)
    publication = publish(
        tree.commune, postings=[PostingSpec(Channel.SEAT_BOARD, today() - timedelta(days=1))]
    )
    board = Posting.objects.get(publication=publication, channel="seat_board")
    url = step_url("end_posting", board)
    before = snapshot()
    refused = client.post(url, {f"end-{board.pk}-taken_down_on": (today() + timedelta(days=2)).isoformat()})
    assert shows(refused, vi("The date cannot be in the future.")) and snapshot() == before
    response = client.post(
        url, {f"end-{board.pk}-taken_down_on": today().isoformat(), f"end-{board.pk}-reason": "Mưa"}
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.taken_down_on == today()


def test_an_item_is_withdrawn_with_a_reason(client, tree):
    login(client, tree.commune)
    publication = publish(tree.commune)
    before = snapshot()
    refused = client.post(step_url("withdraw", publication), {"withdraw-reason": "  "})
    assert shows(refused, vi("Give the reason for withdrawing it.")) and snapshot() == before
    response = client.post(step_url("withdraw", publication), {"withdraw-reason": "Đăng nhầm"})
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.state == "withdrawn" and publication.withdrawal_reason == "Đăng nhầm"
    page = client.get(detail_url(publication))
    assert "Đăng nhầm" in page.content.decode() and "revise" not in page.context["steps"]


def test_an_item_is_linked_to_the_plan_item_it_fulfils(client, tree):
    login(client, tree.commune)
    plan = services.create_plan(tree.commune, today().year, actor=None)
    item = services.save_plan_item(
        plan,
        actor=None,
        category=category(),
        content="Dự toán ngân sách",
        channels=["portal"],
        due_on=today().replace(month=12, day=31),
        duration_days=30,
        responsible="Kế toán",
    )
    other_plan = services.create_plan(tree.other, today().year, actor=None)
    foreign = services.save_plan_item(other_plan, actor=None, **{**PlanItemValues, "due_on": item.due_on})
    publication = publish(tree.commune)
    assert client.post(step_url("link_plan", publication), {"plan-plan_item": item.pk}).status_code == 302
    publication.refresh_from_db()
    assert publication.plan_item == item
    assert LedgerEntry.objects.filter(action="disclosure.plan_linked").exists()
    before = snapshot()
    response = client.post(step_url("link_plan", publication), {"plan-plan_item": foreign.pk})
    assert response.status_code == 200 and "plan_item" in response.context["failed_form"].errors
    assert snapshot() == before


PlanItemValues = {
    "category": None,
    "content": "Kế hoạch phát triển kinh tế - xã hội",
    "channels": ["portal", "seat_board"],
    "duration_days": 30,
    "responsible": "Văn phòng - Thống kê",
}


@pytest.fixture(autouse=True)
def _plan_item_category(db):
    if not Category.objects.exists():  # a committing test (the phone one) runs after another one's flush
        Category.objects.bulk_create(Category(**row) for row in legal.CATEGORIES)
    PlanItemValues["category"] = Category.objects.get(code="xa-01-ke-hoach")


# ------------------------------------------------------------------------------------------------ plan


def test_the_plan_is_started_filled_and_shows_fulfilled_and_overdue_lines(client, tree):
    login(client, tree.commune)
    year = today().year
    assert client.get(PLAN).context["plan"] is None
    assert client.post(reverse("disclosure:plan_create"), {"year": year}).status_code == 302
    plan = DisclosurePlan.objects.get(unit=tree.commune, year=year)
    add = step_url("plan_item_add", plan)
    line = {
        "item-category": category().pk,
        "item-content": "Dự toán ngân sách năm",
        "item-channels": ["portal", "seat_board"],
        "item-due_on": (today() - timedelta(days=1)).isoformat(),
        "item-duration_days": "30",
        "item-responsible": "Kế toán - ngân sách",
    }
    assert client.post(add, line).status_code == 302
    late_line = {
        **line,
        "item-content": "Quyết toán ngân sách",
        "item-due_on": (today() - timedelta(days=1)).isoformat(),
    }
    assert client.post(add, late_line).status_code == 302
    first = PlanItem.objects.get(content="Dự toán ngân sách năm")
    publish(tree.commune, plan_item=first)
    response = client.get(PLAN)
    statuses = {line.item.content: line.status for line in response.context["lines"]}
    assert statuses == {"Dự toán ngân sách năm": "fulfilled", "Quyết toán ngân sách": "overdue"}
    assert response.context["counts"] == {"fulfilled": 1, "overdue": 1}


def test_the_plan_page_query_count_does_not_grow_with_lines(client, tree, django_assert_max_num_queries):
    login(client, tree.commune)
    plan = services.create_plan(tree.commune, today().year, actor=None)
    first = services.save_plan_item(plan, actor=None, **{**PlanItemValues, "due_on": today()})
    publish(tree.commune, plan_item=first)
    with django_assert_max_num_queries(10) as few:
        client.get(PLAN)
    for number in range(10):
        line = services.save_plan_item(
            plan, actor=None, **{**PlanItemValues, "content": f"Dòng {number}", "due_on": today()}
        )
        publish(tree.commune, title=f"Thông tin {number}", plan_item=line)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PLAN)
    assert len(response.context["lines"]) == 11 and response.context["counts"]["fulfilled"] == 11


def test_a_bad_plan_line_is_refused_with_its_message(client, tree):
    login(client, tree.commune)
    plan = services.create_plan(tree.commune, today().year, actor=None)
    before = snapshot()
    line = {
        "item-category": category().pk,
        "item-content": "Dự toán",
        "item-channels": ["portal"],
        "item-due_on": f"{today().year + 1}-01-15",
        "item-responsible": "",
    }
    response = client.post(step_url("plan_item_add", plan), line)
    assert response.status_code == 200
    errors = response.context["failed_form"].errors
    assert errors["responsible"] == [vi("Say who is responsible.")]
    assert shows(response, vi("Say who is responsible."))
    line["item-responsible"] = "Kế toán"
    response = client.post(step_url("plan_item_add", plan), line)
    assert response.context["failed_form"].errors["due_on"] == [vi("Give a day within the plan's year.")]
    assert snapshot() == before


def test_a_plan_line_is_edited_and_removed(client, tree):
    login(client, tree.commune)
    plan = services.create_plan(tree.commune, today().year, actor=None)
    item = services.save_plan_item(plan, actor=None, **{**PlanItemValues, "due_on": today()})
    url = step_url("plan_item_edit", item)
    form = client.get(url).context["form"]
    assert form.initial["content"] == item.content
    data = {
        "category": PlanItemValues["category"].pk,
        "content": "Kế hoạch năm (sửa)",
        "channels": ["portal"],
        "due_on": today().isoformat(),
        "responsible": "Văn phòng",
    }
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.content == "Kế hoạch năm (sửa)" and item.channels == ["portal"]
    assert client.post(step_url("plan_item_remove", item)).status_code == 302
    assert not PlanItem.objects.exists()
    assert LedgerEntry.objects.filter(action="disclosure.plan_item_removed").exists()


def test_the_leader_approves_the_plan(client, tree):
    plan = services.create_plan(tree.commune, today().year, actor=None)
    services.save_plan_item(plan, actor=None, **{**PlanItemValues, "due_on": today()})
    login(client, tree.commune, Role.COMMUNE_OFFICER)
    assert client.post(step_url("plan_approve", plan), {"approve-document_number": "1/KH"}).status_code == 403
    leader = login(client, tree.commune, Role.COMMUNE_LEADER)
    before = snapshot()
    refused = client.post(step_url("plan_approve", plan), {"approve-approved_on": today().isoformat()})
    assert (
        shows(refused, vi("Give the number and symbol of the approving document.")) and snapshot() == before
    )
    data = {"approve-document_number": "25/KH-UBND", "approve-approved_on": today().isoformat()}
    assert client.post(step_url("plan_approve", plan), data).status_code == 302
    plan.refresh_from_db()
    assert plan.state == "approved" and plan.approved_by == leader and plan.document_number == "25/KH-UBND"


def test_a_province_sees_the_plans_of_its_communes(client, tree):
    services.create_plan(tree.commune, today().year, actor=None)
    login(client, tree.province, Role.PROVINCE_OFFICER)
    response = client.get(PLAN)
    assert [plan.unit for plan in response.context["subtree_plans"]] == [tree.commune]
    assert client.get(step_url("plan_detail", response.context["subtree_plans"][0])).status_code == 200


# ------------------------------------------------------------------------------------------------ quarterly list


def test_the_quarterly_list_is_made_for_a_quarter_that_has_ended(client, tree):
    login(client, tree.commune)
    publish(tree.commune, decision_date=today() - timedelta(days=120), on=today() - timedelta(days=118))
    before = snapshot()
    refused = client.post(QUARTERLY, {"quarter": f"{today().year + 1}-1"})
    assert refused.status_code == 200 and "quarter" in refused.context["form"].errors
    assert snapshot() == before
    quarter = client.get(QUARTERLY).context["form"].fields["quarter"].choices[0][0]
    response = client.post(QUARTERLY, {"quarter": quarter})
    listing = Publication.objects.get(category__is_quarterly_list=True)
    assert response.status_code == 302 and response.url == detail_url(listing)
    year, number = quarter.split("-")
    assert listing.period_label == f"{year}-Q{number}"
    assert client.get(QUARTERLY).context["lists"] == [listing]


def test_only_communes_make_a_quarterly_list(client, tree):
    login(client, tree.agency, Role.WORKPLACE_OFFICER)
    response = client.get(QUARTERLY)
    assert response.status_code == 200 and not response.context["is_commune"]
    assert client.post(QUARTERLY, {"quarter": "2026-1"}).status_code == 403


# ------------------------------------------------------------------------------------------------ internal items


def test_a_resident_member_of_an_agency_reads_its_internal_items(client, tree):
    item = internal(tree.agency, attachments=[pdf()])
    internal(tree.agency, title="Dự thảo chưa công bố", publish=False)
    internal(tree.other_agency, title="Thỏa ước lao động tập thể")
    publish(tree.commune)  # public: read on the portal, not here
    login(client, tree.agency, Role.RESIDENT)
    response = client.get(INTERNAL)
    assert response.status_code == 200
    assert response.context["page"].rows == [item]
    assert "Thỏa ước lao động tập thể" not in response.content.decode()
    page = client.get(reverse("disclosure:internal_detail", kwargs={"pk": item.pk}))
    assert page.status_code == 200 and "Kế hoạch tuyển dụng công chức năm 2026" in page.content.decode()
    file = services.version_attachments(item.current_version).get()
    download = client.get(reverse("disclosure:internal_attachment", kwargs={"pk": file.pk}))
    assert download.status_code == 200


def test_a_membership_higher_up_does_not_open_internal_items(client, tree):
    item = internal(tree.agency, attachments=[pdf()])
    file = services.version_attachments(item.current_version).get()
    login(client, tree.province, Role.PROVINCE_OFFICER)
    assert client.get(INTERNAL).context["page"].rows == []
    assert client.get(reverse("disclosure:internal_detail", kwargs={"pk": item.pk})).status_code == 404
    assert client.get(reverse("disclosure:internal_attachment", kwargs={"pk": file.pk})).status_code == 404


def test_staff_above_an_agency_do_not_open_its_internal_items(client, tree):
    item = internal(tree.agency, attachments=[pdf()])
    file = services.version_attachments(item.current_version).get()
    login(client, tree.province, Role.PROVINCE_OFFICER)
    assert item not in client.get(LIST).context["page"].rows
    assert client.get(detail_url(item)).status_code == 404
    assert client.get(reverse("disclosure:attachment", kwargs={"pk": file.pk})).status_code == 404
    login(client, tree.agency, Role.WORKPLACE_OFFICER)
    assert client.get(LIST).context["page"].rows == [item]
    assert client.get(detail_url(item)).status_code == 200


def test_the_internal_list_query_count_does_not_grow_with_rows(client, tree, django_assert_max_num_queries):
    internal(tree.agency)
    login(client, tree.agency, Role.RESIDENT)
    with django_assert_max_num_queries(8) as few:
        client.get(INTERNAL)
    for number in range(15):
        internal(tree.agency, title=f"Quyết định nhân sự {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INTERNAL)
    assert len(response.context["page"].rows) == 16


# ------------------------------------------------------------------------------------------------ language


def test_the_pages_are_complete_in_english(client, tree):
    login(client, tree.commune)
    publication = publish(tree.commune)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (LIST, CREATE, detail_url(publication), PLAN, QUARTERLY, INTERNAL):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="en"' in response.content.decode()
    assert "Disclose an item" in client.get(CREATE).content.decode()
    assert "Disclosures of Xã An Khánh" in client.get(LIST).content.decode()


def test_attachments_of_versions_are_served_only_as_staff_of_the_unit(client, tree):
    publication = publish(tree.commune, attachments=[pdf()])
    file = Attachment.objects.get(object_id=str(publication.current_version.pk))
    url = reverse("disclosure:attachment", kwargs={"pk": file.pk})
    login(client, tree.commune, Role.FRONT_OFFICER)
    assert client.get(url).status_code == 200
    login(client, tree.commune, Role.RESIDENT)
    assert client.get(url).status_code == 404


# ------------------------------------------------------------------------------------------------ phone


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_discloses_an_item_on_a_phone(live_server, browser_page, tree):
    """At 360 px: the category refills the channel rows through htmx (no inline script: a CSP violation would be
    a console error), the item is published, and no page scrolls sideways."""
    from dancoso.accounts.tests.factories import PASSWORD, UserFactory

    user = UserFactory(username="canbo.ankhanh", full_name="Trần Thị Lan")
    MembershipFactory(user=user, unit=tree.commune, role=Role.COMMUNE_OFFICER)
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/staff/")

    shots = test_browser.SCREENSHOTS
    shots.mkdir(parents=True, exist_ok=True)

    def shoot(name):
        # caret="initial": hiding the caret injects a style element, which the CSP would (rightly) refuse.
        page.screenshot(path=str(shots / name), full_page=True, caret="initial")

    page.goto(f"{live_server.url}{CREATE}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_response(lambda r: r.url.endswith(CREATE) and r.request.method == "POST"):
        page.select_option("select[name=category]", str(category("xa-07-an-sinh").pk))
    page.wait_for_selector("select[name=postings-5-channel]")  # seat, 2 boards, loudspeaker, 2 heads, blank
    assert page.locator("select[name=postings-3-channel]").input_value() == "loudspeaker"
    shoot("disclosure-create-360.png")
    page.fill("input[name=title]", "Danh sách hộ nghèo năm 2026")
    page.fill("input[name=decision_date]", (today() - timedelta(days=1)).isoformat())
    page.locator("button[name=action][value=publish]").click()
    page.wait_for_url(f"{live_server.url}/staff/disclosure/*/")
    publication = Publication.objects.get()
    assert Posting.objects.filter(publication=publication).count() == 7  # the portal and the six rows
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shoot("disclosure-item-360.png")
    for url in (LIST, PLAN, QUARTERLY, INTERNAL):
        page.goto(f"{live_server.url}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        shoot(f"disclosure-{url.strip('/').split('/')[-1]}-360.png")
    assert errors == []
