"""Personal data written to slip past the patterns is still found and masked (issue 14)."""

from __future__ import annotations

import pytest

from aipo_widgets.analysis.pii import mask, scan_text
from aipo_widgets.analysis.pii_rules import normalise


@pytest.mark.parametrize(("text", "kind", "found"), [
    ("mail ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ now", "EMAIL", "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
    ("mail jane@exa\u200bmple.com now", "EMAIL", "jane@exa\u200bmple.com"),
    ("mail jane\u2060.doe@example.com", "EMAIL", "jane\u2060.doe@example.com"),
    ("mail jane@example\u00ad.com", "EMAIL", "jane@example\u00ad.com"),
    ("call ＋４９ ３０ １２３４５６７８ today", "PHONE", "＋４９ ３０ １２３４５６７８"),
    ("IBAN DE89-3704-0044-0532-0130-00 ok", "IBAN", "DE89-3704-0044-0532-0130-00"),
    ("IBAN ＤＥ８９ ３７０４ ００４４ ０５３２ ０１３０ ００", "IBAN",
     "ＤＥ８９ ３７０４ ００４４ ０５３２ ０１３０ ００"),
    ("IBAN GB82-WEST-1234-5698-7654-32.", "IBAN", "GB82-WEST-1234-5698-7654-32"),
])
def test_obfuscated_personal_data_is_found_in_the_original_text(text: str, kind: str,
                                                                found: str) -> None:
    findings = scan_text(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    f = findings[0]
    assert text[f.start:f.end] == found
    masked = mask(text)
    assert masked == text.replace(found, f"<{kind}>")
    assert scan_text(masked) == []


def test_near_misses_stay_unflagged() -> None:
    assert scan_text("IBAN DE89-3704-0044-0532-0130-01 (wrong check digits)") == []
    assert scan_text("Bestellung ＯＲＤ－２０２６－０００１２３ vom ２６.１１.２０２６") == []


def test_normalise_maps_back_and_leaves_plain_text_alone() -> None:
    plain = "Grüße an Jörg, Ticket 42"
    assert normalise(plain)[0] == plain
    norm, starts, ends = normalise("a\u200bｂ")
    assert norm == "ab" and starts == [0, 2] and ends == [1, 3]
