"""The fast lane of `POST /api/v1/petitions/` with `Prefer: respond-async`: an integration's petition acknowledged
with one INSERT.

An integration (a hotline system, a provincial portal) posting petitions with its API token gets the same
answer as from the REST view (202, the `QueuedPetitionSerializer` body, `Location`, `Preference-Applied`), but
without the per-request work of DRF and the ORM:

- the token, the user's memberships, the unit and the fields are read from versioned caches whose versions this
  process checks at most once every `RECHECK_SECONDS` (one cache round trip for all of them); a revoked token,
  a deactivated user, a withdrawn membership or a deactivated unit therefore stops this lane within that time
  (the REST view sees it at once);
- the filing is checked by `services.check_intake`, the same check every channel passes;
- the queued row and the `Idempotency-Key` record are written by one statement (core.idempotency
  `insert_with_answer`), committed before the answer;
- the per-user rate limit (DRF's `UserRateThrottle` rate, shared with the REST view) is counted in this
  process and added to the shared count at each check, or at every request once half of what is left of
  the caller's allowance is used.

Anything this lane does not take as it is (another authentication, a body that is not a JSON object of the
expected types, an unknown token, a missing right, a field `check_intake` refuses, a key used before) goes to the
REST view, which answers it exactly as before: errors keep one shape and one wording.
"""

import json
import threading
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.http import HttpResponse
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from rest_framework.fields import DateTimeField
from rest_framework.throttling import UserRateThrottle

from dancoso.accounts.scoping import memberships_cache
from dancoso.accounts.token_cache import token_caller, token_callers_cache
from dancoso.core.api import throttled_response
from dancoso.core.idempotency import Claim, Refusal
from dancoso.core.scoping import scope_for
from dancoso.core.versioned_cache import versions
from dancoso.petitions import services
from dancoso.petitions.models import Channel, QueuedPetition
from dancoso.petitions.sector_cache import sectors_cache
from dancoso.units.caching import tree_cache, unit_state

RECHECK_SECONDS = 1.0
PERMISSION = "petitions.handle_petition"

# The filing's text fields (api.FilingSerializer) with their longest length after trimming (None: no limit).
TEXT_LIMITS = {
    "title": 300,
    "content": None,
    "location_text": 300,
    "petitioner_name": 150,
    "petitioner_address": 300,
    "petitioner_phone": 30,
    "petitioner_email": None,
}
REQUIRED_TEXT = ("title", "content")
FLAGS = ("confidential", "anonymous")
_DATETIME_FIELD = DateTimeField()


# ------------------------------------------------------------------------------------------------ caches


@dataclass
class _Allowance:
    """A caller's requests admitted here since the shared count was last read, and what was left then."""

    synced_at: float
    left: int
    pending: list[float] = field(default_factory=list)


@dataclass
class _Checks:
    """This process's view of the shared caches' versions and of each caller's rate allowance."""

    checked_at: float = float("-inf")
    versions: tuple = (None, None, None, None)
    lock: threading.Lock = field(default_factory=threading.Lock)
    allowances: dict[int, _Allowance] = field(default_factory=dict)


_checks = _Checks()
_STORES = (token_callers_cache, memberships_cache, tree_cache, sectors_cache)


def _current_versions() -> tuple:
    now = time.monotonic()
    if now - _checks.checked_at >= RECHECK_SECONDS:
        with _checks.lock:
            _checks.versions = tuple(versions(*_STORES))
            _checks.checked_at = now
    return _checks.versions


def forget() -> None:
    """Read the versions and rate counts again at the next request (tests; after a signal-less write)."""
    with _checks.lock:
        _checks.checked_at = float("-inf")
        _checks.allowances.clear()


# ------------------------------------------------------------------------------------------------ throttle


class _Throttle(UserRateThrottle):
    """DRF's per-user limit, counted in the REST view's own history (same cache key, same rate)."""

    def __init__(self, user_id: int):
        super().__init__()
        self.user_id = user_id

    def key(self) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.user_id}


