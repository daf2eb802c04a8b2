"""Open311 GeoReport v2 conformance: every endpoint in XML and JSON, the spec's errors and status codes, intake
through an API key, and what the public may read (never a complaint, a denunciation, a confidential petition
or who sent anything)."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from dancoso.core import idempotency
from dancoso.core.models import IdempotencyRecord
from dancoso.petitions import open311, open311_keys, services
from dancoso.petitions.models import Channel, Kind, Open311Key, Petition, Sector, State
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
PLANTED_NAME = "Hoàng Thị Bí Mật"
PLANTED_PHONE = "0987654321"
PLANTED_EMAIL = "bimat@example.vn"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def v2(path: str) -> str:
    return f"/open311/v2/{path}"


@pytest.fixture
def city(db):
    return ProvinceFactory(name="Thành phố Hải Phòng", code="31")


@pytest.fixture
def commune(city):
    return UnitFactory(kind=UnitKind.COMMUNE, name="Xã An Khánh", code="11311", parent=city)


@pytest.fixture
def village(commune):
    return VillageFactory(parent=commune, name="Thôn Đông", code="AK-DONG")


@pytest.fixture
def other_commune(city):
    return UnitFactory(kind=UnitKind.COMMUNE, name="Phường Phù Liễn", code="11140", parent=city)


@pytest.fixture
def api_key(commune) -> str:
    return open311_keys.issue_key(name="Zalo mini app", unit=commune).plain


def environment() -> Sector:
    return Sector.objects.get(code="moi-truong")


def as_xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(XML_DECLARATION)
    return ET.fromstring(response.content)  # noqa: S314 (our own response, not untrusted input)


def as_json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def children(element: ET.Element) -> dict[str, ET.Element]:
    return {child.tag: child for child in element}


def assert_errors_xml(response, status: int) -> list[ET.Element]:
    assert response.status_code == status
    root = as_xml(response)
    assert root.tag == "errors"
    errors = root.findall("error")
    assert errors
    for error in errors:
        assert set(children(error)) == {"code", "description"}
        assert error.findtext("code") == str(status)
        assert error.findtext("description")
    return errors


def assert_errors_json(response, status: int) -> list[dict]:
    assert response.status_code == status
    errors = as_json(response)
    assert isinstance(errors, list) and errors
    for error in errors:
        assert set(error) == {"code", "description"}
        assert error["code"] == status and error["description"]
    return errors


def post_request(client, fmt="json", headers=None, **data):
    return client.post(
        v2(f"requests.{fmt}"),
        urlencode(data),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        headers=headers or {},
    )


def filing(api_key, **overrides) -> dict:
    data = {
        "api_key": api_key,
        "service_code": "report-moi-truong",
        "lat": "20.860123",
        "long": "106.680456",
        "address_string": "Ngõ 5, đường Lạch Tray",
        "description": "Rác thải đổ trộm ven sông\nĐã ba ngày chưa được thu gom.",
        "first_name": "Văn An",
        "last_name": "Nguyễn",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "device_id": "device-1",
        "account_id": "acc-9",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(unit, kind=Kind.REPORT, sector="moi-truong", **extra) -> Petition:
    defaults = {
        "channel": Channel.WEB,
        "title": "Đèn đường hỏng",
        "content": "Đèn đường trước nhà văn hoá bị hỏng.",
        "petitioner": {"name": "Trần Văn Công", "phone": "0911111111"},
        "location_text": "Nhà văn hoá thôn Đông",
    }
    defaults.update(extra)
    return services.submit_petition(
        unit=unit, kind=kind, sector=Sector.objects.get(code=sector) if sector else None, **defaults
    )


# ------------------------------------------------------------------------------------------ discovery


def test_discovery_json_lists_the_v2_endpoint(client):
    body = as_json(client.get(v2("discovery.json")))
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] in ("production", "test")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert endpoint["changeset"]


def test_discovery_xml_and_the_endpoint_root(client):
    for url in (v2("discovery.xml"), "/open311/discovery.xml", v2("")):
        response = client.get(url)
        assert response.status_code == 200
        root = as_xml(response)
        assert root.tag == "discovery"
        assert {"changeset", "contact", "key_service", "endpoints"} <= set(children(root))
        endpoint = root.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert {f.text for f in endpoint.findall("formats/format")} == {"text/xml", "application/json"}


# ------------------------------------------------------------------------------------------ services


def test_services_json_offer_reports_and_recommendations_in_open311_fields(client):
    services_ = as_json(client.get(v2("services.json")))
    codes = {service["service_code"] for service in services_}
    assert {"report-moi-truong", "proposal-moi-truong", "report-ha-tang"} <= codes
    assert not any(code.endswith("dat-dai") for code in codes), "land is not offered through Open311"
    assert not any(code.startswith(("complaint", "denunciation")) for code in codes)
    for service in services_:
        assert set(service) == SERVICE_FIELDS
        assert service["type"] == "realtime" and service["metadata"] is True
    environment_report = next(s for s in services_ if s["service_code"] == "report-moi-truong")
    assert environment_report["service_name"] == "Phản ánh: Môi trường"
    assert environment_report["group"] == "Phản ánh"
    assert "moi truong" in environment_report["keywords"]


def test_services_xml(client):
    root = as_xml(client.get(v2("services.xml")))
    assert root.tag == "services"
    services_ = root.findall("service")
    assert services_
    for service in services_:
        assert set(children(service)) == SERVICE_FIELDS
        assert service.findtext("type") == "realtime"
        assert service.findtext("metadata") == "true"


def test_services_follow_accept_language(client):
    services_ = as_json(client.get(v2("services.json"), HTTP_ACCEPT_LANGUAGE="en"))
    report = next(s for s in services_ if s["service_code"] == "report-moi-truong")
    assert report["service_name"] == "Report: Environment"


def test_service_list_follows_the_field_settings(client):
    Sector.objects.filter(code="dat-dai").update(open311_service=True)
    Sector.objects.filter(code="ha-tang").update(is_active=False)
    codes = {s["service_code"] for s in as_json(client.get(v2("services.json")))}
    assert "report-dat-dai" in codes
    assert "report-ha-tang" not in codes


def test_unknown_jurisdiction_is_404(client, commune):
    assert_errors_json(client.get(v2("services.json"), {"jurisdiction_id": "nowhere"}), 404)
    assert client.get(v2("services.json"), {"jurisdiction_id": commune.code}).status_code == 200
    assert client.get(v2("services.json"), {"jurisdiction_id": commune.slug}).status_code == 200


def test_service_definition_json(client):
    body = as_json(client.get(v2("services/report-moi-truong.json")))
    assert body["service_code"] == "report-moi-truong"
    [attribute] = body["attributes"]
    assert set(attribute) == ATTRIBUTE_FIELDS
    assert attribute["datatype"] in (
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    )
    assert attribute["variable"] is True and attribute["required"] is False and attribute["order"] == 1


def test_service_definition_xml(client):
    root = as_xml(client.get(v2("services/proposal-moi-truong.xml")))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "proposal-moi-truong"
    attribute = root.find("attributes/attribute")
    assert set(children(attribute)) == ATTRIBUTE_FIELDS
    assert attribute.findtext("code") == "dia_chi"
    assert attribute.findtext("required") == "false"


@pytest.mark.parametrize("code", ["report-khong-co", "complaint-moi-truong", "report-dat-dai", "moi-truong"])
def test_unknown_service_code_is_404(client, code):
    assert_errors_json(client.get(v2(f"services/{code}.json")), 404)
    assert_errors_xml(client.get(v2(f"services/{code}.xml")), 404)


@pytest.mark.parametrize(
    "path", ["services.html", "services", "requests.csv", "services/report-moi-truong.yaml", "nothing.xml"]
)
def test_unknown_format_or_resource_is_404_in_xml(client, path):
    assert_errors_xml(client.get(v2(path)), 404)


def test_head_is_answered_like_get(client):
    response = client.head(v2("services.xml"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"


def test_our_own_failure_is_a_500_in_the_spec_format(client, monkeypatch):
    def broken():
        raise RuntimeError("database went away")

    monkeypatch.setattr(open311, "offered_sectors", broken)
    client.raise_request_exception = False  # the failure is signalled (for error reporters) and answered
    root = as_xml(client.get(v2("services.xml")))
    assert root.tag == "errors" and root.findtext("error/code") == "500"
    assert "database" not in root.findtext("error/description")


def test_read_only_resources_refuse_post(client):
    response = client.post(v2("services.json"))
    assert_errors_json(response, 405)
    assert "GET" in response["Allow"]


# ------------------------------------------------------------------------------------------ POST requests


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_invalid_api_key_is_403(client, api_key, fmt):
    check = assert_errors_json if fmt == "json" else assert_errors_xml
    check(post_request(client, fmt, **filing(None)), 403)
    check(post_request(client, fmt, **filing("not-a-key")), 403)
    assert not Petition.objects.exists()


def test_revoked_key_is_403(client, commune):
    issued = open311_keys.issue_key(name="Old app", unit=commune)
    open311_keys.revoke_key(issued.key)
    assert_errors_json(post_request(client, **filing(issued.plain)), 403)


def test_post_creates_an_open311_petition_and_returns_its_id(client, api_key, commune):
    response = post_request(client, **filing(api_key, **{"attribute[dia_chi]": "Cạnh cầu Rào"}))
    assert response.status_code == 201, response.content
    [created] = as_json(response)
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] is None
    petition = Petition.objects.get()
    assert created["service_request_id"] == petition.tracking_code
    assert petition.tracking_code in created["service_notice"]
    assert (petition.channel, petition.unit, petition.kind) == (Channel.OPEN311, commune, Kind.REPORT)
    assert petition.sector.code == "moi-truong"
    assert petition.title == "Rác thải đổ trộm ven sông"
    assert petition.content.startswith("Rác thải đổ trộm ven sông\nĐã ba ngày")
    assert str(petition.latitude) == "20.860123" and str(petition.longitude) == "106.680456"
    assert petition.location_text == "Cạnh cầu Rào, Ngõ 5, đường Lạch Tray"
    assert (petition.petitioner_name, petition.petitioner_phone) == ("Nguyễn Văn An", "0912345678")
    assert petition.state == State.RECEIVED and petition.due_on is not None
    assert Open311Key.objects.get().last_used_at is not None


def test_post_answers_in_xml(client, api_key):
    response = post_request(client, "xml", **filing(api_key, service_code="proposal-ha-tang"))
    assert response.status_code == 201
    root = as_xml(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert set(children(request)) == {"service_request_id", "service_notice", "account_id"}
    assert request.findtext("service_request_id") == Petition.objects.get(kind=Kind.PROPOSAL).tracking_code
    assert request.find("account_id").text is None


def test_post_accepts_an_address_without_coordinates_and_no_contact(client, api_key):
    data = filing(api_key, lat=None, long=None, phone=None, email=None, first_name=None, last_name=None)
    assert post_request(client, **data).status_code == 201
    petition = Petition.objects.get()
    assert petition.latitude is None and petition.location_text == "Ngõ 5, đường Lạch Tray"
    assert petition.is_anonymous and not petition.petitioner_name


def test_post_files_for_a_unit_in_the_keys_subtree(client, api_key, village, other_commune):
    response = post_request(client, **filing(api_key, jurisdiction_id=village.code))
    assert response.status_code == 201
    assert Petition.objects.get().unit == village
    assert_errors_json(post_request(client, **filing(api_key, jurisdiction_id=other_commune.slug)), 403)
    assert_errors_json(post_request(client, **filing(api_key, jurisdiction_id="no-such-unit")), 404)
    assert Petition.objects.count() == 1


def test_post_with_unknown_or_missing_service_code(client, api_key):
    assert_errors_json(post_request(client, **filing(api_key, service_code="report-dat-dai")), 404)
    assert_errors_xml(post_request(client, "xml", **filing(api_key, service_code="denunciation-can-bo")), 404)
    assert_errors_xml(post_request(client, "xml", **filing(api_key, service_code=None)), 400)
    assert not Petition.objects.exists()


def test_post_lists_every_missing_or_bad_field(client, api_key):
    data = filing(api_key, lat=None, long=None, address_string=None, description=None, email="khong-hop-le")
    errors = assert_errors_xml(post_request(client, "xml", **data), 400)
    descriptions = " | ".join(error.findtext("description") for error in errors)
    assert len(errors) == 3
    assert "address_string" in descriptions and "description" in descriptions and "email" in descriptions
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "parameter"),
    [
        ({"lat": "20.8", "long": None}, "lat"),
        ({"lat": "abc", "long": "106"}, "lat"),
        ({"lat": "95", "long": "106"}, "lat"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"description": "x" * 4001}, "description"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_post_refuses_bad_values_with_400(client, api_key, overrides, parameter):
    errors = assert_errors_json(post_request(client, **filing(api_key, **overrides)), 400)
    assert any(error["description"].startswith(parameter) for error in errors), errors
    assert not Petition.objects.exists()


def test_post_errors_are_in_vietnamese(client, api_key):
    [error] = assert_errors_json(post_request(client, **filing(api_key, description=None)), 400)
    assert error["description"] == "description: Hãy mô tả điều bạn phản ánh hoặc kiến nghị."


def test_post_keeps_a_media_url_in_the_content(client, api_key):
    url = "https://example.vn/anh/rac.jpg"
    assert post_request(client, **filing(api_key, media_url=url)).status_code == 201
    assert url in Petition.objects.get().content


def test_post_honours_idempotency_key(client, api_key):
    data = filing(api_key)
    first = post_request(client, headers={"Idempotency-Key": "zalo-42"}, **data)
    again = post_request(client, headers={"Idempotency-Key": "zalo-42"}, **data)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert as_json(first) == as_json(again)
    assert Petition.objects.count() == 1


def test_a_replay_returns_the_stored_xml_answer(client, api_key):
    data = filing(api_key)
    first = post_request(client, "xml", headers={"Idempotency-Key": "zalo-xml"}, **data)
    again = post_request(client, "xml", headers={"Idempotency-Key": "zalo-xml"}, **data)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert as_xml(again).tag == "service_requests"
    assert Petition.objects.count() == 1


def test_a_reused_idempotency_key_is_a_georeport_error_in_json(client, api_key):
    headers = {"Idempotency-Key": "zalo-43"}
    assert post_request(client, headers=headers, **filing(api_key)).status_code == 201
    response = post_request(client, headers=headers, **filing(api_key, description="Một việc khác"))
    [error] = assert_errors_json(response, 400)
    assert error["description"] == (
        "Idempotency-Key: Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác. Vui lòng dùng khóa mới."
    )
    assert "message" not in response.content.decode() and "fields" not in response.content.decode()
    assert Petition.objects.count() == 1


def test_a_reused_idempotency_key_is_a_georeport_error_in_xml(client, api_key):
    headers = {"Idempotency-Key": "zalo-44"}
    assert post_request(client, "xml", headers=headers, **filing(api_key)).status_code == 201
    response = post_request(client, "xml", headers=headers, **filing(api_key, description="Việc khác"))
    [error] = assert_errors_xml(response, 400)
    assert error.findtext("description").startswith("Idempotency-Key: Khóa Idempotency-Key này đã được dùng")
    assert Petition.objects.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_malformed_idempotency_key_is_a_georeport_error(client, api_key, fmt):
    response = post_request(client, fmt, headers={"Idempotency-Key": "x" * 201}, **filing(api_key))
    check = assert_errors_json if fmt == "json" else assert_errors_xml
    assert len(check(response, 400)) == 1
    assert "Idempotency-Key" in response.content.decode()
    assert not Petition.objects.exists()


def test_a_retry_while_the_first_runs_is_a_georeport_error_with_retry_after(client, api_key):
    data = filing(api_key)
    body = urlencode(data)
    content_type = "application/x-www-form-urlencoded; charset=utf-8"
    running = RequestFactory().post(v2("requests.xml"), body, content_type=content_type)
    IdempotencyRecord.objects.create(  # what a first request still running leaves
        key="zalo-45",
        scope=idempotency.request_scope(running),
        request_digest=idempotency.request_digest(running),
    )
    response = post_request(client, "xml", headers={"Idempotency-Key": "zalo-45"}, **data)
    [error] = assert_errors_xml(response, 400)
    assert "Idempotency-Key" in error.findtext("description")
    assert response["Retry-After"] == "1"
    assert not Petition.objects.exists()


def test_the_rest_api_keeps_its_own_idempotency_errors(client, api_key):
    """Only Open311 answers in the GeoReport shape: core's default refusal stays the REST error object."""

    def created(request, fmt):
        return HttpResponse(b"[]", status=201, content_type="application/json; charset=utf-8")

    request = RequestFactory().post(
        "/x/", data="{}", content_type="application/json", headers={"Idempotency-Key": "a b"}
    )
    rest = json.loads(idempotency.idempotent(created)(request, fmt="json").content)
    assert rest["code"] == "idempotency_key_invalid"
    georeport = idempotency.idempotent(refuse=open311.georeport_refusal)(created)(request, fmt="json")
    assert georeport.status_code == 400 and json.loads(georeport.content)[0]["code"] == 400


