"""The public proof check: by code or by file, since when a document has been published unchanged, replacement
and withdrawal, posting periods read from the ledger, tampering caught, internal items never revealed, and the
page itself (GET by code, POST with a file, Vietnamese errors, rate limit, constant queries)."""

# ruff: noqa: F811  (the shared fixtures are imported from test_public_views and named as arguments)

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from dancoso.core import ledger
from dancoso.core.models import LedgerEntry
from dancoso.disclosure import proof, services
from dancoso.disclosure.models import Channel, Publication, PublicationVersion
from dancoso.disclosure.services import PostingSpec

from .test_public_views import (  # noqa: F401  (fixtures)
    PDF,
    PLANTED,
    _fresh_cache,
    category,
    commune,
    enterprise,
    html,
    pdf,
    province,
    publish,
    url,
    village,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def check(commune, **asked) -> proof.ProofReport:
    return proof.check(publications=Publication.objects.filter(unit=commune), **asked)


def revise(publication, *, body, on=None, keep_attachments=True, attachments=(), note="Sửa nội dung"):
    return services.revise_publication(
        publication,
        actor=None,
        title=publication.title,
        body=body,
        decision_date=publication.decision_date,
        document_number=publication.document_number,
        change_note=note,
        keep_attachments=keep_attachments,
        attachments=attachments,
        on=on,
    )


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------------ lookup


def test_by_code_names_the_version_the_publishing_entry_and_the_postings(commune, village):
    today = TODAY()
    publication = publish(
        commune,
        on=today,
        postings=[
            PostingSpec(Channel.SEAT_BOARD, today, today + timedelta(days=29)),
            PostingSpec(Channel.VILLAGE_BOARD, today, today + timedelta(days=29), place=village),
        ],
    )
    seat = publication.postings.get(channel=Channel.SEAT_BOARD)
    services.confirm_posting(seat, actor=None, photo=SimpleUploadedFile("bang-tin.png", PNG, "image/png"))
    published = LedgerEntry.objects.get(object_id=str(publication.pk), action="disclosure.published")

    report = check(commune, code=publication.code.lower().replace("-", " "), since=today)

    assert report.found and len(report.matches) == 1
    match = report.matches[0]
    assert match.publication.pk == publication.pk and match.version.number == 1
    assert match.since.entry.seq == published.seq and match.since.entry.hash == published.hash
    assert match.since_on == today and match.replaced_by is None and match.is_current
    assert match.version.content_digest == publication.current_version.content_digest
    assert match.content_intact and match.chain_intact and report.chain.intact
    assert match.verdict == proof.PROVEN
    periods = {(period.channel, period.place): period for period in match.postings}
    assert set(periods) == {("portal", ""), ("seat_board", ""), ("village_board", "Thôn Tân Viên")}
    assert periods[("seat_board", "")].days == 30 and periods[("seat_board", "")].photo_sha256 == sha(PNG)
    assert periods[("village_board", "Thôn Tân Viên")].confirmed_at is None
    assert periods[("portal", "")].last_day is None


def test_a_republished_identical_content_keeps_its_first_date_a_changed_one_starts_again(commune):
    publication = publish(commune, body="Tổng thu 12,5 tỷ đồng.")
    revise(publication, body="Tổng thu 12,5 tỷ đồng.", note="Đăng lại")  # same content, same digest
    same = check(commune, code=publication.code).matches[0]
    assert same.version.number == 2 and same.since.number == 1

    revise(publication, body="Tổng thu 13 tỷ đồng.")
    changed = check(commune, code=publication.code).matches[0]
    assert changed.version.number == 3 and changed.since.number == 3 and changed.version_count == 3


def test_by_file_follows_the_file_across_versions_and_tells_when_it_was_replaced(commune):
    kept, dropped = PDF + b"%bieu-1\n", PDF + b"%bieu-2\n"
    publication = publish(commune, attachments=[pdf("bieu-1.pdf", kept), pdf("bieu-2.pdf", dropped)])
    # Version 2 changes the text and keeps only the first file.
    revise(publication, body="Nội dung sửa.", keep_attachments=False, attachments=[pdf("bieu-1.pdf", kept)])

    by_kept = check(commune, sha256=sha(kept), since=TODAY()).matches[0]
    assert by_kept.matched_file == "bieu-1.pdf"
    assert by_kept.version.number == 2 and by_kept.since.number == 1 and by_kept.replaced_by is None
    assert by_kept.intact and by_kept.verdict == proof.PROVEN

    by_dropped = check(commune, sha256=sha(dropped), since=TODAY()).matches[0]
    assert by_dropped.version.number == 1 and by_dropped.matched_file == "bieu-2.pdf"
    assert not by_dropped.is_current and by_dropped.replaced_by.number == 2
    assert by_dropped.verdict == proof.ENDED  # replaced today, the date asked
    assert (
        check(commune, sha256=sha(dropped), since=TODAY() - timedelta(days=1)).matches[0].verdict
        == proof.LATER
    )


def test_dates_before_the_first_publication_are_not_proven(commune):
    # Declared ten days back, recorded today.
    publication = publish(
        commune, on=TODAY() - timedelta(days=10), decision_date=TODAY() - timedelta(days=12)
    )

    match = check(commune, code=publication.code, since=TODAY() - timedelta(days=5)).matches[0]

    # The ledger vouches from the day the entry was written, not from a date typed in by the officer.
    assert match.since.on == TODAY() - timedelta(days=10)
    assert match.since_on == TODAY()
    assert match.verdict == proof.LATER
    assert check(commune, code=publication.code, since=TODAY()).matches[0].verdict == proof.PROVEN


def test_a_withdrawn_item_is_found_with_its_withdrawal_and_its_postings_end_that_day(commune):
    publication = publish(commune, postings=[PostingSpec(Channel.SEAT_BOARD, TODAY())])
    services.withdraw_publication(publication, actor=None, reason="Công khai nhầm.")

    match = check(commune, code=publication.code, since=TODAY()).matches[0]

    assert match.withdrawn_on == TODAY() and match.withdrawal_reason == "Công khai nhầm."
    assert match.verdict == proof.ENDED
    assert all(period.last_day == TODAY() for period in match.postings)


def test_internal_items_and_drafts_are_never_found(commune, enterprise):
    secret_file = PDF + b"%noi-bo\n"
    secret = publish(
        enterprise,
        category=category("doanh-nghiep-02-tai-chinh"),
        audience="internal",
        title=PLANTED,
        attachments=[pdf("noi-bo.pdf", secret_file)],
    )
    draft = publish(commune, title=PLANTED, publish=False, attachments=[pdf("nhap.pdf", PDF + b"%nhap\n")])
    everywhere = Publication.objects.all()

    for asked in (
        {"code": secret.code},
        {"sha256": sha(secret_file)},
        {"code": draft.code},
        {"sha256": sha(PDF + b"%nhap\n")},
    ):
        assert not proof.check(publications=everywhere, **asked).found, asked


def test_a_code_of_another_unit_is_not_found_in_this_units_scope(commune, province):
    from dancoso.units.models import UnitKind
    from dancoso.units.tests.factories import UnitFactory

    other = UnitFactory(kind=UnitKind.WARD, name="Phường Khác", slug="phuong-khac", parent=province)
    publication = publish(other)

    assert not check(commune, code=publication.code).found
    assert proof.check(
        publications=Publication.objects.filter(unit__path__startswith=province.path), code=publication.code
    ).found


# ------------------------------------------------------------------------------------------------ tampering


def test_an_edited_version_is_not_proven(commune):
    publication = publish(commune, body="Tổng chi 12,5 tỷ đồng.")
    PublicationVersion.objects.filter(pk=publication.current_version_id).update(body="Tổng chi 2,5 tỷ đồng.")

    match = check(commune, code=publication.code, since=TODAY()).matches[0]

    assert not match.content_intact and match.verdict == proof.NOT_PROVEN


def test_an_edited_digest_in_the_tables_is_caught_by_the_ledger(commune):
    publication = publish(commune, body="Tổng chi 12,5 tỷ đồng.")
    forged = proof.legal.content_digest(
        title=publication.title,
        body="Tổng chi 2,5 tỷ đồng.",
        decision_date=publication.decision_date,
        document_number=publication.document_number,
        attachment_digests=[],
    )
    PublicationVersion.objects.filter(pk=publication.current_version_id).update(
        body="Tổng chi 2,5 tỷ đồng.", content_digest=forged
    )

    match = check(commune, code=publication.code, since=TODAY()).matches[0]

    assert not match.content_intact and match.verdict == proof.NOT_PROVEN


def test_an_edited_ledger_payload_is_caught(commune):
    publication = publish(commune)
    entry = LedgerEntry.objects.get(object_id=str(publication.pk), action="disclosure.published")
    LedgerEntry.objects.filter(pk=entry.pk).update(payload={**entry.payload, "on": "2020-01-01"})

    report = check(commune, code=publication.code, since=TODAY())

    assert not report.chain.intact and report.chain.problems[0].seq == entry.seq
    assert report.chain.problems[0].reason == "payload"
    assert report.matches[0].verdict == proof.NOT_PROVEN


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_link_of_the_next_one(commune):
    publication = publish(commune)
    services.add_posting(publication, PostingSpec(Channel.LOUDSPEAKER, TODAY()), actor=None)
    entry = LedgerEntry.objects.get(object_id=str(publication.pk), action="disclosure.published")
    payload = {**entry.payload, "on": "2020-01-01"}
    digest = ledger.sha256_hex(ledger.canonical_json(payload))
    fields = {name: getattr(entry, name) for name in ledger.HASHED_FIELDS} | {"payload_digest": digest}
    LedgerEntry.objects.filter(pk=entry.pk).update(
        payload=payload, payload_digest=digest, hash=ledger.entry_hash(**fields)
    )

    report = check(commune, code=publication.code)

    assert [(problem.seq, problem.reason) for problem in report.chain.problems] == [
        (entry.seq, "next"),
        (entry.seq + 1, "previous"),
    ]
    assert not ledger.verify().intact  # the full walk agrees


def test_the_newest_entry_must_be_the_head(commune):
    publication = publish(commune)
    newest = LedgerEntry.objects.order_by("-seq").first()
    payload = {**newest.payload, "on": "2020-01-01"}
    digest = ledger.sha256_hex(ledger.canonical_json(payload))
    fields = {name: getattr(newest, name) for name in ledger.HASHED_FIELDS} | {"payload_digest": digest}
    LedgerEntry.objects.filter(pk=newest.pk).update(
        payload=payload, payload_digest=digest, hash=ledger.entry_hash(**fields)
    )

    report = check(commune, code=publication.code)

    # The rewritten newest entry is consistent in itself and with the one before it: only the head shows it.
    assert [(problem.seq, problem.reason) for problem in report.chain.problems] == [(newest.seq, "head")]


def test_checking_entries_reads_only_their_neighbours(commune, django_assert_num_queries):
    for number in range(30):
        publish(commune, title=f"Mục {number}")
    entries = list(LedgerEntry.objects.filter(seq__in=[5, 20, 40]))

    with django_assert_num_queries(2):  # the head, then the neighbours: never the whole ledger
        result = proof.check_entries(entries)

    assert result.intact and result.entries_checked == 3


# ------------------------------------------------------------------------------------------------ page


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_page_checks_a_code_given_in_the_address(client, commune):
    publication = publish(commune)
    entry = LedgerEntry.objects.get(object_id=str(publication.pk), action="disclosure.published")

    response = client.get(
        url("proof", commune.slug), {"code": publication.code, "since": TODAY().isoformat()}
    )

    page = html(response)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "Đúng." in page and entry.hash in page and f"#{entry.seq}" in page
    assert "còn nguyên vẹn" in page
    assert publication.title in page


def test_page_checks_an_uploaded_document_without_keeping_it(client, commune, settings, tmp_path):
    document = PDF + b"%du-toan\n"
    publication = publish(commune, attachments=[pdf("du-toan-2026.pdf", document)])
    stored_before = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())

    response = client.post(
        url("proof", commune.slug),
        {"document": SimpleUploadedFile("ban-nhan-duoc.pdf", document, "application/pdf"), "since": ""},
    )

    page = html(response)
    assert response.status_code == 200
    assert publication.code in page and "du-toan-2026.pdf" in page
    assert sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file()) == stored_before

    other = client.post(
        url("proof", commune.slug),
        {"document": SimpleUploadedFile("khac.pdf", document + b"x", "application/pdf")},
    )
    assert "không thuộc thông tin công khai nào" in html(other)


