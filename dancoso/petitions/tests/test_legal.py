"""The law of petitions as worked examples: each row names its article and the day arithmetic behind it.

The real calendar is used: the `holidays` package (VN) plus the Tết 2026 override rows of core's data
migration (16–20/02/2026 off; Tết runs Sat 14/02 – Sun 22/02), 30/4–1/5, the Quốc khánh swap (Sat 22/08
worked for Mon 31/08; 01/09 and 02/09 off). Periods in "ngày" are calendar days with the Civil Code end
rule (BLDS 2015 Art. 147–148), periods in "ngày làm việc" skip weekends and holidays.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dancoso.core.models import CalendarOverride, LedgerEntry
from dancoso.petitions import legal, services
from dancoso.petitions.models import Complexity, DeadlineSetting, Kind, State
from dancoso.petitions.tests.test_services import in_state, staff, submit
from dancoso.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: D(2026, 11, 20))


@pytest.fixture
def commune():
    return UnitFactory()


@pytest.fixture
def remote_commune():
    return UnitFactory(is_remote_area=True)


def test_the_real_2026_calendar_is_in_use():
    """Precondition of every example: core's migration stored the official Tết 2026 days."""
    tet = CalendarOverride.objects.filter(calendar__code="national", date__year=2026).order_by("date")
    assert [row.date for row in tet] == [D(2026, 2, day) for day in range(16, 21)]


# ------------------------------------------------------------------------------------------- acceptance

ACCEPTANCE_EXAMPLES = [
    # Luật Khiếu nại Art. 27 + TT 07/2013/TT-TTCP Art. 5: 10 working days. Received Thu 12/02/2026, just before
    # Tết: Fri 13/02 is day 1; 14/02–22/02 off; Mon 23/02 … Thu 05/03 are days 2–10.
    pytest.param(Kind.COMPLAINT, D(2026, 2, 12), False, D(2026, 3, 5), id="KN27-TT07-5-tet-2026"),
    # The law on the case's date decides: received Tue 30/06/2026 → still 10 working days (1/7 … 14/7).
    pytest.param(
        Kind.COMPLAINT, D(2026, 6, 30), False, D(2026, 7, 14), id="KN27-received-30-6-2026-old-rule"
    ),
    # NĐ 155/2026 (amending NĐ 124/2020 Art. 16.1, from 01/07/2026; SECONDARY): 7 working days → Fri 10/07.
    pytest.param(Kind.COMPLAINT, D(2026, 7, 1), False, D(2026, 7, 10), id="ND155-received-1-7-2026-new-rule"),
    # Luật Tố cáo 2018 Art. 24.1: 7 working days. Received Tue 28/04/2026: 29/04 is day 1, 30/04 and 01/05 off,
    # Mon 04/05 … Mon 11/05 are days 2–7.
    pytest.param(Kind.DENUNCIATION, D(2026, 4, 28), False, D(2026, 5, 11), id="TC24-7-working-days"),
    # … and 10 working days when several sites must be checked → Thu 14/05.
    pytest.param(Kind.DENUNCIATION, D(2026, 4, 28), True, D(2026, 5, 14), id="TC24-several-sites-10"),
    # TT 05/2021/TT-TTCP (UNCONFIRMED period, an admin setting): recommendations and reports, 10 working days.
    pytest.param(Kind.PROPOSAL, D(2026, 2, 12), False, D(2026, 3, 5), id="TT05-classification-10"),
    pytest.param(Kind.REPORT, D(2026, 2, 12), False, D(2026, 3, 5), id="TT05-classification-10-report"),
]


@pytest.mark.parametrize(("kind", "received", "several_sites", "expected"), ACCEPTANCE_EXAMPLES)
def test_acceptance_deadline(commune, kind, received, several_sites, expected):
    assert legal.acceptance_due(kind, received, commune, several_sites=several_sites) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(D(2026, 6, 30), D(2026, 7, 14), id="received-30-6-2026-10-working-days"),
        pytest.param(D(2026, 7, 1), D(2026, 7, 10), id="received-1-7-2026-7-working-days"),
    ],
)
def test_case_straddling_1_7_2026_keeps_the_rule_of_its_own_date(commune, received, expected):
    """The same complaint through the service: its received date picks the acceptance rule (NĐ 155/2026)."""
    petition = submit(commune, received_on=received)
    assert petition.due_on == expected
    assert legal.rule_for("complaint.acceptance", received).days == (10 if received.month == 6 else 7)


