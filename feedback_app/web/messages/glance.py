"""How the province-at-a-glance page words its refusals: a unit of the wrong level, a sort or a
group it does not know, a query it cannot read."""

from __future__ import annotations

from flask_babel import gettext

from ...services.errors import Refused
from .message import Message


def glance_message(refused: Refused) -> Message | None:
    reason = refused.reason
    if reason == "glance_level":
        return Message(gettext("Not a province"),
                       gettext("The table of every commune is read at a province (or a district of the "
                               "old units). Open it from the province's page of the campaign."))
    if reason == "glance_sort":
        return Message(gettext("Unknown column to sort by"),
                       gettext("The table sorts by name, group, coverage, overall or an item's id "
                               "(%(items)s). Please click a column's heading instead.",
                               items=", ".join(refused.data["allowed"][4:])))
    if reason == "glance_group":
        return Message(gettext("Unknown commune group"),
                       gettext("A commune group is 1, 2 or 3 (Decision 51/2025/QĐ-TTg). Please choose it "
                               "in the list above the table."))
    if reason == "glance_query":
        return Message(gettext("The table's address is not right"),
                       gettext("These parts of the address could not be read: %(fields)s. Sort with "
                               "the columns' headings and filter with the list above the table.",
                               fields=", ".join(refused.data["fields"])))
    return None
