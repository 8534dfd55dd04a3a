"""Section V of the filed report: the plausibility flags the verifier acknowledged when accepting,
and the re-contact sample's outcomes, read back from the Word file (python-docx)."""

from __future__ import annotations

import io

import docx
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Campaign, Unit
from feedback_app.services.exports import render, report_source
from feedback_app.services.reports import recontact
from feedback_app.services.reports import workflow as reports
from feedback_app.services.verification.flags import report_flags
from feedback_app.services.verification.settings import set_campaign_settings

from ..verification_support import PROVINCE, verified_commune


def _tables(data: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _accept(campaign: Campaign) -> list[str]:
    unit = db.session.scalars(select(Unit).filter_by(code="03390")).one()
    flags = [flag.ident for flag in report_flags(campaign, unit)]
    reports.accept_report(PROVINCE, campaign.key, "03390", acknowledged=flags)
    db.session.commit()
    return flags


def test_the_verified_report_names_its_flags_and_re_contact_outcomes(make_campaign):  # type: ignore[no-untyped-def]
    campaign = verified_commune(make_campaign)
    # Sixteen identical answers: every one straight-lined and satisfied, flagged once the campaign
    # looks at as few answers as that.
    set_campaign_settings(campaign, {"straight_lining_min_answers": 10, "all_satisfied_min_answers": 10})
    db.session.commit()
    sample = recontact.draw_sample(PROVINCE, campaign.key, "03390",
                                   {code: 2 for code in _village_codes()}, seed=20261203)
    drawn = len(sample.entries)
    recontact.record_outcomes(PROVINCE, campaign.key, "03390",
                              {1: ("confirmed", ""), 2: ("unreachable", "không nghe máy")})
    db.session.commit()
    flags = _accept(campaign)
    assert len(flags) >= 2, flags

    data = b"".join(render(report_source(PROVINCE, campaign.key, "03390"), "docx", "en"))
    text = _text(data)
    assert f"Plausibility flags acknowledged by the verifier when accepting ({len(flags)}):" in text \
        or f"Plausibility flag acknowledged by the verifier when accepting ({len(flags)}):" in text
    assert f"Re-contact sample: {drawn} households drawn at random from 16 that answered with a " \
           "household code (seed 20261203" in text
    tables = _tables(data)
    flag_table = next(t for t in tables if t[0] == ["Unit", "Flag", "Answers concerned"])
    assert len(flag_table) == 1 + len(flags)
    outcome_table = next(t for t in tables if t[0] == ["Outcome", "Households"])
    assert outcome_table[1:] == [["Confirmed they answered", "1"], ["Did not confirm", "0"],
                                 ["Could not be reached", "1"], ["Not contacted yet", str(drawn - 2)]]
    for entry in sample.entries:  # a re-contact list never reaches the document
        assert entry.household_code.code not in text


def test_a_report_accepted_without_a_sample_says_so(make_campaign):  # type: ignore[no-untyped-def]
    campaign = verified_commune(make_campaign)
    _accept(campaign)
    data = b"".join(render(report_source(PROVINCE, campaign.key, "03390"), "docx", "vi"))
    assert "Liên hệ lại: không chọn mẫu hộ nào." in _text(data)


def _village_codes() -> list[str]:
    return list(db.session.scalars(select(Unit.code).where(Unit.level == "village")))
