"""The computed measures, with worked examples."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dancoso.disclosure import services as disclosure_services
from dancoso.disclosure.models import Category
from dancoso.plans import measures, services

pytestmark = pytest.mark.django_db


def test_a_unit_counts_once_its_implementation_plan_is_issued(tree, plan):
    fields = {"start_year": 2026, "end_year": 2030}
    services.create_plan(
        tree.hoa_lu, actor=None, parent=plan, title="KH", issued_on=date(2026, 6, 1), **fields
    )
    services.create_plan(
        tree.tam_diep, actor=None, parent=plan, title="KH", issued_on=date(2026, 9, 1), **fields
    )
    services.create_plan(tree.gia_vien, actor=None, parent=plan, title="KH (dự thảo)", **fields)  # a draft
    # A plan of the agency that implements something else does not count.
    services.create_plan(tree.agency, actor=None, title="KH khác", issued_on=date(2026, 6, 1), **fields)
    compute = measures.get("plans.implementation_plan_issued").compute
    names = {unit.pk: unit.name for unit in tree.targets}

    def met(as_of):
        result = compute(plan, tree.targets, as_of, 2026)
        return sorted(names[pk] for pk, value in result.items() if value)

    assert met(date(2026, 5, 31)) == []
    assert met(date(2026, 8, 1)) == ["Phường Hoa Lư"]  # Tam Điệp issued it on 01/09
    assert met(date(2026, 12, 31)) == ["Phường Hoa Lư", "Phường Tam Điệp"]


def test_full_disclosure_means_something_disclosed_nothing_missing_nothing_late(tree, plan):
    today = timezone.localdate()
    staff = Category.objects.get(code="co-quan-04-nhan-su")
    other_agency = tree.gia_vien  # a commune: its permanent items (Art. 13.1) are missing
    disclosure_services.create_publication(
        unit=tree.agency, category=staff, title="Kế hoạch nâng lương", decision_date=today, actor=None
    )
    compute = measures.get("disclosure.full_compliance").compute
    result = compute(plan, [tree.agency, other_agency, tree.village], today, today.year)
    assert result[tree.agency.pk] is True
    assert result[other_agency.pk] is False
    assert result[tree.village.pk] is None  # a village does not disclose by itself


def test_a_late_item_or_nothing_at_all_is_not_full(tree, plan):
    today = timezone.localdate()
    staff = Category.objects.get(code="co-quan-04-nhan-su")
    compute = measures.get("disclosure.full_compliance").compute
    assert compute(plan, [tree.agency], today, today.year)[tree.agency.pk] is False  # nothing disclosed
    decided = today - timedelta(days=40)
    if decided.year != today.year:
        pytest.skip("the late item would fall in the year before")
    disclosure_services.create_publication(
        unit=tree.agency, category=staff, title="Quyết định nhân sự", decision_date=decided, actor=None
    )
    # Made known today, 40 days after the decision: Art. 47.2 allows 5 working days.
    assert compute(plan, [tree.agency], today, today.year)[tree.agency.pk] is False


def test_every_measure_is_listed_with_a_label():
    assert set(measures.MEASURES) == {"plans.implementation_plan_issued", "disclosure.full_compliance"}
    assert all(label for _key, label in measures.choices())
