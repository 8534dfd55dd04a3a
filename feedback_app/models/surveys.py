from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class SurveyVersion(db.Model):
    """A survey version frozen when a campaign first uses it: the stored spec is what responses answer,
    whatever later happens to the file."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # Deferred: requests need only sha256 (services.surveys.survey_of caches the parsed spec).
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
