"""Disclosure services: publish through channels, versions with history, postings confirmed with a photo,
withdrawal with a reason, internal items, the plan and the quarterly list; every step in the ledger."""

from datetime import date as D
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core import ledger
from dancoso.core.models import LedgerEntry
from dancoso.disclosure import services
from dancoso.disclosure.models import Category, Channel, Posting, Publication
from dancoso.disclosure.services import PostingSpec
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


def photo(name="bang-tin.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def commune():
    return UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh")


@pytest.fixture
def village(commune):
    return VillageFactory(parent=commune, name="Thôn Tân Viên")


def budget():
    return Category.objects.get(code="xa-02-ngan-sach")


def publish(commune, **extra):
    values = {
        "unit": commune,
        "category": budget(),
        "title": "Dự toán ngân sách xã năm 2026",
        "body": "Tổng thu 12,5 tỷ đồng; tổng chi 12,5 tỷ đồng.",
        "decision_date": D(2026, 1, 5),
        "document_number": "15/NQ-HĐND",
        "actor": None,
        "on": D(2026, 1, 7),
    }
    values.update(extra)
    return services.create_publication(**values)


def actions(publication) -> list[str]:
    return list(
        LedgerEntry.objects.filter(object_id=str(publication.pk), action__startswith="disclosure.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_publish_goes_on_the_portal_and_the_given_channels(commune, village):
    publication = publish(
        commune,
        postings=[
            PostingSpec(Channel.SEAT_BOARD, D(2026, 1, 8), D(2026, 2, 6)),
            PostingSpec(Channel.VILLAGE_BOARD, D(2026, 1, 8), D(2026, 2, 6), place=village),
        ],
    )
    assert publication.state == Publication.State.PUBLISHED and publication.code.startswith("CK-")
    assert publication.disclosed_on == D(2026, 1, 7)  # the portal, the same day
    channels = sorted(Posting.objects.filter(publication=publication).values_list("channel", flat=True))
    assert channels == ["portal", "seat_board", "village_board"]
    portal = Posting.objects.get(publication=publication, channel="portal")
    assert portal.is_confirmed and portal.end_on is None
    assert actions(publication) == [
        "disclosure.created",
        "disclosure.published",
        "disclosure.posting_added",
        "disclosure.posting_added",
    ]
    published = LedgerEntry.objects.get(object_id=str(publication.pk), action="disclosure.published")
    assert published.payload["content_digest"] == publication.current_version.content_digest
    assert ledger.verify().intact


def test_every_bad_field_is_reported_and_nothing_is_written(commune):
    agency_category = Category.objects.get(code="co-quan-01-ke-hoach")
    with pytest.raises(ValidationError) as refused:
        publish(commune, title="", category=agency_category, decision_date=D(2026, 1, 9), audience="internal")
    errors = refused.value.message_dict
    assert {"title", "category"} <= set(errors)
    assert not Publication.objects.exists()


def test_a_commune_cannot_disclose_internally(commune):
    with pytest.raises(ValidationError) as refused:
        publish(commune, audience="internal")
    assert "audience" in refused.value.message_dict


def test_a_posting_cannot_start_before_the_decision_and_a_village_must_be_the_units(commune, village):
    other_village = VillageFactory(name="Thôn Khác")
    with pytest.raises(ValidationError) as refused:
        publish(
            commune,
            postings=[
                PostingSpec(Channel.SEAT_BOARD, D(2026, 1, 4)),
                PostingSpec(Channel.VILLAGE_BOARD, D(2026, 1, 8), place=other_village),
            ],
        )
    assert {"postings.start_on", "postings.place"} <= set(refused.value.message_dict)


def test_a_notice_board_is_confirmed_with_a_photo(commune):
    publication = publish(commune, postings=[PostingSpec(Channel.SEAT_BOARD, D(2026, 1, 8), D(2026, 2, 6))])
    board = Posting.objects.get(publication=publication, channel="seat_board")
    user = UserFactory()
    with pytest.raises(ValidationError) as refused:
        services.confirm_posting(board, actor=user)
    assert "photo" in refused.value.message_dict
    confirmed = services.confirm_posting(board, actor=user, photo=photo())
    assert confirmed.is_confirmed and confirmed.proof.media_type == "image/png"
    entry = LedgerEntry.objects.filter(action="disclosure.posting_confirmed").get()
    assert entry.payload["photo_sha256"] == confirmed.proof.sha256
    with pytest.raises(ValidationError):
        services.confirm_posting(confirmed, actor=user, photo=photo())


def test_a_revision_is_a_new_version_and_the_history_stays(commune):
    publication = publish(commune)
    first = publication.current_version
    version = services.revise_publication(
        publication,
        actor=None,
        title="Dự toán ngân sách xã năm 2026 (điều chỉnh)",
        body="Tổng thu 13 tỷ đồng.",
        decision_date=D(2026, 3, 2),
        document_number="20/NQ-HĐND",
        change_note="Điều chỉnh dự toán",
        on=D(2026, 3, 3),
    )
    publication.refresh_from_db()
    assert version.number == 2 and publication.current_version == version
    assert publication.title.endswith("(điều chỉnh)") and publication.version_count == 2
    assert version.content_digest != first.content_digest
    first.refresh_from_db()
    assert first.title == "Dự toán ngân sách xã năm 2026"  # unchanged
    portals = Posting.objects.filter(publication=publication, channel="portal").order_by("pk")
    assert [(p.version.number, p.taken_down_on) for p in portals] == [(1, D(2026, 3, 3)), (2, None)]
    with pytest.raises(ValidationError):
        services.revise_publication(
            publication, actor=None, title="X", decision_date=D(2026, 3, 2), change_note="", on=D(2026, 3, 3)
        )


def test_withdrawal_needs_a_reason_and_takes_postings_down(commune):
    publication = publish(commune, postings=[PostingSpec(Channel.SEAT_BOARD, D(2026, 1, 8), D(2026, 2, 6))])
    with pytest.raises(ValidationError):
        services.withdraw_publication(publication, actor=None, reason="  ", on=D(2026, 1, 20))
    services.withdraw_publication(publication, actor=None, reason="Đăng nhầm đơn vị", on=D(2026, 1, 20))
    publication.refresh_from_db()
    assert publication.state == "withdrawn" and publication.withdrawal_reason == "Đăng nhầm đơn vị"
    assert set(Posting.objects.filter(publication=publication).values_list("taken_down_on", flat=True)) == {
        D(2026, 1, 20)
    }
    assert not Publication.objects.public().exists()


def test_internal_items_are_read_by_the_units_own_members_only():
    agency = UnitFactory(kind=UnitKind.AGENCY, name="Sở Nội vụ")
    category = Category.objects.get(code="co-quan-04-nhan-su")
    item = services.create_publication(
        unit=agency,
        category=category,
        title="Kế hoạch tuyển dụng 2026",
        decision_date=D(2026, 1, 5),
        actor=None,
    )
    assert item.audience == "internal"
    member = MembershipFactory(unit=agency, role=Role.RESIDENT).user
    outsider = MembershipFactory(
        unit=agency.parent or UnitFactory(kind=UnitKind.PROVINCE), role=Role.PROVINCE_OFFICER
    ).user
    assert list(Publication.objects.readable_by(member)) == [item]
    assert list(Publication.objects.readable_by(outsider)) == []
    assert not Publication.objects.public().exists()


def test_the_quarterly_list_is_generated_published_and_kept_current(commune):
    publish(commune, on=D(2026, 1, 7))
    publish(
        commune,
        title="Danh sách hộ nghèo năm 2026",
        category=Category.objects.get(code="xa-07-an-sinh"),
        on=D(2026, 2, 2),
        decision_date=D(2026, 1, 30),
    )
    listing = services.publish_quarterly_list(commune, 2026, 1, on=D(2026, 4, 1))
    body = listing.current_version.body
    assert "Dự toán ngân sách xã năm 2026" in body and "Danh sách hộ nghèo năm 2026" in body
    assert "Đăng trên Cổng thông tin điện tử" in body and "(trang này)" not in body  # a document's wording
    assert listing.state == "published" and listing.period_label == "2026-Q1"
    assert Posting.objects.filter(publication=listing, channel="seat_board").exists()
    assert services.publish_quarterly_list(commune, 2026, 1, on=D(2026, 4, 1)).pk == listing.pk
    publish(
        commune,
        title="Quyết định phí chợ",
        category=Category.objects.get(code="xa-12-phi-le-phi"),
        on=D(2026, 3, 30),
        decision_date=D(2026, 3, 27),
    )
    again = services.publish_quarterly_list(commune, 2026, 1, on=D(2026, 4, 2))
    assert again.pk == listing.pk and again.version_count == 2
    assert "Quyết định phí chợ" in again.current_version.body


def test_quarter_bounds():
    assert services.quarter_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))
    assert services.quarter_bounds(2026, 4) == (D(2026, 10, 1), D(2026, 12, 31))


def test_the_plan_is_drafted_and_approved(commune):
    plan = services.create_plan(commune, 2026, actor=None)
    with pytest.raises(ValidationError):
        services.approve_plan(plan, actor=None, document_number="01/KH-UBND", approved_on=D(2026, 1, 5))
    item = services.save_plan_item(
        plan,
        actor=None,
        category=budget(),
        content="Dự toán ngân sách năm 2026",
        channels=["portal", "seat_board", "village_board"],
        due_on=D(2026, 1, 10),
        duration_days=30,
        responsible="Kế toán - ngân sách",
    )
    assert item.channels == ["portal", "seat_board", "village_board"]
    with pytest.raises(ValidationError) as refused:
        services.save_plan_item(
            plan,
            actor=None,
            category=budget(),
            content="",
            channels=["fax"],
            due_on=D(2027, 1, 1),
            duration_days=0,
            responsible="",
        )
    assert {"content", "channels", "due_on", "duration_days", "responsible"} <= set(
        refused.value.message_dict
    )
    approved = services.approve_plan(
        plan, actor=None, document_number="01/KH-UBND", approved_on=D(2026, 1, 5)
    )
    assert approved.state == "approved"
    with pytest.raises(ValidationError):
        services.create_plan(commune, 2026, actor=None)


def test_codes_are_typed_back_in_any_form():
    assert services.normalize_code("ck 7k3d qxm2") == "CK-7K3D-QXM2"
    assert services.new_code()[:3] == "CK-" and len(services.new_code()) == 12


def test_a_draft_is_published_later(commune):
    draft = publish(commune, publish=False)
    assert draft.state == "draft" and draft.disclosed_on is None and not Posting.objects.exists()
    services.publish_publication(draft, actor=None, on=D(2026, 1, 9) + timedelta(days=0))
    draft.refresh_from_db()
    assert draft.state == "published" and draft.disclosed_on == D(2026, 1, 9)
