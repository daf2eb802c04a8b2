"""REST API for petitions (/api/v1/petitions/).

Staff read the petitions of the units where they hold `petitions.view_petition` (`visible_to`; a row
outside the scope is a 404). Integrations and staff file a petition with POST (channel "api"; needs
`petitions.handle_petition` on the target unit; honours `Idempotency-Key`) and move it through the workflow
with the actions below, each calling its service. A confidential or anonymous petitioner has no identity
in any answer (`petitioner` is null); the lookup digests and the protected identity are never serialised.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from dancoso.core.api import ApiError, error_responses
from dancoso.core.idempotency import IdempotentMixin
from dancoso.petitions import fast_intake, services
from dancoso.petitions.forms import APPEAL_CHANNELS, MAX_SPLIT_PARTS
from dancoso.petitions.models import Channel, Complexity, Kind, Petition, QueuedPetition, Sector, State
from dancoso.petitions.sector_cache import active_sectors_by_code
from dancoso.units.models import SETTLEMENT_KINDS, Unit

# Field names of the services' errors, as the API's fields that carry them.
API_FIELD_OF_SERVICE_FIELD = {
    "name": "petitioner_name",
    "phone": "petitioner_phone",
    "email": "petitioner_email",
}


def _service_error(error: DjangoValidationError) -> Exception:
    """A service's refusal in the API's error format: an illegal step is a conflict (409)."""
    if isinstance(error, services.IllegalTransition):
        return ApiError("illegal_transition", " ".join(error.messages), status=status.HTTP_409_CONFLICT)
    if isinstance(error, services.BatchErrors):
        detail = {"petitions": {str(i): _error_detail(bad) for i, bad in sorted(error.by_position.items())}}
        return serializers.ValidationError(detail)
    return serializers.ValidationError(_error_detail(error))


def _error_detail(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            API_FIELD_OF_SERVICE_FIELD.get(field, field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def call_service(service, *args, **kwargs):
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as error:
        raise _service_error(error) from error


# ------------------------------------------------------------------------------------------ serializers


class PetitionerSerializer(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class FilingSerializer(serializers.Serializer):
    """What a POST files: shared by the synchronous answer (`PetitionSerializer`) and the queued one."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    kind = serializers.ChoiceField(choices=Kind.choices)
    sector = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Sector.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The field's code, e.g. `moi-truong`.",
    )
    title = serializers.CharField(max_length=300)
    content = serializers.CharField()
    location_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    # Filing only: never read back (a confidential identity is stored encrypted, apart).
    petitioner_name = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=150)
    petitioner_address = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=300
    )
    petitioner_phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=30)
    petitioner_email = serializers.EmailField(write_only=True, required=False, allow_blank=True)
    confidential = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text="Keep the petitioner's identity confidential (always so for a denunciation).",
    )
    anonymous = serializers.BooleanField(write_only=True, default=False)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    signers = serializers.IntegerField(min_value=1, required=False, default=1)
    received_on = serializers.DateField(required=False)

    def filing(self) -> dict:
        """The validated fields as the services' keyword arguments."""
        return filing_of(self.validated_data)


def filing_of(validated: dict) -> dict:
    """A validated filing (FilingSerializer's fields) as the services' keyword arguments."""
    data = dict(validated)
    data["petitioner"] = services.Petitioner(
        name=data.pop("petitioner_name", ""),
        address=data.pop("petitioner_address", ""),
        phone=data.pop("petitioner_phone", ""),
        email=data.pop("petitioner_email", ""),
    )
    data["confidential_identity"] = data.pop("confidential")
    return data