def test_other_working_day_periods(commune):
    # Luật Tố cáo Art. 24; NĐ 20/2008 Art. 9.1.d: forward outside competence within 5 working days. Received
    # Fri 28/08/2026: 31/08 (swapped), 01/09, 02/09 off → Thu 03/09 is day 1 … Wed 09/09 day 5.
    assert legal.forwarding_due(D(2026, 8, 28), commune) == D(2026, 9, 9)
    # Luật Tiếp công dân Art. 28: answer the visitor within 10 working days. Visit Tue 10/02/2026: 11, 12, 13/02,
    # then Tết, then 23/02 … 03/03.
    assert legal.visit_answer_due(D(2026, 2, 10), commune) == D(2026, 3, 3)


# ------------------------------------------------------------------------------------------- resolution

RESOLUTION_EXAMPLES = [
    # Luật Khiếu nại Art. 28: 30 days from acceptance. Accepted Thu 12/02/2026 (before Tết): the 30th day is
    # Sat 14/03 → BLDS 2015 Art. 148.2: the period ends on Mon 16/03.
    pytest.param(
        Kind.COMPLAINT, 1, Complexity.NORMAL, False, D(2026, 2, 12), D(2026, 3, 16), id="KN28-30-BLDS148"
    ),
    pytest.param(
        Kind.COMPLAINT, 1, Complexity.COMPLEX, False, D(2026, 3, 2), D(2026, 4, 16), id="KN28-complex-45"
    ),
    # Art. 28, remote area (vùng sâu, vùng xa): 45 days; complex 60 → Fri 01/05/2026 (holiday) → Mon 04/05.
    pytest.param(
        Kind.COMPLAINT, 1, Complexity.NORMAL, True, D(2026, 3, 2), D(2026, 4, 16), id="KN28-remote-45"
    ),
    pytest.param(
        Kind.COMPLAINT, 1, Complexity.COMPLEX, True, D(2026, 3, 2), D(2026, 5, 4), id="KN28-remote-complex-60"
    ),
    # Art. 37, second instance: 45 days (complex 60); remote 60 (complex 70).
    pytest.param(Kind.COMPLAINT, 2, Complexity.NORMAL, False, D(2026, 3, 2), D(2026, 4, 16), id="KN37-45"),
    pytest.param(
        Kind.COMPLAINT, 2, Complexity.COMPLEX, False, D(2026, 3, 2), D(2026, 5, 4), id="KN37-complex-60"
    ),
    pytest.param(
        Kind.COMPLAINT, 2, Complexity.NORMAL, True, D(2026, 3, 2), D(2026, 5, 4), id="KN37-remote-60"
    ),
    pytest.param(
        Kind.COMPLAINT,
        2,
        Complexity.VERY_COMPLEX,
        True,
        D(2026, 3, 2),
        D(2026, 5, 11),
        id="KN37-remote-complex-70",
    ),
    # Luật Tố cáo Art. 30.1: 30 days. Accepted Mon 03/08/2026: the 30th day is Wed 02/09 (Quốc khánh) → BLDS
    # Art. 148.2: the next working day, Thu 03/09. Remote areas change nothing for denunciations.
    pytest.param(
        Kind.DENUNCIATION, 1, Complexity.NORMAL, False, D(2026, 8, 3), D(2026, 9, 3), id="TC30-on-2-9"
    ),
    pytest.param(
        Kind.DENUNCIATION, 1, Complexity.COMPLEX, True, D(2026, 8, 3), D(2026, 9, 3), id="TC30-remote"
    ),
    # No statutory period for recommendations and reports: the unit's own target (admin setting), 30 days.
    pytest.param(
        Kind.REPORT, 1, Complexity.NORMAL, False, D(2026, 3, 2), D(2026, 4, 1), id="no-statute-target"
    ),
]


