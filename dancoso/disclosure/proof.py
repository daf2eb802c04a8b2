"""The public proof check: was this document published, unchanged, since a given date?

Anyone gives a publication's code (CK-XXXX-XXXX) or a document (its SHA-256, computed from an upload or pasted)
and, optionally, a date. The answer is built from the ledger, not from the tables a clerk could edit:

- which publication and version it is; for a file, every public publication whose versions attached it;
- since when it has been published unchanged: the first of the run of consecutive published versions that
  carry the same content digest (by code) or the same file (by file), with the ledger entry that published it
  (sequence number, time, hash);
- whether a later version replaced it, or the item was withdrawn, and when;
- the posting periods per channel of those versions, read from the ledger's `posting_added`,
  `posting_confirmed` and `posting_ended` entries (the portal: from each `published` entry);
- that the stored version still has the content digest recorded when it was published (recomputed from the
  version's title, body, decision, number and its attachments' SHA-256), so an edit of the tables shows;
- that the ledger entries about the item are intact and chained: each one's payload digest and hash are
  recomputed, its previous-hash link is checked against the entry before it and the entry after it must point
  back to it (the newest one must be the head). Walking the whole ledger on every public request would cost
  as much as the ledger is long, so the whole chain is left to `manage.py verify_ledger` (run it on a
  schedule); the page shows the current head (sequence number and hash) so anyone can note it and compare
  later, and the print view puts the publishing entry's hash on the paper notice itself.

Only public items (audience public, published or withdrawn) are ever looked at: an internal item or a draft is
never found, whatever is asked.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from dancoso.core import ledger
from dancoso.core.models import Attachment, LedgerEntry, LedgerHead
from dancoso.disclosure import legal
from dancoso.disclosure.models import Audience, Channel, Publication, PublicationVersion
from dancoso.disclosure.services import normalize_code
from dancoso.units.models import Unit

# core.ledger names an object "<app_label>.<model_name>".
PUBLICATION_TYPE = "disclosure.publication"
MAX_MATCHES = 10  # a file attached to more public items than this is shown for the newest ten
SHA256_HEX = frozenset("0123456789abcdef")

PROVEN = "proven"  # unchanged on the date asked and ever since (or until the end given)
LATER = "later"  # first published (in this form) after the date asked
ENDED = "ended"  # replaced or withdrawn on or before the date asked
NOT_PROVEN = "not_proven"  # the stored content or the ledger does not match


def is_sha256(value: str) -> bool:
    return len(value) == 64 and set(value) <= SHA256_HEX


def sha256_of_upload(uploaded_file) -> str:
    """SHA-256 of an uploaded file, read in chunks; nothing is stored."""
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def public_candidates(publications: QuerySet) -> QuerySet:
    """What a proof may ever look at: public items that were published (still or withdrawn since)."""
    return publications.filter(audience=Audience.PUBLIC).exclude(state=Publication.State.DRAFT)


# ------------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class EntryRef:
    """A ledger entry as the page shows it."""

    seq: int
    action: str
    created_at: datetime
    hash: str

    @property
    def created_on(self) -> date:
        return timezone.localtime(self.created_at).date()


@dataclass(frozen=True)
class PostingPeriod:
    """A channel's period for the versions of a run, from the ledger."""

    channel: str
    place: str
    start_on: date
    end_on: date | None  # planned last day (None: until further notice)
    taken_down_on: date | None
    confirmed_at: datetime | None
    photo_sha256: str
    version: int
    entry: EntryRef

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label) if self.channel in Channel.values else self.channel

    @property
    def last_day(self) -> date | None:
        ends = [day for day in (self.end_on, self.taken_down_on) if day is not None]
        return min(ends) if ends else None

    @property
    def days(self) -> int | None:
        last = self.last_day
        return legal.days_posted(self.start_on, last) if last else None


@dataclass(frozen=True)
class VersionRef:
    number: int
    title: str
    content_digest: str  # as recorded in the ledger when it was published
    on: date  # the first day on the portal, as recorded
    entry: EntryRef


