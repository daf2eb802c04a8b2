"""API helpers shared by every app: cursor pagination and the JSON error format.

Every error an API view returns has one shape, documented in the schema as the `Error` component::

    {"code": "invalid", "message": "<Vietnamese, for people>", "fields": {"name": ["<message>"]}}

`code` is stable and meant for programs; `message` is translated (Vietnamese by default); `fields` maps a
field (dotted for nested data: "items.0.name") to its messages and is empty when no field is at fault.
"""

import logging
import math

from django.core import signals
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger("dancoso.api")

API_PATH_PREFIX = "/api/"


class CursorPagination(pagination.CursorPagination):
    """Stable paging for big lists: the cursor encodes a position, so rows added meanwhile neither repeat
    nor get skipped. The ordering must be unique and unchanging; `-pk` is, so keep it unless a view
    orders by another unique column."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor_message = gettext_lazy("The page link (cursor) is not valid.")


# --- Error messages ------------------------------------------------------------------------------------

# Messages by error code. Lazy so that each response is translated into the language of its request.
ERROR_MESSAGES = {
    "invalid": gettext_lazy("Some of the data you sent is not valid. Please check the fields listed."),
    "parse_error": gettext_lazy("The request body could not be read: the data is malformed."),
    "not_authenticated": gettext_lazy("You need to sign in or send an API token."),
    "authentication_failed": gettext_lazy("The sign-in details or the API token are not valid."),
    "permission_denied": gettext_lazy("You do not have permission to do this."),
    "not_found": gettext_lazy("The requested item was not found."),
    "not_acceptable": gettext_lazy("The requested response format is not supported."),
    "throttled_later": gettext_lazy("Too many requests. Please try again later."),
    "server_error": gettext_lazy("An internal error occurred. It has been logged; please try again later."),
    "bad_request": gettext_lazy("The request is not valid."),
    "error": gettext_lazy("The request could not be completed."),
}

# DRF's own field messages, which its Vietnamese catalogue does not translate. Listing them here puts them
# in our catalogue (makemessages) so that field errors reach people in Vietnamese too.
DRF_FIELD_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("A valid integer is required."),
    gettext_noop("A valid number is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure that there are no more than {max_digits} digits in total."),
    gettext_noop("Ensure that there are no more than {max_decimal_places} decimal places."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Time has wrong format. Use one of these formats instead: {format}."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("This list may not be empty."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("This field must be unique."),
    gettext_noop("The fields {field_names} must make a unique set."),
    gettext_noop("Invalid token."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("User inactive or deleted."),
)


def _throttled_message(wait: float | None) -> str:
    if wait is None:
        return str(ERROR_MESSAGES["throttled_later"])
    seconds = max(1, int(wait + 0.999))
    return _("Too many requests. Please try again in %(seconds)d seconds.") % {"seconds": seconds}


def _method_not_allowed_message(method: str) -> str:
    return _("The method %(method)s is not allowed at this address.") % {"method": method}


def _unsupported_media_type_message(media_type: str) -> str:
    return _("The data format “%(media_type)s” is not supported; send JSON.") % {"media_type": media_type}


# --- The error body ------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    code = serializers.CharField(help_text="Stable machine-readable error code, e.g. `invalid`, `not_found`.")
    message = serializers.CharField(help_text="Message for people, in the request's language (Vietnamese).")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field (dotted path for nested data); empty when no field is at fault.",
    )

    class Meta:
        ref_name = "Error"


ERROR_STATUS_DESCRIPTIONS = {
    400: "Invalid data (`invalid`) or unreadable body (`parse_error`); see `fields`.",
    401: "No or invalid credentials (`not_authenticated`, `authentication_failed`).",
    403: "Signed in but not allowed (`permission_denied`).",
    404: "No such item, or not visible to you (`not_found`).",
    405: "Method not allowed (`method_not_allowed`).",
    409: "Conflicts with the current state of the item.",
    415: "Unsupported body format (`unsupported_media_type`).",
    429: "Too many requests (`throttled`); see the Retry-After header.",
    500: "Internal error (`server_error`); logged on the server.",
    503: "A service the request needs is down.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Schema entries for `@extend_schema(responses={200: X, **error_responses(400, 409)})`."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_STATUS_DESCRIPTIONS.get(code, "Error."))
        for code in statuses
    }


def error_body(code: str, message, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def api_error(code: str, message, status: int, fields: dict | None = None, headers=None) -> Response:
    """An error response in the API's shape, for views that answer an error without raising."""
    return Response(error_body(code, message, fields), status=status, headers=headers)


class ApiError(exceptions.APIException):
    """Raise from a view or serializer to answer `{code, message, fields}` with any status, e.g.
    `raise ApiError("ballot_closed", _("The ballot is closed."), status=409)`."""

    def __init__(self, code: str, message, status: int = 400, fields: dict | None = None):
        super().__init__(detail=str(message), code=code)
        self.status_code = status
        self.fields = fields or {}


# --- Exception handler ---------------------------------------------------------------------------------


