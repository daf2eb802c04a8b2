"""The API's error format {code, message, fields} for every kind of error, and cursor pagination."""

import json
import logging

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dancoso.accounts.tests.factories import UserFactory
from dancoso.core import api

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dancoso.core.tests.api_test_urls")]


@pytest.fixture
def client():
    return APIClient(raise_request_exception=False)


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    return body


class TestValidationErrors:
    def test_field_errors_are_listed_per_field_in_vietnamese(self, client):
        response = client.post("/api/test/validate/", {"quantity": 0}, format="json")
        body = assert_error_shape(response, 400, "invalid")
        assert body["message"] == (
            "Một số dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra các trường được liệt kê."
        )
        assert body["fields"] == {
            "title": ["Trường này là bắt buộc."],
            "quantity": ["Giá trị phải lớn hơn hoặc bằng 1."],
        }

    def test_nested_errors_get_dotted_field_names(self, client):
        data = {"title": "x", "quantity": 1, "items": [{"name": "ok"}, {"name": "far too long"}]}
        body = assert_error_shape(client.post("/api/test/validate/", data, format="json"), 400, "invalid")
        assert body["fields"] == {"items.1.name": ["Trường này không được dài quá 5 ký tự."]}

    def test_non_field_errors_become_the_message(self, client):
        data = {"title": "x", "quantity": 1, "starts": 5, "ends": 1}
        body = assert_error_shape(client.post("/api/test/validate/", data, format="json"), 400, "invalid")
        assert body["message"] == "Ends before it starts."
        assert body["fields"] == {"non_field_errors": ["Ends before it starts."]}

    def test_django_validation_error_raised_in_a_view(self, client):
        response = client.post("/api/test/django-validation/", {}, format="json")
        body = assert_error_shape(response, 400, "invalid")
        assert body["fields"] == {"title": ["Title clashes with another order."]}

    def test_english_when_the_request_asks_for_it(self, client):
        response = client.post("/api/test/validate/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
        body = assert_error_shape(response, 400, "invalid")
        assert body["message"] == "Some of the data you sent is not valid. Please check the fields listed."
        assert body["fields"]["title"] == ["This field is required."]

    def test_valid_data_passes(self, client):
        response = client.post("/api/test/validate/", {"title": "x", "quantity": 2}, format="json")
        assert response.status_code == 201


def test_malformed_json_is_a_parse_error(client):
    response = client.post("/api/test/validate/", data="{not json", content_type="application/json")
    body = assert_error_shape(response, 400, "parse_error")
    assert body["message"] == "Không đọc được nội dung yêu cầu: dữ liệu sai định dạng."


def test_unsupported_media_type(client):
    response = client.post("/api/test/validate/", data="a,b", content_type="text/csv")
    body = assert_error_shape(response, 415, "unsupported_media_type")
    assert "text/csv" in body["message"]
    assert body["message"].startswith("Định dạng dữ liệu")


class TestAuthentication:
    def test_missing_credentials_is_401_with_challenge(self, client):
        response = client.get("/api/test/protected/")
        body = assert_error_shape(response, 401, "not_authenticated")
        assert body["message"] == "Bạn cần đăng nhập hoặc gửi mã truy cập API (token)."
        assert response["WWW-Authenticate"] == "Token"

    def test_wrong_token_is_authentication_failed(self, client):
        response = client.get("/api/test/protected/", HTTP_AUTHORIZATION="Token not-a-real-token")
        body = assert_error_shape(response, 401, "authentication_failed")
        assert body["message"] == "Mã truy cập (token) không hợp lệ."

    def test_a_real_token_authenticates_an_integration(self, client):
        user = UserFactory()
        token = Token.objects.create(user=user)
        response = client.get("/api/test/protected/", HTTP_AUTHORIZATION=f"Token {token.key}")
        assert response.status_code == 200
        assert response.json() == {"user": user.username}


def test_django_permission_denied_is_403(client):
    body = assert_error_shape(client.get("/api/test/django-forbidden/"), 403, "permission_denied")
    assert body["message"] == "Bạn không có quyền thực hiện thao tác này."


@pytest.mark.parametrize("url", ["/api/test/missing/", "/api/test/http404/"])
def test_not_found_does_not_leak_model_names(client, url):
    body = assert_error_shape(client.get(url), 404, "not_found")
    assert body["message"] == "Không tìm thấy nội dung được yêu cầu."
    assert "Household" not in body["message"] and "Group" not in body["message"]


def test_method_not_allowed(client):
    body = assert_error_shape(client.delete("/api/test/get-only/"), 405, "method_not_allowed")
    assert body["message"] == "Phương thức DELETE không được phép tại địa chỉ này."


def test_throttled_says_when_to_retry(client):
    cache.clear()
    assert client.get("/api/test/throttled/").status_code == 200
    response = client.get("/api/test/throttled/")
    body = assert_error_shape(response, 429, "throttled")
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 86400
    assert body["message"] == f"Quá nhiều yêu cầu. Vui lòng thử lại sau {retry_after} giây."
    cache.clear()


def test_unhandled_error_is_a_logged_500_without_traceback(client, caplog):
    with caplog.at_level(logging.ERROR, logger="dancoso.api"):
        response = client.get("/api/test/boom/")
    body = assert_error_shape(response, 500, "server_error")
    assert body["message"] == "Đã xảy ra lỗi hệ thống. Lỗi đã được ghi lại; vui lòng thử lại sau."
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "dancoso.api"]
    assert record.exc_info and "hunter2" in str(record.exc_info[1])


