"""REST API for petitions (/api/v1/petitions/).

Staff read the petitions of the units where they hold `petitions.view_petition` (`visible_to`; a row
outside the scope is a 404). Integrations and staff file a petition with POST (channel "api"; needs
`petitions.handle_petition` on the target unit; honours `Idempotency-Key`) and move it through the workflow
with the actions below, each calling its service. A confidential or anonymous petitioner has no identity
in any answer (`petitioner` is null); the lookup digests and the protected identity are never serialised.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
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

from dancoso.core.api import ApiError, error_responses
from dancoso.core.idempotency import IdempotentMixin
from dancoso.petitions import services
from dancoso.petitions.models import Channel, Complexity, Kind, Petition, Sector, State
from dancoso.units.models import Unit

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
    if hasattr(error, "error_dict"):
        detail = {
            API_FIELD_OF_SERVICE_FIELD.get(field, field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {"non_field_errors": error.messages}
    return serializers.ValidationError(detail)


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


class PetitionSerializer(serializers.ModelSerializer):
    """A petition as staff see it; the write-only fields are what a POST files."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    sector = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Sector.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The field's code, e.g. `moi-truong`.",
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    petitioner = serializers.SerializerMethodField()
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
    received_on = serializers.DateField(required=False)

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
        extra_kwargs = {"signers": {"min_value": 1}}

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
        data = dict(validated_data)
        petitioner = services.Petitioner(
            name=data.pop("petitioner_name", ""),
            address=data.pop("petitioner_address", ""),
            phone=data.pop("petitioner_phone", ""),
            email=data.pop("petitioner_email", ""),
        )
        return call_service(
            services.submit_petition,
            channel=Channel.API,
            actor=self.context["request"].user,
            petitioner=petitioner,
            confidential_identity=data.pop("confidential"),
            **data,
        )


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
        "Send `Idempotency-Key` so that a retry does not file it twice.",
        responses={201: PetitionSerializer},
    ),
)
class PetitionViewSet(
    IdempotentMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PetitionSerializer

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

    def perform_create(self, serializer):
        if not self.request.user.has_perm("petitions.handle_petition", serializer.validated_data["unit"]):
            raise PermissionDenied(_("You may not receive petitions for this unit."))
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
