"""python manage.py generate_report: the types, and a unit's report written as .docx, .pdf and .xlsx."""

import io
import shutil
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from dancoso.petitions.models import Kind
from dancoso.petitions.tests.test_services import submit
from dancoso.reports.models import Report
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    unit = UnitFactory(
        name="Xã An Khánh", code="31-AK", slug="an-khanh", parent=ProvinceFactory(name="Thành phố Hải Phòng")
    )
    for day in (date(2026, 2, 2), date(2026, 3, 2)):
        submit(unit, kind=Kind.COMPLAINT, received_on=day)
    return unit


def run(*args) -> str:
    out = io.StringIO()
    call_command("generate_report", *args, stdout=out)
    return out.getvalue()


def test_list_types():
    lines = run("--list-types").splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "dan-chu-co-so-6-thang",
        "thi-hanh-luat",
        "ke-hoach-nghi-quyet-hang-nam",
    ]


def test_a_docx_from_live_data_saves_nothing(commune, tmp_path):
    out = tmp_path / "bao-cao.docx"
    run("--unit", "31-AK", "--type", "dan-chu-co-so-6-thang", "--period", "2026-H1", "--out", str(out))
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "Trong 6 tháng đầu năm 2026, đã tổ chức 0 buổi tiếp công dân" in text
    assert "tiếp nhận 02 đơn (02 đơn khiếu nại)" in text
    assert (
        "Kết quả thực hiện dân chủ ở cơ sở 6 tháng đầu năm 2026 và nhiệm vụ trọng tâm 6 tháng cuối năm 2026"
        in text
    )
    assert not Report.objects.exists()


def test_the_xlsx_annex_has_the_tables(commune, tmp_path):
    out = tmp_path / "phu-luc.xlsx"
    run("--unit", "an-khanh", "--type", "dan-chu-co-so-6-thang", "--period", "2026-H1", "--out", str(out))
    workbook = load_workbook(out)
    cells = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert "Số đơn tiếp nhận" in cells


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice is not installed"
)
def test_a_pdf_keeps_the_diacritics(commune, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "bao-cao.pdf"
    run("--unit", "31-AK", "--type", "thi-hanh-luat", "--period", "2026", "--out", str(out))
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--unit", "nowhere", "--type", "thi-hanh-luat", "--period", "2026", "--out", "x.docx"), "nowhere"),
        (("--unit", "31-AK", "--type", "khong-co", "--period", "2026", "--out", "x.docx"), "khong-co"),
        (("--unit", "31-AK", "--type", "thi-hanh-luat", "--period", "2026-X9", "--out", "x.docx"), "2026-H1"),
        (("--unit", "31-AK", "--type", "thi-hanh-luat", "--period", "2026", "--out", "x.txt"), ".docx"),
        (("--unit", "31-AK", "--type", "thi-hanh-luat", "--period", "2026-H1", "--out", "x.docx"), "2026"),
        (
            (
                "--unit",
                "31-AK",
            ),
            "--type",
        ),
    ],
)
def test_bad_arguments_are_refused_with_a_message(commune, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_annual_plan_report_opens_with_the_plans_indicators():
    from dancoso.reports.models import ReportType

    sections = ReportType.objects.get(slug="ke-hoach-nghi-quyet-hang-nam").sections.order_by("position")
    first = sections[1]
    assert (first.key, first.heading, first.kind, first.providers) == (
        "chi-tieu",
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "figures",
        ["plans"],
    )
    assert [s.heading.split(".")[0] for s in sections if s.level == 1] == ["I", "II", "III", "IV", "V", "VI"]
