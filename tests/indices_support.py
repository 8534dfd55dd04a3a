"""Helpers of the index, succession and API tests: small inline unit trees and submissions."""

from __future__ import annotations

import uuid
from io import StringIO
from typing import Any

import yaml
from sqlalchemy import select

from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.survey_schema import parse_survey
from feedback_app.extensions import db
from feedback_app.models import (
    Campaign,
    CommuneCounter,
    DailyCounter,
    ItemCounter,
    VillageCounter,
    VillageItemCounter,
)
from feedback_app.services.responses.record import Channel, Submission, record_response
from feedback_app.services.units.importing import import_units

from .support import all_answers

# A legacy (three-tier) province shaped like the real list, and its 2025 successors:
# legacy 03391 + 03392 -> 2025 03390 (whole); legacy 03393 split between 2025 03430 and 03440;
# legacy 03394 -> 2025 03440 (whole, so 03440 is incomplete without 03393's part).
LEGACY_CSV = """scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,households
vn-legacy,12,,province,province,Lai Châu,Tỉnh Lai Châu,Lai Chau,Lai Chau Province,
vn-legacy,105,12,district,district,Tam Đường,Huyện Tam Đường,Tam Duong,Tam Duong District,
vn-legacy,106,12,district,district,Phong Thổ,Huyện Phong Thổ,Phong Tho,Phong Tho District,
vn-legacy,03391,105,commune,commune,Bình Lư,Xã Bình Lư,Binh Lu,Binh Lu Commune,10
vn-legacy,03392,105,commune,commune,Nà Tăm,Xã Nà Tăm,Na Tam,Na Tam Commune,10
vn-legacy,03393,106,commune,commune,Tả Lèng,Xã Tả Lèng,Ta Leng,Ta Leng Commune,10
vn-legacy,03394,106,commune,commune,Hồ Thầu,Xã Hồ Thầu,Ho Thau,Ho Thau Commune,10
"""

NEW_CSV = """scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,households
vn-2025,12,,province,province,Lai Châu,Tỉnh Lai Châu,Lai Chau,Lai Chau Province,
vn-2025,03390,12,commune,commune,Bình Lư,Xã Bình Lư,Binh Lu,Binh Lu Commune,20
vn-2025,03430,12,commune,commune,Tả Lèng,Xã Tả Lèng,Ta Leng,Ta Leng Commune,25
vn-2025,03440,12,commune,commune,Hồ Thầu,Xã Hồ Thầu,Ho Thau,Ho Thau Commune,15
"""

SUCCESSION_CSV = """level,old_scheme,old_code,new_scheme,new_code,share,effective
province,vn-legacy,12,vn-2025,12,whole,2025-07-01
commune,vn-legacy,03391,vn-2025,03390,whole,2025-07-01
commune,vn-legacy,03392,vn-2025,03390,whole,2025-07-01
commune,vn-legacy,03393,vn-2025,03430,part,2025-07-01
commune,vn-legacy,03393,vn-2025,03440,part,2025-07-01
commune,vn-legacy,03394,vn-2025,03440,whole,2025-07-01
"""


def import_csv(text: str) -> None:
    import_units(StringIO(text))
    db.session.commit()


def submit(campaign: Campaign, commune: str | None = None, answers: dict[str, int] | None = None,
           channel: Channel = Channel.WEB, code: str | None = None, value: int = 1,
           comment: str | None = None) -> None:
    """Record one response through the service (by household code, or the commune's open link)."""
    record_response(Submission(
        campaign_key=None if code else campaign.key,
        channel=channel,
        answers=answers if answers is not None else all_answers(campaign, value),
        client_uuid=str(uuid.uuid4()),
        household_code=code,
        commune_code=None if code else commune,
        comment=comment,
    ))


def counter_rows(campaign_id: int) -> dict[str, set[tuple]]:
    """Every counter row of a campaign, as plain tuples (to compare two states)."""
    tables = {"communes": CommuneCounter, "items": ItemCounter, "daily": DailyCounter,
              "villages": VillageCounter, "village_items": VillageItemCounter}
    rows = {}
    for name, model in tables.items():
        columns = [c for c in model.__table__.columns]
        rows[name] = {tuple(r) for r in db.session.execute(
            select(*columns).where(model.campaign_id == campaign_id))}
    return rows


def half_rule_survey() -> Any:
    """ntm-commune without its overall item: a response is satisfied on half of its valid answers."""
    spec = yaml.safe_load((PROJECT_ROOT / "surveys" / "ntm-commune.v1.yaml").read_text(encoding="utf-8"))
    spec["id"] = "ntm-commune-half"
    spec["overall_rule"] = "half_of_valid_items"
    spec["items"] = [item for item in spec["items"] if not item.get("overall")]
    return parse_survey(spec)