def test_a_json_body_is_accepted_too(client, api_key):
    data = {**filing(api_key), "attribute": {"dia_chi": "Bến đò"}}
    response = client.post(v2("requests.json"), data, content_type="application/json")
    assert response.status_code == 201
    petition = Petition.objects.get()
    assert petition.channel == Channel.OPEN311 and petition.location_text.startswith("Bến đò, ")
    assert_errors_json(client.post(v2("requests.json"), "[1]", content_type="application/json"), 400)


# ------------------------------------------------------------------------------------------ GET requests


@pytest.fixture
def published(commune, other_commune):
    """Reports and recommendations the public may read, and petitions it may never see."""
    report = submit(commune, latitude="20.86", longitude="106.68")
    proposal = submit(other_commune, kind=Kind.PROPOSAL, sector="ha-tang", title="Đề nghị làm đường")
    closed = submit(commune, title="Trùng lặp")
    services.not_process_petition(closed, actor=None, reason="Đơn trùng")
    hidden = [
        submit(commune, kind=Kind.DENUNCIATION, petitioner={"name": PLANTED_NAME, "phone": PLANTED_PHONE}),
        submit(commune, kind=Kind.COMPLAINT, petitioner={"name": PLANTED_NAME, "phone": PLANTED_PHONE}),
        submit(
            commune,
            confidential_identity=True,
            petitioner={"name": PLANTED_NAME, "phone": PLANTED_PHONE, "email": PLANTED_EMAIL},
        ),
        submit(commune, sector="dat-dai"),
    ]
    return type("Published", (), {"report": report, "proposal": proposal, "closed": closed, "hidden": hidden})


