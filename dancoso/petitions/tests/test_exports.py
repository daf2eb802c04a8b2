"""The inbox export (.xlsx): the filtered list, no contact details, no confidential identity, no formulas."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from dancoso.accounts.roles import Role
from dancoso.petitions import exports, services
from dancoso.petitions.models import Kind, Petition, Sector
from dancoso.petitions.tests import test_views as shared
from dancoso.petitions.tests.test_views import (
    EXPORT,
    PERSON,
    login,
    make_petition,
    today,
)

pytestmark = pytest.mark.django_db

tree = shared.tree  # the fixture of the staff test files


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def column(rows, title):
    index = rows[0].index(title)
    return [row[index] for row in rows[1:]]


def test_export_writes_the_filtered_inbox(client, tree):
    user = login(client, tree.commune)
    land = Sector.objects.get(code="dat-dai")
    late = make_petition(
        tree.commune, kind=Kind.COMPLAINT, sector=land, received_on=today() - timedelta(days=40)
    )
    fresh = make_petition(tree.commune)
    services.assign_handler(fresh, actor=user, handler=user)
    make_petition(tree.other)
    rows = sheet_rows(client.get(EXPORT))
    header = rows[0]
    assert header[:3] == ["Mã theo dõi", "Đơn vị", "Ngày nhận"] or "Tracking code" in header
    codes = [row[0] for row in rows[1:]]
    assert codes == [late.tracking_code, fresh.tracking_code]  # most urgent first, other commune left out
    late_row, fresh_row = rows[1], rows[2]
    assert late_row[8].date() == late.due_on and late_row[10] and not fresh_row[10]
    assert late_row[5] == land.name and fresh_row[13] == user.get_full_name()
    assert late_row[14] == PERSON["name"]
    assert [row[0] for row in sheet_rows(client.get(EXPORT, {"kind": Kind.COMPLAINT}))[1:]] == [
        late.tracking_code
    ]


def test_export_never_writes_contacts_or_confidential_identities(client, tree):
    login(client, tree.commune)
    make_petition(tree.commune, petitioner={**PERSON, "email": "khanh@example.vn"})
    secret = make_petition(
        tree.commune, kind=Kind.DENUNCIATION, petitioner={"name": "Đỗ Văn Kín", "phone": "0977111222"}
    )
    anonymous = make_petition(tree.commune, anonymous=True, petitioner=None)
    rows = sheet_rows(client.get(EXPORT))
    flat = " ".join(str(value) for row in rows for value in row if value is not None)
    for contact in (PERSON["phone"], PERSON["address"], "khanh@example.vn", "Đỗ Văn Kín", "0977111222"):
        assert contact not in flat
    petitioners = dict(zip([row[0] for row in rows[1:]], column(rows, rows[0][14]), strict=True))
    assert petitioners[secret.tracking_code] == exports.petitioner_label(secret)
    assert petitioners[anonymous.tracking_code] == exports.petitioner_label(anonymous)
    assert exports.petitioner_label(secret) not in ("", "Đỗ Văn Kín")


def test_export_writes_text_that_looks_like_a_formula_as_text(client, tree):
    login(client, tree.commune)
    make_petition(tree.commune, title='=HYPERLINK("http://evil.example","bấm vào")')
    response = client.get(EXPORT)
    workbook = load_workbook(io.BytesIO(response.content))
    cell = workbook.active.cell(row=2, column=7)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    assert b"<f>" not in _sheet_xml(response.content)


def _sheet_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("role", [Role.FRONT_OFFICER, Role.INSPECTION_BOARD_MEMBER, Role.RESIDENT])
def test_export_needs_the_export_permission(client, tree, role):
    make_petition(tree.commune)
    login(client, tree.commune, role)
    assert client.get(EXPORT).status_code == 403


def test_export_function_streams_any_queryset(tree):
    for _ in range(3):
        make_petition(tree.commune)
    content = exports.export_inbox(Petition.objects.order_by("pk"), today=today())
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) == 4 and len(rows[0]) == 15
