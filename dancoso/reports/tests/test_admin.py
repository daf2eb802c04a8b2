"""Admin of report types: a changed Word template is checked before it is accepted (unknown placeholders and
other problems listed, nothing saved), an accepted one is used for the reports and written to the ledger, the
default template can be downloaded and gone back to; sections are edited inline and checked; reports are a
read-only list."""

import io
import json

import pytest
from django.urls import reverse
from docx import Document

from dancoso.accounts.tests.factories import UserFactory
from dancoso.core.models import LedgerEntry
from dancoso.reports import exports, services
from dancoso.reports.document import default_template
from dancoso.reports.models import Report, ReportType
from dancoso.reports.tests.test_document import edited_template, replace_text

pytestmark = pytest.mark.django_db

SIX_MONTHS = "dan-chu-co-so-6-thang"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def six_months() -> ReportType:
    return ReportType.objects.get(slug=SIX_MONTHS)


def change_url(report_type) -> str:
    return reverse("admin:reports_reporttype_change", args=[report_type.pk])


def form_data(report_type, **changes) -> dict:
    """What the change page posts back unchanged: the type's fields and its sections inline."""
    data = {
        "name": report_type.name,
        "summary": report_type.summary,
        "period_kind": report_type.period_kind,
        "data_cutoff": "on" if report_type.data_cutoff else "",
        "deadlines": json.dumps(report_type.deadlines),
        "reminder_days": report_type.reminder_days,
        "position": report_type.position,
        "is_active": "on" if report_type.is_active else "",
    }
    sections = list(report_type.sections.order_by("position"))
    data.update(
        {
            "sections-TOTAL_FORMS": len(sections),
            "sections-INITIAL_FORMS": len(sections),
            "sections-MIN_NUM_FORMS": 0,
            "sections-MAX_NUM_FORMS": 1000,
        }
    )
    for index, section in enumerate(sections):
        prefix = f"sections-{index}-"
        data.update(
            {
                f"{prefix}id": section.pk,
                f"{prefix}report_type": report_type.pk,
                f"{prefix}position": section.position,
                f"{prefix}key": section.key,
                f"{prefix}heading": section.heading,
                f"{prefix}level": section.level,
                f"{prefix}kind": section.kind,
                f"{prefix}providers": json.dumps(section.providers),
                f"{prefix}manual_table": section.manual_table,
                f"{prefix}default_text": section.default_text,
            }
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def upload(data: bytes, name: str = "mau.docx") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_every_admin_page_opens(admin_client):
    report_type = six_months()
    for url in (
        reverse("admin:reports_reporttype_changelist"),
        change_url(report_type),
        reverse("admin:reports_reporttype_add"),
        reverse("admin:reports_report_changelist"),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_a_template_with_an_unknown_placeholder_is_refused_and_nothing_is_saved(admin_client):
    report_type = six_months()
    broken = edited_template(lambda doc: doc.add_paragraph("{{ ten_xa }} {{ chu_tich }}"))
    response = admin_client.post(
        change_url(report_type), {**form_data(report_type, name="Tên đã đổi"), "upload": upload(broken)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mẫu báo cáo không được chấp nhận:" in page
    assert "ten_xa" in page and "chu_tich" in page
    report_type.refresh_from_db()
    assert not report_type.template and report_type.template_uploaded_at is None
    assert report_type.name != "Tên đã đổi", "nothing of the form is saved"
    assert not LedgerEntry.objects.filter(action__startswith="reports.upload_template").exists()


def test_a_file_that_is_not_a_docx_is_refused(admin_client):
    report_type = six_months()
    response = admin_client.post(
        change_url(report_type), {**form_data(report_type), "upload": upload(b"%PDF-1.4", "mau.pdf")}
    )
    assert (
        response.status_code == 200 and "Tệp không phải là văn bản Word (.docx)." in response.content.decode()
    )
    report_type.refresh_from_db()
    assert not report_type.template


def test_a_good_template_is_accepted_used_for_the_reports_and_recorded(admin_client, commune, officer):
    report_type = six_months()
    changed = edited_template(lambda doc: replace_text(doc, "{{ title }}", "{{ title }} TỔNG HỢP"))
    response = admin_client.post(
        change_url(report_type), {**form_data(report_type), "upload": upload(changed)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report_type.refresh_from_db()
    assert report_type.template and report_type.template_uploaded_at is not None
    entry = LedgerEntry.objects.get(action="reports.upload_template")
    assert entry.payload["filename"] == "mau.docx" and entry.payload["size"] == len(changed)
    report = services.create_report(unit=commune, report_type=report_type, period="2026-H1", actor=officer)
    texts = [p.text for p in Document(io.BytesIO(exports.render(report, "docx"))).paragraphs]
    assert "BÁO CÁO TỔNG HỢP" in texts


def test_going_back_to_the_default_template(admin_client, commune, officer):
    report_type = six_months()
    changed = edited_template(lambda doc: replace_text(doc, "{{ title }}", "{{ title }} TỔNG HỢP"))
    services.upload_template(report_type, changed, filename="mau.docx", actor=None)
    report_type.refresh_from_db()
    stored = report_type.template.name
    assert report_type.template.storage.exists(stored)
    response = admin_client.post(change_url(report_type), {**form_data(report_type), "use_default": "on"})
    assert response.status_code == 302
    report_type.refresh_from_db()
    assert not report_type.template and report_type.template_uploaded_at is None
    assert LedgerEntry.objects.filter(action="reports.reset_template").exists()
    report = services.create_report(unit=commune, report_type=report_type, period="2026-H1", actor=officer)
    texts = [p.text for p in Document(io.BytesIO(exports.render(report, "docx"))).paragraphs]
    assert "BÁO CÁO TỔNG HỢP" not in texts and "BÁO CÁO" in texts


def test_the_default_template_can_be_downloaded(admin_client):
    response = admin_client.get(reverse("admin:reports_reporttype_default_template"))
    assert response.status_code == 200 and response.content == default_template()
    assert "attachment" in response["Content-Disposition"]


def test_the_services_refuse_a_bad_template_too():
    from django.core.exceptions import ValidationError

    report_type = six_months()
    with pytest.raises(ValidationError) as raised:
        services.upload_template(report_type, b"not a docx", filename="x.docx", actor=None)
    assert raised.value.messages == ["Tệp không phải là văn bản Word (.docx)."]
    report_type.refresh_from_db()
    assert not report_type.template


def test_sections_are_edited_inline_and_checked(admin_client):
    report_type = six_months()
    data = form_data(report_type)
    index = next(i for i in range(50) if data.get(f"sections-{i}-key") == "cong-khai")
    refused = admin_client.post(
        change_url(report_type), {**data, f"sections-{index}-providers": '["disclosure", "khong-co"]'}
    )
    assert refused.status_code == 200 and "khong-co" in refused.content.decode()
    assert report_type.sections.get(key="cong-khai").providers == ["disclosure"]
    saved = admin_client.post(
        change_url(report_type),
        {**data, f"sections-{index}-heading": "1. Công khai thông tin", "reminder_days": "7"},
    )
    assert saved.status_code == 302
    assert report_type.sections.get(key="cong-khai").heading == "1. Công khai thông tin"
    report_type.refresh_from_db()
    assert report_type.reminder_days == 7
    assert LedgerEntry.objects.filter(action="reports.save_type_section").exists()
    assert LedgerEntry.objects.filter(action="reports.save_report_type").exists()


def test_a_bad_deadline_is_refused(admin_client):
    report_type = six_months()
    response = admin_client.post(change_url(report_type), form_data(report_type, deadlines='{"1": "31/02"}'))
    assert response.status_code == 200
    report_type.refresh_from_db()
    assert report_type.deadlines == {"1": "20/06", "2": "20/12"}


def test_reports_are_read_only(admin_client, commune, officer):
    report = services.create_report(unit=commune, report_type=six_months(), period="2026-H1", actor=officer)
    listing = admin_client.get(reverse("admin:reports_report_changelist"))
    assert commune.name in listing.content.decode()
    change = admin_client.post(
        reverse("admin:reports_report_change", args=[report.pk]), {"state": "accepted"}
    )
    assert change.status_code in (302, 403) or "readonly" in change.content.decode()
    report.refresh_from_db()
    assert report.state == "draft"
    assert admin_client.get(reverse("admin:reports_report_add")).status_code == 403
    assert Report.objects.count() == 1