def ids(response) -> set[str]:
    return {row["service_request_id"] for row in as_json(response)}


def test_get_requests_json_shows_only_public_requests(client, published):
    rows = as_json(client.get(v2("requests.json")))
    assert {row["service_request_id"] for row in rows} == {
        published.report.tracking_code,
        published.proposal.tracking_code,
        published.closed.tracking_code,
    }
    for row in rows:
        assert set(row) == REQUEST_FIELDS
        assert row["status"] in ("open", "closed")
        assert row["requested_datetime"].endswith("+07:00")
    report = next(row for row in rows if row["service_request_id"] == published.report.tracking_code)
    assert report["service_code"] == "report-moi-truong"
    assert report["status"] == "open" and report["agency_responsible"] == "Xã An Khánh"
    assert report["lat"] == 20.86 and report["long"] == 106.68
    assert report["expected_datetime"].startswith(published.report.due_on.isoformat())
    closed = next(row for row in rows if row["service_request_id"] == published.closed.tracking_code)
    assert closed["status"] == "closed" and closed["expected_datetime"] is None


def test_get_requests_xml(client, published):
    root = as_xml(client.get(v2("requests.xml")))
    assert root.tag == "service_requests"
    requests_ = root.findall("request")
    assert len(requests_) == 3
    for request in requests_:
        assert set(children(request)) == REQUEST_FIELDS
        assert request.findtext("status") in ("open", "closed")


