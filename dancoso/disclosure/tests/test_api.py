"""REST API for disclosures: scoping by role (drafts and internal items only for staff of the unit), cursor
pagination with a constant number of queries, disclosing through the API (idempotent), the steps publish, revise,
withdraw and add-posting with their refusals in Vietnamese, and a schema that stays valid."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext, override

from dancoso.accounts.roles import Role
from dancoso.core.models import LedgerEntry
from dancoso.disclosure.models import Channel, Posting, Publication
from dancoso.disclosure.services import PostingSpec
from dancoso.disclosure.tests import test_views as shared
from dancoso.disclosure.tests.test_views import category, internal, pdf, publish, today, user_with

pytestmark = pytest.mark.django_db

tree = shared.tree
DISCLOSURES = reverse("api:disclosure-list")


def detail(publication) -> str:
    return reverse("api:disclosure-detail", args=[publication.pk])


def step(publication, name: str) -> str:
    return reverse(f"api:disclosure-{name}", args=[publication.pk])


def vi(message: str) -> str:
    with override("vi"):
        return gettext(message)


def api(client, unit, role=Role.COMMUNE_OFFICER):
    client.force_login(user_with(unit, role))
    return client


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)


def filing(unit, **extra) -> dict:
    data = {
        "unit": unit.pk,
        "category": "xa-02-ngan-sach",
        "title": "Dự toán ngân sách xã năm 2026",
        "body": "Tổng thu 12,5 tỷ đồng.",
        "decision_date": (today() - timedelta(days=2)).isoformat(),
        "document_number": "15/NQ-HĐND",
        "postings": [
            {
                "channel": "seat_board",
                "start_on": today().isoformat(),
                "end_on": (today() + timedelta(days=29)).isoformat(),
            }
        ],
    }
    data.update(extra)
    return data


# ------------------------------------------------------------------------------------------ reading


def test_staff_list_their_units_items_drafts_and_internal_ones_included(client, tree):
    own = publish(tree.commune)
    draft = publish(tree.commune, title="Quyết toán 2025", publish=False)
    publish(tree.other, title="Của xã khác")
    internal(tree.agency)
    response = api(client, tree.commune).get(DISCLOSURES)
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [draft.code, own.code]
    assert response.json()["results"][1]["state_label"] == vi("Published")
    assert "versions" not in response.json()["results"][0]


def test_a_province_officer_lists_its_subtree_but_not_the_internal_items_of_an_agency(client, tree):
    publish(tree.commune)
    publish(tree.other)
    item = internal(tree.agency)  # Art. 46: read by the agency's own staff, not by the province above it
    response = api(client, tree.province, Role.PROVINCE_OFFICER).get(DISCLOSURES, {"unit": tree.commune.pk})
    assert len(response.json()["results"]) == 1
    codes = {row["code"] for row in client.get(DISCLOSURES).json()["results"]}
    assert item.code not in codes and len(codes) == 2
    assert client.get(detail(item)).status_code == 404
    member = api(client, tree.agency, Role.UNION_REPRESENTATIVE)
    assert [row["code"] for row in member.get(DISCLOSURES).json()["results"]] == [item.code]


def test_a_resident_lists_nothing(client, tree):
    publish(tree.commune)
    response = api(client, tree.commune, Role.RESIDENT).get(DISCLOSURES)
    assert response.status_code == 200 and response.json()["results"] == []


def test_filters(client, tree):
    budget = publish(tree.commune)
    poor = publish(tree.commune, title="Danh sách hộ nghèo", category=category("xa-07-an-sinh"))
    draft = publish(tree.commune, title="Quyết toán", publish=False)
    client = api(client, tree.commune)

    def codes(**params):
        return [row["code"] for row in client.get(DISCLOSURES, params).json()["results"]]

    assert codes(state="draft") == [draft.code]
    assert set(codes(state="draft,published")) == {draft.code, poor.code, budget.code}
    assert codes(category="xa-07-an-sinh") == [poor.code]
    assert codes(search="ho ngheo") == [poor.code]
    assert codes(search=budget.code.lower()) == [budget.code]
    assert codes(audience="internal") == []
    assert codes(unit="abc") == []


def test_the_list_is_paged_by_cursor_with_a_constant_number_of_queries(
    client, tree, django_assert_max_num_queries
):
    client = api(client, tree.commune)
    publish(tree.commune)
    with django_assert_max_num_queries(10) as few:
        client.get(DISCLOSURES)
    for number in range(12):
        publish(tree.commune, title=f"Khoản huy động {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(DISCLOSURES, {"page_size": 5}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 5 and len(second["results"]) == 5
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}


def test_the_detail_has_every_version_with_its_digest_and_attachments_and_the_postings(client, tree):
    publication = publish(
        tree.commune, attachments=[pdf()], postings=[PostingSpec(Channel.SEAT_BOARD, today())]
    )
    body = api(client, tree.commune).get(detail(publication)).json()
    version = body["versions"][0]
    assert version["content_digest"] == publication.current_version.content_digest
    assert version["attachments"][0]["name"] == "nghi-quyet.pdf"
    assert {posting["channel"] for posting in body["postings"]} == {"portal", "seat_board"}


def test_another_units_item_is_not_found(client, tree):
    foreign = publish(tree.other)
    assert api(client, tree.commune).get(detail(foreign)).status_code == 404


# ------------------------------------------------------------------------------------------ disclosing


def test_an_item_is_disclosed_through_the_api_once_with_an_idempotency_key(client, tree):
    client = api(client, tree.commune)
    first = post(client, DISCLOSURES, filing(tree.commune), **{"Idempotency-Key": "ck-1"})
    assert first.status_code == 201, first.content
    again = post(client, DISCLOSURES, filing(tree.commune), **{"Idempotency-Key": "ck-1"})
    assert again.status_code == 201 and again.json()["code"] == first.json()["code"]
    assert again.headers["Idempotent-Replayed"] == "true"
    publication = Publication.objects.get()
    assert publication.state == "published"
    assert set(Posting.objects.filter(publication=publication).values_list("channel", flat=True)) == {
        "portal",
        "seat_board",
    }
    assert (
        LedgerEntry.objects.filter(action="disclosure.published", object_id=str(publication.pk)).count() == 1
    )


def test_a_draft_is_kept_and_published_later(client, tree):
    client = api(client, tree.commune)
    response = post(client, DISCLOSURES, filing(tree.commune, publish=False, postings=[]))
    assert response.status_code == 201 and response.json()["state"] == "draft"
    draft = Publication.objects.get()
    published = post(
        client,
        step(draft, "publish"),
        {"postings": [{"channel": "loudspeaker", "start_on": today().isoformat()}]},
    )
    assert published.status_code == 200 and published.json()["state"] == "published"
    again = post(client, step(draft, "publish"), {})
    assert again.status_code == 409 and again.json()["message"] == vi("Only a draft can be published.")


def test_bad_data_is_refused_field_by_field_in_vietnamese_and_nothing_is_written(client, tree):
    client = api(client, tree.commune)
    data = filing(
        tree.commune,
        title="",
        decision_date=(today() + timedelta(days=5)).isoformat(),
        postings=[{"channel": "fax", "start_on": today().isoformat()}],
    )
    response = post(client, DISCLOSURES, data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "title" in body["fields"] and "postings.0.channel" in body["fields"]
    response = post(
        client, DISCLOSURES, filing(tree.commune, decision_date=(today() + timedelta(days=5)).isoformat())
    )
    assert response.json()["fields"]["decision_date"] == [
        vi("The date of the decision cannot be in the future.")
    ]
    response = post(client, DISCLOSURES, filing(tree.commune, audience="internal"))
    assert response.json()["fields"]["audience"] == [
        vi("A commune discloses to the public (Art. 11–13): it cannot be internal.")
    ]
    assert not Publication.objects.exists()


def test_disclosing_needs_the_right_to_publish_in_the_unit(client, tree):
    response = post(api(client, tree.commune, Role.FRONT_OFFICER), DISCLOSURES, filing(tree.commune))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = post(api(client, tree.other), DISCLOSURES, filing(tree.commune))
    assert response.status_code == 403
    assert not Publication.objects.exists()


# ------------------------------------------------------------------------------------------ steps


def test_a_revision_is_a_new_version(client, tree):
    publication = publish(tree.commune)
    client = api(client, tree.commune)
    data = {
        "title": "Dự toán ngân sách xã năm 2026 (điều chỉnh)",
        "decision_date": today().isoformat(),
        "change_note": "",
    }
    refused = post(client, step(publication, "revise"), data)
    assert refused.status_code == 400
    data["change_note"] = "Điều chỉnh theo Nghị quyết 20"
    response = post(client, step(publication, "revise"), data)
    assert response.status_code == 200
    versions = response.json()["versions"]
    assert [v["number"] for v in versions] == [1, 2] and versions[1]["change_note"] == data["change_note"]


def test_a_posting_is_added_and_refused_on_a_withdrawn_item(client, tree):
    publication = publish(tree.commune)
    client = api(client, tree.commune)
    data = {"channel": "village_board", "place": tree.dong.pk, "start_on": today().isoformat()}
    response = post(client, step(publication, "add-posting"), data)
    assert response.status_code == 201 and response.json()["place_name"] == "Thôn Đông"
    foreign_village = {**data, "place": tree.other_village.pk}
    refused = post(client, step(publication, "add-posting"), foreign_village)
    assert refused.json()["fields"]["place"] == [vi("Choose one of this unit's villages.")]
    withdrawn = post(client, step(publication, "withdraw"), {"reason": "Đăng nhầm"})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    conflict = post(client, step(publication, "add-posting"), data)
    assert conflict.status_code == 409 and conflict.json()["message"] == vi("Publish the item first.")
    assert post(client, step(publication, "withdraw"), {"reason": "Lần nữa"}).status_code == 409


def test_steps_need_the_right_to_publish(client, tree):
    publication = publish(tree.commune)
    viewer = api(client, tree.commune, Role.INSPECTION_BOARD_MEMBER)
    assert viewer.get(detail(publication)).status_code == 200
    for name, data in (
        ("withdraw", {"reason": "X"}),
        ("add-posting", {"channel": "loudspeaker", "start_on": today().isoformat()}),
        ("revise", {"title": "X", "decision_date": today().isoformat(), "change_note": "X"}),
        ("publish", {}),
    ):
        assert post(viewer, step(publication, name), data).status_code == 403, name
    other = api(client, tree.other)
    assert post(other, step(publication, "withdraw"), {"reason": "X"}).status_code == 404
    publication.refresh_from_db()
    assert publication.state == "published" and publication.version_count == 1


# ------------------------------------------------------------------------------------------ schema


def test_the_schema_documents_the_disclosures_and_stays_valid():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    schema = json.loads(out.getvalue())
    for path in (
        "/api/v1/disclosures/",
        "/api/v1/disclosures/{id}/",
        "/api/v1/disclosures/{id}/publish/",
        "/api/v1/disclosures/{id}/revise/",
        "/api/v1/disclosures/{id}/withdraw/",
        "/api/v1/disclosures/{id}/postings/",
    ):
        assert path in schema["paths"], path
    assert "search_key" not in schema["components"]["schemas"]["PublicationDetail"]["properties"]
