from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..services.surveys import load_survey_dir

group = click.Group("surveys", help="Survey definition files under surveys/.")


@group.command("check")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of survey files (default: SURVEYS_DIR).")
def check(directory: Path | None) -> None:
    """Validate every survey file; exit 1 naming each refused file, field and problem."""
    directory = directory or Path(current_app.config["SURVEYS_DIR"])
    surveys, errors = load_survey_dir(directory)
    for (survey_id, version), survey in sorted(surveys.items()):
        click.echo(f"ok    {survey_id} v{version}: {len(survey.items)} items, {survey.scale_type.value}")
    for error in errors:
        click.echo(f"error {error}", err=True)
    if errors:
        raise SystemExit(1)
