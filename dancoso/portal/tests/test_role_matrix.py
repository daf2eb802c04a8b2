"""Every role of one commune tries every staff page and API endpoint on another commune's data (DESIGN.md §6).

Each endpoint that takes an object or lists rows is listed in ENDPOINTS; `test_every_endpoint_is_in_the_matrix`
fails when an app adds a staff page or API route without adding it here.
"""

import io
from dataclasses import dataclass, field
from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from dancoso.accounts.models import Membership
from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory, UserFactory
from dancoso.core.models import Attachment
from dancoso.petitions import reception
from dancoso.petitions import services as petition_services
from dancoso.petitions.models import Petition, PetitionEvent, QueuedPetition, Visit
from dancoso.petitions.tasks import export_inbox_job
from dancoso.petitions.views import ACTIONS as PETITION_ACTIONS
from dancoso.units.models import Household, UnitKind
from dancoso.units.tests.factories import HouseholdFactory, ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

DENIED = (403, 404)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str = "get"
    target: str = ""  # attribute of the `other` namespace passed as the URL's pk
    data: dict = field(default_factory=dict)
    json: bool = False
    extra_args: tuple = ()  # URL arguments after the pk; "@name": the pk of that object of the other commune


DISCLOSURE_STAFF_ROUTES = [
    ("detail", "get", "disclosure", {}),
    ("detail", "get", "disclosure_draft", {}),
    ("publish", "post", "disclosure_draft", {"publish-on": "2026-01-06"}),
    ("revise", "post", "disclosure", {"revise-title": "Chen ngang", "revise-change_note": "x"}),
    (
        "add_posting",
        "post",
        "disclosure",
        {"posting-channel": "loudspeaker", "posting-start_on": "2026-01-06"},
    ),
    ("withdraw", "post", "disclosure", {"withdraw-reason": "Chen ngang"}),
    ("link_plan", "post", "disclosure", {"plan-plan_item": ""}),
    ("confirm_posting", "post", "disclosure_posting", {}),
    ("end_posting", "post", "disclosure_posting", {}),
    ("attachment", "get", "disclosure_file", {}),
    ("attachment", "get", "disclosure_photo", {}),
    ("plan_detail", "get", "disclosure_plan", {}),
    ("plan_item_add", "post", "disclosure_plan", {"item-content": "Chen ngang"}),
    ("plan_approve", "post", "disclosure_plan", {"approve-document_number": "1/KH"}),
    ("plan_item_edit", "get", "disclosure_plan_item", {}),
    ("plan_item_edit", "post", "disclosure_plan_item", {"content": "Chen ngang"}),
    ("plan_item_remove", "post", "disclosure_plan_item", {}),
    ("internal_detail", "get", "disclosure_internal", {}),
    ("internal_attachment", "get", "disclosure_internal_file", {}),
]

REPORT_ROUTES = [
    Endpoint("reports:detail", target="report"),
    Endpoint(
        "reports:save_text", "post", "report", {"khai-quat-text": "Chen ngang"}, extra_args=("khai-quat",)
    ),
    Endpoint("reports:save_manual", "post", "report", {"tthc-received": "9"}, extra_args=("tthc",)),
    Endpoint("reports:import_manual", "post", "report", {}, extra_args=("tthc",)),
    Endpoint("reports:save_document", "post", "report", {"issuing_body": "X", "symbol": "BC", "place": "X"}),
    Endpoint("reports:refresh", "post", "report"),
    Endpoint("reports:submit", "post", "report"),
    Endpoint("reports:submit", "post", "report_submitted"),
    Endpoint("reports:decide", "post", "report_submitted", {"decision": "accept"}),
    Endpoint("reports:decide", "post", "report_submitted", {"decision": "return", "comment": "x"}),
    Endpoint("reports:revise", "post", "report_submitted", {"reason": "Chen ngang"}),
    Endpoint("reports:download", target="report", extra_args=("docx",)),
    Endpoint("reports:download", target="report", extra_args=("xlsx",)),
    Endpoint("reports:breakdown", target="report", extra_args=("petitions.received",)),
    Endpoint("reports:breakdown", target="report", extra_args=("tthc.received",)),
    Endpoint("reports:rows", target="report", extra_args=("petitions.received", "@commune")),
    Endpoint("reports:generate_job", target="report_job"),
    Endpoint("reports:generate_download", target="report_job"),
]

