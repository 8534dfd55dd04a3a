"""Roles are ordered by rank, not alphabetically, and a principal is plain values (pure)."""

from __future__ import annotations

import pytest

from feedback_app.domain.access import Principal, Role


def test_roles_are_ordered_by_what_they_may_do():
    assert Role.VIEWER < Role.OFFICER < Role.ADMIN
    assert Role.ADMIN >= Role.OFFICER and not Role.VIEWER >= Role.OFFICER
    assert sorted([Role.ADMIN, Role.VIEWER, Role.OFFICER]) == [Role.VIEWER, Role.OFFICER, Role.ADMIN]
    assert Role.OFFICER > "viewer"  # stored as text: compared by rank, never alphabetically
    assert Role("officer") is Role.OFFICER and Role.OFFICER == "officer"


def test_a_role_that_does_not_exist_is_not_comparable():
    with pytest.raises(ValueError):
        _ = Role.OFFICER < "mayor"


def test_a_principal_names_its_unit_for_the_audit_log():
    principal = Principal("mttq-12", Role.OFFICER, unit_id=7, unit_scheme="vn-2025", unit_code="12")
    assert principal.unit_label == "vn-2025:12"


def test_only_administrators_give_roles_and_never_one_above_their_own():
    from feedback_app.domain.access import grantable_roles, may_grant

    assert grantable_roles(Role.ADMIN) == [Role.VIEWER, Role.OFFICER, Role.ADMIN]
    assert grantable_roles(Role.OFFICER) == [] and grantable_roles(Role.VIEWER) == []
    assert may_grant(Role.ADMIN, Role.OFFICER) and not may_grant(Role.OFFICER, Role.VIEWER)