def test_api_error_exception_keeps_its_code_status_and_fields(client):
    body = assert_error_shape(client.post("/api/test/conflict/", {}, format="json"), 409, "ballot_closed")
    assert body == {"code": "ballot_closed", "message": "Closed.", "fields": {"ballot": ["Closed."]}}


def test_api_error_helper(client):
    body = assert_error_shape(client.get("/api/test/helper/"), 422, "quota_exceeded")
    assert body["fields"] == {"file": ["Too big."]}


class TestDjangoErrorHandlers:
    def test_unknown_api_path_is_json_404(self, client):
        body = assert_error_shape(client.get("/api/no-such-endpoint/"), 404, "not_found")
        assert body["message"] == "Không tìm thấy nội dung được yêu cầu."

    def test_unknown_page_elsewhere_stays_html(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    def test_error_in_a_plain_view_under_api_is_json_500(self, client):
        body = assert_error_shape(client.get("/api/test/plain-boom/"), 500, "server_error")
        assert "not an API view" not in json.dumps(body)

    def test_error_in_a_page_elsewhere_stays_html(self, client):
        response = client.get("/plain-boom/")
        assert response.status_code == 500
        assert response["Content-Type"].startswith("text/html")


def test_every_error_code_has_a_vietnamese_message():
    with translation.override("vi"):
        for code, message in api.ERROR_MESSAGES.items():
            with translation.override("en"):
                english = str(message)
            assert str(message) != english, f"no Vietnamese for {code!r}: {english}"


class TestCursorPagination:
    def make_groups(self, count: int) -> list[int]:
        first = Group.objects.count()
        return [Group.objects.create(name=f"group {first + i:03d}").pk for i in range(count)]

    def walk(self, client, url: str) -> tuple[list[int], int]:
        seen, pages = [], 0
        while url:
            response = client.get(url)
            assert response.status_code == 200, response.content
            body = response.json()
            seen += [row["id"] for row in body["results"]]
            url, pages = body["next"], pages + 1
        return seen, pages

    def test_walks_every_row_once_newest_first(self, client):
        pks = self.make_groups(23)
        seen, pages = self.walk(client, "/api/test/groups/?page_size=5")
        assert seen == sorted(pks, reverse=True)
        assert pages == 5

    def test_stable_when_rows_are_added_while_paging(self, client):
        pks = self.make_groups(10)
        first = client.get("/api/test/groups/?page_size=4").json()
        added = self.make_groups(3)  # newer rows sort first: they must not shift the pages already begun
        rest, _ = self.walk(client, first["next"])
        seen = [row["id"] for row in first["results"]] + rest
        assert seen == sorted(pks, reverse=True)
        assert not set(added) & set(seen)

    def test_page_size_is_capped(self, client, monkeypatch):
        monkeypatch.setattr(api.CursorPagination, "max_page_size", 4)
        self.make_groups(6)
        response = client.get("/api/test/groups/?page_size=100000")
        assert len(response.json()["results"]) == 4

    def test_invalid_cursor_is_a_404_in_the_error_shape(self, client):
        body = assert_error_shape(client.get("/api/test/groups/?cursor=garbage"), 404, "not_found")
        assert body["message"] == "Liên kết trang (cursor) không hợp lệ."
