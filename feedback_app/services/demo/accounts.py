"""Demo committee accounts: an administrator for the demo province (it manages the others on
/committee/accounts), an officer for each demo commune, one (a village cadre, who collects
answers) for each village of the demo's believable communes, and an officer of the central
committee (the country above the demo province).

Their passwords are deterministic and printed by `flask demo`: this is a demo, never a real site.
"""

from __future__ import annotations

from typing import Any

from ...domain.access import Role
from ...links import public_url
from ...models import Campaign, Unit
from ..accounts.users import create_account, find_account
from ..units.villages import register_of
from .villages import DEMO_VILLAGES


def demo_username(unit: Unit) -> str:
    return f"mttq-{unit.code}"


def demo_password(unit: Unit) -> str:
    return f"demo-mttq-{unit.code}"


def demo_full_name(unit: Unit) -> str:
    """A name that reads as a demo's, never as a real person's: "Cán bộ demo – <unit>"."""
    return f"Cán bộ demo – {unit.full_name}"


def ensure_demo_accounts(campaign: Campaign) -> list[dict[str, Any]]:
    """Create the accounts that are missing; describe all of them (the `accounts` of `demo --json`)."""
    above = [campaign.unit.parent] if campaign.unit.parent and campaign.unit.parent.level == "country" else []
    communes = [commune.unit for commune in campaign.communes]
    villages = [v for c in communes if c.code in DEMO_VILLAGES for v in register_of(c).villages]
    units = [campaign.unit, *communes, *villages, *above]
    described = []
    for unit in units:
        username = demo_username(unit)
        account = find_account(username)
        if account is None:
            role = Role.ADMIN if unit.id == campaign.unit.id else Role.OFFICER
            account = create_account(username, demo_password(unit), unit.scheme, unit.code,
                                     role.label, full_name=demo_full_name(unit))
        described.append({
            "username": account.username,
            "password": demo_password(unit),
            "unit": {"scheme": unit.scheme, "code": unit.code, "name": unit.full_name,
                     "level": unit.level},
            "role": account.role,
            "full_name": account.full_name,
            # The central committee's page is the national view; a village cadre has no dashboard of
            # its own: its home lists the collect page.
            "dashboard_url": (public_url("national.national") if unit.level == "country" else
                              public_url("dashboard.home") if unit.level == "village" else
                              public_url("dashboard.unit_dashboard", key=campaign.key, code=unit.code)),
        })
    return described