class PetitionSerializer(FilingSerializer, serializers.ModelSerializer):
    """A petition as staff see it; the write-only fields are what a POST files."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    petitioner = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = [
            "id",
            "tracking_code",
            "unit",
            "unit_name",
            "kind",
            "kind_label",
            "channel",
            "sector",
            "title",
            "content",
            "location_text",
            "latitude",
            "longitude",
            "is_confidential",
            "is_anonymous",
            "petitioner",
            "petitioner_name",
            "petitioner_address",
            "petitioner_phone",
            "petitioner_email",
            "confidential",
            "anonymous",
            "signers",
            "is_eligible",
            "within_competence",
            "has_originals",
            "complexity",
            "instance",
            "appeal_of",
            "split_from",
            "linked_to",
            "state",
            "state_label",
            "handler",
            "received_on",
            "accepted_on",
            "resolved_on",
            "closed_on",
            "due_on",
            "due_kind",
            "resolution_due",
            "extensions",
            "resolved_late",
            "transferred_from",
            "transferred_to",
            "outcome",
            "decision_number",
            "state_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "tracking_code",
            "channel",
            "is_confidential",
            "is_anonymous",
            "is_eligible",
            "within_competence",
            "has_originals",
            "complexity",
            "instance",
            "appeal_of",
            "split_from",
            "linked_to",
            "state",
            "handler",
            "accepted_on",
            "resolved_on",
            "closed_on",
            "due_on",
            "due_kind",
            "resolution_due",
            "extensions",
            "resolved_late",
            "transferred_from",
            "transferred_to",
            "outcome",
            "decision_number",
            "state_reason",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(PetitionerSerializer(allow_null=True))
    def get_petitioner(self, petition: Petition) -> dict | None:
        """Null for confidential and anonymous petitioners: their identity is not on the row."""
        if petition.is_confidential or petition.is_anonymous:
            return None
        return {
            "name": petition.petitioner_name,
            "address": petition.petitioner_address,
            "phone": petition.petitioner_phone,
            "email": petition.petitioner_email,
        }

    def create(self, validated_data):
        return call_service(
            services.submit_petition, channel=Channel.API, actor=self.context["request"].user, **self.filing()
        )


class QueuedPetitionSerializer(serializers.ModelSerializer):
    """A petition acknowledged with `Prefer: respond-async`, before and after it is registered."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    petition = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = QueuedPetition
        fields = [
            "tracking_code",
            "status",
            "status_label",
            "unit",
            "kind",
            "channel",
            "received_on",
            "received_at",
            "petition",
            "registered_at",
        ]
        read_only_fields = fields


# ------------------------------------------------------------------------------------------ batches

BATCH_MAX_PETITIONS = 100


class _BatchUnitField(serializers.PrimaryKeyRelatedField):
    """The filing's unit from those the batch read at once (`context["units"]`), not one query per filing;
    anything that is not a plain id is left to the usual field (its own message)."""

    def to_internal_value(self, data):
        units = self.context.get("units")
        if units is None or not _plain_id(data):
            return super().to_internal_value(data)
        unit = units.get(int(data))
        if unit is None:
            self.fail("does_not_exist", pk_value=data)
        return unit


class _BatchSectorField(serializers.SlugRelatedField):
    """The filing's field from the active fields the batch read at once (`context["sectors"]`)."""

    def to_internal_value(self, data):
        sectors = self.context.get("sectors")
        if sectors is None or not isinstance(data, str):
            return super().to_internal_value(data)
        sector = sectors.get(data)
        if sector is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return sector


def _plain_id(data) -> bool:
    return (type(data) is int and data > 0) or (isinstance(data, str) and data.isascii() and data.isdigit())


class BatchFilingSerializer(FilingSerializer):
    unit = _BatchUnitField(queryset=Unit.objects.filter(is_active=True))
    sector = _BatchSectorField(
        slug_field="code",
        queryset=Sector.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The field's code, e.g. `moi-truong`.",
    )


class BatchSerializer(serializers.Serializer):
    petitions = BatchFilingSerializer(many=True, allow_empty=False, max_length=BATCH_MAX_PETITIONS)


class QueuedBatchSerializer(serializers.Serializer):
    petitions = QueuedPetitionSerializer(many=True, read_only=True)


