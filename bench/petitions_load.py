"""Bulk data for the petitions benchmark: ~100 communes in a province and N petitions spread over them.

The petitions are written with PostgreSQL's COPY straight into the table: a benchmark fixture, not
application code (the demo and the tests go through the services). Rows look like a province's history of
five years: most resolved or closed, some transferred, guided, not processed or withdrawn, and the recent ones
open (received, classified, accepted, verifying) with deadlines, some of them overdue, plus an old backlog.

Loading is re-usable: rows carry tracking codes "B<province>-<n>", and a run only adds the rows that are
missing, so a second run with the same size skips the load.
"""

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from dancoso.core.text import search_key
from dancoso.petitions.models import Channel, Complexity, DueKind, Kind, Petition, Sector, State
from dancoso.units import services as unit_services
from dancoso.units.models import Unit, UnitKind

HISTORY_DAYS = 5 * 365
RECENT_DAYS = 45  # petitions received in the last weeks are still being handled
BACKLOG_SHARE = 0.03  # older petitions never finished: the overdue backlog
COPY_BATCH = 50_000

SUBJECTS = (
    (Kind.REPORT, "moi-truong", "Rác thải sinh hoạt chưa được thu gom đúng lịch tại khu dân cư"),
    (Kind.REPORT, "moi-truong", "Cơ sở sản xuất gây ô nhiễm tiếng ồn, khói bụi"),
    (Kind.REPORT, "trat-tu-do-thi", "Lấn chiếm vỉa hè, lòng đường để kinh doanh"),
    (Kind.PROPOSAL, "ha-tang", "Đề nghị sửa chữa đường giao thông nông thôn xuống cấp"),
    (Kind.PROPOSAL, "ha-tang", "Đề nghị sửa chữa đèn chiếu sáng công cộng"),
    (Kind.REPORT, "ha-tang", "Cống thoát nước bị tắc gây ngập úng khi mưa"),
    (Kind.PROPOSAL, "an-sinh-xa-hoi", "Đề nghị xem xét hỗ trợ hộ gia đình có hoàn cảnh khó khăn"),
    (Kind.PROPOSAL, "chinh-sach", "Đề nghị giải quyết chế độ đối với người có công"),
    (Kind.COMPLAINT, "dat-dai", "Khiếu nại việc xác nhận hồ sơ cấp Giấy chứng nhận quyền sử dụng đất"),
    (Kind.COMPLAINT, "giai-phong-mat-bang", "Khiếu nại phương án bồi thường, hỗ trợ khi thu hồi đất"),
    (Kind.DENUNCIATION, "can-bo", "Tố cáo hành vi sách nhiễu của công chức khi giải quyết hồ sơ"),
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý")
MIDDLES = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Ngọc", "Quang")
GIVENS = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Lan", "Long", "Mai", "Nam", "Tâm", "Yến")
CHANNELS = (Channel.WEB, Channel.PAPER, Channel.PAPER, Channel.IN_PERSON, Channel.HOTLINE, Channel.API)
# Final states of petitions received more than RECENT_DAYS ago, with their share.
FINAL_STATES = (
    (State.RESOLVED, 0.56),
    (State.CLOSED, 0.24),
    (State.TRANSFERRED, 0.07),
    (State.GUIDED, 0.03),
    (State.NOT_PROCESSED, 0.05),
    (State.WITHDRAWN, 0.02),
    (State.SPLIT, 0.015),
    (State.LINKED, 0.015),
)
OPEN_MIX = (State.RECEIVED, State.CLASSIFIED, State.ACCEPTED, State.ACCEPTED, State.VERIFYING)


# ---------------------------------------------------------------------------------------------- units


def ensure_communes(province: Unit, count: int, *, prefix: str = "B") -> list[Unit]:
    """The province's communes and wards, topped up with generated communes (through the unit services) until
    there are `count`."""
    communes = list(province.children.filter(kind__in=[UnitKind.COMMUNE, UnitKind.WARD]).order_by("code"))
    n = 0
    while len(communes) < count:
        n += 1
        code = f"{province.code}-{prefix}{n:03d}"
        if Unit.objects.filter(code=code).exists():
            continue
        communes.append(
            unit_services.create_unit(
                actor=None,
                kind=UnitKind.COMMUNE,
                code=code,
                name=f"Xã Mẫu {province.code}.{n:03d}",
                parent=province,
                population=9_000,
            )
        )
    return communes


# ---------------------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Subject:
    kind: str
    sector_id: int | None
    title: str
    search_key: str


def _subjects() -> list[Subject]:
    sectors = dict(Sector.objects.values_list("code", "pk"))
    return [
        Subject(kind, sectors.get(code), title, search_key(f"{title} {title}. Đề nghị kiểm tra, giải quyết."))
        for kind, code, title in SUBJECTS
    ]


def _final_state(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for state, share in FINAL_STATES:
        total += share
        if roll < total:
            return state
    return State.RESOLVED


class RowMaker:
    """One petition row as a dict of column values, following the model's own field defaults."""

    def __init__(self, today: date, seed: str):
        self.today = today
        self.rng = random.Random(seed)
        self.subjects = _subjects()
        self.fields = [f for f in Petition._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.now = timezone.now()

    def row(self, unit_id: int, code: str) -> tuple:
        values = dict(self.defaults)
        values.update(self._base(unit_id, code))
        values.update(self._workflow(values["received_on"], values["kind"]))
        return tuple(values[f.attname] for f in self.fields)

    def _base(self, unit_id: int, code: str) -> dict:
        rng = self.rng
        subject = rng.choice(self.subjects)
        confidential = subject.kind == Kind.DENUNCIATION
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"
        return {
            "unit_id": unit_id,
            "tracking_code": code,
            "kind": subject.kind,
            "channel": rng.choice(CHANNELS),
            "sector_id": subject.sector_id,
            "title": subject.title,
            "content": f"{subject.title}. Đề nghị kiểm tra, giải quyết.",
            "search_key": subject.search_key,
            "is_confidential": confidential,
            "petitioner_name": "" if confidential else name,
            "petitioner_phone": "" if confidential else f"09{rng.randint(10_000_000, 99_999_999)}",
            "signers": 1 if rng.random() < 0.95 else rng.randint(5, 40),
            "received_on": self.today - timedelta(days=int(rng.random() ** 0.8 * HISTORY_DAYS)),
            "created_at": self.now,
            "updated_at": self.now,
        }

    def _workflow(self, received_on: date, kind: str) -> dict:
        age = (self.today - received_on).days
        if age < RECENT_DAYS:
            return self._open(received_on, self.rng.choice(OPEN_MIX))
        if self.rng.random() < BACKLOG_SHARE:
            return self._open(received_on, self.rng.choice((State.ACCEPTED, State.VERIFYING)))
        return self._finished(received_on, _final_state(self.rng), kind)

    def _open(self, received_on: date, state: str) -> dict:
        values = {"state": state, "is_eligible": state != State.RECEIVED or None, "within_competence": True}
        if state in (State.RECEIVED, State.CLASSIFIED):
            values.update(due_on=received_on + timedelta(days=14), due_kind=DueKind.CLASSIFICATION)
            return values
        accepted_on = min(received_on + timedelta(days=self.rng.randint(2, 12)), self.today)
        due = accepted_on + timedelta(days=30)
        values.update(accepted_on=accepted_on, resolution_due=due, due_on=due, due_kind=DueKind.RESOLUTION)
        return values

    def _finished(self, received_on: date, state: str, kind: str) -> dict:
        values = {
            "state": state,
            "is_eligible": True,
            "within_competence": True,
            "due_on": None,
            "due_kind": "",
        }
        if state in (State.TRANSFERRED, State.GUIDED):
            values.update(within_competence=False, transferred_to="Cơ quan có thẩm quyền")
        elif state == State.SPLIT:
            values.update(kind=Kind.MIXED)
        elif state in (State.RESOLVED, State.CLOSED, State.WITHDRAWN):
            accepted_on = received_on + timedelta(days=self.rng.randint(2, 12))
            due = accepted_on + timedelta(days=30 if kind != Kind.COMPLAINT else 45)
            values.update(accepted_on=accepted_on, resolution_due=due)
            if state != State.WITHDRAWN:
                resolved_on = accepted_on + timedelta(days=self.rng.randint(5, 40))
                values.update(
                    resolved_on=resolved_on,
                    resolved_late=resolved_on > due,
                    outcome="Đã kiểm tra, trả lời công dân.",
                    closed_on=resolved_on + timedelta(days=7) if state == State.CLOSED else None,
                    complexity=Complexity.NORMAL,
                )
        return values


# ---------------------------------------------------------------------------------------------- loading


def code_prefix(province: Unit) -> str:
    return f"B{province.code}-"


def existing_rows(province: Unit) -> int:
    return Petition.objects.filter(tracking_code__startswith=code_prefix(province)).count()


def _shares(communes: list[Unit], rng: random.Random) -> list[float]:
    """How the rows spread over the communes: some communes receive three times as many as others."""
    weights = [rng.uniform(0.5, 1.5) for _unit in communes]
    total = sum(weights)
    return [w / total for w in weights]


def load_petitions(province: Unit, communes: list[Unit], target: int, *, out=print) -> int:
    """Top the province's benchmark rows up to `target` with COPY; returns how many rows were added."""
    have = existing_rows(province)
    if have >= target:
        out(f"{province.name}: {have:,} benchmark petitions already loaded, load skipped")
        return 0
    started = time.perf_counter()
    maker = RowMaker(timezone.localdate(), seed=f"bench:{province.code}:{have}")
    unit_ids = [u.pk for u in communes]
    shares = _shares(communes, random.Random(province.code))
    prefix = code_prefix(province)
    columns = ", ".join(f'"{c}"' for c in maker.columns)
    added = 0
    for batch_start in range(have, target, COPY_BATCH):
        batch_end = min(batch_start + COPY_BATCH, target)
        chosen = maker.rng.choices(unit_ids, weights=shares, k=batch_end - batch_start)
        connection.ensure_connection()
        sql = f"COPY {Petition._meta.db_table} ({columns}) FROM STDIN"
        with transaction.atomic(), connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for n, unit_id in zip(range(batch_start, batch_end), chosen, strict=True):
                copy.write_row(maker.row(unit_id, f"{prefix}{n:07d}"))
        added += batch_end - batch_start
        out(f"  {province.code}: {batch_end:,}/{target:,} rows ({time.perf_counter() - started:.0f}s)")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Petition._meta.db_table}")
    out(f"{province.name}: {added:,} petitions loaded in {time.perf_counter() - started:.0f}s")
    return added
