"""Running counts per campaign and commune, kept in the same transaction as each response so that
no index, dashboard or API call scans raw responses. `flask indices rebuild` recomputes them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class CommuneCounter(Model):
    """Responses of one campaign in one commune: overall verdicts and responses per channel.
    Rows are created with the campaign, so recording a response only ever runs `n = n + 1`."""

    __tablename__ = "counter_communes"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    respondents: Mapped[int] = mapped_column(default=0)
    overall_satisfied: Mapped[int] = mapped_column(default=0)
    overall_valid: Mapped[int] = mapped_column(default=0)
    via_web: Mapped[int] = mapped_column(default=0)
    via_sms: Mapped[int] = mapped_column(default=0)
    via_assisted: Mapped[int] = mapped_column(default=0)
    # The responses with a household code among them (the open link's are the rest), and their
    # overall verdicts: the dashboard's two kinds of answers (services.indices.answer_kinds).
    coded_respondents: Mapped[int] = mapped_column(default=0, server_default="0")
    coded_overall_satisfied: Mapped[int] = mapped_column(default=0, server_default="0")
    coded_overall_valid: Mapped[int] = mapped_column(default=0, server_default="0")
    comments: Mapped[int] = mapped_column(default=0, server_default="0")  # with a closing comment


class ItemCounter(Model):
    """Answers to one question of a campaign's survey in one commune."""

    __tablename__ = "counter_items"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    satisfied: Mapped[int] = mapped_column(default=0)
    valid: Mapped[int] = mapped_column(default=0)
    no_opinion: Mapped[int] = mapped_column(default=0)


class DailyCounter(Model):
    """Responses per day (Vietnam time) and channel in one commune: answers over time."""

    __tablename__ = "counter_daily"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)


class VillageCounter(Model):
    """Responses of one campaign in one village (through its household codes): created with the
    campaign's register, like the commune rows, so that counting runs `n = n + 1`."""

    __tablename__ = "counter_villages"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    respondents: Mapped[int] = mapped_column(default=0)
    overall_satisfied: Mapped[int] = mapped_column(default=0)
    overall_valid: Mapped[int] = mapped_column(default=0)


class VillageItemCounter(Model):
    """Answers to one question of a campaign's survey in one village."""

    __tablename__ = "counter_village_items"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    satisfied: Mapped[int] = mapped_column(default=0)
    valid: Mapped[int] = mapped_column(default=0)
    no_opinion: Mapped[int] = mapped_column(default=0)
