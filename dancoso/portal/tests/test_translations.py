"""Vietnamese is complete everywhere, and every compiled catalogue matches its .po file."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "var", "node_modules", ".git"}


def po_files(language: str | None = None) -> list[Path]:
    pattern = f"locale/{language or '*'}/LC_MESSAGES/*.po"
    return sorted(
        path
        for path in (REPO / "dancoso").rglob("*.po")
        if not SKIPPED_DIRS & set(path.parts) and path.match(pattern)
    )


def untranslated(po: polib.POFile) -> list[str]:
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not all(value.strip() for value in values):
            missing.append(entry.msgid)
    return missing


def catalogue_of_po(po: polib.POFile) -> dict:
    catalogue = {}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        catalogue[key] = dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
    return catalogue


def catalogue_of_mo(mo: polib.MOFile) -> dict:
    catalogue = {}
    for entry in mo:
        if entry.msgid == "":
            continue
        key = (entry.msgctxt, entry.msgid)
        catalogue[key] = (
            {int(k): v for k, v in entry.msgstr_plural.items()} if entry.msgid_plural else entry.msgstr
        )
    return catalogue


def test_there_are_vietnamese_catalogues():
    assert REPO / "dancoso/locale/vi/LC_MESSAGES/django.po" in po_files("vi")
    assert REPO / "dancoso/portal/locale/vi/LC_MESSAGES/django.po" in po_files("vi")


@pytest.mark.parametrize("path", po_files("vi"), ids=lambda p: str(p.relative_to(REPO)))
def test_every_vietnamese_message_is_translated(path):
    po = polib.pofile(str(path))

    assert not po.metadata_is_fuzzy, "the header is marked '#, fuzzy': msgfmt would skip it"
    assert untranslated(po) == []


@pytest.mark.parametrize("path", po_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_compiled_catalogue_matches_its_po(path):
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"run compilemessages for {path}"

    po_catalogue = catalogue_of_po(polib.pofile(str(path)))
    mo_catalogue = catalogue_of_mo(polib.mofile(str(mo_path)))

    assert mo_catalogue == po_catalogue


def test_untranslated_detects_empty_and_fuzzy_entries():
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Done", msgstr="Xong"))
    po.append(polib.POEntry(msgid="Empty", msgstr=""))
    po.append(polib.POEntry(msgid="Guess", msgstr="Đoán", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="%(n)s day", msgid_plural="%(n)s days", msgstr_plural={0: ""}))

    assert untranslated(po) == ["Empty", "Guess", "%(n)s day"]