PLAN_ROUTES = [
    Endpoint("plans:detail", target="plan"),
    Endpoint("plans:issue", "post", "plan", {"number": "1/KH-CHEN", "issued_on": ""}),
    Endpoint(
        "plans:indicator_add",
        "post",
        "plan",
        {
            "indicator-text": "Chen ngang",
            "indicator-phrase": "x",
            "indicator-target": "100",
            "indicator-target_unit": "percent",
            "indicator-measurement": "entered",
            "indicator-value_kind": "yes_no",
            "indicator-unit_word": "đơn vị",
        },
    ),
    Endpoint("plans:task_add", "post", "plan", {"task-text": "Chen ngang"}),
    Endpoint("plans:indicator", target="plan_indicator"),
    Endpoint("plans:indicator", "post", "plan_indicator", {"year": "2026", "value": "1"}),
    Endpoint("plans:snapshot", "post", "plan_computed", {"year": "2026"}),
    Endpoint("plans:task", target="plan_task"),
    Endpoint(
        "plans:task",
        "post",
        "plan_task",
        {"status": "done", "text": "Chen ngang", "reported_on": "2026-01-05"},
    ),
]

ENDPOINTS = [
    Endpoint("units:unit_tree", target="commune"),
    Endpoint("units:unit_tree", target="village"),
    Endpoint("units:household_edit", target="household"),
    Endpoint("units:household_edit", "post", "household", {"address": "Đã sửa"}),
    Endpoint("units:household_deactivate", "post", "household"),
    Endpoint("units:household_reactivate", "post", "household"),
    Endpoint("api:unit-detail", target="commune"),
    Endpoint("api:unit-detail", target="village"),
    Endpoint("api:household-detail", target="household"),
    Endpoint("api:household-detail", "patch", "household", {"address": "Đã sửa"}, json=True),
    Endpoint("api:household-detail", "put", "household", {"address": "Đã sửa"}, json=True),
    # Petitions: the case page, every workflow step, the reveal, attachments, the API.
    Endpoint("petitions:detail", target="petition"),
    Endpoint("petitions:reveal", "post", "petition", {"reveal-reason": "x", "reason": "x"}),
    Endpoint("petitions:attachment", target="petition_attachment"),
    *(Endpoint(f"petitions:{name}", "post", "petition") for name in PETITION_ACTIONS),
    Endpoint("api:petition-detail", target="petition"),
    Endpoint(
        "api:petition-classify",
        "post",
        "petition",
        {"is_eligible": True, "within_competence": True},
        json=True,
    ),
    Endpoint("api:petition-accept", "post", "petition", {}, json=True),
    Endpoint("api:petition-transfer", "post", "petition", {"to_body": "X", "letter_number": "1"}, json=True),
    Endpoint("api:petition-resolve", "post", "petition", {"outcome": "X"}, json=True),
    Endpoint("api:petition-close", "post", "petition", {}, json=True),
    Endpoint(
        "api:petition-split",
        "post",
        "petition",
        {"parts": [{"kind": "report", "title": "A"}, {"kind": "complaint", "title": "B"}]},
        json=True,
    ),
    Endpoint("api:petition-link-repeat", "post", "petition", {"earlier": "XXXX-XXXX"}, json=True),
    Endpoint("api:petition-guide", "post", "petition", {"to_body": "X", "guidance": "X"}, json=True),
    Endpoint("api:petition-not-process", "post", "petition", {"reason": "X"}, json=True),
    Endpoint("api:petition-start-verification", "post", "petition", {}, json=True),
    Endpoint("api:petition-extend", "post", "petition", {"complexity": "complex", "reason": "X"}, json=True),
    Endpoint("api:petition-withdraw", "post", "petition", {"reason": "X"}, json=True),
    Endpoint("api:petition-assign", "post", "petition", {"handler": 1}, json=True),
    Endpoint(
        "api:petition-second-complaint",
        "post",
        "petition",
        {"unit": 1, "channel": "paper", "content": "X"},
        json=True,
    ),
    Endpoint("api:petition-protect-identity", "post", "petition", {"reason": "X"}, json=True),
    Endpoint("api:queued-petition-detail", target="queued_petition"),
    # A large inbox export of the other commune, run as a job: its progress page and its file.
    Endpoint("petitions:export_job", target="export_job"),
    Endpoint("petitions:export_download", target="export_job"),
    # Reception: schedule, sessions, the book.
    Endpoint("petitions:reception_schedule_edit", target="schedule"),
    Endpoint("petitions:reception_schedule_end", "post", "schedule"),
    Endpoint("petitions:reception_session_detail", target="session"),
    Endpoint("petitions:reception_session_edit", target="session"),
    Endpoint("petitions:reception_visit_add", target="session"),
    Endpoint(
        "petitions:reception_visit_add", "post", "session", {"content": "Chen ngang", "kind": "proposal"}
    ),
    Endpoint("petitions:reception_visit_detail", target="visit"),
    Endpoint("petitions:reception_visit_edit", target="visit"),
    Endpoint(
        "petitions:reception_visit_edit",
        "post",
        "visit",
        {"content": "Sửa ngang", "kind": "proposal", "persons": 1, "reason": "Sửa ngang"},
    ),
    Endpoint("petitions:reception_visit_answer", "post", "visit", {"answer": "accepted"}),
    Endpoint("petitions:reception_visit_petition", "post", "visit"),
    Endpoint("petitions:reception_visit_reveal", "post", "visit", {"reason": "x"}),
    # Disclosure compliance: another commune's list.
    Endpoint("disclosure_compliance:unit", target="commune"),
    # Disclosure staff pages and API: another commune's item, draft, posting, files, plan and plan line, and the
    # internal item of an agency in that commune.
    *(
        Endpoint(f"disclosure:{name}", method, target, data)
        for name, method, target, data in DISCLOSURE_STAFF_ROUTES
    ),
    Endpoint("api:disclosure-detail", target="disclosure"),
    Endpoint("api:disclosure-publish", "post", "disclosure_draft", {}, json=True),
    Endpoint(
        "api:disclosure-revise",
        "post",
        "disclosure",
        {"title": "Chen ngang", "decision_date": "2026-01-05", "change_note": "x"},
        json=True,
    ),
    Endpoint("api:disclosure-withdraw", "post", "disclosure", {"reason": "Chen ngang"}, json=True),
    Endpoint(
        "api:disclosure-add-posting",
        "post",
        "disclosure",
        {"channel": "loudspeaker", "start_on": "2026-01-06"},
        json=True,
    ),
    # Reports: another commune's draft and its submitted report of another period.
    *REPORT_ROUTES,
    # Plans: another commune's plan implementing the province's, its indicators and its task.
    *PLAN_ROUTES,
]

