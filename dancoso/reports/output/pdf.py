"""The .pdf of a report: LibreOffice headless converts the .docx (DESIGN.md: "LibreOffice headless for .pdf when
installed"). Times New Roman is metric-compatible with Liberation Serif (fonts-liberation2), which fontconfig
substitutes on servers without the Microsoft font, so lines and pages break as in Word.

Settings: REPORTS_SOFFICE (path or name of the executable; default: `soffice`, then `libreoffice` on PATH),
REPORTS_PDF_TIMEOUT (seconds, default 120).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_TIMEOUT = 120
EXECUTABLES = ("soffice", "libreoffice")


class PdfUnavailable(ValueError):
    """No PDF can be made here: LibreOffice is missing, failed or took too long. The message is for the user."""


def soffice_path() -> str | None:
    configured = getattr(settings, "REPORTS_SOFFICE", "")
    for name in (configured,) if configured else EXECUTABLES:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(docx: bytes) -> bytes:
    """The .docx converted to PDF by LibreOffice; raises PdfUnavailable with a message for the user."""
    executable = soffice_path()
    if executable is None:
        raise PdfUnavailable(
            _(
                "LibreOffice is not installed on the server, so the PDF cannot be made. Download the .docx "
                "file instead, or ask the administrator to install LibreOffice."
            )
        )
    timeout = float(getattr(settings, "REPORTS_PDF_TIMEOUT", DEFAULT_TIMEOUT))
    with tempfile.TemporaryDirectory(prefix="dancoso-pdf-") as work:
        work_dir = Path(work)
        source = work_dir / "report.docx"
        source.write_bytes(docx)
        out_dir = work_dir / "out"
        # A profile of its own per conversion: LibreOffice refuses two instances on one profile.
        profile = (work_dir / "profile").as_uri()
        command = [
            executable,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--nodefault",
            "--nolockcheck",
            "--nologo",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        env = {**os.environ, "HOME": work}
        try:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=work,
                start_new_session=True,
            )
        except OSError as error:
            raise PdfUnavailable(
                _("LibreOffice could not be started to make the PDF (%(error)s).") % {"error": error.strerror}
            ) from error
        try:
            process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            _kill_group(process)
            raise PdfUnavailable(
                _("LibreOffice took longer than %(seconds)d seconds to make the PDF; try again later.")
                % {"seconds": timeout}
            ) from error
        finally:
            _kill_group(process)
        pdf = out_dir / "report.pdf"
        if process.returncode != 0 or not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
            raise PdfUnavailable(_("LibreOffice could not convert the report to PDF."))
        return pdf.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """Stop the converter and anything it started (soffice runs soffice.bin as a child)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.returncode is None:
        process.wait()
