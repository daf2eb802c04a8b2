"""The file a background job writes for its user to download (an export, a .zip of reports), kept in private
storage (never under a public URL: only a view that checks the permission serves it), with the job's progress
beside it in a small JSON file that every app node and the worker can read whatever the cache; both deleted
`keep` after they were written (each app runs `purge_old` hourly)."""

import json
from datetime import timedelta

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone


class JobFiles:
    def __init__(self, directory: str, suffix: str, keep: timedelta):
        self.directory, self.suffix, self.keep = directory, suffix, keep

    def path(self, job_id: str) -> str:
        return f"{self.directory}/{job_id}{self.suffix}"

    def progress_path(self, job_id: str) -> str:
        return f"{self.directory}/{job_id}.progress.json"

    def write_progress(self, job_id: str, done: int, total: int) -> None:
        name = self.progress_path(job_id)
        default_storage.delete(name)  # the storage would otherwise save under another name
        default_storage.save(name, ContentFile(json.dumps({"done": done, "total": total}).encode()))

    def read_progress(self, job_id: str) -> dict | None:
        """{"done": …, "total": …} while the job runs; None before and after."""
        try:
            with default_storage.open(self.progress_path(job_id), "rb") as stored:
                progress = json.loads(stored.read())
        except (OSError, ValueError):
            return None
        return progress if isinstance(progress, dict) else None

    def forget_progress(self, job_id: str) -> None:
        default_storage.delete(self.progress_path(job_id))

    def save(self, job_id: str, handle) -> str:
        """Store the finished file (an open binary file at its start); the stored name."""
        return default_storage.save(self.path(job_id), File(handle, name=f"{job_id}{self.suffix}"))

    def open(self, name: str):
        return default_storage.open(name, "rb")

    def exists(self, name: str) -> bool:
        return bool(name) and name.startswith(f"{self.directory}/") and default_storage.exists(name)

    def purge_old(self, now=None) -> int:
        """Delete the files (and stale progress files) written more than `keep` ago."""
        now = now or timezone.now()
        try:
            _dirs, names = default_storage.listdir(self.directory)
        except (FileNotFoundError, NotADirectoryError):
            return 0
        deleted = 0
        for file_name in names:
            name = f"{self.directory}/{file_name}"
            if now - default_storage.get_modified_time(name) > self.keep:
                default_storage.delete(name)
                deleted += 1
        return deleted
