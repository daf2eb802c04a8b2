"""REST API for disclosures (/api/v1/disclosures/).

Staff read the items of the units where they hold `disclosure.view_publication` (`visible_to`; a row outside
the scope is a 404), drafts included, and the internal items of the units where they are members themselves
(`views.staff_visible`: a membership higher up the tree does not open them). An integration (or another system
of the commune) discloses with POST (needs `disclosure.publish` in the unit; honours `Idempotency-Key`):
published at once on the portal and through the postings given, or kept as a draft. The steps publish, revise, withdraw and
add-posting call the same services as the staff pages, with the same checks and ledger entries.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from dancoso.core.api import ApiError, error_responses
from dancoso.core.idempotency import IdempotentMixin
from dancoso.core.models import Attachment
from dancoso.core.text import search_key
from dancoso.disclosure import services
from dancoso.disclosure.models import (
    VILLAGE_CHANNELS,
    Audience,
    Category,
    Channel,
    PlanItem,
    Posting,
    Publication,
    PublicationVersion,
)
from dancoso.disclosure.views import staff_visible
from dancoso.units.models import SETTLEMENT_KINDS, Unit

PUBLISH = "disclosure.publish"
STATES = tuple(Publication.State.values)
CHANNEL_HELP = f"One of: {', '.join(Channel.values)}."
# Refusals about the item's state rather than the data sent: a conflict (409).
CONFLICT_CODES = frozenset({"not_published", "not_draft", "withdrawn", "confirmed"})


def _service_error(error: DjangoValidationError) -> Exception:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    codes = {item.code for item in error.error_list}
    if codes & CONFLICT_CODES:
        return ApiError("conflict", " ".join(error.messages), status=status.HTTP_409_CONFLICT)
    return serializers.ValidationError({"non_field_errors": error.messages})


def call_service(service, *args, **kwargs):
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as error:
        raise _service_error(error) from error


# ------------------------------------------------------------------------------------------ serializers


class DisclosureAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    media_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class DisclosurePostingSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    channel = serializers.CharField(read_only=True, help_text=CHANNEL_HELP)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    place_name = serializers.CharField(source="place.name", read_only=True, allow_null=True, default=None)
    photo_sha256 = serializers.CharField(source="proof.sha256", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Posting
        fields = [
            "id",
            "version",
            "channel",
            "channel_label",
            "place",
            "place_name",
            "place_text",
            "start_on",
            "end_on",
            "taken_down_on",
            "confirmed_at",
            "photo_sha256",
            "note",
        ]
        read_only_fields = fields


class DisclosureVersionSerializer(serializers.ModelSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = PublicationVersion
        fields = [
            "number",
            "title",
            "body",
            "decision_date",
            "document_number",
            "change_note",
            "content_digest",
            "published_at",
            "attachments",
        ]
        read_only_fields = fields

    @extend_schema_field(DisclosureAttachmentSerializer(many=True))
    def get_attachments(self, version) -> list[dict]:
        files = self.context.get("attachments", {}).get(str(version.pk), [])
        return DisclosureAttachmentSerializer(files, many=True).data


class PublicationSerializer(serializers.ModelSerializer):
    """An item as a list shows it."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    state = serializers.CharField(read_only=True, help_text=f"One of: {', '.join(STATES)}.")
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id",
            "code",
            "unit",
            "unit_name",
            "category",
            "category_name",
            "audience",
            "state",
            "state_label",
            "title",
            "decision_date",
            "document_number",
            "disclosed_on",
            "period_label",
            "plan_item",
            "version_count",
            "withdrawn_on",
            "withdrawal_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PublicationDetailSerializer(PublicationSerializer):
    """An item with every version (content, digest, attachments) and every posting."""

    versions = serializers.SerializerMethodField()
    postings = DisclosurePostingSerializer(many=True, read_only=True)

    class Meta(PublicationSerializer.Meta):
        fields = [*PublicationSerializer.Meta.fields, "versions", "postings"]
        read_only_fields = fields

    @extend_schema_field(DisclosureVersionSerializer(many=True))
    def get_versions(self, publication) -> list[dict]:
        versions = list(publication.versions.order_by("number"))
        files: dict[str, list] = {str(version.pk): [] for version in versions}
        content_type = ContentType.objects.get_for_model(PublicationVersion)
        for file in Attachment.objects.filter(content_type=content_type, object_id__in=list(files)).order_by(
            "pk"
        ):
            files[file.object_id].append(file)
        return DisclosureVersionSerializer(versions, many=True, context={"attachments": files}).data


