import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from dancoso.accounts.tests.factories import UserFactory
from dancoso.core import files
from dancoso.core.models import Attachment, LedgerEntry
from dancoso.units.tests.factories import UnitFactory

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP_BYTES = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"PE\x00\x00"
    + b"\x00" * 64
)


def png_bytes() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def office_zip(folder: str, *, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
        if macro:
            archive.writestr(f"{folder}/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def ole2(stream_name: str) -> bytes:
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("biên bản.pdf", PDF_BYTES, files.PDF),
        ("ảnh.PNG", png_bytes(), files.PNG),
        ("ảnh.jpg", JPEG_BYTES, files.JPEG),
        ("ảnh.jpeg", JPEG_BYTES, files.JPEG),
        ("ảnh.webp", WEBP_BYTES, files.WEBP),
        ("ảnh.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", files.HEIC),
        ("tờ trình.docx", office_zip("word"), files.DOCX),
        ("bảng.xlsx", office_zip("xl"), files.XLSX),
        ("cũ.doc", ole2("WordDocument"), files.DOC),
        ("cũ.xls", ole2("Workbook"), files.XLS),
        ("danh sách.csv", "Họ tên,Thôn\nNguyễn Văn An,Thôn 1\n".encode(), files.CSV),
        ("ghi chú.txt", "\ufeffGhi chú cuộc họp".encode(), files.TEXT),
        ("ghi chú.txt", "Ghi chú cuộc họp".encode("utf-16"), files.TEXT),
        ("mz.csv", b"MZ Corp,1\n", files.CSV),
    ],
)
def test_real_content_is_recognised(name, content, media_type):
    detected = files.validate_upload(upload(name, content))
    assert detected.media_type == media_type


def refusal(uploaded, **kwargs) -> str:
    with pytest.raises(ValidationError) as failure:
        files.validate_upload(uploaded, **kwargs)
    return failure.value.code


@pytest.mark.parametrize("name", ["báo cáo.pdf", "setup.exe", "ảnh.png", "notes.txt"])
def test_a_renamed_program_is_refused(name):
    assert refusal(upload(name, EXE_BYTES, "application/pdf")) == "executable"


@pytest.mark.parametrize(
    "content",
    [b"\x7fELF\x02\x01\x01" + b"\x00" * 32, b"#!/bin/sh\nrm -rf /\n", b"\xcf\xfa\xed\xfe" + b"\x00" * 16],
)
def test_other_programs_and_scripts_are_refused(content):
    assert refusal(upload("tai-lieu.txt", content)) == "executable"


def test_an_upload_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    assert refusal(upload("big.pdf", PDF_BYTES + b"\n" * 200)) == "too_large"
    assert refusal(upload("small.pdf", PDF_BYTES), max_bytes=10) == "too_large"
    assert files.validate_upload(upload("ok.pdf", PDF_BYTES), max_bytes=10_000).media_type == files.PDF


def test_an_empty_file_is_refused():
    assert refusal(upload("empty.pdf", b"")) == "empty"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ảnh.jpg", png_bytes()),
        ("báo cáo.docx", PDF_BYTES),
        ("bảng.xls", ole2("WordDocument")),
        ("pdf", PDF_BYTES),
    ],
)
def test_extension_and_content_must_agree(name, content):
    assert refusal(upload(name, content)) in {"extension_mismatch", "unsupported_type"}


def test_mismatch_names_the_expected_extension():
    with pytest.raises(ValidationError) as failure:
        files.validate_upload(upload("ảnh.jpg", png_bytes()))
    assert failure.value.code == "extension_mismatch"
    assert ".png" in failure.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("trang.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("macro.docx", office_zip("word", macro=True)),
        ("archive.zip", office_zip("other")),
        ("binary.txt", b"text\x00with\x00nul"),
        ("latin1.csv", "Hà Nam".encode("latin-1")),
        ("unknown.bin", b"\x01\x02\x03\x04"),
    ],
)
def test_web_pages_macros_and_unknown_content_are_refused(name, content):
    assert refusal(upload(name, content)) == "unsupported_type"


@pytest.mark.parametrize(
    "content", [b"<html><body>hi</body></html>", b"  <svg onload=alert(1)>", b"a\n<script>x</script>"]
)
def test_markup_disguised_as_text_is_refused(content):
    assert refusal(upload("ghi-chu.txt", content)) == "markup"


def test_allowed_types_can_be_narrowed():
    assert refusal(upload("biên bản.pdf", PDF_BYTES), allowed=files.IMAGE_TYPES) == "unsupported_type"


def test_file_names_are_cleaned():
    assert files.clean_file_name("C:\\Users\\a\\..\\Bie\u0302n ba\u0309n\x00.pdf") == "Biên bản.pdf"
    assert files.clean_file_name("../../etc/passwd") == "passwd"
    long_name = files.clean_file_name("a" * 400 + ".pdf")
    assert len(long_name) == 255 and long_name.endswith(".pdf")


@pytest.mark.django_db
def test_store_attachment_saves_the_file_and_writes_the_ledger():
    unit = UnitFactory()
    user = UserFactory()
    content = png_bytes()
    attachment = files.store_attachment(
        uploaded_file=upload("ảnh hiện trường.png", content), target=unit, actor=user
    )

    attachment.refresh_from_db()
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (attachment.media_type, attachment.size, attachment.unit_id) == (files.PNG, len(content), unit.pk)
    assert attachment.target == unit and attachment.uploaded_by == user
    assert attachment.original_name == "ảnh hiện trường.png"
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(
        attachment.sha256
    )
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    entry = LedgerEntry.objects.get(action="core.attachment_stored")
    assert entry.object_id == str(attachment.pk) and entry.unit_id == unit.pk
    assert entry.payload["sha256"] == attachment.sha256 and entry.payload["target"] == f"units.unit:{unit.pk}"


@pytest.mark.django_db
def test_identical_content_is_stored_once():
    first = files.store_attachment(uploaded_file=upload("a.pdf", PDF_BYTES))
    second = files.store_attachment(uploaded_file=upload("b.pdf", PDF_BYTES))
    assert first.pk != second.pk and first.file.name == second.file.name
    assert second.original_name == "b.pdf"


@pytest.mark.django_db
def test_a_refused_upload_stores_nothing():
    with pytest.raises(ValidationError):
        files.store_attachment(uploaded_file=upload("setup.pdf", EXE_BYTES))
    assert (
        not Attachment.objects.exists()
        and not LedgerEntry.objects.filter(action="core.attachment_stored").exists()
    )


@pytest.mark.django_db
def test_serve_attachment_forces_a_download_without_sniffing():
    attachment = files.store_attachment(uploaded_file=upload("biên bản họp.pdf", PDF_BYTES))
    response = files.serve_attachment(RequestFactory().get("/"), attachment)
    assert response["Content-Type"] == files.PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF_BYTES
