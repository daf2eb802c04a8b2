"""Suggest earlier petitions that a new one repeats, so a repeated petition is followed and counted once.

Two signals, each on a bounded set of candidates read through indexed filters (the unit subtree of the
commune-level unit, the last 12 months of `received_on`, the same kind family, at most `MAX_CANDIDATES`
newest rows):

- the same person (same keyed phone or e-mail digest) with similar content;
- near-identical text from anyone.

A suggestion's reason never names anyone. Same-person matching is only done between petitions that are both
confidential or both not: otherwise "same person as petition X" would tie a protected denouncer to the name
shown on X.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils.translation import gettext as _

from dancoso.petitions.models import Kind, Petition, State
from dancoso.units.models import COMMUNE_LEVEL_KINDS, Unit

LOOKBACK = timedelta(days=365)
MAX_CANDIDATES = 200
NEAR_IDENTICAL = 0.8  # near-identical text from anyone
SAME_PERSON_SIMILAR = 0.5  # similar content from the same person
COMPARED_WORDS = 400  # SequenceMatcher is quadratic: compare the beginning of long letters
_WORD = re.compile(r"\w+")

KIND_FAMILIES = (
    frozenset({Kind.PROPOSAL, Kind.REPORT}),
    frozenset({Kind.COMPLAINT}),
    frozenset({Kind.DENUNCIATION}),
)


@dataclass(frozen=True)
class Suggestion:
    petition: Petition
    reason: str
    score: float


def kind_family(kind: str) -> frozenset[str] | None:
    """The kinds a petition of `kind` may repeat; None (any kind) for a letter with several contents."""
    for family in KIND_FAMILIES:
        if kind in family:
            return family | {Kind.MIXED}
    return None


def commune_level_unit(unit: Unit) -> Unit:
    """The commune, ward or special zone a unit belongs to (itself if it is one, or if it has none)."""
    if unit.kind in COMMUNE_LEVEL_KINDS:
        return unit
    ancestor = (
        Unit.objects.filter(path__in=unit.ancestor_paths(), kind__in=COMMUNE_LEVEL_KINDS)
        .order_by("-path")
        .first()
    )
    return ancestor or unit


def _words(text: str) -> list[str]:
    return _WORD.findall(text)[:COMPARED_WORDS]


class TextReference:
    """One text compared with many: its words and SequenceMatcher index are built once.

    The score is the mean of the token-set Jaccard index (which words) and the SequenceMatcher ratio of the
    word sequences (in which order), from 0 to 1. Reworded letters about the same matter score about
    0.6–0.8; a copy with a few words changed scores above 0.9."""

    def __init__(self, key: str):
        self.words = _words(key)
        self.word_set = set(self.words)
        self.matcher = SequenceMatcher(None, autojunk=False)
        self.matcher.set_seq2(self.words)

    def score(self, key: str, at_least: float = 0.0) -> float:
        """The similarity with `key`; when cheap upper bounds show it cannot reach `at_least`, a value below
        `at_least` is returned without running the quadratic part."""
        words = _words(key)
        if not words or not self.words:
            return 0.0
        other = set(words)
        jaccard = len(self.word_set & other) / len(self.word_set | other)
        if (jaccard + 1.0) / 2 < at_least:
            return (jaccard + 1.0) / 2
        self.matcher.set_seq1(words)
        for upper_bound in (self.matcher.real_quick_ratio(), self.matcher.quick_ratio()):
            if (jaccard + upper_bound) / 2 < at_least:
                return (jaccard + upper_bound) / 2
        return (jaccard + self.matcher.ratio()) / 2


def similarity(a: str, b: str, at_least: float = 0.0) -> float:
    """The similarity of two search keys (see `TextReference`)."""
    return TextReference(a).score(b, at_least)


def _candidates(petition: Petition, among) -> tuple:
    """Earlier counted petitions of the same commune-level subtree, last 12 months, same kind family."""
    since = petition.received_on - LOOKBACK
    earlier = Q(received_on__lt=petition.received_on) | Q(
        received_on=petition.received_on, pk__lt=petition.pk
    )
    queryset = (
        among.in_subtree(commune_level_unit(petition.unit))
        .exclude(state__in=(State.SPLIT, State.LINKED))
        .exclude(pk=petition.pk)
        .filter(earlier, received_on__gte=since)
    )
    if (family := kind_family(petition.kind)) is not None:
        queryset = queryset.filter(kind__in=family)
    return queryset.select_related("unit").defer("content").order_by("-received_on", "-pk")


def _same_person_q(petition: Petition) -> Q | None:
    q = Q()
    if petition.phone_digest:
        q |= Q(phone_digest=petition.phone_digest)
    if petition.email_digest:
        q |= Q(email_digest=petition.email_digest)
    if not q:
        return None
    return q & Q(is_confidential=petition.is_confidential)


def _same_person_reason(petition: Petition, other: Petition) -> str:
    if petition.phone_digest and petition.phone_digest == other.phone_digest:
        return _("Same petitioner (same phone number) with similar content")
    return _("Same petitioner (same e-mail address) with similar content")


def suggest_duplicates(petition: Petition, limit: int = 5, among=None) -> list[Suggestion]:
    """Earlier petitions `petition` probably repeats, best first. `among` narrows the candidates (e.g. to
    `Petition.objects.visible_to(user, "petitions.view_petition")`)."""
    candidates = _candidates(petition, among if among is not None else Petition.objects.all())
    reference = TextReference(petition.search_key)
    found: dict[int, Suggestion] = {}
    if (same_person := _same_person_q(petition)) is not None:
        for other in candidates.filter(same_person)[:MAX_CANDIDATES]:
            score = reference.score(other.search_key, at_least=SAME_PERSON_SIMILAR)
            if score >= SAME_PERSON_SIMILAR:
                found[other.pk] = Suggestion(other, _same_person_reason(petition, other), round(score, 2))
    for other in candidates[:MAX_CANDIDATES]:
        if other.pk in found:
            continue
        score = reference.score(other.search_key, at_least=NEAR_IDENTICAL)
        if score >= NEAR_IDENTICAL:
            reason = _("Near-identical text (%(percent)d%% alike)") % {"percent": round(score * 100)}
            found[other.pk] = Suggestion(other, reason, round(score, 2))
    ranked = sorted(found.values(), key=lambda s: (-s.score, -s.petition.received_on.toordinal()))
    return ranked[:limit]
