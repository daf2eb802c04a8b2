"""Bulk data for the disclosure benchmark: N publications spread over a province's communes and agencies.

A BENCHMARK FIXTURE, not application code: the rows are written with PostgreSQL's COPY straight into the
tables (publications, their versions, their postings), bypassing the services, the ledger and the attachment
store (the demo and the tests go through the services). They look like five years of a province's disclosures:
items of the legal list (Art. 11 for communes, Art. 46 for agencies) with Vietnamese titles and bodies (with
diacritics; `search_key` computed as the services do), one to three versions each, a portal posting per version
(the older ones taken down when the next was published), notice boards at the seat and in a village for the
categories that need them, the loudspeaker for some; about 3 % withdrawn, 2 % drafts, and, for the agencies,
internal items (for their staff only) beside public ones. No ledger entries: the item page then takes its
validators from `updated_at` (the ledger query still runs, on its index).

Re-usable: bench rows carry codes "CK-Z<p>…" (p: a letter per province) and no author; a run adds only the
rows that are missing, so a second run with the same size skips the load.
"""

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from dancoso.core.text import search_key
from dancoso.disclosure import legal
from dancoso.disclosure.models import Audience, Category, Channel, Posting, Publication, PublicationVersion
from dancoso.disclosure.services import CODE_ALPHABET
from dancoso.units import services as unit_services
from dancoso.units.models import Unit, UnitKind

HISTORY_DAYS = 5 * 365
COPY_BATCH = 20_000
AGENCY_SHARE = 0.04  # of the rows: the province's agencies' own disclosures
WITHDRAWN_SHARE = 0.03
DRAFT_SHARE = 0.02
INTERNAL_SHARE = 0.4  # of an agency's items: for its staff only (Art. 46)
VILLAGES = ("Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân Lập", "Phú Xuân", "An Lạc", "Hòa Bình")
BOARD_DAYS = 30

