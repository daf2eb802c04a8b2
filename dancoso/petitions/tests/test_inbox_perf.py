"""The inbox made fast (issue 3, point 12): what the speed-ups must not change.

- The query count does not grow with rows, and the page reads only the columns it shows.
- The scope is exactly `visible_to() ∩ in_subtree()`, whether the subtree's units are passed as a list of ids
  or (for a very big subtree) checked by the database.
- The rows built in Python and the hand-written filter form render what the templates rendered: the deadline
  cell as petitions/staff/_due.html, the form as petitions/staff/_form.html, in Vietnamese and English, with
  the colours of overdue and due-soon rows, the order by urgency and the filters; the page stays well-formed.
- On PostgreSQL the text search can use the trigram index of migration 0006.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override
from pytest_django.asserts import assertHTMLEqual

from dancoso.accounts.roles import Role
from dancoso.accounts.tests.factories import MembershipFactory
from dancoso.core import calendar
from dancoso.core.text import search_key
from dancoso.petitions import forms, services, views
from dancoso.petitions.models import Channel, Kind, Petition, Sector, State
from dancoso.petitions.tests import test_views as shared
from dancoso.petitions.tests.test_views import INBOX, login, make_petition, resolved, today, user_with
from dancoso.units.tests.factories import ProvinceFactory, UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

tree = shared.tree  # the fixture of the staff test files

VI = {"lang": "vi", "overdue": "Quá hạn", "soon": "Sắp đến hạn", "ok": "Trong hạn"}
EN = {"lang": "en", "overdue": "Overdue", "soon": "Due soon", "ok": "On time"}


def get(client, lang, params=None):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang  # what the language switch sets
    return client.get(INBOX, params or {})


def tbody(response) -> str:
    return re.search(r"<tbody>(.*)</tbody>", response.content.decode(), re.S).group(1)


def urgent_three(unit):
    """An overdue, a due-soon and an on-time open petition (created in that order), and a resolved one."""
    late = make_petition(unit, title="Đơn quá hạn", received_on=today() - timedelta(days=40))
    soon = make_petition(unit, title="Đơn sắp đến hạn")
    Petition.objects.filter(pk=soon.pk).update(due_on=calendar.add_working_days(today(), 2, unit))
    fresh = make_petition(unit, title="Đơn mới")
    return late, soon, fresh


# ------------------------------------------------------------------------------------------------ queries


def test_query_count_is_the_same_for_5_and_120_rows_in_many_units(client, tree):
    """A province officer's inbox over rows in several communes and villages, with handlers, fields and
    confidential petitions: the same number of queries for 5 rows as for 120 (a full page and more)."""
    user = login(client, tree.province, Role.PROVINCE_OFFICER)
    handler = user_with(tree.province, Role.PROVINCE_OFFICER)
    units = [tree.commune, tree.village, tree.other, VillageFactory(parent=tree.other)]
    sectors = list(Sector.objects.all()[:3])

    def add(n):
        for i in range(n):
            petition = make_petition(
                units[i % len(units)],
                sector=sectors[i % len(sectors)],
                kind=Kind.DENUNCIATION if i % 7 == 0 else Kind.PROPOSAL,
            )
            if i % 2:
                services.assign_handler(petition, actor=user, handler=handler)

    def page_queries(params=None):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(INBOX, params or {})
        assert response.status_code == 200
        return response, [q["sql"] for q in captured.captured_queries]

    add(5)
    page_queries()  # the first request after logging in also loads the session
    small, few = page_queries()
    _small_all, few_all = page_queries({"bucket": "all", "q": "đường"})
    add(115)
    big, many = page_queries()
    _big_all, many_all = page_queries({"bucket": "all", "q": "đường"})
    assert len(small.context["page"].rows) == 5 and len(big.context["page"].rows) == views.PER_PAGE
    assert len(few) == len(many) and len(few_all) == len(many_all)
    petition_queries = [sql for sql in many if 'FROM "petitions_petition"' in sql]
    assert len(petition_queries) == 2  # the page, and the two capped counts in one query
    page_sql = next(sql for sql in petition_queries if "COUNT(" not in sql.upper())
    for wide in ("content", "search_key", "petitioner_phone", "petitioner_email", "petitioner_address"):
        assert f'"petitions_petition"."{wide}"' not in page_sql  # only the columns the page shows
    assert 'JOIN "units_unit"' not in page_sql and 'JOIN "petitions_sector"' not in page_sql


def test_no_query_per_row_when_rendering(client, tree):
    """Every value a row shows (unit, field, handler, labels) is loaded with the page: rendering after the
    queries issues none."""
    user = login(client, tree.province, Role.PROVINCE_OFFICER)
    handler = user_with(tree.province, Role.PROVINCE_OFFICER)
    for unit in (tree.commune, tree.village, tree.other):
        petition = make_petition(unit, sector=Sector.objects.first())
        services.assign_handler(petition, actor=user, handler=handler)
    scope = views.inbox_scope(user, tree.province)
    filters = forms.InboxFilterForm().filters()
    petitions = views.inbox_queryset(user, tree.province, filters, scope=scope)
    sectors = dict(Sector.objects.values_list("pk", "name"))
    urgency = views._urgency_for(tree.province)
    with CaptureQueriesContext(connection) as captured:
        page = views._inbox_page(petitions, 1, urgency, scope, sectors)
        html = page.rows_html
    assert len(captured.captured_queries) == 1
    assert html.count("<tr") == 3 and handler.get_full_name() in html and tree.village.name in html
    # A row still offers its petition as a model instance (equal to the stored one), built on demand.
    petition = page.rows[0].petition
    assert isinstance(petition, Petition) and petition == Petition.objects.get(pk=page.rows[0].item.pk)
    assert petition.tracking_code == page.rows[0].item.tracking_code and petition.is_open


# ------------------------------------------------------------------------------------------------ scope


def scoped_sets(user, unit, permission=views.VIEW):
    expected = set(
        Petition.objects.visible_to(user, permission).in_subtree(unit).values_list("pk", flat=True)
    )
    got = set(views.inbox_scope(user, unit, permission).petitions().values_list("pk", flat=True))
    return expected, got


@pytest.mark.parametrize("list_max", [views.SUBTREE_ID_LIST_MAX, 1])
def test_scope_is_exactly_visible_to_within_the_subtree(tree, monkeypatch, list_max):
    """As a list of unit ids (the default) and through the database (a subtree too big to list), for
    memberships that cover a subtree, memberships in one unit only, and users with both."""
    monkeypatch.setattr(views, "SUBTREE_ID_LIST_MAX", list_max)
    other_village = VillageFactory(parent=tree.other)
    elsewhere = UnitFactory(parent=ProvinceFactory())
    for unit in (tree.province, tree.commune, tree.village, tree.other, other_village, elsewhere):
        make_petition(unit)
    province_officer = user_with(tree.province, Role.PROVINCE_OFFICER)
    one_unit = MembershipFactory(unit=tree.commune, role=Role.COMMUNE_OFFICER, covers_subtree=False).user
    mixed = MembershipFactory(unit=tree.village, role=Role.COMMUNE_OFFICER, covers_subtree=True).user
    MembershipFactory(user=mixed, unit=tree.other, role=Role.FRONT_OFFICER, covers_subtree=False)
    resident = user_with(tree.commune, Role.RESIDENT)
    cases = [
        (province_officer, tree.province, 5),
        (province_officer, tree.commune, 2),
        (one_unit, tree.commune, 1),  # its own unit, not the village below
        (one_unit, tree.province, 1),
        (mixed, tree.province, 2),  # the village (subtree) and the other commune (that unit only)
        (mixed, tree.other, 1),
        (resident, tree.commune, 0),
    ]
    for user, unit, n in cases:
        expected, got = scoped_sets(user, unit)
        assert got == expected and len(got) == n, (user, unit)
    expected, got = scoped_sets(one_unit, tree.commune, views.EXPORT)
    assert got == expected
    nowhere = views.inbox_scope(resident, tree.commune)  # no unit at all: empty lists and counts, no error
    assert views._urgency_counts(nowhere.petitions(), views._urgency_for(tree.commune)) == {
        "overdue": 0,
        "soon": 0,
    }


def test_a_subtree_too_big_to_list_shows_the_same_page(client, tree, monkeypatch):
    login(client, tree.province, Role.PROVINCE_OFFICER)
    for unit in (tree.commune, tree.village, tree.other):
        make_petition(unit, title=f"Đơn của {unit.name}")
    listed = client.get(INBOX, {"bucket": "all"})
    monkeypatch.setattr(views, "SUBTREE_ID_LIST_MAX", 1)
    with CaptureQueriesContext(connection) as captured:
        by_database = client.get(INBOX, {"bucket": "all"})
    assert tbody(by_database) == tbody(listed)
    assert by_database.context["counts"] == listed.context["counts"]
    assert any(
        "LIKE" in q["sql"] and 'FROM "petitions_petition"' in q["sql"] for q in captured.captured_queries
    )


def test_the_unit_switcher_limits_the_inbox_to_the_chosen_unit(client, tree):
    in_village = make_petition(tree.village, title="Đơn ở thôn")
    make_petition(tree.other, title="Đơn xã khác")
    user = login(client, tree.province, Role.PROVINCE_OFFICER)
    MembershipFactory(user=user, unit=tree.commune, role=Role.COMMUNE_OFFICER, covers_subtree=False)
    session = client.session
    session["dancoso_current_unit"] = tree.commune.pk
    session.save()
    response = client.get(INBOX)
    # The province membership covers the commune's subtree: the village's petition is in.
    assert [row.petition.pk for row in response.context["page"].rows] == [in_village.pk]
    assert "Đơn xã khác" not in response.content.decode()


# ------------------------------------------------------------------------------------------------ rendering


@pytest.mark.parametrize("words", [VI, EN], ids=["vi", "en"])
def test_rows_by_urgency_with_colours_and_labels(client, tree, words):
    user = login(client, tree.commune)
    late, soon, fresh = urgent_three(tree.commune)
    done = resolved(tree.commune, user, title="Đơn đã giải quyết")
    response = get(client, words["lang"])
    rows = re.findall(r"<tr(?: class=\"([\w-]+)\")?>(.*?)</tr>", tbody(response), re.S)
    assert [re.search(r'href="/staff/petitions/(\d+)/"', cells).group(1) for _cls, cells in rows] == [
        str(p.pk) for p in (late, soon, fresh)
    ]
    assert [cls for cls, _cells in rows] == ["row-overdue", "row-soon", ""]
    assert 'class="due-tag due-overdue"' in rows[0][1] and f"· {words['overdue']}</span>" in rows[0][1]
    assert 'class="due-tag due-soon"' in rows[1][1] and f"· {words['soon']}</span>" in rows[1][1]
    assert 'class="due-tag"' in rows[2][1] and f"· {words['ok']}</span>" in rows[2][1]
    assert done.tracking_code not in response.content.decode()
    with override(words["lang"]):
        assert f"<td>{State.RECEIVED.label}</td><td>{Kind.PROPOSAL.label}</td>" in rows[0][1]
        assert f"<td>{fresh.received_on:%d/%m/%Y}</td>" in rows[2][1]
        assert f'<time datetime="{late.due_on.isoformat()}">{late.due_on:%d/%m/%Y}</time>' in rows[0][1]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("urgency", ["overdue", "soon", "ok", ""])
def test_the_deadline_cell_is_the_one_of_the_due_template(tree, lang, urgency):
    """The inbox builds the deadline tag in Python; the case page still includes _due.html. Same markup."""
    due_on = today() + timedelta(days=3)
    with override(lang):
        template = render_to_string("petitions/staff/_due.html", {"due_on": due_on, "urgency": urgency})
        built = views.InboxRowRenderer(tree.commune, {}, {}).due(due_on, urgency)
        assert built == template.strip()
        assert views.InboxRowRenderer(tree.commune, {}, {}).due(None, urgency) == ""


def test_a_row_shows_every_column_escaped(client, tree):
    user = login(client, tree.commune)
    handler = user_with(tree.commune, Role.COMMUNE_LEADER)
    land = Sector.objects.get(code="dat-dai")
    petition = make_petition(tree.village, title="<script>alert(1)</script> & đường", sector=land)
    services.assign_handler(petition, actor=user, handler=handler)
    secret = make_petition(tree.commune, kind=Kind.DENUNCIATION, title="Tố cáo")
    anonymous = make_petition(tree.commune, title="Ẩn danh", anonymous=True, petitioner=None)
    body = tbody(get(client, "en"))
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; đường" in body
    assert f"<br><small>{tree.village.name}</small>" in body  # a unit below the current one is named
    assert f"<td>{land.name}</td>" in body and f"<td>{handler.get_full_name()}</td>" in body
    assert (
        f'<a href="{reverse("petitions:detail", kwargs={"pk": petition.pk})}">{petition.tracking_code}</a>'
        in body
    )
    assert "<td>Confidential</td>" in body and "<td>Anonymous</td>" in body
    assert secret.tracking_code in body and anonymous.tracking_code in body
    assert "Trần Văn Khánh" in body  # the petitioner of the open, non-confidential one


FORM_CASES = [
    None,
    {"q": "thu hồi đất"},
    {"q": "a\"<b>&'"},
    {"bucket": "all", "kind": Kind.COMPLAINT, "mine": "on"},
    {"channel": Channel.HOTLINE, "page": "2"},
    {"mine": "false"},
    {"bucket": "nonsense"},  # invalid: Django renders it, with the error
    {"sector": "999999"},  # invalid too
]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("data", FORM_CASES, ids=range(len(FORM_CASES)))
def test_the_filter_form_renders_as_the_form_template(lang, data):
    land = Sector.objects.get(code="dat-dai")
    sectors = list(Sector.objects.values_list("pk", "name"))
    data = data if data is None else {**data, **({"sector": str(land.pk)} if "channel" in data else {})}
    with override(lang):
        fast = forms.InboxFilterForm(data, sectors=sectors)
        fast.filters()
        reference = render_to_string("petitions/staff/_form.html", {"form": forms.InboxFilterForm(data)})
        assertHTMLEqual(str(fast.fields_html()), reference)
        assertHTMLEqual(str(forms.InboxFilterForm(data).fields_html()), reference)  # without the sectors


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_filters_stay_selected_and_filter(client, tree, lang):
    user = login(client, tree.commune)
    land = Sector.objects.get(code="dat-dai")
    complaint = make_petition(tree.commune, kind=Kind.COMPLAINT, sector=land, title="Khiếu nại thu hồi đất")
    make_petition(tree.commune, channel=Channel.HOTLINE, title="Phản ánh rác thải")
    mine = make_petition(tree.commune, title="Đơn của tôi")
    services.assign_handler(mine, actor=user, handler=user)
    response = get(client, lang, {"kind": Kind.COMPLAINT, "sector": land.pk, "q": "thu hoi"})
    page = response.content.decode()
    assert [row.petition.pk for row in response.context["page"].rows] == [complaint.pk]
    assert '<option value="complaint" selected>' in page and f'<option value="{land.pk}" selected>' in page
    assert 'value="thu hoi"' in page and '<details class="panel filters" open>' in page
    response = get(client, lang, {"mine": "on"})
    assert [row.petition.pk for row in response.context["page"].rows] == [mine.pk]
    assert 'id="id_mine" checked' in response.content.decode()
    with override(lang):
        invalid = get(client, lang, {"bucket": "nonsense"}).content.decode()
        assert 'class="errorlist"' in invalid and 'aria-invalid="true"' in invalid


class WellFormed(HTMLParser):
    """Every non-void element closed in order, every id unique, every form control labelled."""

    VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"))

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.labels, self.controls, self.errors = [], [], set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(attrs.get("id") or attrs.get("aria-label") or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '–'}>")
        else:
            self.stack.pop()


@pytest.mark.parametrize("words", [VI, EN], ids=["vi", "en"])
def test_the_page_is_well_formed_and_labelled(client, tree, words):
    login(client, tree.province, Role.PROVINCE_OFFICER)
    urgent_three(tree.commune)
    for _ in range(51):
        make_petition(tree.village)
    response = get(client, words["lang"], {"kind": Kind.PROPOSAL})
    page = response.content.decode()
    parser = WellFormed()
    parser.feed(page)
    assert parser.errors == [] and parser.stack == []
    assert len(parser.ids) == len(set(parser.ids))
    filters = [c for c in parser.controls if c.startswith("id_")]
    assert set(filters) == {"id_q", "id_bucket", "id_kind", "id_sector", "id_channel", "id_mine"}
    assert all(c in parser.labels for c in filters)
    assert page.count('<th scope="row">') == views.PER_PAGE and page.count('<th scope="col">') == 9
    assert f'href="?kind={Kind.PROPOSAL}&amp;page=2" rel="next"' in page


# ------------------------------------------------------------------------------------------------ search


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_text_search_can_use_the_trigram_index(tree):
    """Migration 0006's index matches the SQL Django writes for the inbox's search lookup
    (`search_key::text LIKE '%…%'`), and the inbox search finds by words without accents."""
    user = user_with(tree.commune)
    wanted = make_petition(tree.commune, title="Khiếu nại thu hồi đất")
    make_petition(tree.commune, title="Phản ánh rác thải")
    filters = {**forms.InboxFilterForm().filters(), "q": "thu hồi đất", "bucket": "all"}
    assert [p.pk for p in views.inbox_queryset(user, tree.commune, filters)] == [wanted.pk]
    lookup = Petition.objects.filter(search_key__contains=search_key("thu hồi đất")).values("pk")
    sql, params = lookup.query.sql_with_params()
    assert '"search_key"::text LIKE' in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is too small for the planner to care
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "petitions_search_trgm_idx" in plan, plan
