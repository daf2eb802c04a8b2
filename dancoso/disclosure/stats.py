"""Figures of disclosure for reports and dashboards, as typed results (DESIGN.md §4). Reports learn these
figures only from here.

Everything is counted for a unit's subtree (every commune, ward, special zone, agency and enterprise at or
below it; `subtree=False`: the unit alone) and a period [start, end], from `compliance.compliance_for_units`
(a fixed number of queries, whatever the number of units or items). The definitions are compliance's (see its
module and docs/disclosure.md):

- `disclosed`: items first made known in the period (`disclosed_on`), published, not withdrawn. The quarterly
  list (Art. 13.2) is a list of items, not an item: it is counted apart (`quarterly_lists`).
- `on_time` / `late`: of those, made known within the deadline after their decision (Art. 12.3, 47.2, 65.2).
- `by_category`: per item of the legal list; `by_channel`: items made known through each channel (an item
  made known through three channels counts once in each, so the lines add up to more than `disclosed`).
- `too_short`: items with a required posting that ended before its minimum (Art. 13.2, 13.3, 48, 65.2).
- `missing`: obligations not met at the end of the period (plan lines, permanent items, quarterly lists).
"""

from dataclasses import dataclass
from datetime import date

from dancoso.core.figures import RATE, Figure, Figures, Identity, Provider, Row
from dancoso.core.numbers import count_vi, percent_vi
from dancoso.disclosure import compliance, legal
from dancoso.disclosure.models import CHANNEL_WORDING_VI, Channel
from dancoso.units.models import Unit, UnitKind

CHANNEL_ORDER = (
    Channel.SEAT_BOARD,
    Channel.VILLAGE_BOARD,
    Channel.PORTAL,
    Channel.LOUDSPEAKER,
    Channel.VILLAGE_HEAD,
    Channel.SOCIAL_GROUP,
    Channel.SMS,
)


def rate(part: int, total: int) -> float | None:
    """Share from 0 to 1; None when there is nothing to rate."""
    return part / total if total else None


