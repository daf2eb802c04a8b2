"""A second complaint goes to a body above the first (Luật Khiếu nại Art. 33); a first complaint must be filed
within 90 days of learning of the decision, obstacle days not counted (Art. 9)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dancoso.petitions import services
from dancoso.petitions.models import Kind, Petition, PetitionEvent, State
from dancoso.petitions.tests.test_services import TODAY, staff, submit
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def tree():
    province = UnitFactory(kind="province")
    commune = UnitFactory(kind="commune", parent=province)
    sibling = UnitFactory(kind="commune", parent=province)
    return province, commune, sibling


def _decided_complaint(commune):
    officer = staff(commune)
    petition = submit(commune, kind=Kind.COMPLAINT, received_on=D(2026, 9, 1))
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    petition = services.accept_petition(petition, actor=officer, accepted_on=D(2026, 9, 3))
    return services.resolve_petition(
        petition,
        actor=officer,
        outcome="Giữ nguyên quyết định",
        decision_number="15/QĐ-UBND",
        resolved_on=D(2026, 10, 1),
    )


def test_a_second_complaint_to_a_sibling_commune_is_refused(tree):
    _province, commune, sibling = tree
    original = _decided_complaint(commune)
    with pytest.raises(ValidationError) as refused:
        services.file_second_complaint(
            original, actor=staff(sibling), unit=sibling, content="Không đồng ý", received_on=D(2026, 10, 15)
        )
    assert "Điều 33" in str(refused.value) or "Art. 33" in str(refused.value)
    assert not Petition.objects.filter(appeal_of=original).exists()


def test_a_second_complaint_to_the_province_is_received(tree):
    province, commune, _sibling = tree
    original = _decided_complaint(commune)
    appeal = services.file_second_complaint(
        original, actor=staff(province), unit=province, content="Không đồng ý", received_on=D(2026, 10, 15)
    )
    assert (appeal.instance, appeal.appeal_of_id, appeal.unit_id) == (2, original.pk, province.pk)


def _classify_complaint(commune, *, known_on, obstacle_days=0, eligible=True):
    petition = submit(commune, kind=Kind.COMPLAINT, received_on=D(2026, 6, 1))
    return services.classify_petition(
        petition,
        actor=staff(commune),
        is_eligible=eligible,
        within_competence=True,
        decision_known_on=known_on,
        obstacle_days=obstacle_days,
    )


def test_a_complaint_within_90_days_is_classified_and_the_dates_kept(tree):
    _province, commune, _sibling = tree
    # 90 days from 3/3/2026 end on 1/6/2026 (a Monday).
    petition = _classify_complaint(commune, known_on=D(2026, 3, 3))
    assert (petition.state, petition.decision_known_on) == (State.CLASSIFIED, D(2026, 3, 3))
    event = PetitionEvent.objects.get(petition=petition, action="classify")
    assert event.data["decision_known_on"] == "2026-03-03"


def test_an_eligible_complaint_past_90_days_is_refused_and_nothing_changes(tree):
    _province, commune, _sibling = tree
    with pytest.raises(ValidationError) as refused:
        _classify_complaint(commune, known_on=D(2026, 2, 27))  # the 90 days ended on Thursday 28/5/2026
    assert "28/05/2026" in str(refused.value)
    assert "decision_known_on" in refused.value.message_dict
    petition = Petition.objects.get()
    assert (petition.state, petition.decision_known_on) == (State.RECEIVED, None)


def test_obstacle_days_extend_the_limit(tree):
    _province, commune, _sibling = tree
    with pytest.raises(ValidationError):
        _classify_complaint(commune, known_on=D(2026, 2, 20))  # ended on 21/5/2026
    # With 10 days of illness: 31/5/2026 is a Sunday, so the period ends on Monday 1/6/2026.
    petition = _classify_complaint(commune, known_on=D(2026, 2, 20), obstacle_days=10)
    assert (petition.state, petition.obstacle_days) == (State.CLASSIFIED, 10)


def test_a_late_complaint_may_be_recorded_as_not_eligible(tree):
    _province, commune, _sibling = tree
    petition = _classify_complaint(commune, known_on=D(2026, 1, 5), eligible=False)
    assert (petition.state, petition.is_eligible) == (State.CLASSIFIED, False)


def test_the_decision_cannot_be_known_after_the_complaint_was_received(tree):
    _province, commune, _sibling = tree
    with pytest.raises(ValidationError) as refused:
        _classify_complaint(commune, known_on=D(2026, 6, 2))
    assert "decision_known_on" in refused.value.message_dict
