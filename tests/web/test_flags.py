"""Plausibility flags for the verifier (issue 19 item 1): seen by the committee above and nobody
else, each one acknowledged before a report is accepted (pages and CLI), recorded in the audit
log; the facts they need recorded by the resident form; the campaign's own limits."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from flask import g

from feedback_app.extensions import db
from feedback_app.models import Report, ReportEvent, Response
from feedback_app.services.reports import workflow as reports
from feedback_app.services.responses.record import (
    Channel,
    Provenance,
    Submission,
    record_response,
)
from feedback_app.web.provenance import seconds_since, started_token

from ..committee_support import csrf_token, logged_in, make_account
from ..reports_support import officer
from ..support import all_answers, codes_of

DASH = "/committee/campaigns/test-campaign/units"
COMMUNE, SIBLING, PROVINCE = "03390", "03430", "12"
BURST = f"{COMMUNE}:burst:device"


def one_phone(campaign, n: int, code_answers: bool = True) -> None:  # type: ignore[no-untyped-def]
    """n answers of 03390 from one device within a minute (household codes: no open-link flag)."""
    codes = codes_of(campaign, COMMUNE)
    for i in range(n):
        record_response(Submission(
            campaign_key=None if code_answers else campaign.key, channel=Channel.WEB,
            answers=all_answers(campaign, 1 if i % 2 else 2), client_uuid=str(uuid.uuid4()),
            household_code=codes[i] if code_answers else None,
            commune_code=None if code_answers else COMMUNE,
            provenance=Provenance(device_key="phone-1", seconds=300)))
    db.session.commit()


@pytest.fixture
def flagged(make_campaign):  # type: ignore[no-untyped-def]
    campaign = make_campaign(codes=12)
    one_phone(campaign, 11)  # more than 10 within 10 minutes
    reports.submit_report(officer(COMMUNE), campaign.key, "Đã rà soát")
    db.session.commit()
    return campaign


def _page(client, url):  # type: ignore[no-untyped-def]
    g.pop("csrf_token", None)  # each client's page carries its own token (the app context is shared)
    return client.get(url)


def _login(app, username: str):  # type: ignore[no-untyped-def]
    g.pop("csrf_token", None)
    return logged_in(app.test_client(), username)


def _accept(client, *acknowledged: str):  # type: ignore[no-untyped-def]
    page = _page(client, f"{DASH}/{PROVINCE}")
    return client.post(f"{DASH}/{COMMUNE}/report/accept",
                       data={"csrf_token": csrf_token(page.text), "acknowledge": list(acknowledged),
                             "confirm_insufficient": "y"})  # 11 of 40 households answered


def _status() -> str:
    db.session.expire_all()
    report = db.session.scalar(db.select(Report))
    assert report is not None
    return report.status


def test_the_province_sees_the_flags_the_commune_and_the_public_do_not(app, flagged):  # type: ignore[no-untyped-def]
    make_account("tinh-officer", PROVINCE)
    make_account("xa-officer", COMMUNE)
    make_account("xa-ben-officer", SIBLING)
    province = _login(app, "tinh-officer")
    own = _page(province, f"{DASH}/{PROVINCE}").text
    assert 'id="flags"' in own and f'data-flag="{BURST}"' in own
    assert "11 câu trả lời trong vòng 10 phút đến từ một thiết bị" in own
    assert f'name="acknowledge" value="{BURST}" required' in own  # a box under Accept
    for url in (f"{DASH}/{COMMUNE}", f"{DASH}/{COMMUNE}/report"):
        assert f'data-flag="{BURST}"' in _page(province, url).text

    commune = _login(app, "xa-officer")
    for url in (f"{DASH}/{COMMUNE}", f"{DASH}/{COMMUNE}/report"):
        page = _page(commune, url)
        assert page.status_code == 200 and 'id="flags"' not in page.text and "acknowledge" not in page.text
    sibling = _login(app, "xa-ben-officer")
    assert _page(sibling, f"{DASH}/{COMMUNE}").status_code == 403

    reports.accept_report(officer(PROVINCE), "test-campaign", COMMUNE, acknowledged=[BURST])
    db.session.commit()
    public = app.test_client().get(f"/results/test-campaign/{COMMUNE}")
    assert public.status_code == 200 and "flag" not in public.text.lower()
    assert "một thiết bị" not in public.text and "Dấu hiệu" not in public.text


def test_accepting_needs_every_flag_acknowledged_and_the_log_keeps_them(app, flagged):  # type: ignore[no-untyped-def]
    make_account("tinh-officer", PROVINCE)
    province = _login(app, "tinh-officer")
    refused = _accept(province)
    assert refused.status_code == 422 and _status() == "submitted"
    assert "Hãy xác nhận các dấu hiệu trước" in refused.text
    refused = _accept(province, "03390:burst:address")  # not the flag the report has
    assert refused.status_code == 422 and _status() == "submitted"
    accepted = _accept(province, BURST)
    assert accepted.status_code == 303 and _status() == "accepted"
    entry = db.session.scalars(db.select(ReportEvent).order_by(ReportEvent.id.desc())).first()
    assert entry is not None and entry.action == "accept"
    recorded = json.loads(entry.flags)
    assert [(f["id"], f["rule"], f["value"], f["limit"]) for f in recorded] == [(BURST, "burst", "11", "10")]
    log = _page(province, f"{DASH}/{PROVINCE}/log").text
    assert BURST in log


def test_a_report_without_flags_is_accepted_as_before(make_campaign):  # type: ignore[no-untyped-def]
    campaign = make_campaign(codes=12)
    one_phone(campaign, 10)  # 10 within 10 minutes is not more than 10
    reports.submit_report(officer(COMMUNE), campaign.key)
    report = reports.accept_report(officer(PROVINCE), campaign.key, COMMUNE)
    assert report.status == "accepted"
    entry = db.session.scalars(db.select(ReportEvent).order_by(ReportEvent.id.desc())).first()
    assert entry is not None and entry.flags is None


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=[*args, "--campaign", "test-campaign"])


def test_the_cli_lists_the_flags_and_accepts_only_with_each_acknowledged(runner, flagged):  # type: ignore[no-untyped-def]
    province = ("--as", "an", "--role", "officer", "--unit", PROVINCE)
    listed = run(runner, "reports", "flags", *province, "--of", COMMUNE)
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith(f"{BURST}\tXã Bình Lư\tA burst of answers: 11 answers within 10 minutes")
    commune = run(runner, "reports", "flags", "--as", "ly", "--role", "officer", "--unit", COMMUNE,
                  "--of", COMMUNE)
    assert commune.exit_code == 1 and "flags not permitted" in commune.output
    refused = run(runner, "reports", "accept", *province, "--child", COMMUNE)
    assert refused.exit_code == 1 and f"flags unacknowledged (flags={BURST}, count=1)" in refused.output
    assert _status() == "submitted"
    accepted = run(runner, "reports", "accept", *province, "--child", COMMUNE, "--acknowledge", BURST)
    assert accepted.exit_code == 0 and "accepted" in accepted.output, accepted.output


def test_a_campaign_sets_its_own_limits(runner, flagged):  # type: ignore[no-untyped-def]
    shown = run(runner, "campaigns", "flag-settings")
    assert "burst_answers\t10\n" in shown.output and "assisted_share\t1/2\n" in shown.output
    changed = run(runner, "campaigns", "flag-settings", "--set", "burst_answers=11",
                  "--set", "assisted_share=60 %")
    assert changed.exit_code == 0, changed.output
    assert "burst_answers\t11\t(campaign)" in changed.output
    assert "assisted_share\t3/5\t(campaign)" in changed.output
    province = ("--as", "an", "--role", "officer", "--unit", PROVINCE)
    assert run(runner, "reports", "flags", *province, "--of", COMMUNE).output == "no flags\n"
    wrong = run(runner, "campaigns", "flag-settings", "--set", "assisted_share=150%")
    assert wrong.exit_code == 1 and "name=assisted_share, problem=out_of_range" in wrong.output
    unknown = run(runner, "campaigns", "flag-settings", "--set", "bursts=3")
    assert unknown.exit_code == 1 and "name=bursts, problem=unknown" in unknown.output
    back = run(runner, "campaigns", "flag-settings", "--reset")
    assert "burst_answers\t10\n" in back.output
    assert run(runner, "reports", "flags", *province, "--of", COMMUNE).output.startswith(BURST)


def test_the_resident_form_records_device_address_and_seconds(app, client, campaign):  # type: ignore[no-untyped-def]
    code = codes_of(campaign, COMMUNE)[0]
    page = client.get(f"/h/{code}")
    started = re.search(r'name="started" value="([^"]+)"', page.text)
    assert started and seconds_since(started.group(1)) in (0, 1, 2)
    assert "device=" in page.headers.get("Set-Cookie", "")
    fields = {f"q_{item}": "1" for item in all_answers(campaign)}
    earlier = started_token(now=time.time() - 95)
    posted = client.post(f"/h/{code}", data={**fields, "rid": str(uuid.uuid4()), "started": earlier},
                         environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert posted.status_code == 303
    response = db.session.scalar(db.select(Response))
    assert response is not None and 95 <= (response.seconds or 0) <= 97
    assert response.device_key and len(response.device_key) == 32
    assert response.address_key and len(response.address_key) == 32
    assert "203.0.113.7" not in response.address_key
    assert response.collector is None


def test_a_forged_started_field_records_no_time_and_refuses_nothing(client, campaign):  # type: ignore[no-untyped-def]
    code = codes_of(campaign, COMMUNE)[1]
    fields = {f"q_{item}": "1" for item in all_answers(campaign)}
    posted = client.post(f"/h/{code}", data={**fields, "rid": str(uuid.uuid4()), "started": "1.forged"})
    assert posted.status_code == 303
    response = db.session.scalar(db.select(Response))
    assert response is not None and response.seconds is None


def test_assisted_answers_record_the_cadre(app, campaign):  # type: ignore[no-untyped-def]
    from feedback_app.domain.access import Principal, Role
    from feedback_app.services.responses.collect import record_assisted

    unit_id = campaign.communes[0].unit.parent_id
    cadre = Principal("can-bo-1", Role.OFFICER, unit_id=unit_id)
    code = codes_of(campaign, COMMUNE)[2]
    record_assisted(cadre, campaign.key, COMMUNE, code, all_answers(campaign), str(uuid.uuid4()))
    response = db.session.scalar(db.select(Response))
    assert response is not None and (response.collector, response.channel) == ("can-bo-1", "assisted")