def test_page_explains_bad_input_in_vietnamese(client, commune):
    bad_code = html(client.get(url("proof", commune.slug), {"code": "CK-12"}))
    bad_digest = html(client.get(url("proof", commune.slug), {"sha256": "abc"}))
    future = html(
        client.post(
            url("proof", commune.slug),
            {"code": "CK-7K3D-QXM2", "since": (TODAY() + timedelta(days=2)).isoformat()},
        )
    )
    nothing = html(client.post(url("proof", commune.slug), {}))

    assert "Mã có dạng CK-7K3D-QXM2" in bad_code
    assert "64 ký tự" in bad_digest
    with translation.override("vi"):
        assert translation.gettext("The date cannot be in the future.") in future
    assert "Vui lòng nhập mã thông tin công khai" in nothing


def test_page_does_not_reveal_internal_items(client, commune, enterprise):
    secret_file = PDF + b"%noi-bo\n"
    secret = publish(
        enterprise,
        category=category("doanh-nghiep-02-tai-chinh"),
        audience="internal",
        title=PLANTED,
        attachments=[pdf("noi-bo.pdf", secret_file)],
    )

    by_code = html(client.get(url("proof", enterprise.slug), {"code": secret.code}))
    by_file = html(client.get(url("proof", enterprise.slug), {"sha256": sha(secret_file)}))

    for page in (by_code, by_file):
        assert PLANTED not in page and "noi-bo.pdf" not in page
        assert "Không" in page or "không" in page


def test_page_is_rate_limited(client, commune, settings):
    settings.DISCLOSURE_PUBLIC_RATE_LIMITS = {"proof": (2, 600)}
    publication = publish(commune)
    for _attempt in range(2):
        assert client.get(url("proof", commune.slug), {"code": publication.code}).status_code == 200

    refused = client.get(url("proof", commune.slug), {"code": publication.code})

    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    cache.clear()


def test_page_makes_a_constant_number_of_queries(client, commune, village, django_assert_max_num_queries):
    small = publish(commune, postings=[PostingSpec(Channel.VILLAGE_BOARD, TODAY(), place=village)])
    big = publish(
        commune,
        attachments=[pdf(f"bieu-{n}.pdf", PDF + f"%{n}\n".encode()) for n in range(4)],
        postings=[PostingSpec(Channel.VILLAGE_BOARD, TODAY(), place=village)] * 5,
    )
    for number in range(4):
        revise(big, body=f"Sửa lần {number}")
    client.get(url("proof", commune.slug), {"code": small.code})

    with django_assert_max_num_queries(12) as few:
        client.get(url("proof", commune.slug), {"code": small.code})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert big.code in html(client.get(url("proof", commune.slug), {"code": big.code}))