# Lists and exports: they answer 200 or 403, and never show the other commune's rows.
LISTS = [
    "units:tree",
    "units:household_list",
    "units:household_export",
    "api:unit-list",
    "api:household-list",
    "petitions:inbox",
    "petitions:export",
    "api:petition-list",
    "petitions:reception_book",
    "petitions:reception_export",
    "petitions:reception_sessions",
    "petitions:reception_schedules",
    "disclosure_compliance:overview",
    "disclosure:list",
    "disclosure:plan",
    "disclosure:quarterly",
    "disclosure:internal",
    "api:disclosure-list",
    "reports:list",
    "reports:tracker",
    "plans:list",
    "plans:dashboard",
    "reports:generate",
]
# Pages about the user themself, or that take no unit data from the URL, checked in accounts' own tests.
SELF_ONLY = {
    "api:me",
    "api:membership-list",
    "units:household_create",
    "units:household_import",
    # These write only into the user's current unit.
    "petitions:create",
    "petitions:reception_session_add",
    "petitions:reception_schedule_add",
    "petitions:reception_import",
    "disclosure:create",
    "disclosure:plan_create",
}
# Routes that write into the units named in their body: test_no_role_files_a_petition_in_another_commune.
BODY_SCOPED = {"api:petition-batch"}


@pytest.fixture
def world():
    province = ProvinceFactory(name="Thành phố Hải Phòng")
    own = UnitFactory(kind=UnitKind.WARD, parent=province, name="Phường Phù Liễn")
    own_village = VillageFactory(parent=own, kind=UnitKind.RESIDENTIAL_GROUP, name="Tổ dân phố 1")
    HouseholdFactory(unit=own_village)
    commune = UnitFactory(kind=UnitKind.COMMUNE, parent=province, name="Xã An Khánh")
    village = VillageFactory(parent=commune, name="Thôn Tân Viên")
    household = HouseholdFactory(unit=village, code="AK-BI-MAT", representative_name="Người Khác Xã")
    MembershipFactory(unit=commune, role=Role.COMMUNE_OFFICER, user=UserFactory(username="an.khanh.staff"))
    return SimpleNamespace(
        own=own,
        other=SimpleNamespace(
            commune=commune,
            village=village,
            household=household,
            **petitions_of(commune),
            **disclosures_of(commune, village),
            **reports_of(commune),
            **plans_of(commune),
        ),
    )