def _flatten_field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """{"items": [{}, {"name": ["x"]}]} -> {"items.1.name": ["x"]}."""
    non_field_key = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            # a nested serializer's own errors belong to the field that holds it
            own = prefix if key == non_field_key else f"{prefix}.{key}"
            flat.update(_flatten_field_errors(value, own if prefix else str(key)))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or non_field_key: [str(item).strip() for item in detail]} if detail else {}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten_field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or non_field_key: [str(detail).strip()]}


def _validation_error_body(exc: exceptions.ValidationError) -> dict:
    fields = _flatten_field_errors(exc.detail)
    non_field = fields.get(api_settings.NON_FIELD_ERRORS_KEY)
    message = " ".join(non_field) if non_field else ERROR_MESSAGES["invalid"]
    return error_body("invalid", message, fields)


def _has_own_detail(exc: exceptions.APIException) -> bool:
    """True when the raiser wrote a specific message (already translated by them), not DRF's default."""
    return isinstance(exc.detail, str) and str(exc.detail) != str(exc.default_detail)


def _error_code(exc: exceptions.APIException) -> str:
    code = getattr(exc.detail, "code", None) or exc.default_code
    return str(code) if code else "error"


def _api_exception_body(exc: exceptions.APIException, request) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        return _validation_error_body(exc)
    code = _error_code(exc)
    if isinstance(exc, ApiError):
        return error_body(code, exc.detail, exc.fields)
    if isinstance(exc, exceptions.Throttled):
        return error_body("throttled", _throttled_message(exc.wait))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_body(code, _method_not_allowed_message(request.method if request else ""))
    if isinstance(exc, exceptions.ParseError):
        # DRF's detail is the parser's English diagnosis ("JSON parse error - Expecting ...").
        return error_body(code, ERROR_MESSAGES["parse_error"])
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return error_body(code, _unsupported_media_type_message(request.content_type if request else ""))
    if _has_own_detail(exc):
        return error_body(code, exc.detail)
    return error_body(code, ERROR_MESSAGES.get(code, ERROR_MESSAGES["error"]))


def _as_api_exception(exc):
    """Django's exceptions raised inside API views, as DRF's."""
    if isinstance(exc, Http404):
        # Django's message names the model in English ("No Household matches the given query."): drop it.
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
    return exc


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error as `{code, message, fields}` with the right status."""
    exc = _as_api_exception(exc)
    request = context.get("request")
    if not isinstance(exc, exceptions.APIException):
        return _server_error_response(exc, context)
    response = drf_exception_handler(exc, context)  # status, WWW-Authenticate, Retry-After, rollback
    response.data = _api_exception_body(exc, request)
    return response


def _server_error_response(exc: BaseException, context) -> Response:
    request = context.get("request")
    view = context.get("view")
    logger.error(
        "Unhandled error in API view %s for %s %s",
        type(view).__name__ if view else "?",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    # Error reporters (e.g. Sentry) listen to this signal; Django sends it only for exceptions it sees.
    signals.got_request_exception.send(sender=None, request=getattr(request, "_request", request))
    set_rollback()
    return api_error("server_error", ERROR_MESSAGES["server_error"], status.HTTP_500_INTERNAL_SERVER_ERROR)


# --- Django's error handlers: JSON under /api/, the HTML pages elsewhere ------------------------------


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX)


def _json_error(code: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, ERROR_MESSAGES[code]), status=status_code)


def handler400(request, exception=None):
    if is_api_request(request):
        return _json_error("bad_request", status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if is_api_request(request):
        return _json_error("permission_denied", status.HTTP_403_FORBIDDEN)
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if is_api_request(request):
        return _json_error("not_found", status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_api_request(request):
        return _json_error("server_error", status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)


# --- Schema: document the error responses of every operation ------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": ErrorSerializer.__doc__,
    "properties": {
        "code": {"type": "string", "description": ErrorSerializer._declared_fields["code"].help_text},
        "message": {"type": "string", "description": ErrorSerializer._declared_fields["message"].help_text},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": ErrorSerializer._declared_fields["fields"].help_text,
        },
    },
    "required": ["code", "fields", "message"],
}

BODY_METHODS = frozenset({"post", "put", "patch"})


def _error_statuses_for(method: str, operation: dict) -> list[int]:
    statuses = [400, 404, 429]
    if any(operation.get("security", [])):  # a credential can be sent, so it can be refused
        statuses += [401, 403]
    if method in BODY_METHODS:
        statuses.append(415)
    return sorted(statuses)


def document_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: add the `Error` component and the error responses every
    operation can give, so clients (and schemathesis) know the shape of 4xx answers."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in _error_statuses_for(method, operation):
                operation["responses"].setdefault(
                    str(code), {"description": ERROR_STATUS_DESCRIPTIONS[code], "content": reference}
                )
    return result


def throttled_response(wait: float) -> JsonResponse:
    """The 429 answer DRF's throttles give (`throttled`, Retry-After), for views that count outside DRF."""
    seconds = max(1, math.ceil(wait))
    response = JsonResponse(error_body("throttled", _throttled_message(seconds)), status=429)
    response["Retry-After"] = str(seconds)
    return response
