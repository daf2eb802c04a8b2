"""Attachments: validate what was uploaded, store it, serve it safely.

`validate_upload` trusts neither the file name nor the browser's content type: it reads the first bytes
(and, for Office files, the zip directory) to learn the real type, then requires the name's extension to
belong to that type. Executables, HTML, SVG and anything unrecognised are refused.

`store_attachment` validates, saves through Django storage (content-addressed by SHA-256, so a file
uploaded twice is stored once) and writes a ledger entry. `serve_attachment` sends a stored file as a
download; checking that the user may see it is the caller's job (`user.has_perm(..., target)` first).
"""

import hashlib
import os
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

from dancoso.core import ledger
from dancoso.core.models import Attachment, attachment_path

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
HEIC = "image/heic"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
TEXT = "text/plain"
CSV = "text/csv"

EXTENSIONS = {
    PDF: {"pdf"},
    JPEG: {"jpg", "jpeg", "jpe"},
    PNG: {"png"},
    WEBP: {"webp"},
    HEIC: {"heic", "heif"},
    DOCX: {"docx"},
    XLSX: {"xlsx"},
    DOC: {"doc"},
    XLS: {"xls"},
    TEXT: {"txt"},
    CSV: {"csv"},
}
IMAGE_TYPES = frozenset({JPEG, PNG, WEBP, HEIC})
DOCUMENT_TYPES = frozenset({PDF, DOCX, XLSX, DOC, XLS, TEXT, CSV})
DEFAULT_ALLOWED_TYPES = IMAGE_TYPES | DOCUMENT_TYPES

HEAD_BYTES = 8192
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MAGICS = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"#!",  # script with an interpreter line
    b"dex\n",  # Android
)
MARKUP_STARTS = ("<!doctype html", "<html", "<svg", "<?xml", "<script", "<head", "<body", "<iframe")
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# Stream names inside an OLE2 compound file, as stored there (UTF-16LE).
OLE2_STREAMS = {DOC: ("WordDocument",), XLS: ("Workbook", "Book")}


@dataclass(frozen=True)
class DetectedType:
    media_type: str
    extension: str


def _extension(name: str) -> str:
    _stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot else ""


