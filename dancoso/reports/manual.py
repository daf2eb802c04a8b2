"""Tables of figures the platform does not hold, typed by staff or imported from .xlsx: the administrative-procedure
statistics of the one-stop system (Hệ thống thông tin giải quyết thủ tục hành chính)."""

from dataclasses import dataclass
from decimal import Decimal

from dancoso.core.figures import COUNT, SCORE, Figure, Identity
from dancoso.core.numbers import number_vi


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = COUNT
    part_of: str = ""
    maximum: int | None = None
    decimals: int = 0
    unit_word: str = "hồ sơ"
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManualTable:
    key: str
    title: str
    fields: tuple[Field, ...]
    identities: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def figures(self, values: dict) -> tuple[Figure, ...]:
        return tuple(
            Figure(
                f"{self.key}.{f.name}",
                f.label,
                values.get(f.name),
                f.unit_word if f.kind == COUNT else "",
                f.kind,
                f"{self.key}.{f.part_of}" if f.part_of else "",
                f.maximum,
                f.decimals,
                f.mentions,
            )
            for f in self.fields
        )

    def identity_checks(self) -> tuple[Identity, ...]:
        return tuple(
            Identity(f"{self.key}.{whole}", tuple(f"{self.key}.{p}" for p in parts))
            for whole, parts in self.identities
        )


ADMINISTRATIVE_PROCEDURES = ManualTable(
    key="tthc",
    title="Kết quả giải quyết thủ tục hành chính",
    fields=(
        Field("received", "Tổng số hồ sơ tiếp nhận", mentions=("tiếp nhận {n} hồ sơ", "tổng số {n} hồ sơ")),
        Field(
            "received_online",
            "Hồ sơ tiếp nhận trực tuyến",
            part_of="received",
            mentions=("{n} hồ sơ trực tuyến",),
        ),
        Field("resolved_on_time", "Đã giải quyết đúng hạn", part_of="received"),
        Field("resolved_late", "Đã giải quyết quá hạn", part_of="received"),
        Field("in_progress_on_time", "Đang giải quyết trong hạn", part_of="received"),
        Field("in_progress_late", "Đang giải quyết quá hạn", part_of="received"),
        Field("returned", "Trả lại, công dân rút hồ sơ", part_of="received"),
        Field("digitised", "Hồ sơ được số hóa", part_of="received"),
        Field("online_payments", "Hồ sơ thanh toán trực tuyến", part_of="received"),
        Field(
            "service_index",
            "Điểm Chỉ số phục vụ người dân, doanh nghiệp",
            kind=SCORE,
            maximum=100,
            decimals=2,
            unit_word="",
            mentions=("đạt {n}/100 điểm",),
        ),
    ),
    identities=(
        (
            "received",
            ("resolved_on_time", "resolved_late", "in_progress_on_time", "in_progress_late", "returned"),
        ),
    ),
)

TABLES = {table.key: table for table in (ADMINISTRATIVE_PROCEDURES,)}


def written_value(table_key: str, name: str, value: str) -> str:
    """A stored value as staff type it: "4410" → "4.410", "97.61" → "97,61"."""
    return number_vi(Decimal(value), TABLES[table_key].field(name).decimals)
