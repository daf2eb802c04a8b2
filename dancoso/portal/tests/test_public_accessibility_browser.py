"""The main public pages on a 375 × 740 phone in headless Chromium (issue 4 point 6: phone first, at most 60 KB
transferred without images, WCAG 2.1 AA).

On each page of the demo data (`manage.py seed_demo`) the test checks:
- what the browser received for the page, images aside, is at most 60 KB: the sum of `encodedDataLength`
  (body and headers as they came over the wire) of every non-image response, from the DevTools protocol's
  `Network.loadingFinished`. The live server sends static files and HTML uncompressed, so this is the
  worst case; production's gzip/Brotli only makes it smaller;
- axe-core (vendor/axe-core, version and licence in its README) finds no violation of the WCAG 2.0/2.1 A and AA
  rules (tags wcag2a, wcag2aa, wcag21a, wcag21aa);
- the page does not scroll sideways at 375 px, and the console shows no error (a CSP violation would).

The pages are visited in one test because the demo data take ~10 s to build and a live-server test starts from
an empty database; a failure lists every page that failed and why.
"""

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db.models import F
from django.db.models.functions import Length
from django.urls import reverse

from dancoso.disclosure.models import Audience, Publication, PublicationVersion
from dancoso.petitions import demo as petitions_demo
from dancoso.petitions.models import Petition
from dancoso.portal.tests.test_browser import SCREENSHOTS, browser_page, live_server  # noqa: F401
from dancoso.portal.tests.test_public_pages_weight import BUDGET_BYTES, MIGRATION_SEEDS, seed_public_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Transfer:
    """Bytes received per request, from the DevTools protocol, images left out."""

    mime: dict = field(default_factory=dict)
    kind: dict = field(default_factory=dict)
    url: dict = field(default_factory=dict)
    received: dict = field(default_factory=dict)

    def attach(self, cdp) -> None:
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # every page pays for its assets
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event) -> None:
        self.mime[event["requestId"]] = event["response"].get("mimeType", "")
        self.url[event["requestId"]] = event["response"]["url"]
        self.kind[event["requestId"]] = event.get("type", "")

    def _finished(self, event) -> None:
        self.received[event["requestId"]] = event["encodedDataLength"]

    def reset(self) -> None:
        for table in (self.mime, self.kind, self.url, self.received):
            table.clear()

    def without_images(self) -> dict[str, int]:
        return {
            self.url.get(request, request): size
            for request, size in self.received.items()
            if not self.mime.get(request, "").startswith("image/") and self.kind.get(request) != "Image"
        }


def demo_pages() -> list[tuple[str, str]]:
    """(name, path) of the main public pages, chosen in the demo data at their heaviest."""
    public = Publication.objects.filter(audience=Audience.PUBLIC).select_related("unit", "category")
    published = public.filter(state=Publication.State.PUBLISHED)
    longest = published.annotate(size=Length("current_version__body")).order_by("-size", "pk").first()
    old = (
        PublicationVersion.objects.filter(publication__in=published, published_at__isnull=False)
        .select_related("publication__unit")
        .exclude(publication__current_version=F("pk"))
        .first()
    )
    withdrawn = public.filter(state=Publication.State.WITHDRAWN).first()
    assert longest and old and withdrawn, "the demo has items, a revised item and a withdrawn item"
    commune = longest.unit.slug
    return [
        ("home", reverse("portal:home")),
        ("unit home", reverse("portal:unit_home", args=[commune])),
        ("disclosures", reverse("disclosure_public:index", args=[commune])),
        ("category", reverse("disclosure_public:category", args=[commune, longest.category.code])),
        ("search", reverse("disclosure_public:search", args=[commune]) + "?" + urlencode({"q": "ngan sach"})),
        ("search, nothing found", reverse("disclosure_public:search", args=[commune]) + "?q=xyzxyz"),
        ("item", reverse("disclosure_public:item", args=[commune, longest.code])),
        (
            "old version",
            reverse(
                "disclosure_public:version",
                args=[old.publication.unit.slug, old.publication.code, old.number],
            ),
        ),
        ("withdrawn item", reverse("disclosure_public:item", args=[withdrawn.unit.slug, withdrawn.code])),
        ("print", reverse("disclosure_public:print", args=[commune, longest.code])),
        ("proof", reverse("disclosure_public:proof", args=[commune])),
        (
            "proof answer",
            reverse("disclosure_public:proof", args=[commune]) + "?" + urlencode({"code": longest.code}),
        ),
        ("petition form", reverse("petitions_public:submit", args=[commune])),
        ("tracking", reverse("petitions_public:track", args=[commune])),
        ("petition statistics", reverse("petitions_public:stats", args=[commune])),
        ("reception", reverse("petitions_public:reception", args=[commune])),
        ("login", reverse("accounts:login")),
    ]


