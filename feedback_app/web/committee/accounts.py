"""Accounts of a committee, managed by its administrators: /committee/accounts.

An administrator lists, creates, changes, disables and enables again the accounts of their unit
and of every unit below it, and issues password resets (a one-time link or a temporary password).
Role and scope are checked by services.accounts.manage, as every committee page's are by its
service; a refusal is the same 403 page.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ...domain.access import ACCOUNTS_ROLE, Principal, Role, grantable_roles, may_grant
from ...domain.phones import display_number
from ...i18n import language
from ...links import public_url
from ...models import Account
from ...services.accounts import manage
from ...services.accounts.events import detail_of
from ...services.accounts.sso import subject_key as sso_subject_key
from ...services.accounts.users import RESET_LINK_VALIDITY
from ...services.errors import Refused
from ...services.exports.labels import role_label
from .auth import login_required
from .forms import AccountEditForm, AccountForm, ActionForm, ResetForm

bp = Blueprint("accounts", __name__, url_prefix="/committee")

ROLE_HINTS = {
    "viewer": _l("reads dashboards, comments and reports"),
    "officer": _l("also runs campaigns and reports"),
    "admin": _l("also manages accounts"),
}
ACTIONS = {
    "created": _l("Account created"),
    "updated": _l("Details changed"),
    "disabled": _l("Disabled"),
    "enabled": _l("Enabled again"),
    "reset_link_issued": _l("Reset link issued"),
    "temporary_password_issued": _l("Temporary password issued"),
    "password_changed": _l("Password changed by its holder"),
    "password_reset_by_link": _l("Password set with a reset link"),
    "password_set": _l("Password set at the server"),
}
FIELDS = {"full_name": _l("Full name"), "role": _l("Role"), "phone": _l("Phone"), "email": _l("E-mail"),
          "sso_subject": _l("Single sign-on")}
# Which field of the form a service's refusal is about, and how to say it there.
FIELD_REFUSALS = {
    "username_taken": ("username", _l("This username is already used by another account.")),
    "username_invalid": ("username", _l("Use 3 to 64 letters without accents, digits, dots, dashes "
                                        "or underscores.")),
    "full_name_too_long": ("full_name", _l("A name has at most 120 printable characters.")),
    "phone_invalid": ("phone", _l("This is not a phone number. Write it as 0912 345 678 or "
                                  "+84 912 345 678.")),
    "email_invalid": ("email", _l("This is not an e-mail address, e.g. an.nv@example.vn.")),
    "sso_subject_taken": ("sso_subject", _l("Another account is already linked to this user ID.")),
}


def _role_choices(principal: Principal) -> list[tuple[str, str]]:
    """The roles this administrator may give, with their names only (a phone cuts a long option);
    what each may do is the field's description (_role_hint)."""
    return [(role.value, role_label(role.value)) for role in grantable_roles(principal.role)]


def _role_hint(principal: Principal) -> str:
    return "; ".join(f"{role_label(role.value)}: {ROLE_HINTS[role.value]}"
                     for role in grantable_roles(principal.role)) + "."


def _show_refusal_on(form: AccountForm | AccountEditForm, refused: Refused) -> None:
    """Put a refusal about one field next to that field, or let the error page say it."""
    field_and_text = FIELD_REFUSALS.get(refused.reason)
    if field_and_text is None or not hasattr(form, field_and_text[0]):
        raise refused
    getattr(form, field_and_text[0]).errors = [str(field_and_text[1])]


@bp.get("/accounts")
@login_required(ACCOUNTS_ROLE)
def index() -> str:
    accounts = manage.visible_accounts(g.principal)
    return render_template("committee/accounts.html", accounts=accounts, role_label=role_label)


@bp.route("/accounts/new", methods=["GET", "POST"])
@login_required(ACCOUNTS_ROLE)
def new() -> ResponseReturnValue:
    units = manage.manageable_units(g.principal)
    form = AccountForm()
    form.unit.choices = [(unit.id, "\u2003" * depth + unit.display_name(language())) for unit, depth in units]
    form.role.choices = _role_choices(g.principal)
    form.role.description = _role_hint(g.principal)
    if not form.is_submitted():
        form.role.data = "viewer"
    if form.validate_on_submit():
        spec = manage.AccountSpec(username=form.username.data or "", full_name=form.full_name.data or "",
                                  unit_id=form.unit.data or 0, role=form.role.data or "",
                                  phone=form.phone.data, email=form.email.data)
        try:
            account, password = manage.create_for(g.principal, spec)
        except Refused as refused:
            _show_refusal_on(form, refused)
        else:
            return render_template("committee/account_secret.html", account=account, kind="created",
                                   password=password)
    status = 422 if form.is_submitted() else 200
    return render_template("committee/account_new.html", form=form), status


