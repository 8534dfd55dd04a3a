"""A commune's officers keep its villages in the web (add, rename, merge, retire, CSV import, all
or nothing), issue household codes from that register, print slips per village, and collect per
village; a campaign's register is a copy taken when its codes are first issued."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import Campaign, CampaignCommune, HouseholdCode, Response, Unit, UnitSuccession
from feedback_app.services.campaigns.setup import campaign_commune, get_campaign, issue_codes

from ..committee_support import csrf_token, logged_in, make_account, post_action
from ..indices_support import submit

VILLAGES = "/committee/communes/03390/villages"


def _officer(client, unit: str = "03390", role: str = "officer", name: str = "xa-binh-lu"):  # type: ignore[no-untyped-def]
    make_account(name, unit, role)
    return logged_in(client, name)


def _post(client, url: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(VILLAGES).text)
    return client.post(url, data={"csrf_token": token, **data})


def _add(client, name: str, households: int, kind: str = "thon"):  # type: ignore[no-untyped-def]
    response = _post(client, VILLAGES, name=name, households=str(households), kind=kind)
    assert response.status_code == 303, response.text
    return response


def _village(name: str) -> Unit:
    return db.session.scalars(select(Unit).filter_by(level="village", name=name)).one()


def _commune() -> Unit:
    return db.session.scalars(select(Unit).filter_by(code="03390")).one()


def test_officer_adds_renames_merges_and_retires_villages(client, units):  # type: ignore[no-untyped-def]
    _officer(client)
    assert 'id="no-villages"' in client.get(VILLAGES).text
    _add(client, "Thôn Nà Sài", 30)
    _add(client, "Bản Hoàng Hồ", 22, "ban")
    _add(client, "Thôn Séo", 8)
    db.session.expire_all()
    assert _commune().households == 60  # the sum of its villages', not the imported 40
    na_sai = _village("Thôn Nà Sài")
    assert na_sai.code == "03390001" and na_sai.parent.code == "03390" and na_sai.scheme == "vn-2025"

    response = _post(client, f"{VILLAGES}/{na_sai.code}", name="Thôn Nà Sài 1", households="31", kind="thon")
    assert response.status_code == 303
    seo = _village("Thôn Séo")
    hoang_ho = _village("Bản Hoàng Hồ")
    assert _post(client, f"{VILLAGES}/{seo.code}/merge", into=hoang_ho.code).status_code == 303
    db.session.expire_all()
    assert (_village("Bản Hoàng Hồ").households, _commune().households) == (30, 61)
    assert seo.valid_to == local_today()
    link = db.session.scalars(select(UnitSuccession).filter_by(old_unit_id=seo.id)).one()
    assert (link.new_unit_id, link.share) == (hoang_ho.id, "whole")

    assert _post(client, f"{VILLAGES}/{hoang_ho.code}/retire").status_code == 303
    db.session.expire_all()
    assert _commune().households == 31
    page = client.get(VILLAGES + "?lang=en").text
    assert "Thôn Nà Sài 1" in page and "1 village, 31 registered households" in page.replace("\n", " ")
    assert re.search(r'id="retired">.*Bản Hoàng Hồ.*Thôn Séo', page, re.S)
    # A retired village's code is not reused.
    _add(client, "Thôn Mới", 5)
    assert _village("Thôn Mới").code == "03390004"


def test_bad_input_is_refused_with_what_to_correct(client, units):  # type: ignore[no-untyped-def]
    _officer(client)
    _add(client, "Thôn Nà Sài", 30)
    taken = _post(client, VILLAGES + "?lang=en", name="thôn nà sài", households="3")
    assert taken.status_code == 409 and "There is already a village named thôn nà sài" in taken.text
    bad = _post(client, VILLAGES + "?lang=en", name="Thôn B", households="-4")
    assert bad.status_code == 422 and "whole number from 0 to 100,000" in bad.text
    assert 'value="Thôn B"' in bad.text  # what was typed is kept
    assert db.session.scalars(select(Unit).filter_by(level="village")).all() == [_village("Thôn Nà Sài")]


def _import(client, content: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(VILLAGES).text)
    return client.post(f"{VILLAGES}/import?lang={lang}", data={
        "csrf_token": token, "file": (io.BytesIO(content.encode("utf-8")), "villages.csv")},
        content_type="multipart/form-data")


def test_csv_import_is_all_or_nothing_with_line_numbers(client, units):  # type: ignore[no-untyped-def]
    _officer(client)
    refused = _import(client, "name,households\nThôn 1,20\nThôn 2,abc\nThôn 1,4\nThôn 3,\n")
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.text
    assert "Line 3: the households are a whole number" in refused.text
    assert "Line 4: the name Thôn 1 repeats line 2" in refused.text
    assert "Line 5: the households" in refused.text
    assert db.session.scalars(select(Unit).filter_by(level="village")).all() == []
    assert _import(client, "name\nThôn 1\n").status_code == 422

    done = _import(client, "\ufeffname,households,kind\nThôn 1,20,thon\nBản 2,15,ban\n")
    assert done.status_code == 303
    assert "2 villages added" in client.get(VILLAGES + "?lang=en").text
    code = _village("Thôn 1").code
    again = _import(client, f"code,name,households\n{code},Thôn Một,21\n,Bản 2,15\n,Ấp 3,7\n")
    assert again.status_code == 303
    db.session.expire_all()
    assert sorted((v.code, v.name, v.households) for v in
                  db.session.scalars(select(Unit).filter_by(level="village"))) == [
        ("03390001", "Thôn Một", 21), ("03390002", "Bản 2", 15), ("03390003", "Ấp 3", 7)]
    assert _commune().households == 43


def test_scope_and_role_are_enforced_on_the_server(client, units):  # type: ignore[no-untyped-def]
    _officer(client, "03430", name="xa-ta-leng")
    assert client.get(VILLAGES).status_code == 403
    token = csrf_token(client.get("/committee/").text)
    refused = client.post(VILLAGES, data={"csrf_token": token, "name": "X", "households": "3"})
    assert refused.status_code == 403
    assert db.session.scalars(select(Unit).filter_by(level="village")).all() == []


def test_a_viewer_reads_the_villages_and_changes_nothing(client, units):  # type: ignore[no-untyped-def]
    client2 = _officer(client, role="viewer", name="viewer")
    assert client2.get(VILLAGES).status_code == 200
    token = csrf_token(client2.get(VILLAGES).text)
    refused = client2.post(VILLAGES, data={"csrf_token": token, "name": "X", "households": "3"})
    assert refused.status_code == 403
    assert db.session.scalars(select(Unit).filter_by(level="village")).all() == []


def _campaign(client) -> Campaign:  # type: ignore[no-untyped-def]
    today = local_today()
    token = csrf_token(client.get("/committee/campaigns/new").text)
    response = client.post("/committee/campaigns/new", data={
        "csrf_token": token, "key": "xa-binh-lu-2026", "survey": "ntm-commune",
        "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=20)).isoformat(),
        "min_coverage": "70", "threshold": "85", "household_codes": "y"})
    assert response.status_code == 303, response.text
    return get_campaign("xa-binh-lu-2026")


MANAGE = "/committee/campaigns/xa-binh-lu-2026/manage"
CODES = "/committee/campaigns/xa-binh-lu-2026/communes/03390/codes"
SLIPS = "/committee/campaigns/xa-binh-lu-2026/communes/03390/slips"


def _issue(client, **form: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(MANAGE).text)
    return client.post(CODES, data={"csrf_token": token, **form})


def test_codes_from_the_register_slips_per_village_and_the_snapshot(client, units):  # type: ignore[no-untyped-def]
    _officer(client)
    _add(client, "Thôn Nà Sài", 3)
    _add(client, "Bản Hoàng Hồ", 2, "ban")
    _campaign(client)
    # Before any code: the slips page says what to do next, and the manage page too.
    empty = client.get(SLIPS + "?lang=en")
    assert empty.status_code == 200 and 'id="no-slips"' in empty.text
    assert "No household code has been issued here yet" in empty.text and "/manage#codes-03390" in empty.text
    next_step = ("No household code yet. Next: issue one code per registered household "
                 "(5 households in 2 villages)")
    assert next_step in client.get(MANAGE + "?lang=en").text

    assert _issue(client, how="register").status_code == 303
    na_sai, hoang_ho = _village("Thôn Nà Sài"), _village("Bản Hoàng Hồ")
    rows = db.session.execute(select(HouseholdCode.village_id)).scalars().all()
    assert sorted(rows) == sorted([na_sai.id] * 3 + [hoang_ho.id] * 2)
    assert _issue(client, how="register").status_code == 303  # nothing more: every household has one
    assert db.session.query(HouseholdCode).count() == 5
    assert _issue(client, how="count", count="2", village=hoang_ho.code).status_code == 303
    assert db.session.query(HouseholdCode).filter_by(village_id=hoang_ho.id).count() == 4

    # The register is a copy: later edits do not change this campaign's denominators.
    _post(client, f"{VILLAGES}/{na_sai.code}", name="Thôn Nà Sài", households="50", kind="thon")
    _add(client, "Thôn Mới", 9)
    db.session.expire_all()
    commune = campaign_commune(get_campaign("xa-binh-lu-2026"), "03390")
    assert commune.households == 5 and _commune().households == 61
    new = _issue(client, how="register", village=_village("Thôn Mới").code)
    assert new.status_code == 409
    assert _issue(client, how="register").status_code == 303
    assert db.session.query(HouseholdCode).count() == 7  # still the register's 3 + 2 (+ 2 more)

    # Slips: a bundle per village, its cover with the name and the count; one village's alone.
    page = client.get(SLIPS + "?lang=en").text
    covers = re.findall(r'<section class="page cover" data-village="(\d+)">.*?<h1>(.*?)</h1>.*?'
                        r'<p class="count">(\d+) slips?', page, re.S)
    assert covers == [(na_sai.code, "Thôn Nà Sài", "3"), (hoang_ho.code, "Bản Hoàng Hồ", "4")]
    one = client.get(SLIPS + f"?village={hoang_ho.code}&lang=en").text
    assert one.count('class="slip"') == 4 and one.count('<span class="village">Bản Hoàng Hồ</span>') == 4
    assert "Thôn Nà Sài" not in one

    manage = client.get(MANAGE + "?lang=en").text
    row = re.search(rf'data-village="{na_sai.code}">(.*?)</tr>', manage, re.S)
    assert row and re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))[:4] == ["3", "3", "0", "0.0%"]

    # A resident answers with one of the village's codes: it is used, the reprint leaves it out.
    code = db.session.scalars(select(HouseholdCode.code).filter_by(village_id=na_sai.id)).first()
    submit(get_campaign("xa-binh-lu-2026"), code=code)
    db.session.commit()
    assert db.session.scalars(select(Response.village_id)).one() == na_sai.id
    reprint = client.get(SLIPS + f"?village={na_sai.code}&unused=1&lang=en").text
    assert reprint.count('class="slip"') == 2 and "unused codes only" in reprint
    manage = client.get(MANAGE + "?lang=en").text
    row = re.search(rf'data-village="{na_sai.code}">(.*?)</tr>', manage, re.S)
    assert row and re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))[:4] == ["3", "3", "1", "33.3%"]


def test_issue_codes_for_a_commune_without_villages_is_as_before(make_campaign):  # type: ignore[no-untyped-def]
    campaign = make_campaign(codes=0)
    commune = campaign_commune(campaign, "03390")
    assert issue_codes(campaign, commune) == 40
    db.session.commit()
    assert db.session.scalars(select(CampaignCommune.registered_at).filter_by(id=commune.id)).one()
    assert db.session.query(HouseholdCode).filter(HouseholdCode.village_id.is_not(None)).count() == 0


def test_collect_page_per_village_takes_only_its_codes(app, client, units):  # type: ignore[no-untyped-def]
    _officer(client)
    _add(client, "Thôn Nà Sài", 1)
    _add(client, "Bản Hoàng Hồ", 1)
    _campaign(client)
    _issue(client, how="register")
    na_sai, hoang_ho = _village("Thôn Nà Sài"), _village("Bản Hoàng Hồ")
    url = f"/committee/collect/xa-binh-lu-2026/03390?village={na_sai.code}&lang=en"
    page = client.get(url)
    assert page.status_code == 200 and "Thôn Nà Sài, Binh Lu Commune" in page.text
    other = db.session.scalars(select(HouseholdCode.code).filter_by(village_id=hoang_ho.id)).one()
    answers = {item: "1" for item in re.findall(r'name="(q[^"]+)"', page.text)}
    response = client.post(url, data={"csrf_token": csrf_token(page.text), "household_code": other,
                                      "rid": "8d0f5a7e-1c1b-4c3e-9f1e-2b7a4c1d9e01", **answers})
    assert response.status_code == 422 and "another village" in response.text
    # The village's own cadre, whose account is the village's, may collect there and only there.
    make_account("thon-na-sai", na_sai.code, "officer")
    post_action(client, "/committee/", "/committee/logout")
    cadre = logged_in(client, "thon-na-sai")
    assert cadre.get(url).status_code == 200
    assert cadre.get(f"/committee/collect/xa-binh-lu-2026/03390?village={hoang_ho.code}").status_code == 403
    assert cadre.get("/committee/collect/xa-binh-lu-2026/03390").status_code == 403


def test_the_commune_dashboard_drills_down_to_its_villages(client, units):  # type: ignore[no-untyped-def]
    _officer(client)
    _add(client, "Thôn Nà Sài", 3)
    _add(client, "Bản Hoàng Hồ", 2, "ban")
    _campaign(client)
    dashboard = "/committee/campaigns/xa-binh-lu-2026/units/03390?lang=en"
    assert 'id="villages-drilldown"' not in client.get(dashboard).text  # no register before codes
    _issue(client, how="register")
    na_sai = _village("Thôn Nà Sài")
    for code in db.session.scalars(select(HouseholdCode.code).filter_by(village_id=na_sai.id)).all():
        submit(get_campaign("xa-binh-lu-2026"), code=code)
    db.session.commit()
    page = client.get(dashboard).text
    row = re.search(rf'<tr data-code="{na_sai.code}">(.*?)</tr>', page, re.S)
    assert row, page
    cells = [re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r'<td data-label="[^"]+">(.*?)</td>', row.group(1), re.S)]
    assert cells[:3] == ["3 / 3", "100.0%", "100.0% *"]  # the rate of 3 valid answers is starred
    assert "Meets the threshold" in cells[3]
    hoang_ho = re.search(r'<tr data-code="03390002">(.*?)</tr>', page, re.S)
    assert hoang_ho and "0 / 2" in hoang_ho.group(1) and "Not enough households answered" in hoang_ho.group(1)
    assert "Fewer than 5 valid answers: not shown publicly." in page