def tracked_story() -> tuple[str, str, str]:
    """(unit slug, tracking code, phone) of the demo petition with the longest history."""
    best = None
    for story in petitions_demo.STORIES:
        if story.anonymous or story.petitioner is None:
            continue
        petition = (
            Petition.objects.filter(unit__code=story.unit, title=story.title).select_related("unit").first()
        )
        if petition and (best is None or len(story.steps) > best[0]):
            best = (len(story.steps), petition.unit.slug, petition.tracking_code, story.petitioner[2])
    assert best, "the demo has petition stories"
    return best[1:]


@pytest.fixture
def demo_site(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    for module, function in MIGRATION_SEEDS:  # flushed by an earlier transactional test
        getattr(importlib.import_module(module), function)(apps, None)
    cache.clear()
    seed_public_demo()
    yield
    cache.clear()


class Checker:
    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.transfer = Transfer()
        self.transfer.attach(page.context.new_cdp_session(page))
        self.console: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.console.append(message.text))
        self.axe = AXE.read_text(encoding="utf-8")
        self.problems: dict[str, list[str]] = {}
        self.weights: dict[str, int] = {}

    def open(self, name: str, path: str, status: int = 200) -> None:
        self.transfer.reset()
        self.console.clear()
        response = self.page.goto(self.base + path)
        assert response.status == status, f"{name}: {path} answered {response.status}"
        if status >= 400:  # the browser logs the page's own status as an error
            self.page.wait_for_load_state("networkidle")
            self.console[:] = [text for text in self.console if f"status of {status}" not in text]
        self.check(name)

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("networkidle")
        problems = []
        received = self.transfer.without_images()
        total = sum(received.values())
        self.weights[name] = total
        if not received:
            problems.append("no response measured")
        if total > BUDGET_BYTES:
            problems.append(f"{total} bytes received without images: {received}")
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > inner:
            problems.append(f"scrolls sideways: {width} px wide in {inner} px")
        if self.console:
            problems.append(f"console errors: {self.console}")
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(self.axe)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        for violation in result["violations"]:
            targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
            summary = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
            problems.append(
                f"axe {violation['id']} ({violation['impact']}): {violation['help']} at {targets}; {summary}"
            )
        page.screenshot(
            path=str(SCREENSHOTS / f"public-{name.replace(' ', '-').replace(',', '')}-375.png"),
            full_page=True,
        )
        if problems:
            self.problems[f"{name} ({page.url})"] = problems


def test_main_public_pages_at_phone_width(live_server, browser_page, demo_site):  # noqa: F811
    page = browser_page
    page.set_viewport_size(PHONE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    checker = Checker(page, live_server.url)

    for name, path in demo_pages():
        checker.open(name, path)
    checker.open("not found", "/khong-co-don-vi-nay/", status=404)

    # The tracking page with the answer, as a resident reaches it: the code and the phone number typed in.
    unit_slug, code, phone = tracked_story()
    checker.open("tracking form", reverse("petitions_public:track", args=[unit_slug]))
    page.fill("input[name=code]", code)
    page.fill("input[name=contact]", phone)
    checker.transfer.reset()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    checker.check("tracking answer")
    assert code in page.locator("main").inner_text()

    # The petition form sent empty: the browser's own checks are off (as on a phone that ignores them), the
    # server answers with the error summary.
    checker.open("petition form again", reverse("petitions_public:submit", args=[unit_slug]))
    page.evaluate("document.querySelector('main form').noValidate = true")
    checker.transfer.reset()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    checker.check("petition form with errors")
    assert page.locator("[data-error-summary]").count() == 1

    print("\n" + "\n".join(f"{name}: {size} bytes" for name, size in checker.weights.items()))
    assert checker.problems == {}, json.dumps(checker.problems, ensure_ascii=False, indent=1)
