"""REST API: the current user (`me/`) and the memberships a manager may see (`memberships/`)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dancoso.accounts import services
from dancoso.accounts.models import Membership, User
from dancoso.accounts.roles import permissions_of
from dancoso.accounts.scoping import current_memberships


class MembershipUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    slug = serializers.CharField()


class MembershipUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    unit = MembershipUnitSerializer(read_only=True)
    user = MembershipUserSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "unit",
            "role",
            "role_label",
            "covers_subtree",
            "title",
            "valid_from",
            "valid_until",
            "is_active",
        ]
        read_only_fields = fields


class OwnMembershipSerializer(MembershipSerializer):
    class Meta(MembershipSerializer.Meta):
        fields = [f for f in MembershipSerializer.Meta.fields if f != "user"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    two_factor_enabled = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "preferred_language",
            "is_staff",
            "is_superuser",
            "two_factor_enabled",
            "memberships",
            "permissions",
        ]
        read_only_fields = fields

    @extend_schema_field(OwnMembershipSerializer(many=True))
    def get_memberships(self, user) -> list:
        return OwnMembershipSerializer(current_memberships(user), many=True).data

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
    )
    def get_permissions(self, user) -> dict[str, list[str]]:
        """Permissions each current membership grants, keyed by unit id (a superuser has all, everywhere)."""
        granted: dict[str, set[str]] = {}
        for membership in current_memberships(user):
            granted.setdefault(str(membership.unit_id), set()).update(permissions_of(membership.role))
        return {unit_id: sorted(perms) for unit_id, perms in granted.items()}

    def get_two_factor_enabled(self, user) -> bool:
        return services.confirmed_totp_device(user) is not None


class MeView(APIView):
    """The authenticated user, their current memberships and the permissions these grant per unit."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Only memberships in this unit"),
            OpenApiParameter("role", OpenApiTypes.STR, description="Only this role"),
        ]
    )
)
class MembershipListView(generics.ListAPIView):
    """Memberships in the units where the caller may see who holds which role."""

    serializer_class = MembershipSerializer

    def get_queryset(self):
        queryset = Membership.objects.visible_to(
            self.request.user, "accounts.view_membership"
        ).select_related("user", "unit")
        unit = self.request.query_params.get("unit", "")
        if unit.isdigit():
            queryset = queryset.filter(unit_id=int(unit))
        role = self.request.query_params.get("role", "")
        if role:
            queryset = queryset.filter(role=role)
        return queryset