def petitions_of(commune) -> dict:
    """Another commune's petition (with an attachment), reception schedule, session and confidential visit."""
    photo = SimpleUploadedFile("anh.png", PNG, content_type="image/png")
    petition = petition_services.submit_petition(
        unit=commune,
        kind="report",
        channel="web",
        title="Đèn đường Thôn Tân Viên hỏng",
        content="Xã An Khánh chưa sửa",
        petitioner={"name": "Người Khác Xã", "phone": "0912345678"},
        attachments=[photo],
    )
    today = timezone.localdate()
    schedule = reception.add_schedule(
        commune,
        actor=None,
        weekday=1,
        start_time=time(8),
        end_time=time(11),
        host_title="Chủ tịch",
        location="Trụ sở",
    )
    session = reception.open_session(
        commune,
        actor=None,
        date=today - timedelta(days=1),
        host_name="Chủ tịch Xã An Khánh",
        location="Trụ sở",
    )
    visit = reception.record_visit(
        session,
        actor=None,
        visitor={"name": "Người Khác Xã", "address": "Thôn Tân Viên"},
        kind="denunciation",
        content="Tố cáo ở Xã An Khánh",
        confidential=True,
    )
    export_job = export_inbox_job.enqueue(
        user_id=Membership.objects.filter(unit=commune).values_list("user_id", flat=True).first() or 0,
        unit_id=commune.pk,
        query={},
        language="vi",
        today=today.isoformat(),
    )
    queued = petition_services.queue_petition(
        actor=None,
        unit=commune,
        kind="report",
        channel="api",
        title="Rác chưa thu gom ở Xã An Khánh",
        content="Xã An Khánh chưa thu gom",
        petitioner={"name": "Người Khác Xã", "phone": "0912345678"},
    )
    return {
        "petition": petition,
        "queued_petition": SimpleNamespace(pk=queued.tracking_code),
        "export_job": SimpleNamespace(pk=export_job.id),
        "petition_attachment": Attachment.objects.get(object_id=str(petition.pk)),
        "schedule": schedule,
        "session": session,
        "visit": visit,
    }


