"""The province at a glance (/committee/campaigns/<key>/units/<code>/glance): every commune ×
every item in colour bands, for accounts of the province or above only; sorted and filtered by
query parameters; bad parameters refused with a 400 that says what to do."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from sqlalchemy import event

from feedback_app.extensions import db
from feedback_app.services.units.importing import import_units

from ..committee_support import logged_in, make_account
from ..reports_support import answered

# A third rural commune, whose name starts with Đ (sorted with D, not after Z), and a second
# province for a sibling account.
MORE_UNITS = """\
scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,households
vn-2025,03400,12,commune,commune,Đồng Mới,Xã Đồng Mới,Dong Moi,Dong Moi Commune,30
vn-2025,14,,province,province,Sơn La,Tỉnh Sơn La,Son La,Son La Province,
vn-2025,04000,14,commune,commune,Mường Bú,Xã Mường Bú,Muong Bu,Muong Bu Commune,10
"""
GROUPS = """\
scheme,code,parent_code,level,name,full_name,name_en,full_name_en,commune_group
vn-2025,03390,12,commune,Bình Lư,Xã Bình Lư,Binh Lu,Binh Lu Commune,1
vn-2025,03430,12,commune,Tả Lèng,Xã Tả Lèng,Ta Leng,Ta Leng Commune,3
"""


@pytest.fixture
def province(make_campaign):  # type: ignore[no-untyped-def]
    """Bình Lư: 30 answers, all satisfied. Tả Lèng: 10 answers, 6 satisfied (60 %) but c01 all
    satisfied. Đồng Mới: 3 answers (a small cell everywhere)."""
    import_units(StringIO(MORE_UNITS))
    db.session.commit()
    campaign = make_campaign(codes=0)
    answered(campaign, "03390", 30)
    answered(campaign, "03430", 6)
    answered(campaign, "03430", 4, value=2, c01=1)
    answered(campaign, "03400", 3)
    make_account("tinh-12", "12", role="viewer")
    return campaign


def url(campaign, code: str = "12", query: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/committee/campaigns/{campaign.key}/units/{code}/glance{query}"


def order(html: str) -> list[str]:
    return re.findall(r'<tr data-code="(\d+)"', html)


def row(html: str, code: str) -> str:
    return html.split(f'<tr data-code="{code}"', 1)[1].split("</tr>", 1)[0]


def test_a_province_account_reads_every_commune_against_every_item(client, province):  # type: ignore[no-untyped-def]
    page = logged_in(client, "tinh-12").get(url(province))
    assert page.status_code == 200, page.text
    assert order(page.text) == ["03390", "03400", "03430"]  # Bình, Đồng, Tả: Đ sorts as D
    assert "03388" not in order(page.text)  # the ward is not surveyed
    binh_lu = row(page.text, "03390")
    assert binh_lu.count("band band-5") == 20  # overall + 19 items, all at 100 %
    assert "100,0\xa0%" in binh_lu and "75\xa0%" in binh_lu  # 30 of 40 households gave a valid answer
    ta_leng = row(page.text, "03430")
    assert 'data-item="overall" title' in ta_leng and "60,0\xa0%" in ta_leng
    assert re.search(r'class="band band-1" data-item="overall"', ta_leng)  # 60 %: under 70 %
    assert re.search(r'class="band band-5" data-item="c01"', ta_leng)  # c01: 10 of 10
    small = row(page.text, "03400")
    assert "band band-" not in small and small.count('class="small-cell"') == 20
    assert "3/30" in small  # its coverage still said: 3 answers of 30 households
    legend = page.text.split('id="legend"', 1)[1].split("</section>", 1)[0]
    for words in ("từ 90\xa0% đến dưới 95\xa0%", "dưới 70\xa0%", "95\xa0% trở lên", "ít hơn 5"):
        assert words in legend, words
    pooled = page.text.split('id="pooled"', 1)[1].split("</tr>", 1)[0]
    assert "43/95" in pooled  # 30 + 10 + 3 answers of 40 + 25 + 30 households
    assert 'id="group"' not in page.text  # no commune carries a group: no filter, no column
    english = client.get(url(province, query="?lang=en")).text
    assert "from 90% to under 95%" in english and "at a glance" in english


def test_the_province_s_dashboard_links_to_it_and_a_commune_s_does_not(client, province):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-12")
    assert url(province) in client.get(f"/committee/campaigns/{province.key}/units/12").text
    assert "/glance" not in client.get(f"/committee/campaigns/{province.key}/units/03390").text


@pytest.mark.parametrize(("username", "unit", "status"), [
    ("xa-03390", "03390", 403),  # a commune of the province: not above its siblings
    ("tinh-14", "14", 403),  # a sibling province
    ("trung-uong", "VN", 200),  # the central committee, above the province
])
def test_only_the_province_and_above_read_it(client, province, username, unit, status):  # type: ignore[no-untyped-def]
    make_account(username, unit)
    page = logged_in(client, username).get(url(province, query="?lang=en"))
    assert page.status_code == status, page.text
    if status == 403:
        assert "03430" not in page.text and "band-" not in page.text


def test_a_visitor_without_login_is_sent_to_the_login_page(client, province):  # type: ignore[no-untyped-def]
    page = client.get(url(province))
    assert page.status_code in (302, 303) and "/committee/login" in page.headers["Location"]


def test_a_commune_has_no_glance_page(client, province):  # type: ignore[no-untyped-def]
    page = logged_in(client, "tinh-12").get(url(province, "03390", "?lang=en"))
    assert page.status_code == 404
    assert "read at a province" in page.text


@pytest.mark.parametrize(("query", "words"), [
    ("?sort=nonsense", "Unknown column to sort by"),
    ("?sort=c99", "Unknown column to sort by"),
    ("?sort=%3Cscript%3E", "could not be read: sort"),
    ("?dir=up", "could not be read: dir"),
    ("?group=4", "could not be read: group"),
    ("?paper=a5", "could not be read: paper"),
])
def test_bad_parameters_are_refused_with_what_to_do(client, province, query, words):  # type: ignore[no-untyped-def]
    page = logged_in(client, "tinh-12").get(url(province, query=query + "&lang=en"))
    assert page.status_code == 400, page.text
    assert words in page.text and "<script>" not in page.text


def test_sorted_by_any_column_either_way_with_small_cells_last(client, province):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-12")
    assert order(client.get(url(province, query="?sort=name&dir=desc")).text) == ["03430", "03400", "03390"]
    # overall: Tả Lèng 60 % < Bình Lư 100 %; Đồng Mới has too few answers, last either way
    assert order(client.get(url(province, query="?sort=overall")).text) == ["03430", "03390", "03400"]
    descending = client.get(url(province, query="?sort=overall&dir=desc")).text
    assert order(descending) == ["03390", "03430", "03400"]
    # c01: both at 100 %: ties stay alphabetical in both directions
    assert order(client.get(url(province, query="?sort=c01&dir=desc")).text) == ["03390", "03430", "03400"]
    assert order(client.get(url(province, query="?sort=c02")).text) == ["03430", "03390", "03400"]
    # coverage: Đồng Mới 10 %, Tả Lèng 40 %, Bình Lư 75 % (every commune has one)
    assert order(client.get(url(province, query="?sort=coverage")).text) == ["03400", "03430", "03390"]
    page = client.get(url(province, query="?sort=overall&dir=desc")).text
    heading = page.split('aria-sort="descending"', 1)[1].split("</th>", 1)[0]
    assert 'data-sort="overall"' in heading
    # the sorted column's link reverses it; another column's starts ascending
    assert f'href="{url(province)}?sort=overall&amp;dir=asc"' in page
    assert f'href="{url(province)}?sort=c01&amp;dir=asc"' in page


def test_filtered_by_commune_group_when_the_communes_carry_it(client, province):  # type: ignore[no-untyped-def]
    import_units(StringIO(GROUPS))
    db.session.commit()
    logged_in(client, "tinh-12")
    every = client.get(url(province)).text
    assert '<select id="group" name="group">' in every
    assert re.findall(r'<option value="(\d)"', every) == ["1", "3"]  # the groups the communes carry
    assert '<td class="group">1</td>' in row(every, "03390")
    assert '<td class="group">–</td>' in row(every, "03400")
    third = client.get(url(province, query="?group=3&sort=overall")).text
    assert order(third) == ["03430"]
    pooled = third.split('id="pooled"', 1)[1].split("</tr>", 1)[0]
    assert "10/25" in pooled and "60,0\xa0%" in pooled  # the pool of group 3 alone
    assert f"{url(province)}?sort=c01&amp;dir=asc&amp;group=3" in third  # sorting keeps the filter
    assert order(client.get(url(province, query="?group=2")).text) == []
    assert order(client.get(url(province, query="?sort=group")).text) == ["03390", "03430", "03400"]


def test_the_page_reads_the_counters_in_the_same_few_queries_whatever_the_communes(client, make_campaign):  # type: ignore[no-untyped-def]
    lines = ["scheme,code,parent_code,level,unit_type,name,households"]
    lines += [f"vn-2025,{5000 + n},12,commune,commune,Xã {n},50" for n in range(30)]
    import_units(StringIO("\n".join(lines) + "\n"))
    db.session.commit()
    campaign = make_campaign(codes=0)
    for code in ("03390", "03430", "5000", "5011", "5029"):
        answered(campaign, code, 6)
    make_account("tinh-12", "12")
    logged_in(client, "tinh-12")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(url(campaign))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.status_code == 200 and len(order(page.text)) == 32
    assert len(statements) <= 15, "\n".join(statements)  # 11 today; a query per commune: 32 more