@dataclass(frozen=True)
class Breakdown:
    """One line of a breakdown: a category or a channel, with its count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DisclosureStats:
    start: date
    end: date
    disclosed: int = 0
    on_time: int = 0
    late: int = 0
    too_short: int = 0
    ending_early: int = 0
    missing: int = 0
    missing_plan: int = 0
    missing_permanent: int = 0
    missing_quarterly_lists: int = 0
    quarterly_lists: int = 0
    outdated: int = 0
    units: int = 0
    by_category: tuple[Breakdown, ...] = ()
    by_channel: tuple[Breakdown, ...] = ()
    # For the wording of the sentence: the kinds of the units that disclosed and of their villages.
    unit_kinds: frozenset[str] = frozenset()
    village_kinds: frozenset[str] = frozenset()

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.disclosed)

    @property
    def balances(self) -> bool:
        """disclosed = on time + late."""
        return self.disclosed == self.on_time + self.late


def _units(unit, subtree: bool, regime: str | None) -> list:
    units = compliance.disclosing_units(
        Unit.objects.subtree(unit) if subtree else Unit.objects.filter(pk=unit.pk)
    )
    if regime is not None:
        units = [u for u in units if legal.regime_of_unit(u) == regime]
    return units


def disclosure_stats(
    unit,
    start: date,
    end: date,
    *,
    subtree: bool = True,
    regime: str | None = None,
    today: date | None = None,
) -> DisclosureStats:
    """Disclosures of `unit` (and below) from `start` to `end` inclusive; `regime` ("commune", "agency",
    "enterprise") keeps one kind of discloser."""
    results = compliance.compliance_for_units(_units(unit, subtree, regime), start, end, today=today)
    return summarize(results.values(), start, end)


def summarize(results, start: date, end: date) -> DisclosureStats:
    """The figures of compliance results already computed (`compliance.UnitCompliance`, e.g. a dashboard's)."""
    results = list(results)
    categories: dict[str, list] = {}
    channels: dict[str, int] = {}
    counts = dict.fromkeys(
        ("disclosed", "on_time", "late", "too_short", "ending_early", "lists", "outdated"), 0
    )
    missing = {compliance.MISSING_PLAN: 0, compliance.MISSING_PERMANENT: 0, compliance.MISSING_QUARTERLY: 0}
    unit_kinds, village_kinds = set(), set()
    for result in results:
        for item in result.items:
            counts["outdated"] += item.has(compliance.OUTDATED)
        for item in result.period_items:
            if item.is_quarterly_list:
                counts["lists"] += 1
                continue
            unit_kinds.add(result.unit.kind)
            counts["disclosed"] += 1
            counts["late" if item.late else "on_time"] += 1
            counts["too_short"] += item.has(compliance.TOO_SHORT_ISSUE)
            counts["ending_early"] += item.has(compliance.ENDING_EARLY_ISSUE)
            line = categories.setdefault(item.category.code, [item.category, 0])
            line[1] += 1
            for channel in item.channels_used:
                channels[channel] = channels.get(channel, 0) + 1
            if Channel.VILLAGE_BOARD in item.channels_used or Channel.VILLAGE_HEAD in item.channels_used:
                village_kinds.update(village.kind for village in result.villages)
        for obligation in result.missing:
            missing[obligation.kind] += 1
    by_category = tuple(
        Breakdown(category.code, category.label, count)
        for category, count in sorted(
            categories.values(), key=lambda line: (line[0].regime, line[0].position)
        )
    )
    by_channel = tuple(
        Breakdown(str(channel), str(Channel(channel).label), channels.get(channel, 0))
        for channel in CHANNEL_ORDER
    )
    return DisclosureStats(
        start=start,
        end=end,
        disclosed=counts["disclosed"],
        on_time=counts["on_time"],
        late=counts["late"],
        too_short=counts["too_short"],
        ending_early=counts["ending_early"],
        missing=sum(missing.values()),
        missing_plan=missing[compliance.MISSING_PLAN],
        missing_permanent=missing[compliance.MISSING_PERMANENT],
        missing_quarterly_lists=missing[compliance.MISSING_QUARTERLY],
        quarterly_lists=counts["lists"],
        outdated=counts["outdated"],
        units=len(results),
        by_category=by_category,
        by_channel=by_channel,
        unit_kinds=frozenset(unit_kinds),
        village_kinds=frozenset(village_kinds),
    )


# ------------------------------------------------------------------------------------------------ sentences


COMMITTEE_OF_KIND = {
    UnitKind.COMMUNE: "UBND xã",
    UnitKind.WARD: "UBND phường",
    UnitKind.SPECIAL_ZONE: "UBND đặc khu",
}
WORKPLACE_SEATS = {
    UnitKind.AGENCY: "cơ quan, đơn vị",
    UnitKind.PUBLIC_SERVICE_UNIT: "cơ quan, đơn vị",
    UnitKind.ENTERPRISE: "doanh nghiệp",
}


def _seat_words(kinds: frozenset[str]) -> str:
    committees = {COMMITTEE_OF_KIND[kind] for kind in kinds if kind in COMMITTEE_OF_KIND}
    seats = []
    if len(committees) == 1:
        seats.append(committees.pop())
    elif committees:
        seats.append("UBND cấp xã")
    for words in dict.fromkeys(WORKPLACE_SEATS[kind] for kind in sorted(kinds) if kind in WORKPLACE_SEATS):
        seats.append(words)
    return ", ".join(seats)


def _villages_words(kinds: frozenset[str]) -> str:
    if kinds == {UnitKind.RESIDENTIAL_GROUP}:
        return "các tổ dân phố"
    if kinds == {UnitKind.VILLAGE} or not kinds:
        return "các thôn"
    return "các thôn, tổ dân phố"


def _heads_words(kinds: frozenset[str]) -> str:
    if kinds == {UnitKind.RESIDENTIAL_GROUP}:
        return "Tổ trưởng tổ dân phố"
    if kinds == {UnitKind.VILLAGE} or not kinds:
        return "Trưởng thôn"
    return "Trưởng thôn, Tổ trưởng tổ dân phố"


def channel_phrases(stats: DisclosureStats) -> list[str]:
    """The forms of disclosure used, as the units' reports name them ("niêm yết tại trụ sở UBND xã và nhà văn
    hóa các thôn", "đăng trên Cổng thông tin điện tử", …), in a fixed order."""
    used = {line.key for line in stats.by_channel if line.count}
    phrases = []
    places = []
    if Channel.SEAT_BOARD in used and (seat := _seat_words(stats.unit_kinds)):
        places.append(f"trụ sở {seat}")
    if Channel.VILLAGE_BOARD in used:
        places.append(f"nhà văn hóa {_villages_words(stats.village_kinds)}")
    if places:
        phrases.append("niêm yết tại " + " và ".join(places))
    if Channel.PORTAL in used:
        phrases.append("đăng trên Cổng thông tin điện tử")
    if Channel.LOUDSPEAKER in used:
        phrases.append("thông báo trên hệ thống truyền thanh")
    if Channel.VILLAGE_HEAD in used:
        phrases.append(f"thông qua {_heads_words(stats.village_kinds)}")
    if Channel.SOCIAL_GROUP in used:
        phrases.append("qua nhóm Zalo, mạng xã hội")
    if Channel.SMS in used:
        phrases.append("nhắn tin SMS")
    return phrases


def sentence_vi(stats: DisclosureStats, lead: str = "Trong kỳ") -> str:
    """The sentence a report needs, in Vietnamese as officials write it:

    "Trong kỳ, đã thực hiện công khai 42 nội dung, bằng các hình thức: niêm yết tại trụ sở UBND xã và nhà văn
    hóa các thôn, đăng trên Cổng thông tin điện tử, thông báo trên hệ thống truyền thanh; 40/42 nội dung công
    khai đúng thời hạn (95,2%)."
    """
    f = count_vi
    if not stats.disclosed:
        text = f"{lead}, chưa thực hiện công khai nội dung nào"
    else:
        text = f"{lead}, đã thực hiện công khai {f(stats.disclosed)} nội dung"
        phrases = channel_phrases(stats)
        if phrases:
            text += ", bằng các hình thức: " + ", ".join(phrases)
        text += (
            f"; {f(stats.on_time)}/{f(stats.disclosed)} nội dung công khai đúng thời hạn "
            f"({percent_vi(stats.on_time_rate)})"
        )
        if stats.too_short:
            text += f"; {f(stats.too_short)} nội dung niêm yết chưa đủ thời gian theo quy định"
    if stats.missing:
        text += f"; còn {f(stats.missing)} nội dung phải công khai chưa thực hiện"
    return text + "."


# ------------------------------------------------------------------------------------- report providers


def disclosure_figures(unit, start: date, end: date, *, lead: str = "Trong kỳ") -> Figures:
    """The disclosure figures of a report (core.figures), from `disclosure_stats`."""
    s = disclosure_stats(unit, start, end)
    disclosed = "disclosure.disclosed"
    figures = (
        Figure(
            disclosed,
            "Số nội dung đã công khai",
            s.disclosed,
            "nội dung",
            mentions=("công khai {n} nội dung",),
        ),
        Figure("disclosure.on_time", "Công khai đúng thời hạn", s.on_time, "nội dung", part_of=disclosed),
        Figure("disclosure.late", "Công khai chậm", s.late, "nội dung", part_of=disclosed),
        Figure(
            "disclosure.too_short", "Niêm yết chưa đủ thời gian", s.too_short, "nội dung", part_of=disclosed
        ),
        Figure("disclosure.missing", "Nội dung phải công khai chưa thực hiện", s.missing, "nội dung"),
        Figure("disclosure.outdated", "Nội dung thường xuyên chưa cập nhật", s.outdated, "nội dung"),
        Figure("disclosure.quarterly_lists", "Danh mục công khai hằng quý", s.quarterly_lists, "danh mục"),
        Figure("disclosure.on_time_rate", "Tỷ lệ công khai đúng hạn", s.on_time_rate, kind=RATE),
        *(
            Figure(
                f"disclosure.channel.{line.key}",
                CHANNEL_WORDING_VI[line.key],
                line.count,
                "nội dung",
                part_of=disclosed,
            )
            for line in s.by_channel
        ),
    )
    identities = (Identity(disclosed, ("disclosure.on_time", "disclosure.late"), "Luật 10/2022 Art. 12"),)
    return Figures("disclosure", start, end, figures, sentence_vi(s, lead=lead), identities=identities)


ROWS_SHOWN = 200


def _item_filter(name: str):
    """Which published items one figure of `disclosure_figures` counts, or None when it counts no items."""
    if name.startswith("channel."):
        channel = name.removeprefix("channel.")
        return lambda item: channel in item.channels_used
    return {
        "disclosed": lambda item: True,
        "on_time": lambda item: not item.late,
        "late": lambda item: item.late,
        "too_short": lambda item: item.has(compliance.TOO_SHORT_ISSUE),
    }.get(name)


def disclosure_rows(user, unit, start: date, end: date, key: str, exclude_paths=()):
    """The items (or, for "missing", the obligations not met) behind a figure of `disclosure_figures`, in the
    units whose disclosures `user` may see as staff (core.figures.Provider.rows)."""
    from django.urls import reverse

    from dancoso.core.scoping import scope_for

    name = key.removeprefix("disclosure.")
    wanted = _item_filter(name)
    if wanted is None and name != "missing":
        return None
    scope = scope_for(user, "disclosure.view_publication")
    units = [
        u
        for u in _units(unit, True, None)
        if scope.covers(u.pk, u.path) and not any(u.path.startswith(path) for path in exclude_paths)
    ]
    results = compliance.compliance_for_units(units, start, end).values()
    rows = []
    for result in results:
        if name == "missing":
            rows += [
                Row(
                    f"{obligation.kind_label}: {obligation.label}",
                    "",
                    f"{result.unit.name} · {obligation.article}",
                )
                for obligation in result.missing
            ]
            continue
        rows += [
            Row(
                f"{item.code} · {item.title}",
                reverse("disclosure:detail", args=[item.publication_id]),
                f"{item.disclosed_on:%d/%m/%Y} · {result.unit.name}"
                if item.disclosed_on
                else result.unit.name,
            )
            for item in result.period_items
            if not item.is_quarterly_list and wanted(item)
        ]
    return len(rows), rows[:ROWS_SHOWN]


REPORT_PROVIDERS = (Provider("disclosure", "Công khai thông tin", disclosure_figures, rows=disclosure_rows),)
