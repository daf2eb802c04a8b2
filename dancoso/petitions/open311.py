"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2, Service Discovery).

Services are the active fields (lĩnh vực) offered for Open311, once as a report (phản ánh) and once as a
recommendation (kiến nghị): service code "<kind>-<field code>", e.g. "report-moi-truong". Filing a request
needs an API key issued by an administrator (`open311_keys`); it becomes a petition through
`services.submit_petition(channel="open311")` and its tracking code is the service_request_id, returned at
once (type "realtime"), so a token is only an alias of the code.

Reading is public and shows only what may be public: reports and recommendations that are not
confidential, in fields offered through Open311 — never complaints or denunciations, never who sent them.

Every answer exists as XML (the spec's required format) and JSON (the Spark convention: an XML list is a
JSON array). Errors are `<errors><error><code/><description/></error></errors>` with 404 for what does not
exist, 403 for a missing or bad api_key and 400 for any other request that cannot be fulfilled — the
`Idempotency-Key` refusals of `core.idempotency` included (a malformed key, a key reused for another body,
a retry while the first request runs: the spec's "400 Duplicate request").
"""

import json
import logging
import re
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from xml.etree.ElementTree import Element, SubElement, tostring

from django.core import signals
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from dancoso.core.idempotency import idempotent
from dancoso.core.models import LedgerEntry
from dancoso.core.text import normalize_text, search_key
from dancoso.petitions import open311_keys, services
from dancoso.petitions.models import OPEN_STATES, Channel, Kind, Petition, Sector, State
from dancoso.units.models import Unit

logger = logging.getLogger("dancoso.open311")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# The element of each item of an XML list (Spark convention: the JSON array of the same name).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Only these kinds exist in Open311: complaints and denunciations never go through it.
SERVICE_NAMES = {
    Kind.REPORT: gettext_lazy("Report: %(field)s"),
    Kind.PROPOSAL: gettext_lazy("Recommendation: %(field)s"),
}
SERVICE_DESCRIPTIONS = {
    Kind.REPORT: gettext_lazy("Report a problem concerning %(field)s to the commune or ward."),
    Kind.PROPOSAL: gettext_lazy("Recommend what should be done concerning %(field)s to the commune or ward."),
}
SERVICE_GROUPS = {
    Kind.REPORT: gettext_lazy("Reports (phản ánh)"),
    Kind.PROPOSAL: gettext_lazy("Recommendations (kiến nghị)"),
}
OPEN311_KINDS = tuple(SERVICE_NAMES)
ADDRESS_ATTRIBUTE = "dia_chi"
MAX_DESCRIPTION = 4000  # the spec's limit for `description`
TITLE_LENGTH = 120
MAX_SPAN = timedelta(days=90)  # GET requests: the spec's default and largest date range
MAX_RESULTS = 1000
DEFAULT_CHANGESET = "2026-01-01 00:00"
SECTOR_CHANGE_ACTIONS = ("petitions.sector_saved",)
COORDINATE_STEP = Decimal("0.000001")  # Petition.latitude/longitude keep 6 decimal places
XML_INVALID_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# ------------------------------------------------------------------------------------------ serialisation


def _xml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_INVALID_CHARACTERS.sub("", str(value))


def _fill(element: Element, name: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(SubElement(element, key), key, item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[name]
        for item in value:
            _fill(SubElement(element, item_name), item_name, item)
    elif value is not None:
        element.text = _xml_text(value)


def to_xml(root: str, data) -> str:
    element = Element(root)
    _fill(element, root, data)
    return XML_DECLARATION + tostring(element, encoding="unicode")


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """`data` as XML (root element `root`) or JSON (the same structure without the root)."""
    body = json.dumps(data, ensure_ascii=False) if fmt == "json" else to_xml(root, data)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


class Open311Error(Exception):
    """Answer with the spec's error list and this HTTP status."""

    def __init__(self, status: int, *descriptions):
        super().__init__(status)
        self.status = status
        self.errors = [(status, str(description)) for description in descriptions]


def problem(parameter: str, message) -> str:
    """An error's description names the parameter at fault first, e.g. "lat: …"."""
    return f"{parameter}: {message}"


def error_response(fmt: str, status: int, errors: list[tuple[int, str]]) -> HttpResponse:
    body = [{"code": code, "description": description} for code, description in errors]
    return render(fmt, "errors", body, status=status)


def _server_error(request, fmt: str, exc: Exception) -> HttpResponse:
    logger.error("Unhandled error in Open311 %s %s", request.method, request.path, exc_info=exc)
    signals.got_request_exception.send(sender=None, request=request)
    message = _("An internal error occurred. It has been logged; please try again later.")
    return error_response(fmt, 500, [(500, message)])


def open311_endpoint(*methods: str):
    """Check the format and the method; turn `Open311Error` (and any failure) into the spec's errors."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, fmt: str, **kwargs):
            fmt = fmt.lower()
            if fmt not in CONTENT_TYPES:
                message = _("Unknown format “%(format)s”: use .xml or .json.") % {"format": fmt}
                return error_response("xml", 404, [(404, message)])
            if request.method not in methods:
                response = error_response(
                    fmt,
                    405,
                    [(405, _("The method %(method)s is not allowed here.") % {"method": request.method})],
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                response = view(request, fmt, **kwargs)
            except Open311Error as error:
                return error_response(fmt, error.status, error.errors)
            except Exception as exc:  # the spec's error format even for our own failures
                return _server_error(request, fmt, exc)
            if request.method in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"  # public data, read without credentials
            return response

        return wrapper

    return decorate


def georeport_refusal(request, view_kwargs: dict, refusal) -> HttpResponse:
    """An Idempotency-Key refusal in the spec's error format and status (400, "duplicate request"): a GeoReport
    client reads `<errors>` or the JSON array, never the REST API's error object."""
    fmt = str(view_kwargs.get("fmt", "")).lower()
    fmt = fmt if fmt in CONTENT_TYPES else "xml"
    return error_response(fmt, 400, [(400, problem("Idempotency-Key", refusal.message))])


# ------------------------------------------------------------------------------------------ services


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _field_name(sector: Sector) -> str:
    return (sector.name_en or sector.name) if _english() else sector.name


def service_code(kind: str, sector: Sector) -> str:
    return f"{kind}-{sector.code}"


def service_name(kind: str, sector: Sector) -> str:
    return SERVICE_NAMES[kind] % {"field": _field_name(sector)}


def offered_sectors():
    return Sector.objects.filter(is_active=True, open311_service=True).order_by("position", "name")


def find_service(code: str) -> tuple[str, Sector] | None:
    """The kind and field of a service code, if it is offered."""
    kind, separator, sector_code = (code or "").strip().partition("-")
    if not separator or kind not in OPEN311_KINDS:
        return None
    sector = offered_sectors().filter(code=sector_code).first()
    return (kind, sector) if sector else None


def _keywords(kind: str, sector: Sector) -> str:
    words = [sector.name, search_key(sector.name), sector.name_en, str(SERVICE_GROUPS[kind])]
    return ", ".join(dict.fromkeys(word for word in words if word))


def _service(kind: str, sector: Sector) -> dict:
    field = _field_name(sector)
    return {
        "service_code": service_code(kind, sector),
        "service_name": service_name(kind, sector),
        "description": SERVICE_DESCRIPTIONS[kind] % {"field": field.lower()},
        "metadata": True,
        "type": "realtime",
        "keywords": _keywords(kind, sector),
        "group": str(SERVICE_GROUPS[kind]),
    }


def _attributes() -> list[dict]:
    """One optional attribute: where exactly, in words people use (house number, street, village)."""
    return [
        {
            "variable": True,
            "code": ADDRESS_ATTRIBUTE,
            "datatype": "string",
            "required": False,
            "datatype_description": _("House number, street, village or a landmark."),
            "order": 1,
            "description": _("Where exactly is it?"),
            "values": [],
        }
    ]


# ------------------------------------------------------------------------------------------ helpers


def _w3(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset, in the site's time zone (e.g. 2026-03-02T08:15:30+07:00)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _end_of_day(day) -> str | None:
    if day is None:
        return None
    return _w3(timezone.make_aware(datetime.combine(day, time(23, 59, 59))))


def _values(request, name: str) -> list[str]:
    """A parameter that "can be declared multiple times, comma delimited"."""
    return [part.strip() for value in request.GET.getlist(name) for part in value.split(",") if part.strip()]


def _jurisdiction(identifier: str) -> Unit | None:
    """The unit named by `jurisdiction_id` (its official code or its slug); None when it is not given."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    unit = Unit.objects.filter(Q(code=identifier) | Q(slug=identifier), is_active=True).first()
    if unit is None:
        raise Open311Error(
            404,
            problem("jurisdiction_id", _("No unit has the code or address “%(id)s”.") % {"id": identifier}),
        )
    return unit


def public_requests():
    """Petitions that Open311 may show: reports and recommendations, not confidential, in an offered field."""
    return Petition.objects.filter(
        kind__in=OPEN311_KINDS, is_confidential=False, sector__open311_service=True
    ).select_related("unit", "sector")


def _status(petition: Petition) -> str:
    return "open" if petition.state in OPEN_STATES else "closed"


def _status_notes(petition: Petition) -> str:
    notes = petition.get_state_display()
    if petition.state in (State.TRANSFERRED, State.GUIDED) and petition.transferred_to:
        notes = f"{notes}: {petition.transferred_to}"
    return str(notes)


def _coordinate(value) -> float | None:
    return float(value) if value is not None else None


def request_row(petition: Petition) -> dict:
    """One service request as the spec's GET requests shows it. No field about who sent it."""
    return {
        "service_request_id": petition.tracking_code,
        "status": _status(petition),
        "status_notes": _status_notes(petition),
        "service_name": service_name(petition.kind, petition.sector),
        "service_code": service_code(petition.kind, petition.sector),
        "description": petition.content,
        "agency_responsible": petition.unit.name,
        "service_notice": None,
        "requested_datetime": _w3(petition.created_at),
        "updated_datetime": _w3(petition.updated_at),
        "expected_datetime": _end_of_day(petition.due_on) if petition.is_open else None,
        "address": petition.location_text or None,
        "address_id": None,
        "zipcode": None,
        "lat": _coordinate(petition.latitude),
        "long": _coordinate(petition.longitude),
        "media_url": None,
    }


def _no_such_service(code: str) -> str:
    return problem("service_code", _("No service “%(code)s”; see services.xml.") % {"code": code})


def _find_request(identifier: str) -> Petition:
    code = services.normalize_tracking_code(identifier)
    petition = public_requests().filter(tracking_code=code).first() if code else None
    if petition is None:
        raise Open311Error(404, _("No service request has the id “%(id)s”.") % {"id": identifier})
    return petition


def _changeset() -> str:
    """When the services last changed: the newest ledger entry about a field, else the first release."""
    changed = (
        LedgerEntry.objects.filter(action__in=SECTOR_CHANGE_ACTIONS)
        .order_by("-seq")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localtime(changed).strftime("%Y-%m-%d %H:%M") if changed else DEFAULT_CHANGESET


# ------------------------------------------------------------------------------------------ read views


@open311_endpoint("GET", "HEAD")
def discovery(request, fmt: str):
    changeset = _changeset()
    data = {
        "changeset": changeset,
        "contact": _(
            "For questions about this service, contact the people's committee of the commune or ward "
            "concerned, or the site's administrator."
        ),
        "key_service": _(
            "Keys for filing requests are issued by the site's administrator (admin site, or the command "
            "“manage.py issue_open311_key”)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", data)


def root(request):
    """The endpoint's root serves the discovery document (as the Service Discovery page suggests)."""
    return discovery(request, "xml")


@open311_endpoint("GET", "HEAD")
def service_list(request, fmt: str):
    _jurisdiction(request.GET.get("jurisdiction_id"))
    sectors = list(offered_sectors())
    return render(fmt, "services", [_service(kind, sector) for kind in OPEN311_KINDS for sector in sectors])


@open311_endpoint("GET", "HEAD")
def service_definition(request, fmt: str, service_code: str):
    _jurisdiction(request.GET.get("jurisdiction_id"))
    if find_service(service_code) is None:
        raise Open311Error(404, _no_such_service(service_code))
    return render(fmt, "service_definition", {"service_code": service_code, "attributes": _attributes()})


@open311_endpoint("GET", "HEAD")
def service_request(request, fmt: str, request_id: str):
    _jurisdiction(request.GET.get("jurisdiction_id"))
    return render(fmt, "service_requests", [request_row(_find_request(request_id))])


@open311_endpoint("GET", "HEAD")
def token(request, fmt: str, token: str):
    """Requests are created in real time, so the token is the service_request_id itself."""
    _jurisdiction(request.GET.get("jurisdiction_id"))
    petition = _find_request(token)
    return render(fmt, "service_requests", [{"service_request_id": petition.tracking_code, "token": token}])


def _moment(request, name: str) -> datetime | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value.replace(" ", "+"))  # a "+" not URL-encoded arrives as a space
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:  # well formed but impossible, e.g. month 13
        moment = None
    if moment is None:
        raise Open311Error(400, problem(name, _("Write a date and time such as 2026-03-01T00:00:00+07:00.")))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _date_window(request) -> tuple[datetime, datetime]:
    start, end = _moment(request, "start_date"), _moment(request, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, problem("end_date", _("It is before start_date.")))
    if end - start > MAX_SPAN:
        raise Open311Error(
            400, problem("end_date", _("start_date and end_date may not span more than 90 days."))
        )
    return start, end


def _by_service_codes(petitions, codes: list[str]):
    wanted = Q(pk__in=[])
    for code in codes:
        kind, separator, sector_code = code.partition("-")
        if separator and kind in OPEN311_KINDS:
            wanted |= Q(kind=kind, sector__code=sector_code)
    return petitions.filter(wanted)


def _by_status(petitions, statuses: list[str]):
    unknown = set(statuses) - {"open", "closed"}
    if unknown:
        raise Open311Error(400, problem("status", _("Use open or closed.")))
    if set(statuses) == {"open"}:
        return petitions.filter(state__in=OPEN_STATES)
    if set(statuses) == {"closed"}:
        return petitions.exclude(state__in=OPEN_STATES)
    return petitions


def _list_requests(request, fmt: str) -> HttpResponse:
    petitions = public_requests()
    unit = _jurisdiction(request.GET.get("jurisdiction_id"))
    if unit is not None:
        petitions = petitions.in_subtree(unit)
    ids = _values(request, "service_request_id")
    if ids:  # "This overrides all other arguments."
        petitions = petitions.filter(tracking_code__in=[services.normalize_tracking_code(i) for i in ids])
    else:
        codes = _values(request, "service_code")
        if codes:
            petitions = _by_service_codes(petitions, codes)
        petitions = _by_status(petitions, _values(request, "status"))
        start, end = _date_window(request)
        petitions = petitions.filter(created_at__gte=start, created_at__lte=end)
    rows = petitions.order_by("-created_at", "-pk")[:MAX_RESULTS]
    return render(fmt, "service_requests", [request_row(petition) for petition in rows])


# ------------------------------------------------------------------------------------------ POST requests

# Field names of `services.submit_petition`'s errors, as the Open311 parameters that carry them.
PARAMETER_OF_FIELD = {
    "title": "description",
    "content": "description",
    "name": "first_name",
    "kind": "service_code",
    "channel": "service_code",
    "received_on": "description",
}


def _flat(data: dict) -> dict:
    """A JSON object as form fields: {"attribute": {"dia_chi": "x"}} is "attribute[dia_chi]" = "x"."""
    flat = {}
    for key, value in data.items():
        if key == "attribute" and isinstance(value, dict):
            flat.update({f"attribute[{code}]": str(item) for code, item in value.items() if item is not None})
        elif value is not None:
            flat[str(key)] = str(value)
    return flat


def _posted(request) -> dict:
    """The POSTed parameters (form-encoded as the spec says; a JSON object is accepted too)."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as error:
            raise Open311Error(400, _("The request body could not be read.")) from error
        if not isinstance(data, dict):
            raise Open311Error(400, _("The request body could not be read."))
        return _flat(data)
    return {key: request.POST.get(key, "") for key in request.POST}


def _api_key(request, data: dict) -> open311_keys.Open311Key:
    plain = data.get("api_key") or request.GET.get("api_key", "")
    if not plain.strip():
        raise Open311Error(403, problem("api_key", _("Missing: filing a request needs an API key.")))
    key = open311_keys.authenticate(plain)
    if key is None:
        raise Open311Error(403, problem("api_key", _("Invalid: the key is unknown or has been revoked.")))
    return key


def _target_unit(key, data: dict) -> Unit:
    """The key's unit, or the unit named by jurisdiction_id, which must lie in the key's subtree."""
    unit = _jurisdiction(data.get("jurisdiction_id", ""))
    if unit is None:
        return key.unit
    if not unit.path.startswith(key.unit.path):
        raise Open311Error(
            403,
            problem(
                "jurisdiction_id", _("This api_key may not file requests for %(unit)s.") % {"unit": unit.name}
            ),
        )
    return unit


def _requested_service(data: dict) -> tuple[str, Sector]:
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, problem("service_code", _("Missing: choose a service from services.xml.")))
    found = find_service(code)
    if found is None:
        raise Open311Error(404, _no_such_service(code))
    return found


def _coordinates(data: dict, errors: list[str]) -> tuple[Decimal | None, Decimal | None]:
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    if not (lat or long):
        return None, None
    if not (lat and long):
        errors.append(problem("lat", _("Send both lat and long, or neither.")))
        return None, None
    try:
        latitude, longitude = Decimal(lat), Decimal(long)
    except InvalidOperation:
        errors.append(problem("lat", _("Write decimal degrees (WGS84), e.g. 20.86 and 106.68.")))
        return None, None
    if not (latitude.is_finite() and longitude.is_finite() and abs(latitude) <= 90 and abs(longitude) <= 180):
        errors.append(
            problem("lat", _("The latitude must lie between -90 and 90, the longitude between -180 and 180."))
        )
        return None, None
    return latitude.quantize(COORDINATE_STEP), longitude.quantize(COORDINATE_STEP)


def _location_text(data: dict) -> str:
    parts = [data.get(f"attribute[{ADDRESS_ATTRIBUTE}]", ""), data.get("address_string", "")]
    parts.append(data.get("address_id", ""))
    return ", ".join(dict.fromkeys(part for part in map(normalize_text, parts) if part))[:300]


def _description(data: dict, errors: list[str]) -> str:
    description = normalize_text(data.get("description", ""))
    if not description:
        errors.append(problem("description", _("Describe what you report or recommend.")))
    elif len(description) > MAX_DESCRIPTION:
        errors.append(problem("description", _("At most 4,000 characters.")))
    return description


def title_from(description: str) -> str:
    """The first line, shortened at a word boundary."""
    first_line = " ".join((description.splitlines() or [""])[0].split())
    if len(first_line) <= TITLE_LENGTH:
        return first_line
    return first_line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def _media_url(data: dict, errors: list[str]) -> str:
    url = data.get("media_url", "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.append(problem("media_url", _("Give a web address starting with http:// or https://.")))
            return ""
    return url


def _petitioner(data: dict, errors: list[str]) -> services.Petitioner:
    email = normalize_text(data.get("email", "")).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(problem("email", _("Enter a valid e-mail address.")))
    # A Vietnamese full name puts the family name (last_name) first.
    name = " ".join(normalize_text(data.get(part, "")) for part in ("last_name", "first_name")).strip()
    return services.Petitioner(name=name, phone=normalize_text(data.get("phone", "")), email=email)


def _submission_errors(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        problem(PARAMETER_OF_FIELD.get(field, field), message)
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def _notice(petition: Petition) -> str:
    return _("%(unit)s has received it with tracking code %(code)s and will examine it by %(date)s.") % {
        "unit": petition.unit.name,
        "code": petition.tracking_code,
        "date": f"{petition.due_on:%d/%m/%Y}" if petition.due_on else "—",
    }


def _create_request(request, fmt: str) -> HttpResponse:
    data = _posted(request)
    key = _api_key(request, data)
    kind, sector = _requested_service(data)
    unit = _target_unit(key, data)
    errors: list[str] = []
    latitude, longitude = _coordinates(data, errors)
    location_text = _location_text(data)
    if latitude is None and not location_text and not errors:
        errors.append(problem("address_string", _("Give the location: lat and long, or address_string.")))
    description = _description(data, errors)
    media_url = _media_url(data, errors)
    petitioner = _petitioner(data, errors)
    if errors:
        raise Open311Error(400, *errors)
    content = description
    if media_url:
        content = f"{description}\n\n" + _("Photo or file: %(url)s") % {"url": media_url}
    try:
        petition = services.submit_petition(
            unit=unit,
            kind=kind,
            channel=Channel.OPEN311,
            title=title_from(description),
            content=content,
            petitioner=petitioner,
            # Without a phone or e-mail nobody can be told anything: the request is followed by its id.
            anonymous=not (petitioner.phone or petitioner.email),
            sector=sector,
            location_text=location_text,
            latitude=latitude,
            longitude=longitude,
        )
    except ValidationError as error:
        raise Open311Error(400, *_submission_errors(error)) from error
    open311_keys.record_use(key)
    body = [
        {
            "service_request_id": petition.tracking_code,
            "service_notice": _notice(petition),
            "account_id": None,
        }
    ]
    return render(fmt, "service_requests", body, status=201)


@csrf_exempt  # no cookies are involved: the api_key in the body authenticates the caller
@idempotent(refuse=georeport_refusal)
@open311_endpoint("GET", "HEAD", "POST")
def requests(request, fmt: str):
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


def not_found(request, path: str = ""):
    """Anything else under /open311/v2/: the spec's 404."""
    message = _("There is no such Open311 resource. Start from discovery.xml.")
    return error_response("xml", 404, [(404, message)])
