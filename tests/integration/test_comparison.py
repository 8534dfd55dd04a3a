"""The comparison with an earlier round through the database: setting the campaign followed, and
the earlier figures summed over the former communes of each commune now (services.indices.
comparison), checked against an independent count of the stored answers."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedback_app.domain.access import Principal, Role
from feedback_app.domain.comparison import Noise
from feedback_app.domain.index import Tally
from feedback_app.extensions import db
from feedback_app.models import Answer, CampaignFollows, Response, Unit
from feedback_app.models.follows import ImmutableFollows
from feedback_app.services.campaigns.follows import candidates, followed, history, set_follows
from feedback_app.services.campaigns.setup import get_campaign
from feedback_app.services.errors import Refused
from feedback_app.services.indices.comparison import Unmatched, earlier_round
from feedback_app.services.indices.index import campaign_index
from feedback_app.services.responses.record import Channel, Submission, record_response
from feedback_app.services.units.succession import import_successions

from ..indices_support import LEGACY_CSV, NEW_CSV, SUCCESSION_CSV, import_csv, submit
from ..support import all_answers, past

# A former town of Bình Lư: a rural survey does not survey it, so the earlier figures lack it.
TOWN_CSV = """scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,households
vn-legacy,03395,105,commune,commune_level_town,Tam Đường,Thị trấn Tam Đường,Tam Duong,Tam Duong Township,8
"""
TOWN_SUCCESSION = """level,old_scheme,old_code,new_scheme,new_code,share,effective
commune,vn-legacy,03395,vn-2025,03390,whole,2025-07-01
"""


@pytest.fixture
def rounds(make_campaign):  # type: ignore[no-untyped-def]
    """An earlier round over the former Lai Châu (legacy units) and this round over today's."""
    import_csv(LEGACY_CSV)
    import_csv(TOWN_CSV)
    import_csv(NEW_CSV)
    import_successions(SUCCESSION_CSV.splitlines(keepends=True))
    import_successions(TOWN_SUCCESSION.splitlines(keepends=True))
    db.session.commit()
    earlier = make_campaign(key="earlier", scheme="vn-legacy", unit_code="12", codes=0,
                            opens_on=past(400), closes_on=past(370))
    now = make_campaign(key="now", codes=0)
    return earlier, now


def _principal(unit_code: str, role: Role = Role.OFFICER) -> Principal:
    unit = db.session.scalars(select(Unit).filter_by(scheme="vn-2025", code=unit_code)).one()
    return Principal(f"mttq-{unit_code}", role, unit.id, "vn-2025", unit_code)


def _answer_earlier(earlier) -> None:  # type: ignore[no-untyped-def]
    """Record the earlier round's answers while it was open (its dates are in the past)."""
    plan = {"03391": [1] * 6, "03392": [1] * 5 + [2], "03393": [2] * 7, "03394": [1] * 2}
    for commune, values in plan.items():
        for value in values:
            record_response(Submission(campaign_key=earlier.key, channel=Channel.WEB,
                                       answers=all_answers(earlier, value), client_uuid=str(uuid.uuid4()),
                                       commune_code=commune), today=earlier.opens_on + timedelta(days=1))
    db.session.commit()


def _independent_overall(campaign_id: int, commune_codes: list[str]) -> Tally:
    """satisfied / valid on the overall question, counted from the stored answers themselves."""
    where = (Response.campaign_id == campaign_id, Unit.code.in_(commune_codes), Answer.item_id == "overall")
    base = select(func.count()).select_from(Answer).join(Response).join(Unit, Unit.id == Response.commune_id)
    valid = db.session.scalar(base.where(*where, Answer.value != 0))
    satisfied = db.session.scalar(base.where(*where, Answer.value == 1))
    return Tally(satisfied or 0, valid or 0)


def test_earlier_figures_are_the_former_communes_summed(rounds):  # type: ignore[no-untyped-def]
    earlier, now = rounds
    _answer_earlier(earlier)
    for value in [1] * 9 + [2]:
        submit(now, "03390", value=value)
    db.session.commit()
    set_follows(_principal("12"), now.key, earlier.key)
    db.session.commit()

    index = campaign_index(now.key)
    result = earlier_round(now, index.unit(index.root), index.root.figures.counts, index.survey)
    assert result is not None and result.reexpressed
    # 2025 Bình Lư = former Bình Lư (03391) + Nà Tăm (03392), both whole: 11 of 12 then.
    then = result.change.overall.then
    assert then == _independent_overall(earlier.id, ["03391", "03392"]) == Tally(11, 12)
    assert result.change.overall.now == Tally(9, 10)
    assert result.change.overall.noise is Noise.WITHIN
    # Same survey: every item is compared, summed the same way.
    assert len(result.change.items) == 19
    assert result.change.items[0].change.then == Tally(11, 12)
    # Tả Lèng and Hồ Thầu got parts of the split former Tả Lèng: not compared, and listed.
    listed = {(u.unit.scheme, u.unit.code): u for u in result.unmatched}
    assert listed[("vn-legacy", "03393")].why is Unmatched.SPLIT
    assert listed[("vn-2025", "03430")].why is Unmatched.PART_OF_SPLIT
    assert listed[("vn-2025", "03440")].why is Unmatched.PART_OF_SPLIT
    town = listed[("vn-2025", "03390")]
    assert town.why is Unmatched.FORMER_NOT_SURVEYED and [u.code for u in town.former] == ["03395"]
    assert (result.matched, result.communes) == (1, 3) and not result.complete