@dataclass(frozen=True)
class Match:
    publication: Publication
    version: VersionRef  # the version found: the current one (by code), the newest holding the file (by file)
    version_count: int
    matched_file: str  # the attachment's name when found by file
    since: VersionRef  # the first version of the unchanged run
    since_on: date  # proven published from: the later of the recorded first day and the entry's date
    replaced_by: VersionRef | None
    withdrawn_on: date | None
    withdrawal_reason: str
    withdrawn_entry: EntryRef | None
    postings: tuple[PostingPeriod, ...]
    content_intact: bool  # the stored version still has the digest recorded when it was published
    chain_intact: bool  # the item's ledger entries are intact and linked into the chain
    verdict: str | None  # PROVEN, LATER, ENDED, NOT_PROVEN; None when no date was asked

    @property
    def end_on(self) -> date | None:
        """The day the content stopped being published in this form (replacement or withdrawal)."""
        if self.replaced_by is not None:
            return self.replaced_by.on
        return self.withdrawn_on

    @property
    def is_current(self) -> bool:
        return self.end_on is None

    @property
    def intact(self) -> bool:
        return self.content_intact and self.chain_intact


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainCheck:
    entries_checked: int
    problems: tuple[ChainProblem, ...]
    head_seq: int
    head_hash: str

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ProofReport:
    code: str
    sha256: str
    since: date | None
    matches: tuple[Match, ...]
    chain: ChainCheck
    more: bool = False  # more public items hold the file than are shown

    @property
    def found(self) -> bool:
        return bool(self.matches)


# ------------------------------------------------------------------------------------------------ chain


def _entry_ref(entry: LedgerEntry) -> EntryRef:
    return EntryRef(seq=entry.seq, action=entry.action, created_at=entry.created_at, hash=entry.hash)


def _own_problem(entry: LedgerEntry) -> str | None:
    if ledger.sha256_hex(ledger.canonical_json(entry.payload)) != entry.payload_digest:
        return "payload"
    fields = {name: getattr(entry, name) for name in ledger.HASHED_FIELDS}
    if ledger.entry_hash(**fields) != entry.hash:
        return "hash"
    return None


def check_entries(entries: list[LedgerEntry]) -> ChainCheck:
    """Check `entries` and their links to their neighbours, in three queries whatever the ledger's length:
    the neighbours (seq ± 1) and the head. See the module's docstring for what this proves and what not."""
    head = LedgerHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, ledger.GENESIS_HASH)
    head_seq, head_hash = head
    if not entries:
        return ChainCheck(0, (), head_seq, head_hash)
    own = {entry.seq: entry for entry in entries}
    wanted = {seq + step for seq in own for step in (-1, 1) if seq + step >= 1} - set(own)
    neighbours = {
        row[0]: row
        for row in LedgerEntry.objects.filter(seq__in=sorted(wanted)).values_list("seq", "prev_hash", "hash")
    }
    hashes = {seq: (entry.prev_hash, entry.hash) for seq, entry in own.items()}
    hashes.update({seq: (prev, digest) for seq, prev, digest in neighbours.values()})
    problems = []
    for seq in sorted(own):
        entry = own[seq]
        reason = _own_problem(entry)
        if reason is None:
            reason = _link_problem(entry, hashes, head_seq, head_hash)
        if reason is not None:
            problems.append(ChainProblem(seq, reason))
    return ChainCheck(len(own), tuple(problems), head_seq, head_hash)


def _link_problem(entry: LedgerEntry, hashes: dict, head_seq: int, head_hash: str) -> str | None:
    if entry.seq == 1:
        if entry.prev_hash != ledger.GENESIS_HASH:
            return "previous"
    elif entry.seq - 1 not in hashes or hashes[entry.seq - 1][1] != entry.prev_hash:
        return "previous"
    if entry.seq > head_seq:
        return "head"
    if entry.seq == head_seq:
        return None if head_hash == entry.hash else "head"
    following = hashes.get(entry.seq + 1)
    if following is None or following[0] != entry.hash:
        return "next"
    return None


# ------------------------------------------------------------------------------------------------ lookup


def _publications(candidates: QuerySet, code: str, sha256: str) -> tuple[list[Publication], dict, bool]:
    """The matching public publications (newest first) and, by file, which versions hold it under which name."""
    candidates = public_candidates(candidates)
    if code:
        candidates = candidates.filter(code=normalize_code(code))
    holders: dict[int, str] = {}
    if sha256:
        version_type = ContentType.objects.get_for_model(PublicationVersion)
        rows = Attachment.objects.filter(content_type=version_type, sha256=sha256).values_list(
            "object_id", "original_name"
        )
        holders = {int(object_id): name for object_id, name in rows if object_id.isdigit()}
        if not holders:
            return [], {}, False
        candidates = candidates.filter(versions__pk__in=sorted(holders)).distinct()
    found = list(
        candidates.select_related("unit", "category").order_by("-disclosed_on", "-pk")[: MAX_MATCHES + 1]
    )
    return found[:MAX_MATCHES], holders, len(found) > MAX_MATCHES