@pytest.mark.parametrize(
    ("kind", "instance", "complexity", "remote", "accepted", "expected"), RESOLUTION_EXAMPLES
)
def test_resolution_deadline(kind, instance, complexity, remote, accepted, expected):
    unit = UnitFactory(is_remote_area=remote)
    assert legal.resolution_due(kind, accepted, unit, instance=instance, complexity=complexity) == expected


def test_complaint_accepted_in_a_remote_commune(remote_commune):
    """Through the services: a first complaint in a remote commune, then found complex (Art. 28)."""
    officer = staff(remote_commune)
    petition = submit(remote_commune, received_on=D(2026, 2, 26))
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    petition = services.accept_petition(petition, actor=officer, accepted_on=D(2026, 3, 2))
    assert petition.resolution_due == D(2026, 4, 16)  # 45 days
    petition = services.extend_deadline(
        petition, actor=officer, reason="Phức tạp", complexity=Complexity.COMPLEX
    )
    assert petition.resolution_due == D(2026, 5, 4)  # 60 days: Fri 01/05 is a holiday → Mon 04/05


def test_calendar_day_deadline_on_2_9_moves_to_the_next_working_day(commune):
    # BLDS 2015 Art. 148.2: 30 days after 03/08/2026 is Wed 02/09 (Quốc khánh); 03/09 is the next working day.
    assert legal.deadline("denunciation.resolution", D(2026, 8, 3), commune) == D(2026, 9, 3)
    # … and 30 days after 01/08 is Mon 31/08 (swapped day off); 01/09, 02/09 off → Thu 03/09.
    assert legal.deadline("complaint.first.normal", D(2026, 8, 1), commune) == D(2026, 9, 3)


# ------------------------------------------------------------------------------------------- extensions


@pytest.fixture
def accepted_denunciation(commune):
    """Accepted Mon 03/08/2026; resolution due Thu 03/09/2026 (Art. 30.1; 02/09 holiday)."""
    officer = staff(commune)
    petition = submit(commune, kind=Kind.DENUNCIATION, received_on=D(2026, 7, 30))
    petition = services.classify_petition(petition, actor=officer, is_eligible=True, within_competence=True)
    petition = services.accept_petition(petition, actor=officer, accepted_on=D(2026, 8, 3))
    assert petition.resolution_due == D(2026, 9, 3)
    return petition, officer


def test_particularly_complex_denunciation_is_extended_twice_then_refused(accepted_denunciation):
    # Luật Tố cáo 2018 Art. 30.1: particularly complex → two extensions, each ≤ 30 days, decided in writing.
    petition, officer = accepted_denunciation
    first = services.extend_deadline(
        petition,
        actor=officer,
        reason="Nhiều nơi",
        complexity=Complexity.VERY_COMPLEX,
        decision_number="1/QĐ-GH",
    )
    # 03/09 + 30 = Sat 03/10 → Mon 05/10 (BLDS Art. 148.2)
    assert (first.resolution_due, first.due_on, first.extensions) == (D(2026, 10, 5), D(2026, 10, 5), 1)
    second = services.extend_deadline(
        first,
        actor=officer,
        reason="Chưa xong",
        complexity=Complexity.VERY_COMPLEX,
        decision_number="2/QĐ-GH",
    )
    assert (second.resolution_due, second.extensions) == (D(2026, 11, 4), 2)  # 05/10 + 30 = Wed 04/11
    with pytest.raises(ValidationError):
        services.extend_deadline(
            second,
            actor=officer,
            reason="Lần ba",
            complexity=Complexity.VERY_COMPLEX,
            decision_number="3/QĐ-GH",
        )
    second.refresh_from_db()
    assert (second.resolution_due, second.extensions) == (D(2026, 11, 4), 2)
    assert second.events.filter(action="extend").count() == 2


