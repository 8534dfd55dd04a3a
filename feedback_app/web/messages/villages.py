"""How the committee pages word refusals about villages, the register and household codes."""

from __future__ import annotations

from flask_babel import gettext

from ...i18n import fmt_number
from ...services.errors import Refused
from ...services.units.villages import MAX_HOUSEHOLDS, LineProblem
from .message import Message


def _field(column: str) -> str:
    words = {
        "name": gettext("a name is needed, at most 128 characters"),
        "households": gettext("the households are a whole number from 0 to %(max)s",
                              max=fmt_number(MAX_HOUSEHOLDS)),
        "kind": gettext("the kind is one of thon, ban, ap, to_dan_pho"),
        "code": gettext("a village code has only letters and digits"),
        "synthetic": gettext("synthetic is yes or no"),
    }
    return str(words.get(column, column))


def _line(problem: LineProblem) -> str:
    data = problem.data
    if problem.problem == "field":
        what = "; ".join(_field(c) for c in data["columns"])
    elif problem.problem == "repeat":
        what = gettext("the name %(name)s repeats line %(first)s", name=data["name"], first=data["first"])
    elif problem.problem == "unknown_code":
        what = gettext("%(code)s is not a current village of this commune", code=data["code"])
    else:
        what = gettext("the name %(name)s is already village %(code)s's", name=data["name"],
                       code=data["code"])
    return str(gettext("Line %(line)s: %(problem)s", line=problem.line, problem=what))


def village_problem(refused: Refused) -> list[str] | None:
    """Sentences for the villages page when it refuses what was typed or sent; None for others."""
    reason, data = refused.reason, refused.data
    if reason == "village_invalid":
        return [gettext("Please correct: %(problems)s.",
                        problems="; ".join(_field(c) for c in sorted(data["problems"])))]
    if reason == "village_name_taken":
        return [gettext("There is already a village named %(name)s in this commune.", name=data["name"])]
    if reason == "village_merge_self":
        return [gettext("Choose another village to merge into.")]
    if reason == "villages_too_many":
        return [gettext("A commune has at most %(n)s villages.", n=data["maximum"])]
    if reason == "villages_columns":
        return [gettext("The file needs the columns %(missing)s (it may also have %(optional)s). "
                        "Nothing was imported.", missing=", ".join(data["missing"]),
                        optional="code, kind, synthetic")]
    if reason == "villages_invalid":
        lines = [_line(p) for p in data["errors"]]
        if data["more"]:
            lines.append(gettext("… and %(n)s more lines.", n=data["more"]))
        return [gettext("Nothing was imported: correct these lines and send the file again."), *lines]
    if reason == "villages_file":
        if data["problem"] == "empty":
            return [gettext("Choose a CSV file to import.")]
        if data["problem"] == "large":
            return [gettext("The file is too large (at most %(n)s kB).", n=data["maximum"] // 1024)]
        return [gettext("The file is not UTF-8 text: save it as CSV UTF-8 and send it again.")]
    return None


def village_message(refused: Refused) -> Message | None:
    """The message page's words for refusals that reach it (an unknown village, the register)."""
    reason, data = refused.reason, refused.data
    if reason == "unknown_village":
        return Message(gettext("Village not found"),
                       gettext("This commune has no current village %(code)s. Please reload the "
                               "villages page.", code=data["village"]))
    if reason == "village_not_registered":
        return Message(gettext("Village not in this campaign's register"),
                       gettext("This campaign's register was taken when its first codes were issued; "
                               "this village was added later. Issue more codes for the commune "
                               "instead, or set up the village before the next campaign."))
    if reason == "households_unknown":
        return Message(gettext("Registered households unknown"),
                       gettext("Add the commune's villages with their registered households first: "
                               "the codes are issued from that register."))
    if reason == "code_count":
        return Message(gettext("Too many codes at once"),
                       gettext("At most %(n)s codes can be issued at once.",
                               n=fmt_number(data["maximum"])))
    if reason == "code_other_village":
        return Message(gettext("Household code of another village"),
                       gettext("This household code was issued for another village. Please check the "
                               "code on the household's slip, or open the collect page of its village."))
    if reason in village_problem_reasons:
        problem = village_problem(refused) or []
        return Message(gettext("Please correct the villages"), " ".join(problem))
    return None


village_problem_reasons = frozenset({
    "village_invalid", "village_name_taken", "village_merge_self", "villages_too_many",
    "villages_columns", "villages_invalid", "villages_file",
})
