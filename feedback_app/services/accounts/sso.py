"""Single sign-on: which committee account a provider's verified ID token stands for.

Never an account created or given rights: the provider's user must have been mapped to an
existing, active account by an administrator, by hand (the account's `sso_subject`, the issuer
and the token's `sub`) or, when OIDC_USERNAME_CLAIM names a claim the provider controls, by that
claim equal to the account's username. Anything else is refused with a reason the page words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from ...clock import utcnow
from ...extensions import db
from ...models import Account
from ..errors import Refused
from .users import find_account

MAX_SUBJECT_LENGTH = 255


def subject_key(issuer: str, subject: str) -> str:
    """How a provider's user is stored: its issuer and subject, as one text (a `sub` is unique
    only within its issuer)."""
    return f"{issuer.rstrip('/')}|{subject}"


def account_for_claims(issuer: str, claims: Mapping[str, Any], username_claim: str = "") -> Account:
    """The active account the verified claims map to; Refused('sso_not_mapped', 403) otherwise."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > MAX_SUBJECT_LENGTH:
        raise Refused("sso_not_mapped", status=403)
    account = db.session.scalar(select(Account).filter_by(sso_subject=subject_key(issuer, subject)))
    if account is None and username_claim:
        claimed = claims.get(username_claim)
        account = find_account(claimed) if isinstance(claimed, str) and claimed else None
    if account is None:
        raise Refused("sso_not_mapped", status=403)
    if not account.active:
        raise Refused("sso_not_mapped", status=403)
    account.last_login_at = utcnow()
    db.session.flush()
    return account
