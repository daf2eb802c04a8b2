"""REST API: units (read only) and households. Every queryset goes through `visible_to`, so rows outside the
caller's scope are simply absent (404 on retrieve); a role that may see but not change gets 403."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from dancoso.core.text import search_key
from dancoso.units import services
from dancoso.units.models import SETTLEMENT_KINDS, Household, Unit, UnitKind


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = [
            "id",
            "kind",
            "code",
            "name",
            "slug",
            "parent",
            "depth",
            "population",
            "household_count",
            "is_remote_area",
            "is_active",
        ]
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none())

    class Meta:
        model = Household
        fields = [
            "id",
            "unit",
            "code",
            "address",
            "representative_name",
            "representative_phone",
            "representative_email",
            "member_count",
            "is_active",
        ]
        read_only_fields = ["id", "is_active"]
        extra_kwargs = {"representative_phone": {"max_length": 30}}
        validators: list = []  # uniqueness is checked by the service, with a Vietnamese message

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # Only villages where the caller may change households can be chosen: others "do not exist".
        self.fields["unit"].queryset = Unit.objects.visible_to(user, "units.change_household").filter(
            kind__in=SETTLEMENT_KINDS
        )

    def _call(self, action, *args, **kwargs):
        try:
            return action(*args, actor=self.context["request"].user, **kwargs)
        except DjangoValidationError as error:
            detail = (
                error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            )
            raise serializers.ValidationError(detail) from error

    def create(self, validated_data):
        return self._call(services.create_household, **validated_data)

    def update(self, instance, validated_data):
        return self._call(services.update_household, instance, **validated_data)


def _search(queryset, request):
    text = request.query_params.get("search", "")
    return queryset.filter(search_key__contains=search_key(text)) if text.strip() else queryset


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() else None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=UnitKind.values),
            OpenApiParameter("parent", OpenApiTypes.INT),
            OpenApiParameter("search", OpenApiTypes.STR, description="Name, with or without diacritics"),
        ]
    )
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer

    def get_queryset(self):
        units = Unit.objects.visible_to(self.request.user, "units.view_unit")
        if self.action != "list":
            return units
        kind = self.request.query_params.get("kind")
        if kind:
            units = units.filter(kind=kind)
        parent = _int_param(self.request, "parent")
        if parent is not None:
            units = units.filter(parent_id=parent)
        return _search(units, self.request)


class CanChangeHousehold(permissions.BasePermission):
    """Reading needs only scope (the queryset); writing needs `units.change_household` on the row's unit."""

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in permissions.SAFE_METHODS or request.user.has_perm(
            "units.change_household", obj
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="A unit: households in its subtree"),
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="Code, name or address, diacritics optional"
            ),
            OpenApiParameter("include_inactive", OpenApiTypes.BOOL),
        ]
    )
)
class HouseholdViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = HouseholdSerializer
    permission_classes = [permissions.IsAuthenticated, CanChangeHousehold]

    def get_queryset(self):
        households = Household.objects.visible_to(self.request.user, "units.view_household")
        if self.action != "list":
            return households
        unit = _int_param(self.request, "unit")
        if unit is not None:
            unit_path = Unit.objects.filter(pk=unit).values_list("path", flat=True).first()
            households = households.in_subtree(unit_path) if unit_path else households.none()
        if self.request.query_params.get("include_inactive") not in ("1", "true", "True"):
            households = households.filter(is_active=True)
        return _search(households, self.request)

    def perform_create(self, serializer):
        if not self.request.user.has_perm("units.change_household", serializer.validated_data["unit"]):
            raise PermissionDenied
        serializer.save()

    def perform_update(self, serializer):
        new_unit = serializer.validated_data.get("unit")
        if new_unit is not None and not self.request.user.has_perm("units.change_household", new_unit):
            raise PermissionDenied
        serializer.save()
