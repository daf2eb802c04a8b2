"""Settings for the petitions benchmark (`python -m bench.petitions`): the project's settings, plus the bare
JSON view in the URLs and static files from the finders (a benchmark should not need `collectstatic`).

Everything else (middleware, database options, sessions, DRF) is the project's own, read from the same
environment variables; bench/petitions.py sets them before Django or gunicorn starts.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

ROOT_URLCONF = "bench.petitions_site"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
