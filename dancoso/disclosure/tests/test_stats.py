"""stats.py: every figure of a worked quarter, the report's sentence, subtrees and regimes, a constant number of
queries."""

from datetime import date as D
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dancoso.disclosure import services, stats
from dancoso.disclosure.models import Channel
from dancoso.disclosure.services import PostingSpec
from dancoso.disclosure.stats import Breakdown, DisclosureStats
from dancoso.disclosure.tests.test_compliance import (
    BUDGET,
    SOCIAL,
    TODAY,
    as_if_committed,
    boards,
    make_commune,
    on_platform_since,
    publish,
)
from dancoso.units.models import UnitKind
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

Q2 = (D(2026, 4, 1), D(2026, 6, 30))
FEES = "xa-12-phi-le-phi"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)


def announced(start, villages, days=3):
    """Item 7–12 extras (Art. 13.3): the loudspeaker for `days` days and every village head."""
    return [
        PostingSpec(Channel.LOUDSPEAKER, start, start + timedelta(days=days - 1)),
        *(PostingSpec(Channel.VILLAGE_HEAD, start, start, place=village) for village in villages),
    ]


@pytest.fixture
def quarter():
    """A commune's second quarter of 2026: three items (one late, one posted too briefly), the Q1 list, a
    withdrawn item; items 4 and 13 never published."""
    province = ProvinceFactory(name="Tỉnh Ninh Bình")
    commune = on_platform_since(
        UnitFactory(kind=UnitKind.COMMUNE, parent=province, name="Xã An Khánh"), D(2025, 7, 1)
    )
    villages = [VillageFactory(parent=commune, name=name) for name in ("Thôn Đông", "Thôn Tây")]
    services.publish_quarterly_list(commune, 2026, 1, on=D(2026, 4, 1))
    publish(
        commune,
        decided=D(2026, 4, 2),
        on=D(2026, 4, 3),
        postings=boards(D(2026, 4, 3), D(2026, 5, 2), villages),
    )
    # Decided Mon 06/04, due Mon 13/04 (Art. 12.3), made known 20/04: late.
    late_start = D(2026, 4, 20)
    publish(
        commune, SOCIAL, decided=D(2026, 4, 6), on=late_start, title="Danh sách hộ nghèo",
        postings=[*boards(late_start, late_start + timedelta(days=29), villages), *announced(late_start, villages)],
    )  # fmt: skip
    # Fees: notice boards for 20 days only (Art. 13.2 asks 30).
    short_start = D(2026, 5, 5)
    publish(
        commune, FEES, decided=D(2026, 5, 4), on=short_start, title="Mức thu phí chợ",
        postings=[*boards(short_start, short_start + timedelta(days=19), villages), *announced(short_start, villages)],
    )  # fmt: skip
    mistake = publish(commune, decided=D(2026, 5, 4), on=D(2026, 5, 5), title="Đăng nhầm")
    services.withdraw_publication(mistake, actor=None, reason="Đăng nhầm", on=D(2026, 5, 6))
    return province, commune


def test_every_figure_of_the_quarter(quarter):
    _province, commune = quarter
    figures = stats.disclosure_stats(commune, *Q2, today=TODAY)
    assert (figures.disclosed, figures.on_time, figures.late, figures.too_short) == (3, 2, 1, 1)
    assert figures.balances and figures.on_time_rate == pytest.approx(2 / 3)
    # Items 4 and 13 (Art. 13.1); the Q1 list (due 07/04) was published, Q2's falls due in July.
    assert (figures.missing, figures.missing_permanent, figures.missing_quarterly_lists) == (2, 2, 0)
    assert figures.quarterly_lists == 1 and figures.units == 1
    assert [(line.key, line.count) for line in figures.by_category] == [
        (BUDGET, 1),
        (SOCIAL, 1),
        (FEES, 1),
    ]
    assert {line.key: line.count for line in figures.by_channel} == {
        "seat_board": 3,
        "village_board": 3,
        "portal": 3,
        "loudspeaker": 2,
        "village_head": 2,
        "social_group": 0,
        "sms": 0,
    }


def test_the_sentence_of_the_report(quarter):
    _province, commune = quarter
    sentence = stats.sentence_vi(stats.disclosure_stats(commune, *Q2, today=TODAY))
    assert sentence == (
        "Trong kỳ, đã thực hiện công khai 03 nội dung, bằng các hình thức: niêm yết tại trụ sở UBND xã và nhà "
        "văn hóa các thôn, đăng trên Cổng thông tin điện tử, thông báo trên hệ thống truyền thanh, thông qua "
        "Trưởng thôn; 02/03 nội dung công khai đúng thời hạn (66,7%); 01 nội dung niêm yết chưa đủ thời gian "
        "theo quy định; còn 02 nội dung phải công khai chưa thực hiện."
    )


