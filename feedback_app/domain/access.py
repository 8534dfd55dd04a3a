"""Who reads and who acts: roles, where a unit stands from someone's unit, and the principal. Pure.

A principal is a committee account's session, an API token, or an operator at the shell naming a
unit. It is scoped to one unit and sees that unit and everything below it, never its siblings or
the units above it. Roles are ordered: viewer (reads dashboards, comments and reports) < officer
(also runs campaigns and reports) < admin. API tokens read only, like viewers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

_RANKS = {"viewer": 1, "officer": 2, "admin": 3}


class Role(StrEnum):
    """Ordered: a higher role may do everything a lower one may (compare with <, >=)."""

    VIEWER = "viewer"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self.value]

    @property
    def label(self) -> str:
        return self.value

    def __lt__(self, other: object) -> bool:
        return self.rank < Role(other).rank if isinstance(other, str) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= Role(other).rank if isinstance(other, str) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > Role(other).rank if isinstance(other, str) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= Role(other).rank if isinstance(other, str) else NotImplemented


class Relation(StrEnum):
    """Where a unit stands from the principal's unit."""

    OWN = "own"  # the principal's own unit
    CHILD = "child"  # a direct child of the principal's unit
    BELOW = "below"  # further below the principal's unit
    OUTSIDE = "outside"  # a sibling, a parent, another branch or scheme


@dataclass(frozen=True)
class Principal:
    """Who reads or acts, kept as plain values (not an account row) so that the audit log records
    who it was even if the account later changes.

    `unit_id` is the unit's row when known (sessions, tokens); an operator's principal at the shell
    names its unit by scheme and code instead (an empty scheme: the campaign's), and the services
    look the unit up.
    """

    name: str
    role: Role = Role.VIEWER
    unit_id: int | None = None
    unit_scheme: str = ""
    unit_code: str = ""
    full_name: str = ""  # the person's name as signed, when the account records one

    @property
    def unit_label(self) -> str:
        return f"{self.unit_scheme}:{self.unit_code}"

    @property
    def label(self) -> str:
        """The person as documents name them: "Nguyễn Văn An (mttq-03390)", or the username."""
        return person_label(self.full_name, self.name)


def person_label(full_name: str | None, username: str) -> str:
    """"Nguyễn Văn An (mttq-03390)": the full name with the username; the username alone when the
    account records no name (accounts and audit entries from before names were recorded)."""
    full_name = " ".join((full_name or "").split())
    return f"{full_name} ({username})" if full_name else username


def actor_parts(recorded: str) -> tuple[str, str, str]:
    """(username, role, unit) from who-acted as a report records it: "mttq-12 (officer, vn:12)"."""
    name, _, rest = recorded.rpartition(" (")
    if not name or not rest.endswith(")"):
        return recorded, "", ""
    role, _, unit = rest[:-1].partition(", ")
    return name, role, unit
