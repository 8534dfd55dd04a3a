"""SMS invitations from the web (/committee/campaigns/<key>/invitations): upload a numbers file for
a commune or a village, preview the message and the counts, send through the same service as
`sms invite` (the fake SMS backend, the in-process queue), follow the progress; the numbers never
reach the database; scope and bad input are refused with a 4xx."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback_app.clock import local_today
from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.models import SmsInvitationRun, Unit
from feedback_app.services.sms import web_invites
from feedback_app.services.sms.numbers import hash_of, set_opted_out
from feedback_app.services.sms.sending import record_send
from feedback_app.services.units.villages import add_village

from ..committee_support import csrf_token, logged_in, make_account

PAGE = "/committee/campaigns/test-campaign/invitations"
STATEMENT = "These households gave their numbers at the village meeting to receive the survey by SMS."
NUMBERS = ("sdt\n0912345678\n0912 345 678\n+84 162 345 6789\nhello\n0987654321\n"
           "02439876543\n0981111222\n")


def _officer(client, unit: str = "12", role: str = "officer", name: str = "tinh-lai-chau"):  # type: ignore[no-untyped-def]
    make_account(name, unit, role)
    return logged_in(client, name)


def _upload(client, text: str | bytes = NUMBERS, place: str = "03390", language: str = "vi",
            filename: str = "numbers.csv"):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(PAGE).text)
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(f"{PAGE}/preview", data={
        "csrf_token": token, "place": place, "language": language,
        "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or re.search(
        rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    assert found, f"no hidden {name}"
    return found.group(1)


def _send(client, preview_html: str, **overrides: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(preview_html), "place": _hidden(preview_html, "place"),
            "language": _hidden(preview_html, "language"), "numbers": _hidden(preview_html, "numbers"),
            "lawful_basis": "consent", "statement": STATEMENT, "confirm": "y", **overrides}
    return client.post(f"{PAGE}/send", data=data)


def _count(html: str, name: str) -> str:
    found = re.search(rf'id="count-{name}"><dt>[^<]*</dt><dd>([^<]*)</dd>', html)
    assert found, name
    return found.group(1)


def _unit_id(code: str) -> int:
    return db.session.scalars(select(Unit.id).filter_by(code=code)).one()


def _dump_database() -> str:
    return "\n".join(str(row) for table in db.metadata.sorted_tables
                     for row in db.session.execute(table.select()))


def test_preview_shows_the_exact_message_and_the_counts(client, campaign):  # type: ignore[no-untyped-def]
    _officer(client)
    set_opted_out(hash_of("+84987654321"), True)
    record_send(hash_of("+84981111222"))
    db.session.commit()
    response = _upload(client)
    assert response.status_code == 200, response.text
    html = response.text
    assert "no-store" in response.headers["Cache-Control"]
    message = re.search(r'id="sms-text" lang="vi">([^<]*)<', html)
    assert message and message.group(1).startswith("Mat tran To quoc xa Binh Lu moi ong/ba")
    assert re.search(r'id="sms-parts">GSM-7, 1 [^<]*<', html)
    assert _count(html, "valid") == "4"  # 0912345678, 0323456789, 0987654321, 0981111222
    assert _count(html, "invalid") == "2"  # "hello" and the landline; "sdt" is the header
    assert _count(html, "duplicates") == "1"
    assert _count(html, "opted-out") == "1"
    assert _count(html, "recent") == "1"
    assert _count(html, "to-send") == "3"
    problems = re.findall(r"<li>([^<]*)</li>", html.split('id="line-problems"')[1].split("</ul>")[0])
    assert [p.split(":")[0] for p in problems] == ["Dòng 5", "Dòng 7"]
    # No number in clear on the page but inside the sealed token.
    assert "0912345678" not in html.replace(_hidden(html, "numbers"), "")


def test_send_goes_through_the_invites_service_and_stores_no_number(app, client, campaign, outbox):  # type: ignore[no-untyped-def]
    _officer(client)
    preview = _upload(client, "0912345678\n0987654321\n0912345678\n")
    response = _send(client, preview.text)
    assert response.status_code == 303, response.text
    app.extensions["task_queue"].join()
    assert sorted(m.to for m in outbox.sent) == ["+84912345678", "+84987654321"]
    assert all(m.body.startswith("Mat tran To quoc xa Binh Lu") for m in outbox.sent)
    db.session.expire_all()
    run = db.session.scalars(select(SmsInvitationRun)).one()
    assert (run.numbers, run.sent, run.failed, run.lawful_basis) == (2, 2, 0, "consent")
    assert run.unit.code == "03390" and run.consent_statement == STATEMENT
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert 'data-done="yes"' in page.text and 'http-equiv="refresh"' not in page.text
    dump = _dump_database()
    for form in ("912345678", "987654321"):
        assert form not in dump


def test_progress_page_refreshes_while_invitations_wait(client, campaign):  # type: ignore[no-untyped-def]
    _officer(client)
    run = SmsInvitationRun(campaign_id=campaign.id, language="vi", numbers=5, skipped_opted_out=0,
                           rate=1, sent=2, failed=1, run_key="1-x")
    db.session.add(run)
    db.session.commit()
    page = client.get(f"{PAGE}/{run.id}")
    assert page.status_code == 200
    assert 'http-equiv="refresh" content="5"' in page.text
    assert re.search(r'id="progress-queued"><dt>[^<]*</dt><dd>2<', page.text)
    assert "<script>" not in page.text  # no inline script (CSP)


def test_a_village_is_a_place_and_rows_of_another_commune_are_refused(client, campaign):  # type: ignore[no-untyped-def]
    _officer(client)
    commune_officer = Principal("xa-binh-lu", role=Role.OFFICER, unit_id=_unit_id("03390"))
    add_village(commune_officer, "03390", {"name": "Thôn Nà Sài", "households": "30", "kind": "thon"})
    db.session.commit()
    page = client.get(PAGE).text
    assert 'value="03390/03390001"' in page
    response = _upload(client, "number,commune\n0912345678,03390\n0987654321,03430\n", place="03390/03390001")
    assert response.status_code == 200
    assert _count(response.text, "valid") == "1" and _count(response.text, "invalid") == "1"
    assert "03430" in response.text


@pytest.mark.parametrize(("body", "status", "words"), [
    (b"", 422, "trống"),
    (b"\xff\xfe0\x009\x00", 422, "UTF-8"),
    (b"0912345678\n" * 20_000, 413, "KB"),
])
def test_bad_files_are_refused_with_a_clear_message(client, campaign, body, status, words):  # type: ignore[no-untyped-def]
    _officer(client)
    response = _upload(client, body)
    assert response.status_code == status
    assert words in response.text
    assert 'id="invite-problem"' in response.text or status == 413


def test_unknown_place_expired_token_and_missing_confirmation(client, campaign):  # type: ignore[no-untyped-def]
    _officer(client)
    assert _upload(client, place="99999").status_code == 422  # not one of the choices
    preview = _upload(client, "0912345678\n").text
    tampered = _send(client, preview, numbers="gAAAAAnot-a-token")
    assert tampered.status_code == 422 and 'id="invite-problem"' in tampered.text
    unconfirmed = _send(client, preview, confirm="")
    assert unconfirmed.status_code == 422 and 'id="invite-send-form"' in unconfirmed.text
    short = _send(client, preview, statement="ok")
    assert short.status_code == 422
    assert db.session.scalars(select(SmsInvitationRun)).first() is None
    no_csrf = client.post(f"{PAGE}/send", data={"place": "03390"})
    assert no_csrf.status_code == 400


def test_a_closed_campaign_shows_the_preview_without_a_send_button(client, make_campaign):  # type: ignore[no-untyped-def]
    make_campaign(opens_on=local_today() - timedelta(days=20), closes_on=local_today() - timedelta(days=1))
    _officer(client)
    response = _upload(client, "0912345678\n")
    assert response.status_code == 200
    assert 'id="invite-closed"' in response.text and 'id="invite-send-form"' not in response.text


@pytest.mark.parametrize(("unit", "role"), [("12", "viewer"), ("03390", "officer"), ("01", "officer")])
def test_viewers_communes_below_and_other_provinces_are_refused(client, campaign, unit, role):  # type: ignore[no-untyped-def]
    if unit == "01":
        from io import StringIO

        from feedback_app.services.units.importing import import_units

        import_units(StringIO(
            "scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,"
            "households,households_synthetic\n"
            "vn-2025,01,,province,municipality,Hà Nội,Thành phố Hà Nội,Ha Noi,Ha Noi City,,\n"))
        db.session.commit()
    _officer(client, unit, role, name=f"acct-{unit}-{role}")
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/1").status_code in (403, 404)


def test_the_manage_page_links_to_the_invitations(client, campaign):  # type: ignore[no-untyped-def]
    _officer(client)
    page = client.get("/committee/campaigns/test-campaign/manage").text
    assert f'href="{PAGE}"' in page


def test_sealed_rows_are_bound_to_the_account_and_place(app, campaign):  # type: ignore[no-untyped-def]
    from feedback_app.services.errors import Refused

    with app.test_request_context():
        principal = Principal("operator", role=Role.ADMIN, unit_id=_unit_id("12"))
        place = web_invites.place_of(principal, "test-campaign", "03390")
        other = web_invites.place_of(principal, "test-campaign", "03430")
        rows = web_invites.read_upload(b"0912345678\n", place).rows
        token = web_invites.seal_rows(7, place, "vi", rows)
        assert [r.number for r in web_invites.open_rows(token, 7, place, "vi")] == ["+84912345678"]
        for account, where, lang in ((8, place, "vi"), (7, other, "vi"), (7, place, "en")):
            with pytest.raises(Refused):
                web_invites.open_rows(token, account, where, lang)


def test_a_commune_campaign_is_sent_by_its_commune_not_by_a_sibling(client, make_campaign):  # type: ignore[no-untyped-def]
    make_campaign(unit_code="03390")
    _officer(client, "03430", name="xa-ta-leng")
    assert client.get(PAGE).status_code == 403
    client.post("/committee/logout", data={"csrf_token": csrf_token(client.get("/committee/").text)})
    _officer(client, "03390", name="xa-binh-lu")
    page = client.get(PAGE)
    assert page.status_code == 200 and 'value="03390"' in page.text and 'value="03430"' not in page.text


def test_the_village_is_named_on_the_preview_and_the_run(app, client, campaign, outbox):  # type: ignore[no-untyped-def]
    _officer(client)
    add_village(Principal("xa", role=Role.OFFICER, unit_id=_unit_id("03390")), "03390",
                {"name": "Thôn Nà Sài", "households": "30", "kind": "thon"})
    db.session.commit()
    preview = _upload(client, "0912345678\n", place="03390/03390001")
    assert "Cho Thôn Nà Sài, Xã Bình Lư" in preview.text
    response = _send(client, preview.text)
    assert response.status_code == 303
    app.extensions["task_queue"].join()
    assert "Cho Thôn Nà Sài, Xã Bình Lư" in client.get(response.headers["Location"]).text
    listed = client.get(PAGE).text
    assert 'id="invite-runs"' in listed and "Thôn Nà Sài" in listed
    db.session.expire_all()
    assert db.session.scalars(select(SmsInvitationRun)).one().unit.name == "Thôn Nà Sài"
