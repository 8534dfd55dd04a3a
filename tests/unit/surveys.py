"""The shipped survey files, loaded without an app."""

from __future__ import annotations

from functools import cache

import yaml

from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.survey import Survey
from feedback_app.domain.survey_schema import parse_survey


@cache
def _load(name: str) -> Survey:
    return parse_survey(yaml.safe_load((PROJECT_ROOT / "surveys" / name).read_text("utf-8")))


def binary_survey() -> Survey:
    return _load("ntm-commune.v1.yaml")


def likert_survey() -> Survey:
    return _load("ntm-commune-5.v1.yaml")