def disclosures_of(commune, village) -> dict:
    """Another commune's published item (with a file and a confirmed notice board with its photo), draft, plan
    and plan line, and the internal item (with a file) of an agency in that commune."""
    from dancoso.disclosure import services as disclosure_services
    from dancoso.disclosure.models import Category, Posting

    day = timezone.localdate()
    budget = Category.objects.get(code="xa-02-ngan-sach")
    pdf = SimpleUploadedFile("du-toan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    item = disclosure_services.create_publication(
        unit=commune,
        category=budget,
        title="Dự toán ngân sách Xã An Khánh",
        decision_date=day - timedelta(days=1),
        actor=None,
        attachments=[pdf],
        postings=[disclosure_services.PostingSpec("village_board", day, place=village)],
    )
    board = Posting.objects.get(publication=item, channel="village_board")
    photo = SimpleUploadedFile("bang-tin.png", PNG, content_type="image/png")
    board = disclosure_services.confirm_posting(board, actor=None, photo=photo)
    draft = disclosure_services.create_publication(
        unit=commune,
        category=budget,
        title="Dự thảo Xã An Khánh",
        decision_date=day,
        actor=None,
        publish=False,
    )
    plan = disclosure_services.create_plan(commune, day.year, actor=None)
    line = disclosure_services.save_plan_item(
        plan,
        actor=None,
        category=budget,
        content="Dự toán Xã An Khánh",
        channels=["portal"],
        due_on=day,
        responsible="Kế toán Xã An Khánh",
    )
    school = UnitFactory(kind=UnitKind.PUBLIC_SERVICE_UNIT, parent=commune, name="Trường Tiểu học An Khánh")
    staff_item = disclosure_services.create_publication(
        unit=school,
        category=Category.objects.get(code="co-quan-04-nhan-su"),
        title="Kế hoạch nâng lương Trường Tiểu học An Khánh",
        decision_date=day,
        actor=None,
        attachments=[
            SimpleUploadedFile("nang-luong.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        ],
    )
    return {
        "disclosure": item,
        "disclosure_draft": draft,
        "disclosure_posting": board,
        "disclosure_file": disclosure_services.version_attachments(item.current_version).get(),
        "disclosure_photo": board.proof,
        "disclosure_plan": plan,
        "disclosure_plan_item": line,
        "disclosure_internal": staff_item,
        "disclosure_internal_file": disclosure_services.version_attachments(staff_item.current_version).get(),
    }


def reports_of(commune) -> dict:
    """Another commune's draft report and its submitted report of the previous period."""
    from dancoso.reports import services as report_services
    from dancoso.reports.models import ReportType

    six_months = ReportType.objects.get(slug="dan-chu-co-so-6-thang")
    submitted = report_services.create_report(
        unit=commune, report_type=six_months, period="2025-H2", actor=None
    )
    submitted = report_services.submit_report(submitted, actor=None)
    draft = report_services.create_report(unit=commune, report_type=six_months, period="2026-H1", actor=None)
    from dancoso.reports.tasks import generate_reports_job

    job = generate_reports_job.enqueue(
        user_id=Membership.objects.filter(unit=commune).values_list("user_id", flat=True).first() or 0,
        unit_id=commune.pk,
        report_type_id=six_months.pk,
        period="2026-H1",
        file_format="docx",
        language="vi",
    )
    return {"report": draft, "report_submitted": submitted, "report_job": SimpleNamespace(pk=job.id)}


def plans_of(commune) -> dict:
    """The province's plan (with the other commune's value entered) and the other commune's plan implementing
    it, with an entered and a computed indicator and a task."""
    from dancoso.plans import services as plan_services
    from dancoso.plans.models import Measurement

    year = timezone.localdate().year
    years = {"start_year": year, "end_year": year}
    province_plan = plan_services.create_plan(
        commune.parent, actor=None, title="Kế hoạch của thành phố", **years
    )
    shared = plan_services.add_indicator(
        province_plan, actor=None, text="100% đơn vị", phrase="đã làm", target=100
    )
    plan_services.enter_value(shared, commune, year, actor=None, value=1, note="Ghi chú của Xã An Khánh")
    plan = plan_services.create_plan(
        commune, actor=None, parent=province_plan, title="Kế hoạch của Xã An Khánh", **years
    )
    indicator = plan_services.add_indicator(
        plan, actor=None, text="Chỉ tiêu Xã An Khánh", phrase="đã làm", target=100
    )
    computed = plan_services.add_indicator(
        plan,
        actor=None,
        text="Chỉ tiêu tính của Xã An Khánh",
        phrase="đã làm",
        target=100,
        measurement=Measurement.COMPUTED,
        measure="plans.implementation_plan_issued",
    )
    task = plan_services.add_task(plan, actor=None, text="Nhiệm vụ của Xã An Khánh", assignees=[commune])
    return {"plan": plan, "plan_indicator": indicator, "plan_computed": computed, "plan_task": task}


def plan_snapshot(other) -> tuple:
    from dancoso.core.models import LedgerEntry
    from dancoso.plans.models import Indicator, IndicatorValue, Plan, Task, TaskReport

    return (
        list(Plan.objects.order_by("pk").values()),
        list(Indicator.objects.order_by("pk").values()),
        list(IndicatorValue.objects.order_by("pk").values()),
        list(Task.objects.order_by("pk").values()),
        list(TaskReport.objects.order_by("pk").values()),
        LedgerEntry.objects.filter(action__startswith="plans.").count(),
    )


def report_snapshot(other) -> tuple:
    from dancoso.core.models import LedgerEntry
    from dancoso.reports.models import Report, ReportSection

    return (
        list(Report.objects.filter(unit=other.commune).order_by("pk").values()),
        list(ReportSection.objects.filter(report__unit=other.commune).order_by("pk").values("text", "data")),
        LedgerEntry.objects.filter(action__startswith="reports.").count(),
    )


def disclosure_snapshot(other) -> tuple:
    from dancoso.core.models import LedgerEntry
    from dancoso.disclosure.models import DisclosurePlan, PlanItem, Posting, Publication

    units = [other.commune.pk, other.disclosure_internal.unit_id]
    return (
        list(Publication.objects.filter(unit_id__in=units).order_by("pk").values()),
        list(Posting.objects.filter(unit_id__in=units).order_by("pk").values()),
        list(DisclosurePlan.objects.filter(unit_id__in=units).values()),
        list(PlanItem.objects.filter(unit_id__in=units).values()),
        LedgerEntry.objects.filter(action__startswith="disclosure.").count(),
    )


def petition_snapshot(other) -> tuple:
    return (
        Petition.objects.values().get(pk=other.petition.pk),
        PetitionEvent.objects.filter(petition=other.petition).count(),
        Visit.objects.values().get(pk=other.visit.pk),
        disclosure_snapshot(other),
        report_snapshot(other),
        plan_snapshot(other),
    )


def client_for(client, role, unit):
    client.force_login(MembershipFactory(unit=unit, role=role).user)
    return client


def call(client, endpoint: Endpoint, pk, other=None):
    extra = [
        getattr(other, arg[1:]).pk if isinstance(arg, str) and arg.startswith("@") else arg
        for arg in endpoint.extra_args
    ]
    url = reverse(endpoint.name, args=[pk, *extra] if pk is not None else [])
    if endpoint.json:
        return getattr(client, endpoint.method)(url, endpoint.data, content_type="application/json")
    return getattr(client, endpoint.method)(url, endpoint.data)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method}-{e.name}-{e.target}")
def test_no_role_reaches_another_communes_objects(client, world, role, endpoint):
    client = client_for(client, role, world.own)
    before = Household.objects.values().get(pk=world.other.household.pk), petition_snapshot(world.other)

    response = call(client, endpoint, getattr(world.other, endpoint.target).pk, world.other)

    assert response.status_code in DENIED, response.content[:300]
    assert (
        Household.objects.values().get(pk=world.other.household.pk),
        petition_snapshot(world.other),
    ) == before


def text_of(response) -> str:
    if response.headers.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return " ".join(
            str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
        )
    return response.content.decode()


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", LISTS)
def test_no_role_lists_another_communes_rows(client, world, role, name):
    client = client_for(client, role, world.own)
    response = client.get(reverse(name))
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        shown = text_of(response)
        for secret in ("AK-BI-MAT", "Người Khác Xã", "Thôn Tân Viên", "Xã An Khánh", "0912345678"):
            assert secret not in shown


@pytest.mark.parametrize("role", list(Role))
def test_no_role_creates_a_household_in_another_commune(client, world, role):
    client = client_for(client, role, world.own)
    data = {
        "unit": world.other.village.pk,
        "code": "CHEN-NGANG",
        "address": "Số 1",
        "representative_name": "X",
    }
    client.post(reverse("units:household_create"), data)
    client.post(reverse("api:household-list"), data, content_type="application/json")
    assert not Household.objects.filter(code="CHEN-NGANG").exists()


@pytest.mark.parametrize("role", list(Role))
def test_no_role_files_a_petition_in_another_commune(client, world, role):
    client = client_for(client, role, world.own)
    filing = {
        "unit": world.other.commune.pk,
        "kind": "report",
        "title": "Chen ngang",
        "content": "Chen ngang",
        "petitioner_name": "X",
        "petitioner_phone": "0912000111",
    }

    def snapshot():
        filed = Petition.objects.filter(unit=world.other.commune).count(), QueuedPetition.objects.count()
        return petition_snapshot(world.other), filed

    before = snapshot()
    for path, body, headers in (
        (reverse("api:petition-list"), filing, {}),
        (reverse("api:petition-list"), filing, {"Prefer": "respond-async"}),
        (reverse("api:petition-batch"), {"petitions": [filing]}, {}),
    ):
        response = client.post(path, body, content_type="application/json", headers=headers)
        assert response.status_code in (400, *DENIED), response.content[:300]
    assert snapshot() == before


def named_routes(patterns, prefix="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= named_routes(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


# Namespaces whose pages take no other unit's data: the public site (portal, the public petition pages and the
# public disclosure pages, which show only what a resident may see: disclosure/tests/test_public_views.py),
# login and profile, Django's admin (which only superusers open), and Open311 (scoped by its API keys, tested in
# petitions/tests/test_open311.py).
NOT_UNIT_SCOPED_NAMESPACES = (
    "admin:",
    "accounts:",
    "portal:",
    "petitions_public:",
    "disclosure_public:",
    "open311:",
)


def test_every_endpoint_is_in_the_matrix():
    staff_and_api = {
        name
        for name in named_routes(get_resolver().url_patterns)
        if ":" in name and not name.startswith(NOT_UNIT_SCOPED_NAMESPACES) and not name.endswith("-root")
    }
    covered = {e.name for e in ENDPOINTS} | set(LISTS) | SELF_ONLY | BODY_SCOPED
    assert staff_and_api - covered == set(), "add the new routes to ENDPOINTS, LISTS or SELF_ONLY"