def test_get_requests_filters(client, published, commune):
    assert ids(client.get(v2("requests.json"), {"service_code": "proposal-ha-tang"})) == {
        published.proposal.tracking_code
    }
    assert ids(client.get(v2("requests.json"), {"service_code": "proposal-ha-tang,report-moi-truong"})) == {
        published.proposal.tracking_code,
        published.report.tracking_code,
        published.closed.tracking_code,
    }
    assert ids(client.get(v2("requests.json"), {"status": "closed"})) == {published.closed.tracking_code}
    assert published.closed.tracking_code not in ids(client.get(v2("requests.json"), {"status": "open"}))
    assert len(ids(client.get(v2("requests.json"), {"status": "open,closed"}))) == 3
    assert ids(client.get(v2("requests.json"), {"jurisdiction_id": commune.code})) == {
        published.report.tracking_code,
        published.closed.tracking_code,
    }


def test_get_requests_by_ids_overrides_the_other_filters(client, published):
    wanted = f"{published.report.tracking_code.lower().replace('-', '')},{published.proposal.tracking_code}"
    response = client.get(v2("requests.json"), {"service_request_id": wanted, "status": "closed"})
    assert ids(response) == {published.report.tracking_code, published.proposal.tracking_code}
    hidden = ",".join(p.tracking_code for p in published.hidden)
    assert ids(client.get(v2("requests.json"), {"service_request_id": hidden})) == set()