def _wait(user_id: int) -> float | None:
    """None when the caller may go on (the request is counted), else the seconds to wait."""
    throttle = _Throttle(user_id)
    if throttle.rate is None:
        return None
    now = throttle.timer()
    with _checks.lock:
        allowance = _checks.allowances.get(user_id)
        fresh = allowance is not None and time.monotonic() - allowance.synced_at < RECHECK_SECONDS
        if fresh and len(allowance.pending) < allowance.left // 2:
            allowance.pending.append(now)
            return None
        pending = allowance.pending if allowance is not None else []
        return _sync(throttle, user_id, now, pending)


def _sync(throttle: _Throttle, user_id: int, now: float, pending: list[float]) -> float | None:
    """Add this process's admitted requests to the shared history and read what is left (as DRF does: not
    atomic between processes, so a burst may pass the limit by what the others admit meanwhile)."""
    key = throttle.key()
    history = [moment for moment in cache.get(key, []) if moment > now - throttle.duration]
    history = sorted(pending + history, reverse=True)
    left = throttle.num_requests - len(history)
    if left > 0:
        history.insert(0, now)
    cache.set(key, history, throttle.duration)
    _checks.allowances[user_id] = _Allowance(synced_at=time.monotonic(), left=max(0, left - 1))
    if left > 0:
        return None
    return throttle.duration - (now - history[-1])


# ------------------------------------------------------------------------------------------------ the lane


def _token(request) -> str | None:
    words = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(words) != 2 or words[0].lower() != "token":
        return None
    return words[1]


def _text(value) -> bool:
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode()  # a lone surrogate cannot be encoded: DRF refuses it
    except UnicodeEncodeError:
        return False
    return True


def _filing(body: dict) -> dict | None:
    """The filing as keyword arguments of `check_intake`, or None when a field is not plainly what the REST
    view accepts (that view then answers, with its own messages)."""
    filing = {}
    for name, limit in TEXT_LIMITS.items():
        value = body.get(name, "")
        if not _text(value) or (limit is not None and len(value.strip()) > limit):
            return None
        filing[name] = value.strip()
    if not all(filing[name] for name in REQUIRED_TEXT):
        return None
    if filing["petitioner_email"]:
        try:
            validate_email(filing["petitioner_email"])
        except ValidationError:
            return None
    flags = {name: body.get(name, False) for name in FLAGS}
    kind, unit, sector = body.get("kind"), body.get("unit"), body.get("sector")
    if (
        any(type(value) is not bool for value in flags.values())
        or kind not in services.KINDS
        or type(unit) is not int
        or not (sector is None or isinstance(sector, str))
        or any(body.get(name) is not None for name in ("latitude", "longitude"))
        or "received_on" in body
        or body.get("signers", 1) != 1
        or type(body.get("signers", 1)) is not int
    ):
        return None  # coordinates, a date or several signers: the REST view checks those
    return {
        "unit": unit,
        "kind": kind,
        "sector": sector,
        "title": filing["title"],
        "content": filing["content"],
        "location_text": filing["location_text"],
        "petitioner": services.Petitioner(
            name=filing["petitioner_name"],
            address=filing["petitioner_address"],
            phone=filing["petitioner_phone"],
            email=filing["petitioner_email"],
        ),
        "confidential_identity": flags["confidential"],
        "anonymous": flags["anonymous"],
    }


def _answer(request, queued: QueuedPetition) -> HttpResponse:
    """What `QueuedPetitionSerializer` gives for the new row, as the REST view renders it."""
    body = {
        "tracking_code": queued.tracking_code,
        "status": queued.status,
        "status_label": str(QueuedPetition.Status(queued.status).label),
        "unit": queued.unit_id,
        "kind": queued.kind,
        "channel": queued.channel,
        "received_on": queued.received_on.isoformat(),
        "received_at": _DATETIME_FIELD.to_representation(queued.received_at),
        "petition": None,
        "registered_at": None,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        status=202,
        content_type="application/json",
    )
    response["Location"] = request.build_absolute_uri(_queued_path(queued.tracking_code))
    response["Preference-Applied"] = "respond-async"
    response["Vary"] = "Accept"
    return response


