"""`flask --app wsgi indices show|rebuild`: satisfaction indices from the counters."""

from __future__ import annotations

import json
from typing import Any

import click

from ..services.errors import Refused
from ..services.indices.document import index_document
from ..services.indices.index import MAX_DEPTH, campaign_index
from ..services.indices.rebuild import rebuild_all
from .common import describe, unit_of_work

group = click.Group("indices", help="Satisfaction indices: show them, rebuild the counters.")


@group.command("show")
@click.option("--campaign", "campaign_key", required=True, help="Campaign key.")
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the campaign's unit).")
@click.option("--scheme", default=None,
              help="Scheme of the unit (default: the campaign's; another one re-expresses the campaign).")
@click.option("--depth", type=click.IntRange(0, MAX_DEPTH), default=1, show_default=True,
              help="Levels of children to include.")
@click.option("--json", "as_json", is_flag=True, help="Print the index object of the committee API.")
@click.option("--public", is_flag=True, help="The public variant: no counts, small cells hidden.")
def show(campaign_key: str, unit_code: str | None, scheme: str | None, depth: int, as_json: bool,
         public: bool) -> None:
    """The index of a campaign at a unit, with its children."""
    try:
        document = index_document(campaign_index(campaign_key, unit_code, scheme, depth), public=public)
    except Refused as refused:
        raise click.ClickException(describe(refused)) from None
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(table(document))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _row(node: dict[str, Any], indent: int) -> str:
    unit = node["unit"]
    label = ("  " * indent + f"{unit['name']} ({unit['code']})")[:44]
    interval = ("–" if node["ci_low"] is None
                else f"{100 * node['ci_low']:.1f}–{100 * node['ci_high']:.1f} %")
    households = "?" if node["households"] is None else str(node["households"])
    valid = f"{node['satisfied']}/{node['valid']}" if "valid" in node else ""
    return (f"{label:<44} {node['respondents']:>8} {households:>10} {_percent(node['coverage']):>9} "
            f"{valid:>11} {_percent(node['rate']):>8} {interval:>14} {node['verdict'] or '–':<14} "
            f"{node['communes_meeting']}/{node['communes_total']}")


def _rows(node: dict[str, Any], indent: int = 0) -> list[str]:
    lines = [_row(node, indent)]
    for child in node["children"] or []:
        lines.extend(_rows(child, indent + 1))
    return lines


def table(document: dict[str, Any]) -> str:
    """The index as a readable table: the unit and its children, then the unit's items."""
    lines = [
        f"Campaign {document['campaign']} ({document['survey']} v{document['survey_version']}), "
        f"scheme {document['scheme']}: threshold {_percent(document['threshold'])}, "
        f"minimum coverage {_percent(document['min_coverage'])}",
        f"{'unit':<44} {'answered':>8} {'households':>10} {'coverage':>9} {'satisf/valid':>11} "
        f"{'rate':>8} {'95 % interval':>14} {'verdict':<14} communes meeting",
        *_rows(document),
        "",
        f"Questions in {document['unit']['name']}:",
    ]
    for item in document["items"]:
        counts = (f"{item['satisfied']:>7}/{item['valid']:<7} no opinion {item['no_opinion']:<6}"
                  if "valid" in item else "")
        lines.append(f"  {item['id']:<10} {counts} {_percent(item['rate']):>8}")
    reexpression = document.get("reexpression")
    if reexpression:
        lines.append("")
        lines.append(f"Re-expressed from {document['campaign_scheme']}"
                     f"{'' if reexpression['complete'] else ' (incomplete)'}:")
        for split in reexpression["split"]:
            into = ", ".join(u["code"] for u in split["into"])
            lines.append(f"  split, not counted: {split['unit']['name']} ({split['unit']['code']}) -> {into}")
        for unit in reexpression["unmapped"]:
            lines.append(f"  no successor, not counted: {unit['name']} ({unit['code']})")
        for left in reexpression["left_out"]:
            lines.append(f"  left out (received part of a split unit): {left['unit']['name']} "
                         f"({left['unit']['code']})")
    return "\n".join(lines)


@group.command("rebuild")
@click.option("--campaign", "campaign_keys", multiple=True, help="Only this campaign (repeatable).")
def rebuild(campaign_keys: tuple[str, ...]) -> None:
    """Recompute the counters from the raw responses (after an upgrade, or to check them)."""
    with unit_of_work():
        results = rebuild_all(list(campaign_keys) if campaign_keys else None)
        unknown = set(campaign_keys) - {r.campaign for r in results}
        if unknown:
            raise Refused("unknown_campaign", campaign=", ".join(sorted(unknown)))
    for result in results:
        click.echo(f"{result.campaign}: {result.responses} responses counted, "
                   f"{result.rows_corrected} counter rows corrected")