# (category code, weight, title templates). {y}: a year, {q}: a quarter, {v}: a village, {u}: the unit's name.
COMMUNE_SUBJECTS = (
    ("xa-01-ke-hoach", 6, ("Kế hoạch phát triển kinh tế - xã hội năm {y} của {u}",
                           "Kế hoạch sử dụng đất năm {y} của {u}")),
    ("xa-02-ngan-sach", 14, ("Dự toán ngân sách xã năm {y}",
                             "Quyết toán ngân sách xã năm {y}",
                             "Tình hình thực hiện dự toán ngân sách quý {q} năm {y}")),
    ("xa-03-du-an-dat-dai", 8, ("Dự án nâng cấp đường giao thông nông thôn thôn {v} năm {y}",
                                "Phương án bồi thường, hỗ trợ, tái định cư dự án mở rộng đường thôn {v}")),
    ("xa-04-quy-che", 3, ("Quy chế thực hiện dân chủ ở cơ sở của {u} (sửa đổi năm {y})",
                          "Quy tắc ứng xử của cán bộ, công chức {u}")),
    ("xa-05-huy-dong", 6, ("Huy động nhân dân đóng góp xây dựng nhà văn hóa thôn {v} năm {y}",
                           "Kết quả huy động đóng góp làm đường bê tông thôn {v}")),
    ("xa-06-tai-san-cong", 4, ("Báo cáo tình hình quản lý, sử dụng tài sản công năm {y}",)),
    ("xa-07-an-sinh", 12, ("Danh sách hộ nghèo, hộ cận nghèo năm {y}",
                           "Danh sách đối tượng được hưởng trợ cấp xã hội hằng tháng quý {q} năm {y}")),
    ("xa-08-cuu-tro", 5, ("Kết quả phân bổ tiền, hàng cứu trợ sau bão năm {y}",)),
    ("xa-09-nghia-vu", 5, ("Danh sách công dân thực hiện nghĩa vụ quân sự năm {y}",)),
    ("xa-10-thanh-tra", 3, ("Kết luận thanh tra việc quản lý đất công ích năm {y}",)),
    ("xa-11-lay-y-kien", 6, ("Lấy ý kiến nhân dân về dự thảo quy hoạch khu dân cư thôn {v}",)),
    ("xa-12-phi-le-phi", 5, ("Các khoản phí, lệ phí áp dụng trên địa bàn {u} năm {y}",)),
    ("xa-13-thu-tuc", 6, ("Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của UBND {u} năm {y}",)),
    ("xa-14-khac", 9, ("Thông báo lịch tiếp công dân quý {q} năm {y}",
                       "Thông báo kết quả bầu trưởng thôn {v} nhiệm kỳ {y}")),
    ("xa-danh-muc-quy", 8, ("Danh mục thông tin công khai quý {q} năm {y}",)),
)  # fmt: skip
AGENCY_SUBJECTS = (
    ("co-quan-01-ke-hoach", 3, ("Kế hoạch công tác năm {y} của {u}",)),
    (
        "co-quan-02-tai-chinh",
        4,
        ("Dự toán ngân sách năm {y} của {u}", "Quyết toán ngân sách năm {y} của {u}"),
    ),
    ("co-quan-03-tai-san", 2, ("Kế hoạch mua sắm tài sản công năm {y}",)),
    ("co-quan-04-nhan-su", 4, ("Kết quả thi tuyển, bổ nhiệm cán bộ quý {q} năm {y}",)),
    ("co-quan-05-tham-nhung", 1, ("Bản kê khai tài sản, thu nhập năm {y}",)),
    ("co-quan-07-noi-quy", 2, ("Nội quy, quy chế làm việc của {u} năm {y}",)),
    ("co-quan-10-khac", 2, ("Thông báo kết luận giao ban quý {q} năm {y}",)),
)
SENTENCES = (
    "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10 tháng 11 năm 2022.",
    "Căn cứ Nghị quyết của Hội đồng nhân dân về nhiệm vụ phát triển kinh tế - xã hội.",
    "Ủy ban nhân dân công khai để Nhân dân biết, theo dõi và giám sát việc thực hiện.",
    "Tổng kinh phí thực hiện được bố trí từ ngân sách nhà nước và nguồn đóng góp tự nguyện của Nhân dân.",
    "Mọi ý kiến góp ý xin gửi về bộ phận một cửa hoặc trưởng thôn trước ngày kết thúc niêm yết.",
    "Thời gian niêm yết tại trụ sở và nhà văn hóa các thôn là 30 ngày kể từ ngày công khai.",
    "Nội dung chi tiết được đính kèm theo thông báo này và lưu tại văn phòng Ủy ban nhân dân.",
    "Ban Thanh tra nhân dân có trách nhiệm giám sát việc thực hiện theo quy định.",
    "Các hộ gia đình có thắc mắc liên hệ công chức phụ trách để được giải đáp.",
    "Số liệu được tổng hợp từ báo cáo của các thôn, tổ dân phố trên địa bàn.",
)
REASONS = (
    "Công khai nhầm đơn vị, đã thay bằng thông báo khác.",
    "Quyết định bị hủy bỏ theo kết luận thanh tra.",
)
CHANGE_NOTES = ("Sửa số liệu theo ý kiến góp ý của Nhân dân.", "Bổ sung danh sách kèm theo.")
DOC_SYMBOLS = ("QĐ-UBND", "TB-UBND", "KH-UBND", "NQ-HĐND", "BC-UBND")


@dataclass(frozen=True)
class Subject:
    category_id: int
    titles: tuple[str, ...]
    boards: bool
    loudspeaker: bool


def ensure_agencies(province: Unit, count: int) -> list[Unit]:
    """`count` state agencies directly under the province (through the unit services)."""
    agencies = list(province.children.filter(kind=UnitKind.AGENCY).order_by("code"))
    n = 0
    while len(agencies) < count:
        n += 1
        code = f"{province.code}-CQ{n:02d}"
        if Unit.objects.filter(code=code).exists():
            continue
        agencies.append(
            unit_services.create_unit(
                actor=None,
                kind=UnitKind.AGENCY,
                code=code,
                name=f"Sở Mẫu số {n} ({province.name})",
                parent=province,
            )
        )
    return agencies


def code_prefix(province: Unit) -> str:
    """ "CK-Z" and a letter per province (its code's digits mapped to the code alphabet)."""
    return f"CK-Z{CODE_ALPHABET[int(province.code) % len(CODE_ALPHABET)]}"