def test_the_sentence_as_the_issue_gives_it():
    channels = ("seat_board", "village_board", "portal", "loudspeaker")
    figures = DisclosureStats(
        start=D(2026, 1, 1),
        end=D(2026, 6, 30),
        disclosed=42,
        on_time=40,
        late=2,
        by_channel=tuple(Breakdown(key, key, 42) for key in channels),
        unit_kinds=frozenset({UnitKind.COMMUNE}),
        village_kinds=frozenset({UnitKind.VILLAGE}),
    )
    assert stats.sentence_vi(figures, lead="Trong 6 tháng đầu năm 2026") == (
        "Trong 6 tháng đầu năm 2026, đã thực hiện công khai 42 nội dung, bằng các hình thức: niêm yết tại trụ "
        "sở UBND xã và nhà văn hóa các thôn, đăng trên Cổng thông tin điện tử, thông báo trên hệ thống truyền "
        "thanh; 40/42 nội dung công khai đúng thời hạn (95,2%)."
    )


def test_a_period_without_disclosures():
    figures = DisclosureStats(start=D(2026, 1, 1), end=D(2026, 3, 31))
    assert stats.sentence_vi(figures) == "Trong kỳ, chưa thực hiện công khai nội dung nào."
    assert figures.on_time_rate is None


def test_a_province_counts_its_communes_and_words_mixed_kinds(quarter):
    province, _commune = quarter
    ward = UnitFactory(kind=UnitKind.WARD, parent=province, name="Phường Hoa Lư")
    groups = [VillageFactory(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP, name="Tổ dân phố 1")]
    publish(
        ward, decided=D(2026, 6, 1), on=D(2026, 6, 1), postings=boards(D(2026, 6, 1), D(2026, 6, 30), groups)
    )
    figures = stats.disclosure_stats(province, *Q2, today=TODAY)
    assert (figures.disclosed, figures.on_time, figures.units) == (4, 3, 2)
    assert stats.channel_phrases(figures)[0] == (
        "niêm yết tại trụ sở UBND cấp xã và nhà văn hóa các thôn, tổ dân phố"
    )
    alone = stats.disclosure_stats(province, *Q2, subtree=False, today=TODAY)
    assert alone.units == 0 and alone.disclosed == 0


def test_agencies_are_counted_apart_with_their_regime(quarter):
    province, _commune = quarter
    agency = UnitFactory(kind=UnitKind.AGENCY, parent=province, name="Sở Nội vụ")
    services.create_publication(
        unit=agency, category=services.Category.objects.get(code="co-quan-01-ke-hoach"), title="Kế hoạch",
        decision_date=D(2026, 5, 4), actor=None, on=D(2026, 5, 5),
        postings=[PostingSpec(Channel.SEAT_BOARD, D(2026, 5, 5), D(2026, 5, 24))],
    )  # fmt: skip
    agencies = stats.disclosure_stats(province, *Q2, regime="agency", today=TODAY)
    assert (agencies.disclosed, agencies.units, agencies.too_short) == (1, 1, 0)
    assert stats.channel_phrases(agencies) == [
        "niêm yết tại trụ sở cơ quan, đơn vị",
        "đăng trên Cổng thông tin điện tử",
    ]
    assert stats.disclosure_stats(province, *Q2, regime="commune", today=TODAY).disclosed == 3


def test_vietnamese_figures():
    assert [stats.count_vi(n) for n in (0, 5, 42, 1234)] == ["0", "05", "42", "1.234"]
    assert [stats.percent_vi(x) for x in (0.952, 1.0, None)] == ["95,2%", "100%", ""]


def test_a_constant_number_of_queries():
    small, large = ProvinceFactory(), ProvinceFactory()
    make_commune(small, 1, 1)
    for _ in range(4):
        make_commune(large, 2, 3)
    as_if_committed()
    stats.disclosure_stats(small, D(2026, 1, 1), D(2026, 12, 31), today=TODAY)

    def count(province):
        with CaptureQueriesContext(connection) as captured:
            figures = stats.disclosure_stats(province, D(2026, 1, 1), D(2026, 12, 31), today=TODAY)
            assert figures.disclosed
        return len(captured)

    assert count(small) == count(large)
