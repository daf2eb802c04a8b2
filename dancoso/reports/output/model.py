"""What a report says, independent of how it is written out (NĐ 30/2020 components, LEGAL.md §8)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

Cell = str | int | float | Decimal | None

BLOCK_KINDS = ("heading1", "heading2", "heading3", "paragraph", "bullet", "subbullet", "table")


@dataclass(frozen=True)
class Signer:
    """Who signs and in what capacity (NĐ 30/2020 Art. 13).

    mode: "TM" | "KT" | "Q" | "TL" | "TUQ" | "" (the head signs as himself).
    collective: for TM. the collective ("ỦY BAN NHÂN DÂN"); for KT./Q./TL./TUQ. the head's title ("CHỦ TỊCH").
    title: the signer's own title ("PHÓ CHỦ TỊCH"); empty to leave the line out.
    on_behalf_of: a collective above a KT./Q. line, for "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH".
    """

    mode: str
    collective: str
    title: str
    name: str
    on_behalf_of: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass(frozen=True)
class Block:
    """One piece of the body. Headings carry their own numbering ("I. …", "1. …", "2.1. …", "a) …");
    bullets get their "- " / "+ " from the writer. Paragraph-like kinds split on line breaks."""

    kind: str
    text: str = ""
    table: Table | None = None


@dataclass(frozen=True)
class ReportDocument:
    parent_body: str
    issuing_body: str
    number: int | None  # None: a draft, "Số:      /BC-UBND"
    symbol: str
    place: str
    issued_on: date | None  # None: a draft, "…, ngày      tháng      năm <year>"
    year: int
    summary: str
    blocks: list[Block]
    signer: Signer
    recipients: list[str]  # without "- " and ";", the writer adds them and "- Lưu: VT, <archive>."
    archive: str
    addressees: list[str] = ()
    title: str = "BÁO CÁO"

    def tables(self) -> list[Table]:
        return [block.table for block in self.blocks if block.kind == "table" and block.table is not None]