def test_complex_denunciation_is_extended_only_once(accepted_denunciation):
    # Luật Tố cáo 2018 Art. 30.1: complex → one extension of ≤ 30 days.
    petition, officer = accepted_denunciation
    once = services.extend_deadline(
        petition, actor=officer, reason="Phức tạp", complexity=Complexity.COMPLEX, decision_number="1/QĐ-GH"
    )
    assert once.resolution_due == D(2026, 10, 5)
    with pytest.raises(ValidationError):
        services.extend_deadline(
            once, actor=officer, reason="Lần hai", complexity=Complexity.COMPLEX, decision_number="2/QĐ-GH"
        )


def test_normal_denunciation_and_unwritten_extension_are_refused(accepted_denunciation):
    petition, officer = accepted_denunciation
    with pytest.raises(ValidationError) as caught:
        services.extend_deadline(petition, actor=officer, reason="Phức tạp", complexity=Complexity.COMPLEX)
    assert "decision_number" in caught.value.message_dict  # Art. 30.1: decided in writing
    assert legal.max_extensions(Kind.DENUNCIATION, Complexity.NORMAL) == 0
    assert legal.max_extensions(Kind.COMPLAINT, Complexity.VERY_COMPLEX) == 0


# ------------------------------------------------------------------------------------------- appeals

APPEAL_EXAMPLES = [
    # Luật Khiếu nại Art. 33: 30 days from the first decision. Decision Thu 05/03/2026 → Sat 04/04 → Mon 06/04.
    pytest.param(False, D(2026, 3, 5), D(2026, 4, 6), id="KN33-30"),
    # Remote area: up to 45 days → Sun 19/04 → Mon 20/04.
    pytest.param(True, D(2026, 3, 5), D(2026, 4, 20), id="KN33-remote-45"),
]


@pytest.mark.parametrize(("remote", "decided", "expected"), APPEAL_EXAMPLES)
def test_appeal_window(remote, decided, expected):
    assert legal.appeal_deadline(decided, UnitFactory(is_remote_area=remote)) == expected


def test_second_complaint_at_the_end_of_the_remote_window(remote_commune):
    province = remote_commune.parent
    officer = staff(remote_commune)
    first = in_state(submit(remote_commune), State.RESOLVED, resolved_on=D(2026, 3, 5))
    assert services.appeal_deadline_for(first) == D(2026, 4, 20)
    with pytest.raises(ValidationError):
        services.file_second_complaint(
            first, actor=officer, unit=province, content="Không đồng ý", received_on=D(2026, 4, 21)
        )
    appeal = services.file_second_complaint(
        first, actor=officer, unit=province, content="Không đồng ý", received_on=D(2026, 4, 20)
    )
    assert appeal.instance == 2 and appeal.appeal_of == first


def test_filing_limit_of_a_first_complaint(commune):
    # Luật Khiếu nại Art. 9: 90 days from learning of the decision; 01/03/2026 + 90 = Sat 30/05 → Mon 01/06.
    assert legal.filing_deadline(D(2026, 3, 1), commune) == D(2026, 6, 1)
    # Obstacle time (illness, disaster…) is not counted: 10 days more → Tue 09/06.
    assert legal.filing_deadline(D(2026, 3, 1), commune, obstacle_days=10) == D(2026, 6, 9)


# ------------------------------------------------------------------------------------------- groups


@pytest.mark.parametrize(
    ("size", "representatives"),
    [
        pytest.param(4, 0, id="TCD30-fewer-than-5-no-group"),
        pytest.param(5, 2, id="TCD30-5-people-1-or-2"),
        pytest.param(10, 2, id="TCD30-10-people-1-or-2"),
        pytest.param(11, 5, id="TCD30-more-than-10-up-to-5"),
    ],
)
def test_group_representatives(size, representatives):
    # Luật Tiếp công dân Art. 30: 5–10 people choose 1–2 representatives; more than 10 choose up to 5.
    assert legal.max_representatives(size) == representatives


# ------------------------------------------------------------------------------------------- admin settings


def test_seeded_rows_are_the_figures_of_legal_md():
    """The migration's DeadlineSetting rows and legal.DEFAULT_RULES hold the same figures."""
    rows = {
        (row.rule, row.valid_from, row.days, row.day_type, row.article)
        for row in DeadlineSetting.objects.all()
    }
    defaults = {(r.key, r.valid_from, r.days, r.day_type, r.article) for r in legal.DEFAULT_RULES}
    assert rows == defaults