def test_get_requests_date_range(client, published):
    long_ago = timezone.now() - timedelta(days=200)
    Petition.objects.filter(pk=published.proposal.pk).update(created_at=long_ago)
    recent = ids(client.get(v2("requests.json")))
    assert published.proposal.tracking_code not in recent and published.report.tracking_code in recent
    window = {
        "start_date": (long_ago - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (long_ago + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert ids(client.get(v2("requests.json"), window)) == {published.proposal.tracking_code}
    assert ids(client.get(v2("requests.json"), {"start_date": window["start_date"][:10]})) == {
        published.proposal.tracking_code
    }


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"start_date": "hôm qua"},
        {"end_date": "2026-13-45T00:00:00Z"},
        {"status": "pending"},
    ],
)
def test_get_requests_bad_arguments_are_400(client, query):
    assert_errors_json(client.get(v2("requests.json"), query), 400)
    assert_errors_xml(client.get(v2("requests.xml"), query), 400)


def test_get_one_request_json_and_xml(client, published):
    code = published.report.tracking_code
    [row] = as_json(client.get(v2(f"requests/{code}.json")))
    assert row["service_request_id"] == code and set(row) == REQUEST_FIELDS
    root = as_xml(client.get(v2(f"requests/{code}.xml")))
    assert root.tag == "service_requests"
    assert root.find("request").findtext("service_request_id") == code


