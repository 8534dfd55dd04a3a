from __future__ import annotations

from typing import TextIO

import click

from ..services.units.importing import import_units
from .common import unit_of_work

group = click.Group("units", help="Administrative units (province, district, commune, village).")


@group.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def import_command(file: TextIO) -> None:
    """Load units from a CSV file (columns: see docs/using.md; optional commune_group: 1, 2 or 3
    of Decision 51). Safe to run again with the same file."""
    with unit_of_work():
        report = import_units(file)
    click.echo(
        f"{report.rows} rows: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged"
    )