def _code(prefix: str, n: int) -> str:
    digits = []
    for _position in range(6):
        n, rest = divmod(n, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[rest])
    raw = prefix[3:] + "".join(reversed(digits))  # 2 + 6 characters
    return f"CK-{raw[:4]}-{raw[4:]}"


def existing_rows(province: Unit) -> int:
    return Publication.objects.filter(code__startswith=code_prefix(province), created_by__isnull=True).count()


def _subjects(table) -> list[tuple[Subject, int]]:
    categories = {row.code: row for row in Category.objects.all()}
    return [
        (
            Subject(
                category_id=categories[code].pk,
                titles=titles,
                boards=categories[code].needs_notice_boards,
                loudspeaker=categories[code].needs_loudspeaker,
            ),
            weight,
        )
        for code, weight, titles in table
        if code in categories
    ]


def _ids(table: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cursor.fetchall()]


class RowMaker:
    """Rows of the three tables for one publication, following the models' own field defaults."""

    def __init__(self, today: date, seed: str):
        self.today = today
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.commune_subjects = _subjects(COMMUNE_SUBJECTS)
        self.agency_subjects = _subjects(AGENCY_SUBJECTS)
        self.tables = {}
        for model in (Publication, PublicationVersion, Posting):
            fields = list(model._meta.concrete_fields)
            self.tables[model] = (fields, {f.attname: f.get_default() for f in fields})
        self.publications: list[tuple] = []
        self.versions: list[tuple] = []
        self.postings: list[tuple] = []

    def _row(self, model, values: dict) -> tuple:
        fields, defaults = self.tables[model]
        merged = {**defaults, **values}
        return tuple(merged[f.attname] for f in fields)

    def _body(self, title: str) -> str:
        rng = self.rng
        sentences = rng.sample(SENTENCES, rng.randint(3, 6))
        return f"{title}.\n\n" + " ".join(sentences)

    def add(self, pk: int, version_ids: list[int], posting_ids, unit: Unit, code: str, agency: bool) -> None:
        rng = self.rng
        subjects = self.agency_subjects if agency else self.commune_subjects
        subject = rng.choices([s for s, _w in subjects], weights=[w for _s, w in subjects])[0]
        disclosed = self.today - timedelta(days=int(rng.random() ** 0.9 * HISTORY_DAYS))
        year = disclosed.year
        title = rng.choice(subject.titles).format(
            y=year, q=(disclosed.month - 1) // 3 + 1, v=rng.choice(VILLAGES), u=unit.name
        )
        roll = rng.random()
        state = Publication.State.PUBLISHED
        if roll < DRAFT_SHARE:
            state = Publication.State.DRAFT
        elif roll < DRAFT_SHARE + WITHDRAWN_SHARE:
            state = Publication.State.WITHDRAWN
        audience = Audience.INTERNAL if agency and rng.random() < INTERNAL_SHARE else Audience.PUBLIC
        count = 1 if state == Publication.State.DRAFT else rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        version_ids = version_ids[:count]
        decision = disclosed - timedelta(days=rng.randint(0, 10))
        number = f"{rng.randint(1, 350)}/{rng.choice(DOC_SYMBOLS)}"
        body = self._body(title)
        day = disclosed
        last_title = title
        for index, version_id in enumerate(version_ids, start=1):
            if index > 1:
                day = min(day + timedelta(days=rng.randint(5, 60)), self.today)
                last_title = f"{title} (sửa đổi lần {index - 1})"
                body = self._body(last_title)
            published = state != Publication.State.DRAFT
            self.versions.append(
                self._row(
                    PublicationVersion,
                    {
                        "id": version_id,
                        "publication_id": pk,
                        "unit_id": unit.pk,
                        "number": index,
                        "title": last_title,
                        "body": body,
                        "decision_date": decision,
                        "document_number": number,
                        "change_note": rng.choice(CHANGE_NOTES) if index > 1 else "",
                        "content_digest": legal.content_digest(
                            title=last_title,
                            body=body,
                            decision_date=decision,
                            document_number=number,
                            attachment_digests=[],
                        ),
                        "published_at": self.now if published else None,
                        "created_at": self.now,
                    },
                )
            )
            if published:
                last = index == len(version_ids)
                self._postings(posting_ids, pk, version_id, unit, subject, day, None if last else day)
        if state == Publication.State.DRAFT:
            version_ids = version_ids or [None]
        self.publications.append(
            self._row(
                Publication,
                {
                    "id": pk,
                    "unit_id": unit.pk,
                    "code": code,
                    "category_id": subject.category_id,
                    "audience": audience,
                    "state": state,
                    "title": last_title,
                    "decision_date": decision,
                    "document_number": number,
                    "search_key": search_key(f"{last_title} {number} {body}"),
                    "current_version_id": version_ids[-1],
                    "version_count": len(version_ids),
                    "disclosed_on": None if state == Publication.State.DRAFT else disclosed,
                    "period_label": str(year),
                    "withdrawn_on": min(day + timedelta(days=20), self.today)
                    if state == Publication.State.WITHDRAWN
                    else None,
                    "withdrawal_reason": rng.choice(REASONS) if state == Publication.State.WITHDRAWN else "",
                    "created_at": self.now,
                    "updated_at": self.now,
                },
            )
        )

    def _postings(self, ids, pk, version_id, unit, subject: Subject, day: date, replaced_on) -> None:
        rng = self.rng
        specs = [(Channel.PORTAL, "", day, None, replaced_on)]
        if subject.boards:
            end = day + timedelta(days=BOARD_DAYS)
            specs.append((Channel.SEAT_BOARD, "", day, end, None))
            specs.append((Channel.VILLAGE_BOARD, f"Nhà văn hóa thôn {rng.choice(VILLAGES)}", day, end, None))
        if subject.loudspeaker or rng.random() < 0.1:
            specs.append((Channel.LOUDSPEAKER, "", day, day + timedelta(days=3), None))
        for channel, place, start, end, down in specs:
            confirmed = channel == Channel.PORTAL or rng.random() < 0.9
            self.postings.append(
                self._row(
                    Posting,
                    {
                        "id": next(ids),
                        "version_id": version_id,
                        "publication_id": pk,
                        "unit_id": unit.pk,
                        "channel": channel,
                        "place_text": place,
                        "start_on": start,
                        "end_on": end,
                        "taken_down_on": down,
                        "confirmed_at": self.now if confirmed else None,
                        "created_at": self.now,
                    },
                )
            )

    def flush(self) -> None:
        """COPY what was made (in the caller's transaction: the foreign keys are checked at its commit)."""
        for model, rows in (
            (Publication, self.publications),
            (PublicationVersion, self.versions),
            (Posting, self.postings),
        ):
            fields, _defaults = self.tables[model]
            columns = ", ".join(f'"{f.column}"' for f in fields)
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            rows.clear()


