"""duplicates.suggest_duplicates: the same person with similar content, near-identical text from anyone,
within the commune-level unit, the last 12 months and the same kind family; bounded and identity-free."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dancoso.petitions import duplicates, services
from dancoso.petitions.models import Kind
from dancoso.petitions.tests import test_views as shared
from dancoso.petitions.tests.test_views import make_petition, today

pytestmark = pytest.mark.django_db

tree = shared.tree  # the fixture of the staff test files

ROAD = "Đường bê tông qua thôn Đông bị sạt lở sau mưa lớn, đề nghị xã sửa chữa sớm để bà con đi lại an toàn."
ROAD_AGAIN = "Đường bê tông thôn Đông sạt lở sau mưa, đề nghị xã sửa chữa sớm cho bà con đi lại."
LIGHTS = "Đề nghị lắp đèn chiếu sáng ở ngõ 5, buổi tối rất tối và nguy hiểm cho học sinh."
ALICE = {"name": "Nguyễn Thị An", "phone": "0912 000 222", "address": "Thôn Đông"}
BOB = {"name": "Lê Văn Bảo", "phone": "0913 000 333", "address": "Thôn Tây"}


def letter(unit, content, who=ALICE, **extra):
    return make_petition(unit, title=content[:60], content=content, petitioner=who, **extra)


def found(petition, **kwargs):
    return [s.petition for s in duplicates.suggest_duplicates(petition, **kwargs)]


def test_same_person_with_similar_content(tree):
    earlier = letter(tree.commune, ROAD)
    later = letter(tree.commune, ROAD_AGAIN)
    [suggestion] = duplicates.suggest_duplicates(later)
    assert suggestion.petition == earlier and 0.5 <= suggestion.score < 0.8
    assert "phone" in suggestion.reason or "điện thoại" in suggestion.reason


def test_similar_content_from_someone_else_is_not_enough(tree):
    letter(tree.commune, ROAD)
    assert found(letter(tree.commune, ROAD_AGAIN, who=BOB)) == []


def test_near_identical_text_from_anyone(tree):
    earlier = letter(tree.commune, ROAD, who=BOB)
    later = letter(tree.commune, ROAD.replace("sớm", "ngay"))
    [suggestion] = duplicates.suggest_duplicates(later)
    assert suggestion.petition == earlier and suggestion.score >= 0.8
    assert "%" in suggestion.reason


def test_same_person_by_email(tree):
    who = {"name": "Phạm Văn Cường", "email": "cuong@example.vn"}
    earlier = letter(tree.commune, ROAD, who=who)
    later = letter(tree.commune, ROAD_AGAIN, who={**who, "email": "CUONG@example.vn"})
    [suggestion] = duplicates.suggest_duplicates(later)
    assert suggestion.petition == earlier and "e-mail" in suggestion.reason.lower()


def test_different_content_is_not_suggested(tree):
    letter(tree.commune, LIGHTS)
    assert found(letter(tree.commune, ROAD)) == []


def test_only_earlier_petitions_of_the_same_commune_and_year_and_kind_family(tree):
    old = letter(tree.commune, ROAD, received_on=today() - timedelta(days=400))
    other_commune = letter(tree.other, ROAD)
    complaint = letter(tree.commune, ROAD, kind=Kind.COMPLAINT)
    in_village = letter(tree.village, ROAD)
    report = letter(tree.commune, ROAD, kind=Kind.REPORT)
    later = letter(tree.commune, ROAD)
    suggested = found(later, limit=10)
    assert in_village in suggested and report in suggested
    assert old not in suggested and other_commune not in suggested and complaint not in suggested
    assert found(report, limit=10) == [in_village]  # later petitions are never suggested


def test_split_letters_and_linked_repeats_are_not_candidates(tree):
    first = letter(tree.commune, ROAD)
    repeat = letter(tree.commune, ROAD)
    services.link_repeat(repeat, actor=None, earlier=first)
    mixed = letter(tree.commune, LIGHTS, kind=Kind.MIXED)
    services.split_petition(
        mixed, actor=None, parts=[{"kind": "proposal", "title": "Đèn"}, {"kind": "report", "title": "Rác"}]
    )
    assert found(letter(tree.commune, ROAD), limit=10) == [first]
    assert mixed not in found(letter(tree.commune, LIGHTS), limit=10)


def test_a_letter_with_several_contents_is_compared_with_every_kind(tree):
    complaint = letter(tree.commune, ROAD, kind=Kind.COMPLAINT)
    assert found(letter(tree.commune, ROAD, kind=Kind.MIXED)) == [complaint]


def test_no_same_person_link_across_confidentiality(tree):
    """Same phone, only similar text: a confidential denunciation is not tied to a named petition."""
    named = letter(tree.commune, ROAD, kind=Kind.MIXED)
    denunciation = letter(tree.commune, ROAD_AGAIN, kind=Kind.DENUNCIATION)
    assert denunciation.is_confidential
    assert found(denunciation) == []
    second = letter(tree.commune, ROAD_AGAIN.replace("mưa", "bão"), kind=Kind.DENUNCIATION)
    assert found(second) == [denunciation]
    assert named not in found(second)


def test_reasons_never_name_anyone(tree):
    letter(tree.commune, ROAD)
    letter(tree.commune, ROAD, who=BOB)
    suggestions = duplicates.suggest_duplicates(letter(tree.commune, ROAD))
    assert len(suggestions) == 2
    for suggestion in suggestions:
        for secret in ("Nguyễn Thị An", "Lê Văn Bảo", "0912000222", "0913000333", "Thôn"):
            assert secret not in suggestion.reason


def test_limit_order_and_bounded_queries(tree):
    for n in range(8):
        letter(tree.commune, ROAD, who={"name": f"Người {n}", "phone": f"09140000{n:02d}"})
    later = letter(tree.commune, ROAD)
    with CaptureQueriesContext(connection) as queries:
        suggestions = duplicates.suggest_duplicates(later)
    assert len(suggestions) == 5 and len(queries) <= 3
    dates = [s.petition.received_on for s in suggestions]
    assert dates == sorted(dates, reverse=True)


def test_similarity():
    assert duplicates.similarity("a b c", "a b c") == 1.0
    assert duplicates.similarity("", "a") == 0.0
    assert duplicates.similarity("duong thon dong", "den duong ngo nam") < 0.5
    assert duplicates.kind_family(Kind.MIXED) is None
    assert Kind.REPORT in duplicates.kind_family(Kind.PROPOSAL)
