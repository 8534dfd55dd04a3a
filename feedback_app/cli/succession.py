"""`flask --app wsgi units import-succession FILE`: old unit -> new unit links."""

from __future__ import annotations

from typing import TextIO

import click

from ..services.units.succession import import_successions
from .common import unit_of_work


@click.command("import-succession")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--strict", is_flag=True, help="Import nothing when any row names an unknown unit.")
def import_succession(file: TextIO, strict: bool) -> None:
    """Load a succession CSV (level, old_scheme, old_code, new_scheme, new_code, share, effective).
    Import both unit lists first. Rows naming unknown units are skipped and listed."""
    with unit_of_work():
        report = import_successions(file, strict=strict)
    click.echo(f"{report.rows} rows: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged, {len(report.skipped)} skipped")
    for line in report.skipped:
        click.echo(f"  skipped {line}", err=True)