def check(
    *, publications: QuerySet, code: str = "", sha256: str = "", since: date | None = None
) -> ProofReport:
    """Look a document up among `publications` (already limited to a unit's scope) by code and/or SHA-256."""
    code = normalize_code(code) if code else ""
    sha256 = (sha256 or "").strip().lower()
    if sha256 and not is_sha256(sha256):
        sha256 = ""
    if not code and not sha256:
        return ProofReport(code, sha256, since, (), check_entries([]))
    found, holders, more = _publications(publications, code, sha256)
    if not found:
        return ProofReport(code, sha256, since, (), check_entries([]))
    by_id = {publication.pk: publication for publication in found}
    versions = list(
        PublicationVersion.objects.filter(publication_id__in=list(by_id)).order_by("publication_id", "number")
    )
    version_type = ContentType.objects.get_for_model(PublicationVersion)
    attachment_rows = Attachment.objects.filter(
        content_type=version_type, object_id__in=[str(version.pk) for version in versions]
    ).values_list("object_id", "sha256")
    files: dict[int, list[str]] = defaultdict(list)
    for object_id, digest in attachment_rows:
        files[int(object_id)].append(digest)
    entries = list(
        LedgerEntry.objects.filter(
            object_type=PUBLICATION_TYPE, object_id__in=[str(pk) for pk in by_id]
        ).order_by("seq")
    )
    chain = check_entries(entries)
    broken = {problem.seq for problem in chain.problems}
    places = _place_names(entries)
    entries_of: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in entries:
        entries_of[int(entry.object_id)].append(entry)
    versions_of: dict[int, list[PublicationVersion]] = defaultdict(list)
    for version in versions:
        versions_of[version.publication_id].append(version)
    matches = []
    for publication in found:
        match = _match(
            publication,
            versions_of[publication.pk],
            files,
            entries_of[publication.pk],
            broken=broken,
            places=places,
            holders=holders if sha256 else None,
            sha256=sha256,
            since=since,
        )
        if match is not None:
            matches.append(match)
    return ProofReport(code, sha256, since, tuple(matches), chain, more)


def _place_names(entries: list[LedgerEntry]) -> dict[str, str]:
    """Village codes named in posting entries → the villages' names (one query)."""
    codes = {
        entry.payload.get("place")
        for entry in entries
        if entry.action == "disclosure.posting_added"
        and entry.payload.get("channel") in (Channel.VILLAGE_BOARD, Channel.VILLAGE_HEAD)
        and entry.payload.get("place")
    }
    if not codes:
        return {}
    return dict(Unit.objects.filter(code__in=sorted(codes)).values_list("code", "name"))


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _published_versions(entries: list[LedgerEntry]) -> list[VersionRef]:
    """Each version's first `published` entry, in version order."""
    first: dict[int, VersionRef] = {}
    for entry in entries:
        if entry.action != "disclosure.published":
            continue
        number = entry.payload.get("version")
        if not isinstance(number, int) or number in first:
            continue
        ref = _entry_ref(entry)
        first[number] = VersionRef(
            number=number,
            title="",
            content_digest=str(entry.payload.get("content_digest", "")),
            on=_day(entry.payload.get("on")) or ref.created_on,
            entry=ref,
        )
    return [first[number] for number in sorted(first)]


def _recomputed_digest(version: PublicationVersion, files: dict[int, list[str]]) -> str:
    return legal.content_digest(
        title=version.title,
        body=version.body,
        decision_date=version.decision_date,
        document_number=version.document_number,
        attachment_digests=files.get(version.pk, []),
    )


