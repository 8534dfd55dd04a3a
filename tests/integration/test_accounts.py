"""Accounts and the scope rule: a principal sees its unit and below; roles are ordered."""

from __future__ import annotations

import pytest

from feedback_app.domain.access import Role
from feedback_app.extensions import db
from feedback_app.services.accounts.access import can_see, check_can_act
from feedback_app.services.accounts.users import check_login, create_account, principal_of
from feedback_app.services.campaigns.setup import get_unit
from feedback_app.services.errors import Refused


def test_account_principal_sees_its_unit_and_below_only(units):  # type: ignore[no-untyped-def]
    province = principal_of(create_account("tinh", "long-enough", "vn-2025", "12", "viewer"))
    commune = principal_of(create_account("xa-binh-lu", "long-enough", "vn-2025", "03390", "officer"))
    binh_lu, ta_leng, lai_chau = (get_unit("vn-2025", c) for c in ("03390", "03430", "12"))
    assert can_see(province, binh_lu) and can_see(province, lai_chau)
    assert can_see(commune, binh_lu)
    assert not can_see(commune, ta_leng) and not can_see(commune, lai_chau)
    check_can_act(commune, binh_lu, Role.OFFICER)
    with pytest.raises(Refused) as low:
        check_can_act(province, binh_lu, Role.OFFICER)  # in scope, but a viewer
    assert low.value.reason == "role_too_low"
    with pytest.raises(Refused) as out:
        check_can_act(commune, ta_leng, Role.VIEWER)
    assert out.value.reason == "out_of_scope" and out.value.status == 403


def test_login_is_case_insensitive_on_the_username_only(units):  # type: ignore[no-untyped-def]
    create_account("Mttq-12", "Secret-Pass", "vn-2025", "12", "admin")
    db.session.commit()
    assert check_login("MTTQ-12", "Secret-Pass").username == "mttq-12"
    with pytest.raises(Refused):
        check_login("mttq-12", "secret-pass")


def test_unknown_role_is_refused(units):  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        create_account("tinh", "long-enough", "vn-2025", "12", "superuser")
    assert refused.value.reason == "role_invalid"
