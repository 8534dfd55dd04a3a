"""The plausibility flags in words (the reader's language, with the figures and the limit), for the
dashboard, the report page, the CLI and the report documents."""

from __future__ import annotations

from fractions import Fraction

from flask_babel import lazy_gettext as _l

from ...domain.plausibility import FlagRule, Settings, Source
from ...i18n import fmt_date, fmt_number
from ...models import Campaign
from ..indices.wording import gettext, percent
from .snapshots import UnitFlag

TITLES = {
    FlagRule.ALL_SATISFIED: _l("Everyone satisfied"),
    FlagRule.ABOVE_REGISTER: _l("More answers than households"),
    FlagRule.BURST: _l("A burst of answers"),
    FlagRule.ASSISTED_BY_ONE: _l("One cadre collected many answers"),
    FlagRule.STRAIGHT_LINING: _l("The same answer to every question"),
    FlagRule.FAST_COMPLETION: _l("Forms filled in very fast"),
    FlagRule.COVERAGE_AT_MINIMUM: _l("Coverage just at the minimum"),
    FlagRule.OPEN_LINK_SHARE: _l("Many answers through the open link"),
    FlagRule.OUTSIDE_WINDOW: _l("Answers outside the field dates"),
}


def title(flag: UnitFlag) -> str:
    return str(TITLES[flag.flag.rule])


def _share(value: Fraction | int) -> str:
    return percent(float(value))


def sentence(flag: UnitFlag, campaign: Campaign, settings: Settings) -> str:
    """What the flag says, with its figures, and the limit that raised it."""
    f = flag.flag
    rule = f.rule
    if rule is FlagRule.ALL_SATISFIED:
        return gettext("All %(count)s valid answers to the overall question are “satisfied” (100 %%); "
                       "this is flagged from %(limit)s answers on.",
                       count=fmt_number(f.count), limit=fmt_number(int(f.limit)))
    if rule is FlagRule.ABOVE_REGISTER:
        return gettext("%(answers)s answers for %(households)s registered households: %(more)s more "
                       "answers than households.", answers=fmt_number(int(f.value)),
                       households=fmt_number(int(f.limit)), more=fmt_number(f.count))
    if rule is FlagRule.BURST:
        values = {"count": fmt_number(f.count), "minutes": fmt_number(settings.burst_minutes),
                  "limit": fmt_number(int(f.limit)), "key": f.key or ""}
        if f.source is Source.DEVICE:
            return gettext("%(count)s answers within %(minutes)s minutes came from one device "
                           "(more than %(limit)s is flagged).", **values)
        if f.source is Source.ADDRESS:
            return gettext("%(count)s answers within %(minutes)s minutes came from one network "
                           "address (more than %(limit)s is flagged).", **values)
        return gettext("%(count)s answers within %(minutes)s minutes were recorded by one cadre "
                       "account, %(key)s (more than %(limit)s is flagged).", **values)
    if rule is FlagRule.ASSISTED_BY_ONE:
        return gettext("One cadre account, %(key)s, collected %(count)s answers: %(share)s of all "
                       "answers (above %(limit)s is flagged).", key=f.key or "",
                       count=fmt_number(f.count), share=_share(f.value), limit=_share(f.limit))
    if rule is FlagRule.STRAIGHT_LINING:
        return gettext("%(count)s answers give the same answer to every question: %(share)s of all "
                       "answers (above %(limit)s is flagged).", count=fmt_number(f.count),
                       share=_share(f.value), limit=_share(f.limit))
    if rule is FlagRule.FAST_COMPLETION:
        return gettext("The median time to fill in the form was %(seconds)s seconds over %(count)s "
                       "timed answers (below %(limit)s seconds is flagged).",
                       seconds=fmt_number(round(float(f.value))), count=fmt_number(f.count),
                       limit=fmt_number(int(f.limit)))
    if rule is FlagRule.COVERAGE_AT_MINIMUM:
        return gettext("Coverage is %(coverage)s, less than %(margin)s above the minimum of "
                       "%(minimum)s.", coverage=_share(f.value),
                       margin=percent(float(settings.coverage_margin), decimals=0),
                       minimum=percent(float(f.limit), decimals=0))
    if rule is FlagRule.OUTSIDE_WINDOW:
        return gettext("%(count)s answers are dated outside the field dates (%(opens)s – %(closes)s).",
                       count=fmt_number(f.count), opens=fmt_date(campaign.opens_on),
                       closes=fmt_date(campaign.closes_on))
    return gettext("%(count)s answers came through the open link, without a household code: "
                   "%(share)s of all answers (above %(limit)s is flagged).", count=fmt_number(f.count),
                   share=_share(f.value), limit=_share(f.limit))