def test_a_commune_dashboard_compares_that_commune_only(rounds):  # type: ignore[no-untyped-def]
    earlier, now = rounds
    _answer_earlier(earlier)
    set_follows(_principal("12"), now.key, earlier.key)
    index = campaign_index(now.key, "03430")
    result = earlier_round(now, index.unit(index.root), index.root.figures.counts, index.survey)
    assert result is not None
    assert result.change.overall.then == Tally()  # nothing can be carried over: a split
    assert result.change.overall.noise is Noise.UNKNOWN
    assert {(u.unit.code, u.why) for u in result.unmatched} == {
        ("03430", Unmatched.PART_OF_SPLIT), ("03393", Unmatched.SPLIT)}


def test_same_units_compare_completely(make_campaign):  # type: ignore[no-untyped-def]
    earlier = make_campaign(key="last-year", codes=0, opens_on=past(380), closes_on=past(350),
                            survey_id="ntm-xa-2026")
    now = make_campaign(key="this-year", codes=0, survey_id="ntm-xa-2026")
    set_follows(_principal("12"), now.key, earlier.key)
    index = campaign_index(now.key)
    result = earlier_round(now, index.unit(index.root), index.root.figures.counts, index.survey)
    assert result is not None and result.complete and not result.reexpressed
    assert (result.matched, result.communes) == (2, 2)
    assert [c.item for c in result.change.items] == [f"c{n:02d}" for n in range(1, 11)]


def test_which_campaigns_may_be_followed(rounds, make_campaign):  # type: ignore[no-untyped-def]
    _earlier, now = rounds
    later = make_campaign(key="later", codes=0, opens_on=now.opens_on + timedelta(days=5))
    commune = make_campaign(key="commune-only", unit_code="03390", codes=0, opens_on=past(300),
                            closes_on=past(290))
    assert [c.key for c in candidates(now)] == ["earlier"]  # a predecessor unit's; not later, not a commune's
    officer = _principal("12")
    for key, reason in (("now", "follows_itself"), ("later", "follows_not_earlier"),
                        ("commune-only", "follows_other_unit"), ("nothing-like-it", "follows_unknown")):
        with pytest.raises(Refused) as refused:
            set_follows(officer, now.key, key)
        assert (refused.value.reason, refused.value.status) == (reason, 422)
    assert followed(now) is None and commune.key == "commune-only" and later.key == "later"


def test_only_officers_of_the_campaigns_unit_set_it(rounds):  # type: ignore[no-untyped-def]
    earlier, now = rounds
    for principal, reason in ((_principal("12", Role.VIEWER), "role_too_low"),
                              (_principal("03390"), "out_of_scope")):
        with pytest.raises(Refused) as refused:
            set_follows(principal, now.key, earlier.key)
        assert refused.value.reason == reason
    assert followed(now) is None


def test_every_setting_is_kept_with_who_and_when(rounds):  # type: ignore[no-untyped-def]
    earlier, now = rounds
    officer = _principal("12")
    set_follows(officer, now.key, earlier.key)
    set_follows(officer, now.key, None)
    db.session.commit()
    assert followed(now) is None
    entries = history(now)
    assert [(e.earlier_campaign_id, e.actor_username) for e in entries] == [
        (None, "mttq-12"), (earlier.id, "mttq-12")]
    assert entries[0].actor_unit == "vn-2025:12"
    entries[1].earlier_campaign_id = None
    with pytest.raises(ImmutableFollows):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CampaignFollows)) == 2


def test_cli_sets_shows_and_clears_it(rounds, runner):  # type: ignore[no-untyped-def]
    _earlier, now = rounds
    shown = runner.invoke(args=["campaigns", "follows", "now"])
    assert shown.exit_code == 0 and "follows no earlier round" in shown.output and "earlier" in shown.output
    done = runner.invoke(args=["campaigns", "follows", "now", "earlier"])
    assert done.exit_code == 0, done.output
    assert followed(now).key == "earlier"  # type: ignore[union-attr]
    assert history(now)[0].actor_username.startswith("shell:")
    refused = runner.invoke(args=["campaigns", "follows", "earlier", "now"])
    assert refused.exit_code == 1 and "follows other unit" in refused.output  # not a successor
    cleared = runner.invoke(args=["campaigns", "follows", "now", "--none"])
    assert cleared.exit_code == 0 and followed(now) is None


def test_cli_create_follows(rounds, runner):  # type: ignore[no-untyped-def]
    _earlier, _ = rounds
    made = runner.invoke(args=["campaigns", "create", "--key", "next-round", "--unit", "12",
                               "--opens", "2027-03-01", "--closes", "2027-03-20", "--follows", "earlier"])
    assert made.exit_code == 0, made.output
    assert followed(get_campaign("next-round")).key == "earlier"  # type: ignore[union-attr]
    bad = runner.invoke(args=["campaigns", "create", "--key", "bad-round", "--unit", "12",
                              "--opens", "2027-03-01", "--closes", "2027-03-20", "--follows", "nope"])
    assert bad.exit_code == 1 and "follows unknown" in bad.output
    db.session.rollback()
    with pytest.raises(Refused):
        get_campaign("bad-round")  # refused whole: no campaign without its comparison
