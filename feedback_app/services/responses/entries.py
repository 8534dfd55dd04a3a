"""Who may answer, and where: the entry of a household code or of a commune link, read in one query.

Every answer (web form, SMS, API, cadre) and every survey page starts here, so these reads are
built once as SQLAlchemy Core statements and return small frozen views instead of ORM objects: a
request needs a handful of columns, not five tracked objects (BENCHMARKS.md, "Load", says what
that saves).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, exists, select

from ...domain.codes import is_code_text, is_valid_code, looks_like_code, normalise_code
from ...domain.survey import Survey
from ...extensions import db
from ...models import Campaign, CampaignCommune, HouseholdCode, Response, SurveyVersion, Unit
from ..errors import Refused
from ..surveys import survey_by_sha

CAMPAIGNS = Campaign.__table__
VERSIONS = SurveyVersion.__table__
COMMUNES = CampaignCommune.__table__
UNITS = Unit.__table__
CODES = HouseholdCode.__table__
RESPONSES = Response.__table__


@dataclass(frozen=True)
class CampaignView:
    """What answering needs of a campaign: its key, which ways of answering are open, its dates
    and its frozen survey version."""

    id: int
    key: str
    household_codes: bool
    open_link: bool
    opens_on: date
    closes_on: date
    survey_version_id: int
    survey_sha256: str


@dataclass(frozen=True)
class UnitView:
    id: int
    code: str
    full_name: str
    full_name_en: str

    def display_name(self, locale: str) -> str:
        return self.full_name if locale == "vi" else self.full_name_en


@dataclass(frozen=True)
class CommuneView:
    """A campaign's commune (the unit it is in)."""

    unit: UnitView

    @property
    def unit_id(self) -> int:
        return self.unit.id


@dataclass(frozen=True)
class CodeView:
    id: int
    code: str
    village_id: int | None = None  # the village whose committee hands the code out


@dataclass(frozen=True)
class Entry:
    """Where a household answers: a campaign's commune, and its code when it came with one."""

    campaign: CampaignView
    commune: CommuneView
    code: CodeView | None
    survey: Survey = field(compare=False)


def campaign_columns() -> list[Any]:
    """The columns of a CampaignView, labelled so that other tables' columns can sit beside them."""
    c = CAMPAIGNS.c
    return [c.id.label("campaign_id"), c.key.label("campaign_key"), c.household_codes, c.open_link,
            c.opens_on, c.closes_on, c.survey_version_id, VERSIONS.c.sha256.label("survey_sha256")]


def unit_columns() -> list[Any]:
    u = UNITS.c
    return [u.id.label("unit_id"), u.code.label("unit_code"), u.full_name.label("unit_full_name"),
            u.full_name_en.label("unit_full_name_en")]


def campaign_view(row: Row[Any]) -> CampaignView:
    return CampaignView(row.campaign_id, row.campaign_key, row.household_codes, row.open_link,
                        row.opens_on, row.closes_on, row.survey_version_id, row.survey_sha256)


def commune_view(row: Row[Any]) -> CommuneView:
    return CommuneView(UnitView(row.unit_id, row.unit_code, row.unit_full_name,
                                row.unit_full_name_en))


def code_used_column(code_id: Any) -> Any:
    """True when a response used the household code `code_id` (a column or a value)."""
    return exists().where(RESPONSES.c.household_code_id == code_id).label("code_used")


def _code_entry_query() -> Select[Any]:
    codes_commune = and_(COMMUNES.c.campaign_id == CODES.c.campaign_id,
                         COMMUNES.c.unit_id == CODES.c.commune_id)
    return (
        select(*campaign_columns(), *unit_columns(), CODES.c.id.label("code_id"),
               CODES.c.code, CODES.c.village_id, code_used_column(CODES.c.id))
        .select_from(
            CODES.join(CAMPAIGNS, CAMPAIGNS.c.id == CODES.c.campaign_id)
            .join(VERSIONS, VERSIONS.c.id == CAMPAIGNS.c.survey_version_id)
            .join(COMMUNES, codes_commune)  # codes are only issued for a campaign's communes
            .join(UNITS, UNITS.c.id == COMMUNES.c.unit_id)
        )
        .where(CODES.c.code == bindparam("code"))
    )


def _link_entry_query() -> Select[Any]:
    """The campaign by key, and its commune with the code when there is one (else NULLs)."""
    commune = COMMUNES.join(UNITS, and_(UNITS.c.id == COMMUNES.c.unit_id,
                                        UNITS.c.code == bindparam("commune")))
    return (
        select(*campaign_columns(), *unit_columns())
        .select_from(
            CAMPAIGNS.join(VERSIONS, VERSIONS.c.id == CAMPAIGNS.c.survey_version_id)
            .outerjoin(commune, COMMUNES.c.campaign_id == CAMPAIGNS.c.id)
        )
        .where(CAMPAIGNS.c.key == bindparam("campaign"))
    )


CODE_ENTRY = _code_entry_query()
LINK_ENTRY = _link_entry_query()


def check_digits(raw: str) -> str:
    """The 15 digits of a typed household code, or Refused('code_mistyped'): a character that is
    neither a digit nor a separator, a wrong length or a wrong check digit."""
    digits = normalise_code(raw)
    if not is_code_text(raw) or not looks_like_code(digits) or not is_valid_code(digits):
        raise Refused("code_mistyped", status=400, code=raw)
    return digits


def code_entry(raw: str) -> tuple[Entry, bool]:
    """The entry of an issued household code, and whether a response used the code already."""
    row = db.session.connection().execute(CODE_ENTRY, {"code": check_digits(raw)}).first()
    if row is None:
        raise Refused("code_unknown", status=404, code=raw)
    return (entry_of_row(row, CodeView(row.code_id, row.code, row.village_id)),
            bool(row.code_used))


def link_entry(campaign_key: str, commune_code: str) -> Entry:
    """The entry of a campaign's open commune link (whether it is open is checked by the caller)."""
    row = db.session.connection().execute(
        LINK_ENTRY, {"campaign": campaign_key, "commune": commune_code}).first()
    if row is None:
        raise Refused("unknown_campaign", status=404, campaign=campaign_key)
    if row.unit_id is None:
        raise Refused("unknown_commune", status=404, campaign=campaign_key, commune=commune_code)
    return entry_of_row(row, None)


def entry_of_row(row: Row[Any], code: CodeView | None) -> Entry:
    """An Entry from a row holding campaign_columns() and unit_columns()."""
    campaign = campaign_view(row)
    return Entry(campaign, commune_view(row), code,
                 survey_by_sha(campaign.survey_version_id, campaign.survey_sha256))
