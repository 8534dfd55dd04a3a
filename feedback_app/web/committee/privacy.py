"""A committee deletes, at a household's request, what the SMS channel keeps about a phone
number (Law 91/2025/QH15): the same service as the household's own XOA message."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ...domain.access import Role
from ...domain.phones import mask_number, normalise_vn_mobile
from ...services.sms.numbers import hash_of
from ...services.sms.privacy import erase_number
from .auth import login_required
from .forms import EraseNumberForm

log = logging.getLogger(__name__)
bp = Blueprint("committee_privacy", __name__, url_prefix="/committee")


@bp.route("/sms/erase", methods=["GET", "POST"])
@login_required(Role.OFFICER)
def erase() -> ResponseReturnValue:
    form = EraseNumberForm()
    if form.validate_on_submit():
        number = normalise_vn_mobile(form.number.data or "")
        assert number is not None  # the form's validator
        erase_number(hash_of(number))
        log.info("sms data of %s erased by %s", mask_number(number), g.principal.name)
        flash(gettext("Everything the SMS channel kept about %(number)s is deleted. The number gets "
                      "no more invitations unless it sends START. Its answers stay: they never "
                      "named the number.", number=mask_number(number)))
        return redirect(url_for(".erase"), 303)
    return render_template("committee/sms_erase.html", form=form), 422 if form.errors else 200