def _batch_filings(data) -> list:
    """The list of filings a batch body holds (at most one more than allowed), [] when it holds none."""
    filings = data.get("petitions") if isinstance(data, dict) else None
    return filings[: BATCH_MAX_PETITIONS + 1] if isinstance(filings, list) else []


def batch_lookups(data) -> dict:
    """The active units a batch's filings name (one query) and the active fields (the fields cache)."""
    named = {
        int(filing["unit"])
        for filing in _batch_filings(data)
        if isinstance(filing, dict) and _plain_id(filing.get("unit"))
    }
    return {
        "units": Unit.objects.filter(is_active=True).in_bulk(named),
        "sectors": active_sectors_by_code(),
    }


def batch_size(request) -> int:
    """How many petitions a batch request files (at most BATCH_MAX_PETITIONS; 1 for anything else)."""
    return min(len(_batch_filings(request.data)), BATCH_MAX_PETITIONS) or 1


class FilingsRateThrottle(UserRateThrottle):
    """The API's per-user limit (the same count, key and rate as every other request), with each petition of
    a batch counted as one request: a batch that does not fit in what is left is refused whole."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        weight = batch_size(request)
        if len(self.history) + weight > self.num_requests:
            return self.throttle_failure()
        self.history[:0] = [self.now] * weight
        self.cache.set(self.key, self.history, self.duration)
        return True


class ClassifySerializer(serializers.Serializer):
    kind = serializers.CharField(
        required=False, help_text="Change the kind: proposal, report, complaint, denunciation or mixed."
    )
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.filter(is_active=True), required=False, allow_null=True
    )
    is_eligible = serializers.BooleanField()
    within_competence = serializers.BooleanField()
    has_originals = serializers.BooleanField(required=False, allow_null=True, default=None)
    signers = serializers.IntegerField(required=False, min_value=1)
    complexity = serializers.ChoiceField(choices=Complexity.choices, required=False)
    several_sites = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    decision_known_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Complaints: when the complainant received or learned of the decision (the 90 days of "
        "Luật Khiếu nại Art. 9 run from it).",
    )
    obstacle_days = serializers.IntegerField(
        required=False, min_value=0, max_value=3650, default=0, help_text="Days of obstacles, not counted."
    )

    def validate_kind(self, value: str) -> str:
        if value not in Kind.values:
            raise serializers.ValidationError(
                _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}
            )
        return value


class AcceptSerializer(serializers.Serializer):
    accepted_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TransferSerializer(serializers.Serializer):
    to_body = serializers.CharField(max_length=300)
    letter_number = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    transferred_on = serializers.DateField(required=False)


class ResolveSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    decision_number = serializers.CharField(required=False, allow_blank=True, default="")
    resolved_on = serializers.DateField(required=False)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# ------------------------------------------------------------------------------------------ more steps
# The other workflow steps of the staff pages (views.ACTIONS): split, link as a repeat, guide, do not
# process, start verification, extend, withdraw, assign, second complaint, protect the identity. Each
# validates its input, calls its service and answers like the steps above; they live in
# `PetitionStepsMixin`, apart from filing (`PetitionSerializer.create`).


class SplitPartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[choice for choice in Kind.choices if choice[0] != Kind.MIXED],
        help_text="The part's kind (never `mixed`).",
    )
    title = serializers.CharField(max_length=300, help_text="The part's summary.")
    content = serializers.CharField(required=False, allow_blank=True, default="")
    sector = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Sector.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The field's code; the letter's field when left out.",
    )


class SplitSerializer(serializers.Serializer):
    parts = SplitPartSerializer(
        many=True, help_text=f"Two to {MAX_SPLIT_PARTS} parts, one per content of the letter."
    )

    def validate_parts(self, parts: list[dict]) -> list[dict]:
        if len(parts) > MAX_SPLIT_PARTS:
            raise serializers.ValidationError(
                _("A letter is split into at most %(n)d parts.") % {"n": MAX_SPLIT_PARTS}
            )
        return parts


class SplitResultSerializer(serializers.Serializer):
    petition = PetitionSerializer(help_text="The letter, now in the state `split`.")
    parts = PetitionSerializer(many=True, help_text="The new petitions, one per part, each `received`.")


class LinkRepeatSerializer(serializers.Serializer):
    earlier = serializers.CharField(
        max_length=20,
        help_text="Tracking code of the earlier petition of the same unit, which this one repeats.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    def validate_earlier(self, value: str) -> Petition:
        code = services.normalize_tracking_code(value)
        earlier = self.context["candidates"].filter(tracking_code=code).first()
        if earlier is None:
            raise serializers.ValidationError(_("No petition you may see has this tracking code."))
        return earlier


class GuideSerializer(serializers.Serializer):
    to_body = serializers.CharField(max_length=300, help_text="The competent body the petitioner is sent to.")
    guidance = serializers.CharField(help_text="The written guidance given to the petitioner.")


class NotProcessSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why it is kept without processing (lưu đơn).")
    refer_for_inspection = serializers.BooleanField(
        default=False, help_text="The content is passed on for inspection."
    )


class StartVerificationSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendSerializer(serializers.Serializer):
    complexity = serializers.CharField(
        help_text="How complex the case was found to be: `complex` or `very_complex` (particularly complex)."
    )
    reason = serializers.CharField(help_text="Why the deadline is extended.")
    decision_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text="The extension decision's number; required for a denunciation.",
    )

    def validate_complexity(self, value: str) -> str:
        # A plain string in the schema: an enum here would collide with the petition's `complexity` enum.
        allowed = (Complexity.COMPLEX, Complexity.VERY_COMPLEX)
        if value not in allowed:
            raise serializers.ValidationError(_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(allowed)})
        return value


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="How the petitioner withdrew (letter, statement).")
    withdrawn_on = serializers.DateField(required=False, help_text="Today when left out.")


class AssignSerializer(serializers.Serializer):
    handler = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(),
        help_text="The id of an active user who may handle petitions of the petition's unit.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "handlers" in self.context:  # absent only when the schema is generated
            self.fields["handler"].queryset = self.context["handlers"]


class SecondComplaintSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.none(),
        help_text="The body resolving the second complaint: a unit where you may handle petitions.",
    )
    channel = serializers.ChoiceField(choices=[(c.value, c.label) for c in APPEAL_CHANNELS])
    received_on = serializers.DateField(required=False, help_text="Today when left out.")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    content = serializers.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "units" in self.context:  # absent only when the schema is generated
            self.fields["unit"].queryset = self.context["units"]


class ProtectIdentitySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="Why the identity is now kept confidential.")


def _step_schema(request_serializer, description: str, *, created=None, conflict: bool = True):
    success = {201: created} if created is not None else {200: PetitionSerializer}
    return extend_schema(
        request=request_serializer,
        responses={**success, **(error_responses(409) if conflict else {})},
        description=description,
    )


class PetitionStepsMixin:
    """The remaining workflow steps of `PetitionViewSet` (it provides `_handled`, `_step`, `get_queryset`)."""

    def _validated(self, request, input_serializer, context: dict) -> dict:
        payload = input_serializer(data=request.data, context={**self.get_serializer_context(), **context})
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    def _answer(self, petition: Petition, status_code: int = status.HTTP_200_OK) -> Response:
        petition = self.get_queryset().filter(pk=petition.pk).first() or petition
        return Response(
            PetitionSerializer(petition, context=self.get_serializer_context()).data, status=status_code
        )

    @_step_schema(
        SplitSerializer,
        "Split a letter with several contents into parts (Luật Tiếp công dân Art. 25.3). Each part becomes "
        "a petition with its own tracking code; the letter is no longer counted.",
        created=SplitResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        petition = self._handled()
        data = self._validated(request, SplitSerializer, {})
        parts = call_service(services.split_petition, petition, actor=request.user, parts=data["parts"])
        context = self.get_serializer_context()
        letter = self.get_queryset().get(pk=petition.pk)
        body = {
            "petition": PetitionSerializer(letter, context=context).data,
            "parts": PetitionSerializer(
                self.get_queryset().filter(pk__in=[part.pk for part in parts]).order_by("pk"),
                many=True,
                context=context,
            ).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @_step_schema(
        LinkRepeatSerializer,
        "Link a repeated petition to the earlier one of the same unit, which is followed instead; the "
        "repeat leaves the counts.",
    )
    @action(detail=True, methods=["post"], url_path="link-repeat", url_name="link-repeat")
    def link_repeat(self, request, pk=None):
        petition = self._handled()
        candidates = self.get_queryset().exclude(pk=petition.pk)
        data = self._validated(request, LinkRepeatSerializer, {"candidates": candidates})
        return self._answer(call_service(services.link_repeat, petition, actor=request.user, **data))

    @_step_schema(GuideSerializer, "Guide the petitioner in writing to the competent body (hướng dẫn).")
    @action(detail=True, methods=["post"])
    def guide(self, request, pk=None):
        return self._step(request, GuideSerializer, services.guide_petitioner)

    @_step_schema(NotProcessSerializer, "Keep the petition without processing (lưu đơn), with the reason.")
    @action(detail=True, methods=["post"], url_path="not-process", url_name="not-process")
    def not_process(self, request, pk=None):
        return self._step(request, NotProcessSerializer, services.not_process_petition)

    @_step_schema(StartVerificationSerializer, "Start verifying (xác minh) an accepted petition.")
    @action(detail=True, methods=["post"], url_path="start-verification", url_name="start-verification")
    def start_verification(self, request, pk=None):
        return self._step(request, StartVerificationSerializer, services.start_verification)

    @_step_schema(
        ExtendSerializer,
        "Extend the resolution deadline where the law allows it: a complex denunciation once, a "
        "particularly complex one twice, by 30 days each, with the decision's number (Luật Tố cáo Art. "
        "30.1); a complaint found complex gets the longer period (Luật Khiếu nại Art. 28, 37).",
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._step(request, ExtendSerializer, services.extend_deadline)

    @_step_schema(WithdrawSerializer, "Record that the petitioner withdrew the petition.")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, WithdrawSerializer, services.withdraw_petition)

    @_step_schema(AssignSerializer, "Give an open petition to a handler of its unit.")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        petition = self._handled()
        data = self._validated(request, AssignSerializer, {"handlers": services.eligible_handlers(petition)})
        return self._answer(call_service(services.assign_handler, petition, actor=request.user, **data))

    @_step_schema(
        SecondComplaintSerializer,
        "Record a second complaint (khiếu nại lần hai) about a first-instance complaint: a new case at the "
        "next level, linked to this one (Luật Khiếu nại Art. 33, 37). Answers the new case.",
        created=PetitionSerializer,
        conflict=False,
    )
    @action(detail=True, methods=["post"], url_path="second-complaint", url_name="second-complaint")
    def second_complaint(self, request, pk=None):
        petition = self._handled()
        units = (
            Unit.objects.visible_to(request.user, "petitions.handle_petition")
            .filter(is_active=True)
            .exclude(kind__in=SETTLEMENT_KINDS)
        )
        data = self._validated(request, SecondComplaintSerializer, {"units": units})
        appeal = call_service(services.file_second_complaint, petition, actor=request.user, **data)
        return self._answer(appeal, status.HTTP_201_CREATED)

    @_step_schema(
        ProtectIdentitySerializer,
        "Keep the petitioner's identity confidential from now on (Luật Tố cáo Art. 9.1.b): it is moved to "
        "the encrypted table. Nothing changes for a petition that is already confidential or anonymous.",
        conflict=False,
    )
    @action(detail=True, methods=["post"], url_path="protect-identity", url_name="protect-identity")
    def protect_identity(self, request, pk=None):
        return self._step(request, ProtectIdentitySerializer, services.protect_identity)


# ------------------------------------------------------------------------------------------ viewset


def _values(request, name: str) -> list[str]:
    return [part.strip() for part in request.query_params.get(name, "").split(",") if part.strip()]


def _workflow_schema(request_serializer, description: str):
    return extend_schema(
        request=request_serializer,
        responses={200: PetitionSerializer, **error_responses(409)},
        description=description,
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                description=f"One or more, comma-separated: {', '.join(State.values)}",
            ),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                description=f"One or more, comma-separated: {', '.join(Kind.values)}",
            ),
            OpenApiParameter("unit", OpenApiTypes.INT, description="A unit: petitions of its subtree"),
            OpenApiParameter("sector", OpenApiTypes.STR, description="A field's code, e.g. `moi-truong`"),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
        ]
    ),
    create=extend_schema(
        description="File a petition (channel `api`). Needs the right to handle petitions in the unit. "
        "Send `Idempotency-Key` so that a retry does not file it twice. With `Prefer: respond-async` the "
        "petition is acknowledged at once (202, its tracking code, `Location` of its queue entry) and "
        "registered by a worker within seconds, with the day received as the start of its deadlines.",
        parameters=[
            OpenApiParameter(
                "Prefer",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="`respond-async` (RFC 7240): acknowledge now, register shortly after.",
            )
        ],
        responses={201: PetitionSerializer, 202: QueuedPetitionSerializer},
    ),
)
class PetitionViewSet(
    IdempotentMixin,
    PetitionStepsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PetitionSerializer

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if not actions or actions.get("post") != "create":
            return view

        @wraps(view)
        def filing(request, *args, **kwargs):
            """Integrations' queued filings take the fast lane when they can (see fast_intake)."""
            if request.method == "POST" and settings.PETITIONS_FAST_INTAKE and wants_async(request):
                answer = fast_intake.queue(request)
                if answer is not None:
                    return answer
            return view(request, *args, **kwargs)

        return filing

    def get_queryset(self):
        petitions = Petition.objects.visible_to(self.request.user, "petitions.view_petition").select_related(
            "unit", "sector"
        )
        if self.action != "list":
            return petitions
        return self._filtered(petitions)

    def _filtered(self, petitions):
        params = self.request.query_params
        if states := _values(self.request, "state"):
            petitions = petitions.filter(state__in=states)
        if kinds := _values(self.request, "kind"):
            petitions = petitions.filter(kind__in=kinds)
        if params.get("sector"):
            petitions = petitions.filter(sector__code=params["sector"])
        if params.get("channel"):
            petitions = petitions.filter(channel=params["channel"])
        unit = params.get("unit", "")
        if unit:
            path = (
                Unit.objects.filter(pk=int(unit)).values_list("path", flat=True).first()
                if unit.isdigit()
                else None
            )
            petitions = petitions.in_subtree(path) if path else petitions.none()
        return petitions

    def create(self, request, *args, **kwargs):
        if not wants_async(request):
            return super().create(request, *args, **kwargs)
        filing = FilingSerializer(data=request.data)
        filing.is_valid(raise_exception=True)
        self._check_may_receive(filing.validated_data["unit"])
        queued = call_service(
            services.queue_petition, actor=request.user, channel=Channel.API, **filing.filing()
        )
        url = reverse("api:queued-petition-detail", args=[queued.tracking_code])
        headers = {"Location": request.build_absolute_uri(url), "Preference-Applied": "respond-async"}
        return Response(
            QueuedPetitionSerializer(queued).data, status=status.HTTP_202_ACCEPTED, headers=headers
        )

    @extend_schema(
        description="File up to 100 petitions at once (channel `api`), e.g. an integration forwarding the calls "
        "of a hotline. Each is checked as a single filing is, and needs the right to handle petitions in its "
        "unit; if any filing is refused, nothing is queued and `fields` names each bad one by its position "
        "(`petitions.3.title`). Each is acknowledged at once (202, in order, with its tracking code) and "
        "registered by a worker within seconds, as with `Prefer: respond-async`; follow each at "
        "`/api/v1/petitions/queued/{tracking_code}/`. Every petition of a batch counts as one request in the "
        "per-user rate limit. Send `Idempotency-Key` so that a retry does not file the batch twice.",
        request=BatchSerializer,
        responses={202: QueuedBatchSerializer, **error_responses(400, 403, 429)},
    )
    @action(detail=False, methods=["post"], throttle_classes=[FilingsRateThrottle])
    def batch(self, request):
        payload = BatchSerializer(
            data=request.data, context={**self.get_serializer_context(), **batch_lookups(request.data)}
        )
        payload.is_valid(raise_exception=True)
        filings = [filing_of(filing) for filing in payload.validated_data["petitions"]]
        for unit in {filing["unit"].pk: filing["unit"] for filing in filings}.values():
            self._check_may_receive(unit)
        queued = call_service(
            services.queue_petitions,
            actor=request.user,
            filings=[{**filing, "channel": Channel.API} for filing in filings],
        )
        return Response(QueuedBatchSerializer({"petitions": queued}).data, status=status.HTTP_202_ACCEPTED)

    def _check_may_receive(self, unit: Unit) -> None:
        if not self.request.user.has_perm("petitions.handle_petition", unit):
            raise PermissionDenied(_("You may not receive petitions for this unit."))

    def perform_create(self, serializer):
        self._check_may_receive(serializer.validated_data["unit"])
        serializer.save()

    def _handled(self) -> Petition:
        petition = self.get_object()
        if not self.request.user.has_perm("petitions.handle_petition", petition):
            raise PermissionDenied(_("You may not handle petitions of this unit."))
        return petition

    def _step(self, request, input_serializer, service):
        petition = self._handled()
        payload = input_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        petition = call_service(service, petition, actor=request.user, **payload.validated_data)
        petition = self.get_queryset().get(pk=petition.pk)
        return Response(PetitionSerializer(petition, context=self.get_serializer_context()).data)

    @_workflow_schema(ClassifySerializer, "Classify: kind, field, eligibility, competence, signers.")
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        return self._step(request, ClassifySerializer, services.classify_petition)

    @_workflow_schema(AcceptSerializer, "Accept for resolution (thụ lý): the resolution period starts.")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(request, AcceptSerializer, services.accept_petition)

    @_workflow_schema(
        TransferSerializer, "Transfer to the competent body, with the transfer letter's number."
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        return self._step(request, TransferSerializer, services.transfer_petition)

    @_workflow_schema(ResolveSerializer, "Record the answer or the decision.")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._step(request, ResolveSerializer, services.resolve_petition)

    @_workflow_schema(CloseSerializer, "Close a resolved petition.")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(request, CloseSerializer, services.close_petition)


def wants_async(request) -> bool:
    """`Prefer: respond-async` (RFC 7240), among other preferences or alone."""
    preferences = ",".join(request.headers.get("Prefer", "").split(";")).split(",")
    return any(part.strip().lower() == "respond-async" for part in preferences)


@extend_schema_view(
    retrieve=extend_schema(
        description="A petition acknowledged with `Prefer: respond-async`: `pending` until a worker has "
        "registered it, then `registered` with the petition's id."
    )
)
class QueuedPetitionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = QueuedPetitionSerializer
    lookup_field = "tracking_code"
    lookup_value_regex = "[A-Z0-9-]{1,20}"

    def get_queryset(self):
        return QueuedPetition.objects.visible_to(self.request.user, "petitions.view_petition")
