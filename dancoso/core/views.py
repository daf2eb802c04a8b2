"""Views of the shared kernel: the health check."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False


def _job_backend_answers() -> bool:
    try:
        from django_tasks import default_task_backend
        from django_tasks_db.models import DBTaskResult

        if type(default_task_backend).__name__ == "DatabaseBackend":
            DBTaskResult.objects.exists()
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_answers(), "jobs": _job_backend_answers()}
    down = [name for name, ok in checks.items() if not ok]
    body = {"status": "ok" if not down else "down", "checks": {k: "ok" if v else "down" for k, v in checks.items()}}
    if down:
        body["down"] = down
    return JsonResponse(body, status=200 if not down else 503)