class DisclosurePostingInputSerializer(serializers.Serializer):
    # A plain string in the schema: an enum here would collide with the petitions' `channel` enums.
    channel = serializers.CharField(help_text=CHANNEL_HELP)
    start_on = serializers.DateField()
    end_on = serializers.DateField(required=False, allow_null=True, help_text="Empty: until further notice.")
    place = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind__in=SETTLEMENT_KINDS),
        required=False,
        allow_null=True,
        help_text="The village (thôn, tổ dân phố) of a village notice board or of the village head.",
    )
    place_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)

    def validate_channel(self, value: str) -> str:
        if value not in Channel.values:
            raise serializers.ValidationError(
                _("Choose one of: %(channels)s.") % {"channels": ", ".join(Channel.values)}
            )
        return value

    def spec(self, data: dict | None = None) -> services.PostingSpec:
        data = self.validated_data if data is None else data
        return services.PostingSpec(
            channel=data["channel"],
            start_on=data["start_on"],
            end_on=data.get("end_on"),
            place=data.get("place") if data["channel"] in VILLAGE_CHANNELS else None,
            place_text=data.get("place_text", ""),
            note=data.get("note", ""),
        )


class DisclosureCreateSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(is_active=True),
        help_text="The category's code, e.g. `xa-02-ngan-sach`.",
    )
    title = serializers.CharField(max_length=300)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    decision_date = serializers.DateField()
    document_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    audience = serializers.ChoiceField(
        choices=Audience.choices, required=False, help_text="The category's default when left out."
    )
    period_label = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    plan_item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.all(), required=False, allow_null=True, default=None
    )
    publish = serializers.BooleanField(default=True, help_text="False keeps the item as a draft.")
    postings = DisclosurePostingInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text="Channels besides the portal (used when published).",
    )


class DisclosurePublishSerializer(serializers.Serializer):
    postings = DisclosurePostingInputSerializer(many=True, required=False, default=list)
    on = serializers.DateField(required=False, help_text="On the portal from this day; today when left out.")


class DisclosureReviseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    decision_date = serializers.DateField()
    document_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    change_note = serializers.CharField(max_length=300, help_text="What changed, shown with the new version.")
    keep_attachments = serializers.BooleanField(default=True)


class DisclosureWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why it is withdrawn; shown with the item.")


# ------------------------------------------------------------------------------------------ viewset