def test_an_administrators_row_applies_only_to_cases_from_its_date(commune):
    """A new value valid from 01/09/2026 (say, a decree shortening acceptance to 5 working days)."""
    admin = staff(commune, "system_admin")
    setting = DeadlineSetting(
        rule="complaint.acceptance",
        valid_from=D(2026, 9, 1),
        days=5,
        day_type="working",
        article="Test decree",
    )
    services.save_deadline_setting(setting, actor=admin, changed=["days"])
    entry = LedgerEntry.objects.get(action="petitions.deadline_setting_saved")
    assert (entry.actor_id, entry.payload["days"], entry.payload["valid_from"]) == (admin.pk, 5, "2026-09-01")
    # Received Mon 31/08/2026 (a day off): the 7 working days of NĐ 155/2026 still apply → Fri 11/09.
    assert legal.acceptance_due(Kind.COMPLAINT, D(2026, 8, 31), commune) == D(2026, 9, 11)
    # Received Tue 01/09/2026: the new 5 working days → Wed 09/09.
    assert legal.acceptance_due(Kind.COMPLAINT, D(2026, 9, 1), commune) == D(2026, 9, 9)
    assert legal.rule_for("complaint.acceptance", D(2026, 9, 1)).article == "Test decree"
    # Cases from before still follow the 10 working days of TT 07/2013.
    assert legal.acceptance_due(Kind.COMPLAINT, D(2026, 6, 30), commune) == D(2026, 7, 14)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"rule": "nothing"}, "rule", id="unknown-rule"),
        pytest.param({"days": 0}, "days", id="zero-days"),
        pytest.param({"day_type": "weeks"}, "day_type", id="day-type"),
        pytest.param({"article": " "}, "article", id="no-basis"),
    ],
)
def test_a_bad_setting_is_refused(fields, field):
    values = {
        "rule": "forwarding",
        "valid_from": D(2027, 1, 1),
        "days": 5,
        "day_type": "working",
        "article": "X",
    }
    with pytest.raises(ValidationError) as caught:
        services.save_deadline_setting(DeadlineSetting(**{**values, **fields}), actor=None)
    assert field in caught.value.message_dict
    assert not DeadlineSetting.objects.filter(valid_from=D(2027, 1, 1)).exists()


def test_an_administrator_changes_a_value_and_the_day_type(commune):
    row = DeadlineSetting.objects.get(rule="complaint.acceptance", valid_from=D(2026, 7, 1))
    row.days = 10
    row.save()
    assert legal.acceptance_due(Kind.COMPLAINT, D(2026, 7, 1), commune) == D(2026, 7, 15)
    row.days, row.day_type = 10, "calendar"
    row.save()
    assert legal.acceptance_due(Kind.COMPLAINT, D(2026, 7, 1), commune) == D(
        2026, 7, 13
    )  # Sat 11/07 → Mon 13/07


def test_without_rows_the_figures_of_legal_md_apply(commune):
    DeadlineSetting.objects.filter(rule="complaint.acceptance").delete()
    assert legal.acceptance_due(Kind.COMPLAINT, D(2026, 2, 12), commune) == D(2026, 3, 5)
    assert legal.acceptance_due(Kind.COMPLAINT, D(2026, 7, 1), commune) == D(2026, 7, 10)


def test_a_case_older_than_every_rule_uses_the_earliest(commune):
    assert legal.rule_for("complaint.acceptance", D(2010, 1, 4)).days == 10


def test_unknown_rule_is_an_error():
    with pytest.raises(KeyError):
        legal.rule_for("nothing", D(2026, 1, 1))


def test_every_rule_cites_its_basis():
    assert all(rule.article for rule in legal.DEFAULT_RULES)
    assert set(legal.RULE_KEYS) >= {
        "complaint.acceptance",
        "denunciation.acceptance",
        "forwarding",
        "reception.answer",
        "denunciation.extension",
    }