def _read_head(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    return head


def _office_zip_type(uploaded_file) -> str | None:
    """.docx/.xlsx are zips holding [Content_Types].xml and word/ or xl/; macro-enabled ones are refused."""
    try:
        with zipfile.ZipFile(getattr(uploaded_file, "file", uploaded_file)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        uploaded_file.seek(0)
    if "[Content_Types].xml" not in names or any(name.endswith("vbaProject.bin") for name in names):
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def _contains(uploaded_file, needles: tuple[bytes, ...]) -> bool:
    overlap = max(len(needle) for needle in needles)
    tail = b""
    for chunk in uploaded_file.chunks():
        window = tail + chunk
        if any(needle in window for needle in needles):
            uploaded_file.seek(0)
            return True
        tail = window[-overlap:]
    uploaded_file.seek(0)
    return False


def _ole2_type(uploaded_file, extension: str) -> str | None:
    """.doc and .xls share the OLE2 container; the stream names inside tell them apart."""
    for media_type, streams in OLE2_STREAMS.items():
        if extension in EXTENSIONS[media_type] and _contains(
            uploaded_file, tuple(name.encode("utf-16-le") for name in streams)
        ):
            return media_type
    return None


def _decode_text(data: bytes) -> str | None:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _text_type(uploaded_file, extension: str) -> str | None:
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    text = _decode_text(data)
    if text is None:
        return None
    start = text.lstrip().lower()
    if start.startswith(MARKUP_STARTS) or "<script" in start[:4096]:
        raise ValidationError(_("HTML, SVG and other web pages cannot be attached."), code="markup")
    return CSV if extension == "csv" else TEXT


def _binary_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    return None


def _is_executable(head: bytes) -> bool:
    # A Windows program starts with "MZ" and a DOS header full of NUL bytes; a CSV starting "MZ" has none.
    windows_program = head.startswith(b"MZ") and b"\x00" in head[:64]
    return windows_program or head.startswith(EXECUTABLE_MAGICS)


def detect_type(uploaded_file, extension: str) -> str | None:
    """The real media type from the content; the extension only picks between look-alike containers."""
    head = _read_head(uploaded_file)
    if _is_executable(head):
        raise ValidationError(_("Programs and scripts cannot be attached."), code="executable")
    if media_type := _binary_type(head):
        return media_type
    if head.startswith(b"PK\x03\x04"):
        return _office_zip_type(uploaded_file)
    if head.startswith(OLE2_MAGIC):
        return _ole2_type(uploaded_file, extension)
    if extension in EXTENSIONS[TEXT] | EXTENSIONS[CSV]:
        return _text_type(uploaded_file, extension)
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def validate_upload(
    uploaded_file: UploadedFile,
    allowed: Collection[str] = DEFAULT_ALLOWED_TYPES,
    max_bytes: int | None = None,
) -> DetectedType:
    """Check the size and the real type of an upload; raise ValidationError (Vietnamese) if refused."""
    max_bytes = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    if not uploaded_file.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if uploaded_file.size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(limit)s is allowed."),
            code="too_large",
            params={"limit": _megabytes(max_bytes)},
        )
    extension = _extension(clean_file_name(uploaded_file.name or ""))
    media_type = detect_type(uploaded_file, extension)
    if media_type is None or media_type not in allowed:
        raise ValidationError(
            _("This kind of file is not accepted. Accepted: %(extensions)s."),
            code="unsupported_type",
            params={"extensions": ", ".join(sorted({f".{ext}" for t in allowed for ext in EXTENSIONS[t]}))},
        )
    if extension not in EXTENSIONS[media_type]:
        raise _extension_mismatch(extension, media_type)
    return DetectedType(media_type=media_type, extension=extension)


def _extension_mismatch(extension: str, media_type: str) -> ValidationError:
    expected = sorted(EXTENSIONS[media_type])[0]
    if not extension:
        return ValidationError(
            _("The file name has no extension; a file with this content should end in .%(expected)s."),
            code="extension_mismatch",
            params={"expected": expected},
        )
    return ValidationError(
        _("The file name ends in .%(extension)s but its content is a .%(expected)s file."),
        code="extension_mismatch",
        params={"extension": extension, "expected": expected},
    )


def clean_file_name(name: str) -> str:
    """The base name only, NFC, without control characters, at most 255 characters (keeping the extension)."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(
        char for char in unicodedata.normalize("NFC", base) if unicodedata.category(char)[0] != "C"
    )
    base = base.strip().strip(".") or "file"
    if len(base) > 255:
        stem, dot, extension = base.rpartition(".")
        base = f"{stem[: 254 - len(extension)]}.{extension}" if dot and len(extension) < 20 else base[:255]
    return base


def _sha256_of(uploaded_file) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def _unit_id(unit, target) -> int | None:
    if unit is not None:
        return unit if isinstance(unit, int) else unit.pk
    if target is not None and target._meta.label == "units.Unit":
        return target.pk
    value = getattr(target, "unit_id", None)
    return value if isinstance(value, int) else None


def _describe_target(attachment: Attachment) -> str:
    if attachment.content_type is None:
        return ""
    return f"{attachment.content_type.app_label}.{attachment.content_type.model}:{attachment.object_id}"


def store_attachment(
    *,
    uploaded_file: UploadedFile,
    target=None,
    unit=None,
    actor=None,
    allowed: Collection[str] = DEFAULT_ALLOWED_TYPES,
) -> Attachment:
    """Validate and store an upload, attached to `target` (any saved model row) if given."""
    detected = validate_upload(uploaded_file, allowed=allowed)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
        unit_id=_unit_id(unit, target),
        original_name=clean_file_name(uploaded_file.name or ""),
        media_type=detected.media_type,
        size=uploaded_file.size,
        sha256=_sha256_of(uploaded_file),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    path = attachment_path(attachment, attachment.original_name)
    storage = attachment.file.storage
    # Content-addressed: the same bytes already stored are reused rather than copied under a new name.
    attachment.file.name = path if storage.exists(path) else storage.save(path, uploaded_file)
    with transaction.atomic():
        attachment.save()
        ledger.record(
            action="core.attachment_stored",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            obj=attachment,
            unit=attachment.unit_id,
            payload={
                "name": attachment.original_name,
                "media_type": attachment.media_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "target": _describe_target(attachment),
            },
        )
    return attachment


def serve_attachment(request: HttpRequest, attachment: Attachment) -> FileResponse:
    """Send the file as a download that browsers will neither sniff nor render.

    No permission check here: the calling view must first check that `request.user` may see the
    attachment's target (e.g. `request.user.has_perm("petitions.view_petition", attachment.target)`).
    """
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