def _values(request, name: str) -> list[str]:
    return [part.strip() for part in request.query_params.get(name, "").split(",") if part.strip()]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "state", OpenApiTypes.STR, description=f"One or more, comma-separated: {', '.join(STATES)}"
            ),
            OpenApiParameter("audience", OpenApiTypes.STR, enum=Audience.values),
            OpenApiParameter(
                "category", OpenApiTypes.STR, description="A category's code, e.g. `xa-02-ngan-sach`"
            ),
            OpenApiParameter("unit", OpenApiTypes.INT, description="A unit: the items of its subtree"),
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="Words of the title, number or content, or a code"
            ),
        ]
    ),
    create=extend_schema(
        request=DisclosureCreateSerializer,
        responses={201: PublicationDetailSerializer},
        description="Disclose an item: published at once on the portal and through `postings`, or kept as a "
        "draft (`publish: false`). Needs the right to publish in the unit. Send `Idempotency-Key` so that a "
        "retry does not disclose it twice.",
    ),
)
class PublicationViewSet(
    IdempotentMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PublicationSerializer
    queryset = Publication.objects.none()  # for the schema; get_queryset scopes every request

    def get_serializer_class(self):
        if self.action == "list":
            return PublicationSerializer
        return PublicationDetailSerializer

    def get_queryset(self):
        publications = staff_visible(self.request.user).select_related("unit", "category")
        if self.action == "list":
            return self._filtered(publications)
        return publications.prefetch_related("postings__version", "postings__place", "postings__proof")

    def _filtered(self, publications):
        params = self.request.query_params
        if states := _values(self.request, "state"):
            publications = publications.filter(state__in=states)
        if params.get("audience"):
            publications = publications.filter(audience=params["audience"])
        if params.get("category"):
            publications = publications.filter(category__code=params["category"])
        if params.get("search"):
            text = params["search"][:200]
            publications = publications.filter(
                Q(search_key__contains=search_key(text)) | Q(code=services.normalize_code(text))
            )
        unit = params.get("unit", "")
        if unit:
            path = (
                Unit.objects.filter(pk=int(unit)).values_list("path", flat=True).first()
                if unit.isdigit()
                else None
            )
            publications = publications.in_subtree(path) if path else publications.none()
        return publications

    def _answer(self, publication: Publication, status_code: int = status.HTTP_200_OK) -> Response:
        publication = self.get_queryset().get(pk=publication.pk)
        serializer = PublicationDetailSerializer(publication, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def create(self, request, *args, **kwargs):
        payload = DisclosureCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if not request.user.has_perm(PUBLISH, data["unit"]):
            raise PermissionDenied(_("You may not publish for this unit."))
        postings = [DisclosurePostingInputSerializer().spec(item) for item in data.pop("postings")]
        publication = call_service(services.create_publication, actor=request.user, postings=postings, **data)
        return self._answer(publication, status.HTTP_201_CREATED)

    def _published_by_me(self) -> Publication:
        publication = self.get_object()
        if not self.request.user.has_perm(PUBLISH, publication):
            raise PermissionDenied(_("You may not publish for this unit."))
        return publication

    @extend_schema(
        request=DisclosurePublishSerializer,
        responses={200: PublicationDetailSerializer, **error_responses(409)},
        description="Publish a draft: on the portal from `on` (today) and through `postings`.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        publication = self._published_by_me()
        payload = DisclosurePublishSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        postings = [DisclosurePostingInputSerializer().spec(item) for item in data["postings"]]
        kwargs = {"on": data["on"]} if data.get("on") else {}
        call_service(
            services.publish_publication, publication, actor=request.user, postings=postings, **kwargs
        )
        return self._answer(publication)

    @extend_schema(
        request=DisclosureReviseSerializer,
        responses={200: PublicationDetailSerializer, **error_responses(409)},
        description="Publish changed information as a new version, with what changed (Art. 14). The old "
        "versions stay readable; the portal shows the new one.",
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        publication = self._published_by_me()
        payload = DisclosureReviseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(services.revise_publication, publication, actor=request.user, **payload.validated_data)
        return self._answer(publication)

    @extend_schema(
        request=DisclosureWithdrawSerializer,
        responses={200: PublicationDetailSerializer, **error_responses(409)},
        description="Withdraw the item with a reason; its open postings end today and its history stays.",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        publication = self._published_by_me()
        payload = DisclosureWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(services.withdraw_publication, publication, actor=request.user, **payload.validated_data)
        return self._answer(publication)

    @extend_schema(
        request=DisclosurePostingInputSerializer,
        responses={201: DisclosurePostingSerializer, **error_responses(409)},
        description="Make the current version known through one more channel or place (a notice board, a "
        "village, the loudspeaker…); an officer confirms it once done, with a photo for a notice board.",
    )
    @action(detail=True, methods=["post"], url_path="postings", url_name="add-posting")
    def add_posting(self, request, pk=None):
        publication = self._published_by_me()
        payload = DisclosurePostingInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        posting = call_service(services.add_posting, publication, payload.spec(), actor=request.user)
        posting = Posting.objects.select_related("version", "place", "proof").get(pk=posting.pk)
        return Response(DisclosurePostingSerializer(posting).data, status=status.HTTP_201_CREATED)
