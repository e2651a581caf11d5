"""Every user-facing string is written in Chinese and translated into English."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[3] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries() -> list[tuple[str, str, bool]]:
    out = []
    for block in PO.read_text("utf-8").split("\n\n"):
        m = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if not m:
            continue
        msgid = "".join(re.findall(r'"(.*)"', m.group(1)))
        msgstr = "".join(re.findall(r'"(.*)"', m.group(2)))
        if msgid:
            out.append((msgid, msgstr, "#, fuzzy" in block))
    return out


def test_every_string_has_an_english_translation() -> None:
    found = entries()
    assert len(found) > 100
    assert [msgid for msgid, msgstr, _ in found if not msgstr] == []
    assert [msgid for msgid, _, fuzzy in found if fuzzy] == []


def test_compiled_catalogue_is_newer_than_the_source() -> None:
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1
