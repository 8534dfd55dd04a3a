"""Survey files under surveys/: loading, validation, and freezing a version once a campaign uses it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import ValidationError
from sqlalchemy import select

from ..domain.canonical import content_hash
from ..domain.survey import Survey
from ..domain.survey_schema import flatten_errors, parse_survey
from ..extensions import db
from ..models import Campaign, Response, SurveyVersion
from .errors import Refused

SURVEY_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class SurveyFileError:
    """A survey file that was refused: which file, which field, what is wrong."""

    path: Path
    problems: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        lines = [f"{self.path.name}: {field}: {problem}" for field, problem in self.problems]
        return "\n".join(lines)


def load_survey_file(path: Path) -> Survey:
    """Load and validate one file; raises Refused('survey_file_invalid', error=SurveyFileError)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        problem = str(exc).replace("\n", " ")
        raise Refused(
            "survey_file_invalid", error=SurveyFileError(path, (("(file)", problem),))
        ) from exc
    try:
        return parse_survey(data)
    except ValidationError as exc:
        error = SurveyFileError(path, tuple(flatten_errors(exc.messages)))
        raise Refused("survey_file_invalid", error=error) from exc


def load_survey_dir(directory: Path) -> tuple[dict[tuple[str, int], Survey], list[SurveyFileError]]:
    """Every survey under `directory`, and the files refused (with their problems)."""
    surveys: dict[tuple[str, int], Survey] = {}
    errors: list[SurveyFileError] = []
    where: dict[tuple[str, int], Path] = {}
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        if path.suffix not in SURVEY_SUFFIXES:
            continue
        try:
            survey = load_survey_file(path)
        except Refused as refused:
            errors.append(refused.data["error"])
            continue
        key = (survey.id, survey.version)
        if key in surveys:
            problem = f"{survey.id} version {survey.version} is also defined in {where[key].name}."
            errors.append(SurveyFileError(path, (("version", problem),)))
            continue
        surveys[key] = survey
        where[key] = path
    return surveys, errors


def find_survey(directory: Path, survey_id: str, version: int | None = None) -> Survey:
    """The given version of a survey (the newest when version is None)."""
    surveys, errors = load_survey_dir(directory)
    matching = {v: s for (i, v), s in surveys.items() if i == survey_id}
    if version is None and matching:
        return matching[max(matching)]
    if version in matching:
        return matching[version]
    raise Refused("unknown_survey", status=404, survey=survey_id, version=version, errors=errors)


def version_has_responses(version: SurveyVersion) -> bool:
    query = (
        select(Response.id)
        .join(Campaign, Campaign.id == Response.campaign_id)
        .where(Campaign.survey_version_id == version.id)
        .limit(1)
    )
    return db.session.scalar(query) is not None


def freeze(survey: Survey) -> SurveyVersion:
    """The stored version of `survey`, created on first use.

    A version whose file changed is refreshed while nobody has answered it; once it has responses
    it never changes and the changed file is refused (publish a new version instead).
    """
    digest = content_hash(survey.source)
    stored = db.session.scalar(
        select(SurveyVersion).filter_by(survey_id=survey.id, version=survey.version)
    )
    if stored is None:
        stored = SurveyVersion(
            survey_id=survey.id, version=survey.version, sha256=digest, spec=survey.source
        )
        db.session.add(stored)
        db.session.flush()
    elif stored.sha256 != digest:
        if version_has_responses(stored):
            raise Refused("survey_version_frozen", status=409, survey=survey.id, version=survey.version)
        stored.spec, stored.sha256 = survey.source, digest
        db.session.flush()
    return stored


_PARSED: dict[str, Survey] = {}


def newest_surveys(directory: Path) -> dict[str, Survey]:
    """The newest version of each survey file under `directory`, by survey id (what a new
    campaign may use; files refused by validation are left out, `surveys check` names them)."""
    surveys, _ = load_survey_dir(directory)
    newest: dict[str, Survey] = {}
    for (survey_id, _version), survey in sorted(surveys.items(), key=lambda pair: pair[0]):
        newest[survey_id] = survey  # sorted: the newest version of each survey wins
    return newest


def survey_of(version: SurveyVersion) -> Survey:
    """The Survey a stored version defines (parsed once per process and content hash)."""
    survey = _PARSED.get(version.sha256)
    if survey is None:
        survey = _PARSED[version.sha256] = parse_survey(version.spec)
    return survey


def survey_by_sha(version_id: int, sha256: str) -> Survey:
    """As survey_of, from a version's id and content hash (its spec is read only when this process
    has not parsed that content yet)."""
    survey = _PARSED.get(sha256)
    if survey is None:
        spec = db.session.scalar(select(SurveyVersion.spec).filter_by(id=version_id))
        survey = _PARSED[sha256] = parse_survey(spec)
    return survey