def _queued_path(code: str) -> str:
    """The queued petition's path, from `reverse` done once per script prefix."""
    prefix = get_script_prefix()
    template = _queued_paths.get(prefix)
    if template is None:
        template = _queued_paths[prefix] = reverse("api:queued-petition-detail", args=[CODE_PLACEHOLDER])
    return template.replace(CODE_PLACEHOLDER, code)


CODE_PLACEHOLDER = "TRACKINGCODE"
_queued_paths: dict[str, str] = {}


def queue(request) -> HttpResponse | None:
    """The 202 answer for a petition this lane takes, or None to let the REST view answer."""
    key = _token(request)
    if key is None or request.content_type != "application/json":
        return None
    try:
        claim = Claim.of(request)
        body = json.loads(request.body)
    except (Refusal, ValueError):
        return None
    if not isinstance(body, dict) or (filing := _filing(body)) is None:
        return None
    token_version, memberships_version, tree_version, sectors_version = _current_versions()
    with (
        token_callers_cache.pinned(token_version),
        memberships_cache.pinned(memberships_version),
        tree_cache.pinned(tree_version),
        sectors_cache.pinned(sectors_version),
    ):
        return _queue(request, key, claim, filing)


def _queue(request, key: str, claim: Claim | None, filing: dict) -> HttpResponse | None:
    caller = token_caller(key)
    if caller is None or not caller.is_active:
        return None
    state = unit_state(filing["unit"])
    if state is None or not state[1]:
        return None
    path, _active = state
    if not _scope(caller).covers(filing["unit"], path):
        return None
    sector = _sector(filing["sector"])
    if filing["sector"] is not None and sector is None:
        return None
    unit = _UnitRef(pk=filing["unit"], path=path, is_active=True)
    try:
        intake = services.check_intake(**{**filing, "unit": unit, "sector": sector}, channel=Channel.API)
    except ValidationError:
        return None
    if (wait := _wait(caller.user_id)) is not None:
        return throttled_response(wait)
    answers = []

    def answer(row: QueuedPetition) -> HttpResponse:
        answers.append(_answer(request, row))
        return answers[-1]

    try:
        queued = services.queue_intake(intake, actor_id=caller.user_id, claim=claim, answer=answer)
    except IntegrityError:
        return None  # the key was used meanwhile: the REST view replays the first answer
    return answers[-1] if answers else _answer(request, queued)


@dataclass(frozen=True)
class _UnitRef:
    """What `check_intake` and the queued row need of the unit."""

    pk: int
    path: str
    is_active: bool


def _scope(caller):
    """Where the caller may receive petitions: `scope_for` over the cached memberships, itself kept with them."""
    from dancoso.accounts.models import User

    def build():
        user = User(pk=caller.user_id, is_active=caller.is_active, is_superuser=caller.is_superuser)
        return scope_for(user, PERMISSION)

    today = timezone.localdate()
    return memberships_cache.get(f"scope:{caller.user_id}:{caller.is_superuser}:{PERMISSION}:{today}", build)


def _sector(code: str | None):
    """The active field with this code, from the fields cache; None when absent or no longer used."""
    if code is None:
        return None
    from dancoso.petitions.models import Sector

    active = sectors_cache.get(
        "active-by-code",
        lambda: dict(Sector.objects.filter(is_active=True).values_list("code", "pk")),
    )
    pk = active.get(code)
    return _SectorRef(pk=pk, code=code, is_active=True) if pk is not None else None


@dataclass(frozen=True)
class _SectorRef:
    """What `check_intake` and the queued row need of the field."""

    pk: int
    code: str
    is_active: bool