def _account_page(account: Account, form: AccountEditForm, status: int = 200) -> tuple[str, int]:
    _, log = manage.log_for(g.principal, account.username)
    editable = account.username != g.principal.name and may_grant(g.principal.role, Role(account.role))
    return render_template(
        "committee/account.html", account=account, form=form, log=log, actions=ACTIONS,
        fields=FIELDS, detail_of=detail_of, role_label=role_label, editable=editable,
        button_form=ActionForm(), reset_form=ResetForm(), display_number=display_number,
        days=RESET_LINK_VALIDITY.days, sso=bool(current_app.config.get("OIDC_ISSUER")),
    ), status


@bp.get("/accounts/<username>")
@login_required(ACCOUNTS_ROLE)
def account(username: str) -> tuple[str, int]:
    found = manage.account_for(g.principal, username)
    form = AccountEditForm(obj=found, formdata=None)
    form.role.choices = _role_choices(g.principal)
    form.role.description = _role_hint(g.principal)
    if found.phone:
        form.phone.data = display_number(found.phone)
    issuer = current_app.config.get("OIDC_ISSUER") or ""
    prefix = sso_subject_key(issuer, "") if issuer else ""
    if found.sso_subject and prefix and found.sso_subject.startswith(prefix):
        form.sso_subject.data = found.sso_subject[len(prefix):]
    return _account_page(found, form)


@bp.post("/accounts/<username>")
@login_required(ACCOUNTS_ROLE)
def update(username: str) -> ResponseReturnValue:
    found = manage.account_for(g.principal, username)  # scope first, whatever the form holds
    form = AccountEditForm()
    form.role.choices = _role_choices(g.principal)
    form.role.description = _role_hint(g.principal)
    if form.validate_on_submit():
        issuer = current_app.config.get("OIDC_ISSUER") or ""
        details = manage.Details(full_name=form.full_name.data or "", role=form.role.data or "",
                                 phone=form.phone.data, email=form.email.data,
                                 sso_subject=(form.sso_subject.data or "") if issuer else None,
                                 sso_issuer=issuer)
        try:
            manage.update_for(g.principal, username, details)
        except Refused as refused:
            _show_refusal_on(form, refused)
        else:
            flash(gettext("The account's details are saved."))
            return redirect(url_for(".account", username=found.username), 303)
    return _account_page(found, form, 422)


def _check_action_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.post("/accounts/<username>/disable")
@login_required(ACCOUNTS_ROLE)
def disable(username: str) -> Response:
    manage.account_for(g.principal, username)
    _check_action_form()
    found = manage.set_active_for(g.principal, username, False)
    flash(gettext("Account %(username)s is disabled: it can no longer log in, and its open sessions "
                  "have ended.", username=found.username))
    return redirect(url_for(".account", username=found.username), 303)


@bp.post("/accounts/<username>/enable")
@login_required(ACCOUNTS_ROLE)
def enable(username: str) -> Response:
    manage.account_for(g.principal, username)
    _check_action_form()
    found = manage.set_active_for(g.principal, username, True)
    flash(gettext("Account %(username)s is enabled again.", username=found.username))
    return redirect(url_for(".account", username=found.username), 303)


@bp.post("/accounts/<username>/reset")
@login_required(ACCOUNTS_ROLE)
def reset(username: str) -> str:
    manage.account_for(g.principal, username)
    form = ResetForm()
    if not form.validate_on_submit():
        abort(400)
    found, secret = manage.reset_for(g.principal, username, form.kind.data or "")
    if form.kind.data == "link":
        link = public_url("passwords.reset_with_link", token=secret)
        return render_template("committee/account_secret.html", account=found, kind="link", link=link,
                               days=RESET_LINK_VALIDITY.days)
    return render_template("committee/account_secret.html", account=found, kind="temporary",
                           password=secret)
