"""Committee login and logout, and the decorator every committee page uses.

The session cookie holds only the account id and the account's session generation (signed by
Flask); each request reloads the account and compares the generation, so a disabled account, a
logout or a new password ends every session of the account at once, in every browser, even a
copied cookie's. Scope (which units) is decided by services.accounts.access.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import unquote, urlsplit

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from ...domain.access import Principal, Role
from ...services.accounts.users import check_login, end_sessions, principal_of, session_account
from ...services.errors import Refused
from ..limits import account_login_attempts, login_attempts
from .forms import ActionForm, LoginForm

bp = Blueprint("auth", __name__, url_prefix="/committee")
SESSION_KEY = "account_id"
GENERATION_KEY = "generation"
P = ParamSpec("P")
R = TypeVar("R")


MAX_NEXT_LENGTH = 2000
# Characters a browser drops or a header cannot carry (tab, CR, LF, NUL...), invisible format
# characters and line separators: none belongs in a link of this site.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None.

    A browser reads `/%09/evil.example` (a tab it drops), a backslash and `//evil.example` alike
    as another host, and undoes percent-encoding in places, so the rules hold for the text as
    given and for every decoding of it: it starts with one `/`, has no scheme or host, and no
    backslash or control character.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    seen = target
    for _ in range(4):  # the value as given, then each decoding until nothing changes
        if not _is_plain_path(seen):
            return None
        decoded = unquote(seen)
        if decoded == seen:
            return target
        seen = decoded
    return None  # still changing after three decodings: nobody writes a link so


def _is_plain_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return False
    if any(unicodedata.category(ch) in _UNSAFE_CATEGORIES for ch in text):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def next_page(target: str | None) -> str:
    """Where to go after login: `next` when it is safe, else the committee home."""
    return safe_next(target) or url_for("dashboard.home")


def current_principal() -> Principal | None:
    account_id, generation = session.get(SESSION_KEY), session.get(GENERATION_KEY)
    if not isinstance(account_id, int) or not isinstance(generation, int):
        return None
    account = session_account(account_id, generation)
    if account is None:
        session.pop(SESSION_KEY, None)
        session.pop(GENERATION_KEY, None)
        return None
    g.account = account
    return principal_of(account)


def login_required(role: Role = Role.VIEWER) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Send anonymous visitors to the login page; refuse (403) a role below `role`. The view gets
    the principal as `g.principal` and must still check the unit it touches (services.accounts.access)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R | Response]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            principal = current_principal()
            if principal is None:  # back to this page after login (a button's POST cannot be replayed)
                back = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("auth.login", next=back))
            if g.account.must_change_password and request.endpoint != "passwords.change":
                # A temporary password: nothing else until the person has chosen their own.
                back = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("passwords.change", next=back))
            if principal.role < role:
                raise Refused("role_too_low", status=403, needed=role.label, role=principal.role.label)
            g.principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorate


@bp.route("/login", methods=["GET", "POST"])
@login_attempts
@account_login_attempts
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "GET" and current_principal() is not None:
        return redirect(next_page(form.next.data))
    failed = False
    if form.validate_on_submit():
        try:
            account = check_login(form.username.data or "", form.password.data or "")
        except Refused:
            failed = True
        else:
            new_session()
            session.permanent = True
            session[SESSION_KEY] = account.id
            session[GENERATION_KEY] = account.session_generation
            if account.must_change_password:  # a temporary password: choose one's own first
                return redirect(url_for("passwords.change", next=safe_next(form.next.data)), 303)
            return redirect(next_page(form.next.data), 303)
    status = 401 if failed else 422 if form.is_submitted() else 200
    return render_template("committee/login.html", form=form, failed=failed,
                           sso=bool(current_app.config.get("OIDC_ISSUER"))), status


@bp.post("/logout")
def logout() -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if current_principal() is not None:  # every browser of this account, not only this one
        end_sessions(g.account)
    new_session()
    return redirect(url_for("auth.login"), 303)


def new_session() -> None:
    """Forget everything of the previous session, its CSRF token included (a new one is made for
    the next form; flask_wtf also caches it on `g`)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


@bp.app_context_processor
def _committee_context() -> dict[str, Any]:
    return {"committee_account": g.get("account"), "action_form": ActionForm}
