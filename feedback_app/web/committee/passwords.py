"""Passwords: everyone changes their own (/committee/password, the current one required), and a
person sets one through the one-time link an administrator gave (/committee/password/reset/<token>).

An account given a temporary password is sent to the change page by every committee page
(auth.login_required) until it has chosen its own. Changing a password ends every other session
of the account; this browser's session goes on.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ...services.accounts import users
from ...services.errors import Refused
from ..limits import password_attempts, reset_link_attempts
from .auth import GENERATION_KEY, login_required, next_page
from .forms import PasswordChangeForm, PasswordResetForm

bp = Blueprint("passwords", __name__, url_prefix="/committee")


@bp.route("/password", methods=["GET", "POST"])
@password_attempts
@login_required()
def change() -> ResponseReturnValue:
    form = PasswordChangeForm(next=request.args.get("next", ""))
    wrong = False
    if form.validate_on_submit():
        try:
            users.change_own_password(g.account, form.current.data or "", form.new.data or "")
        except Refused as refused:
            if refused.reason == "password_wrong":
                wrong = True
                form.current.errors = [gettext("This is not your current password.")]
            elif refused.reason == "password_unchanged":
                form.new.errors = [gettext("Choose a password other than the current one.")]
            else:
                raise
        else:
            session[GENERATION_KEY] = g.account.session_generation  # this browser stays signed in
            flash(gettext("Your password is changed. Your other sessions have ended."))
            return redirect(next_page(form.next.data), 303)
    status = 401 if wrong else 422 if form.is_submitted() else 200
    return render_template("committee/password.html", form=form,
                           forced=g.account.must_change_password), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@reset_link_attempts
def reset_with_link(token: str) -> ResponseReturnValue:
    account = users.account_of_reset_token(token)  # 404 (counted) when unknown, used or expired
    form = PasswordResetForm()
    if form.validate_on_submit():
        users.reset_with_link(token, form.new.data or "")
        flash(gettext("Your password is set. Please log in with it."))
        return redirect(url_for("auth.login"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("committee/password_reset.html", form=form, account=account), status