def load_publications(
    province: Unit, communes: list[Unit], agencies: list[Unit], target: int, *, out=print
) -> int:
    """Top the province's benchmark rows up to `target` with COPY; returns how many rows were added."""
    have = existing_rows(province)
    if have >= target:
        out(f"{province.name}: {have:,} benchmark publications already loaded, load skipped")
        return 0
    started = time.perf_counter()
    maker = RowMaker(timezone.localdate(), seed=f"bench-disclosure:{province.code}:{have}")
    rng = random.Random(province.code)
    weights = [rng.uniform(0.5, 1.5) for _unit in communes]
    prefix = code_prefix(province)
    added = 0
    for batch_start in range(have, target, COPY_BATCH):
        batch_end = min(batch_start + COPY_BATCH, target)
        size = batch_end - batch_start
        connection.ensure_connection()
        with transaction.atomic():
            pks = _ids(Publication._meta.db_table, size)
            version_ids = _ids(PublicationVersion._meta.db_table, 3 * size)
            posting_ids = iter(_ids(Posting._meta.db_table, 3 * 5 * size))
            for index, n in enumerate(range(batch_start, batch_end)):
                agency = bool(agencies) and maker.rng.random() < AGENCY_SHARE
                unit = maker.rng.choice(agencies) if agency else maker.rng.choices(communes, weights)[0]
                versions = version_ids[3 * index : 3 * index + 3]
                maker.add(pks[index], versions, posting_ids, unit, _code(prefix, n), agency)
            maker.flush()
        added += size
        out(
            f"  {province.code}: {batch_end:,}/{target:,} publications ({time.perf_counter() - started:.0f}s)"
        )
    out(f"{province.name}: {added:,} publications loaded in {time.perf_counter() - started:.0f}s")
    return added