def test_get_token_answers_with_the_request_id(client, published):
    code = published.report.tracking_code
    [row] = as_json(client.get(v2(f"tokens/{code}.json")))
    assert row == {"service_request_id": code, "token": code}
    root = as_xml(client.get(v2(f"tokens/{code}.xml")))
    assert root.tag == "service_requests"
    assert set(children(root.find("request"))) == {"service_request_id", "token"}


@pytest.mark.parametrize("resource", ["requests", "tokens"])
def test_unknown_or_hidden_request_is_404(client, published, resource):
    assert_errors_json(client.get(v2(f"{resource}/ZZZZ-ZZZZ.json")), 404)
    for petition in published.hidden:
        assert_errors_xml(client.get(v2(f"{resource}/{petition.tracking_code}.xml")), 404)


def test_a_planted_identity_never_appears(client, published, api_key):
    submit(
        published.report.unit,
        petitioner={"name": PLANTED_NAME, "phone": PLANTED_PHONE, "email": PLANTED_EMAIL},
    )
    post_request(client, **filing(api_key, first_name="Thị Bí Mật", last_name="Hoàng", phone=PLANTED_PHONE))
    everything = [client.get(v2(f"requests.{fmt}"), {"status": "open,closed"}) for fmt in ("json", "xml")] + [
        client.get(v2(f"requests/{p.tracking_code}.{fmt}"))
        for p in Petition.objects.all()
        for fmt in ("json", "xml")
    ]
    for response in everything:
        text = response.content.decode()
        for secret in (PLANTED_NAME, "Bí Mật", PLANTED_PHONE, PLANTED_EMAIL, "an@example.vn", "0911111111"):
            assert secret not in text


def test_get_requests_query_count_does_not_grow(client, commune, django_assert_max_num_queries):
    submit(commune)
    with django_assert_max_num_queries(10) as few:
        client.get(v2("requests.json"))
    for _ in range(15):
        submit(commune)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(as_json(client.get(v2("requests.json")))) == 16


# ------------------------------------------------------------------------------------------ keys


def test_command_issues_a_key_that_works(client, commune, capsys):
    call_command("issue_open311_key", "--name", "Zalo mini app", "--unit", commune.slug)
    plain = capsys.readouterr().out.strip()
    key = Open311Key.objects.get()
    assert key.key_digest == open311_keys.digest(plain) and plain not in (key.key_digest, key.prefix)
    assert plain.startswith(key.prefix) and key.unit == commune
    assert post_request(client, **filing(plain)).status_code == 201
