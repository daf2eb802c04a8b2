"""A test-only URLconf: tiny API views that fail in each way an API view can, to test core.api."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from dancoso.core.api import ApiError, CursorPagination, api_error, error_responses


class ItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=5)


class OrderSerializer(serializers.Serializer):
    title = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)
    items = ItemSerializer(many=True, required=False)
    starts = serializers.IntegerField(required=False)
    ends = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if "starts" in attrs and "ends" in attrs and attrs["ends"] < attrs["starts"]:
            raise serializers.ValidationError("Ends before it starts.")
        return attrs


class OpenView(APIView):
    permission_classes = [AllowAny]
    throttle_classes: list = []


class ValidateView(OpenView):
    def post(self, request):
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=201)


class DjangoValidationView(OpenView):
    def post(self, request):
        raise DjangoValidationError({"title": ["Title clashes with another order."]})


class ProtectedView(APIView):
    # Token first: its WWW-Authenticate header makes a missing login a 401 rather than a 403.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes: list = []

    def get(self, request):
        return Response({"user": request.user.get_username()})


class DjangoForbiddenView(OpenView):
    def get(self, request):
        raise DjangoPermissionDenied


class MissingView(OpenView):
    def get(self, request):
        get_object_or_404(Group, pk=0)


class Http404View(OpenView):
    def get(self, request):
        raise Http404("No Household matches the given query.")


class GetOnlyView(OpenView):
    def get(self, request):
        return Response({"ok": True})


class OneRequestPerDay(AnonRateThrottle):
    scope = "test-one-per-day"
    rate = "1/day"


class ThrottledView(OpenView):
    throttle_classes = [OneRequestPerDay]

    def get(self, request):
        return Response({"ok": True})


class BoomView(OpenView):
    def get(self, request):
        raise RuntimeError("database password is hunter2")


class ConflictView(OpenView):
    @extend_schema(request=None, responses={200: None, **error_responses(409)})
    def post(self, request):
        raise ApiError("ballot_closed", "Closed.", status=409, fields={"ballot": ["Closed."]})


class HelperView(OpenView):
    def get(self, request):
        return api_error("quota_exceeded", "Quota.", status=422, fields={"file": ["Too big."]})


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    throttle_classes: list = []
    serializer_class = GroupSerializer
    pagination_class = CursorPagination

    def get_queryset(self):
        return Group.objects.all()


def plain_django_boom(request):
    raise RuntimeError("not an API view")


urlpatterns = [
    path("api/test/validate/", ValidateView.as_view()),
    path("api/test/django-validation/", DjangoValidationView.as_view()),
    path("api/test/protected/", ProtectedView.as_view()),
    path("api/test/django-forbidden/", DjangoForbiddenView.as_view()),
    path("api/test/missing/", MissingView.as_view()),
    path("api/test/http404/", Http404View.as_view()),
    path("api/test/get-only/", GetOnlyView.as_view()),
    path("api/test/throttled/", ThrottledView.as_view()),
    path("api/test/boom/", BoomView.as_view()),
    path("api/test/conflict/", ConflictView.as_view()),
    path("api/test/helper/", HelperView.as_view()),
    path("api/test/groups/", GroupListView.as_view()),
    path("api/test/plain-boom/", plain_django_boom),
    path("plain-boom/", plain_django_boom),
    path("", include("config.urls")),  # the site's pages, which the HTML error templates link to
]

handler404 = "dancoso.core.api.handler404"
handler500 = "dancoso.core.api.handler500"