def _match(
    publication: Publication,
    versions: list[PublicationVersion],
    files: dict[int, list[str]],
    entries: list[LedgerEntry],
    *,
    broken: set[int],
    places: dict[str, str],
    holders: dict[int, str] | None,
    sha256: str,
    since: date | None,
) -> Match | None:
    published = _published_versions(entries)
    rows = {version.number: version for version in versions}
    published = [ref for ref in published if ref.number in rows]
    if not published:
        return None
    published = [
        VersionRef(ref.number, rows[ref.number].title, ref.content_digest, ref.on, ref.entry)
        for ref in published
    ]
    if holders is None:
        target_index = len(published) - 1

        def same(ref: VersionRef) -> bool:
            return ref.content_digest == published[target_index].content_digest
    else:
        holding = [i for i, ref in enumerate(published) if rows[ref.number].pk in holders]
        if not holding:
            return None
        target_index = holding[-1]

        def same(ref: VersionRef) -> bool:
            return sha256 in files.get(rows[ref.number].pk, [])

    first_index = target_index
    while first_index > 0 and same(published[first_index - 1]):
        first_index -= 1
    run = published[first_index : target_index + 1]
    target, first = published[target_index], published[first_index]
    replaced_by = published[target_index + 1] if target_index + 1 < len(published) else None
    withdrawn = next((entry for entry in entries if entry.action == "disclosure.withdrawn"), None)
    withdrawn_on = _day(withdrawn.payload.get("on")) if withdrawn else None
    content_intact = all(
        _recomputed_digest(rows[ref.number], files) == ref.content_digest == rows[ref.number].content_digest
        for ref in run
    )
    chain_intact = not any(entry.seq in broken for entry in entries)
    since_on = max(first.on, first.entry.created_on)
    end_on = replaced_by.on if replaced_by else withdrawn_on
    match = Match(
        publication=publication,
        version=target,
        version_count=len(published),
        matched_file=holders.get(rows[target.number].pk, "") if holders else "",
        since=first,
        since_on=since_on,
        replaced_by=replaced_by,
        withdrawn_on=None if replaced_by else withdrawn_on,
        withdrawal_reason=str(withdrawn.payload.get("reason", "")) if withdrawn and not replaced_by else "",
        withdrawn_entry=_entry_ref(withdrawn) if withdrawn and not replaced_by else None,
        postings=_postings(entries, {ref.number for ref in run}, run, end_on, places),
        content_intact=content_intact,
        chain_intact=chain_intact,
        verdict=None,
    )
    if since is None:
        return match
    return _with_verdict(match, since, since_on, end_on)


def _with_verdict(match: Match, since: date, since_on: date, end_on: date | None) -> Match:
    if not match.intact:
        verdict = NOT_PROVEN
    elif since_on > since:
        verdict = LATER
    elif end_on is not None and end_on <= since:
        verdict = ENDED
    else:
        verdict = PROVEN
    return replace(match, verdict=verdict)


def _postings(
    entries: list[LedgerEntry], numbers: set[int], run: list[VersionRef], end_on: date | None, places: dict
) -> tuple[PostingPeriod, ...]:
    """The portal for the whole run, then every other channel's posting of the run's versions, as recorded."""
    periods: dict[object, dict] = {}
    first = run[0]
    periods["portal"] = {
        "channel": Channel.PORTAL,
        "place": "",
        "start_on": first.on,
        "end_on": None,
        "taken_down_on": end_on,
        "confirmed_at": first.entry.created_at,
        "photo_sha256": "",
        "version": first.number,
        "entry": first.entry,
    }
    withdrawn_on = None
    for entry in entries:
        payload = entry.payload
        if entry.action == "disclosure.withdrawn":
            withdrawn_on = _day(payload.get("on"))
            continue
        if payload.get("version") not in numbers or "posting" not in payload:
            continue
        key = payload["posting"]
        if entry.action == "disclosure.posting_added":
            channel = payload.get("channel", "")
            place = payload.get("place") or ""
            periods[key] = {
                "channel": channel,
                "place": places.get(place, place),
                "start_on": _day(payload.get("start_on")),
                "end_on": _day(payload.get("end_on")),
                "taken_down_on": None,
                "confirmed_at": None,
                "photo_sha256": "",
                "version": payload["version"],
                "entry": _entry_ref(entry),
            }
        elif key in periods and entry.action == "disclosure.posting_confirmed":
            periods[key]["confirmed_at"] = entry.created_at
            periods[key]["photo_sha256"] = payload.get("photo_sha256") or ""
        elif key in periods and entry.action == "disclosure.posting_ended":
            periods[key]["taken_down_on"] = _day(payload.get("taken_down_on"))
    result = []
    for values in periods.values():
        if values["start_on"] is None:
            continue
        # Withdrawal ends every posting still up that day (services.withdraw_publication).
        still_up = values["end_on"] is None or (withdrawn_on and values["end_on"] >= withdrawn_on)
        if withdrawn_on and values["taken_down_on"] is None and still_up:
            values["taken_down_on"] = max(withdrawn_on, values["start_on"])
        result.append(PostingPeriod(**values))
    return tuple(result)
