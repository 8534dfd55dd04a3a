"""The posting of a commune's results (niêm yết) on the committee pages:
/committee/campaigns/<key>/units/<commune>/posting (the dates and where to send comments, and the
history), …/posting/sheet.html (the A4 sheets to print: one for the commune, one per village) and
…/posting/sheet.pdf (the same, as PDF through WeasyPrint). Who may see or record what is decided
by services.reports.posting; one commit per request."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Optional

from ...clock import local_today
from ...domain.recontact import MAX_POSTING_DAYS
from ...i18n import fmt_date, language
from ...services.exports.labels import item_short_label, percent, verdict_label
from ...services.reports import posting as service
from .auth import login_required
from .forms import Form

bp = Blueprint("posting", __name__, url_prefix="/committee/campaigns/<key>/units/<code>/posting")


class PostingForm(Form):
    starts_on = DateField(_l("Posted from"), validators=[DataRequired()])
    ends_on = DateField(_l("Posted until (empty: the campaign's posting days after the start)"),
                        validators=[Optional()])
    contact = TextAreaField(_l("Where residents send comments"))


def _render(key: str, code: str, form: PostingForm | None = None, status: int = 200) -> tuple[str, int]:
    state = service.posting_state(g.principal, key, code)
    if form is None and state.posting is not None:  # a correction starts from what is in force
        form = PostingForm(starts_on=state.posting.starts_on, ends_on=state.posting.ends_on,
                           contact=state.posting.contact)
    elif form is None:
        form = PostingForm(starts_on=local_today(), contact=state.default_contact)
    return render_template("committee/posting.html", state=state, form=form, maximum=MAX_POSTING_DAYS,
                           lang=language()), status


@bp.get("")
@login_required()
def page(key: str, code: str) -> tuple[str, int]:
    return _render(key, code)


@bp.post("")
@login_required()
def record(key: str, code: str) -> Response | tuple[str, int]:
    """Record the posting dates; a form the fields refuse is shown again with its errors (422)."""
    form = PostingForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            return _render(key, code, form, 400)
        return _render(key, code, form, 422)
    assert form.starts_on.data is not None  # DataRequired
    posting = service.record_posting(g.principal, key, code, form.starts_on.data, form.ends_on.data,
                                     form.contact.data or "")
    flash(gettext("Posting recorded: from %(start)s to %(end)s.", start=fmt_date(posting.starts_on),
                  end=fmt_date(posting.ends_on)))
    return redirect(url_for(".page", key=key, code=code), 303)


def sheet_html(key: str, code: str, lang: str, standalone: bool) -> str:
    sheets = service.posting_sheets(g.principal, key, code)
    return render_template("verification/posting_sheet.html", sheets=sheets, lang=lang, standalone=standalone,
                           percent=percent, verdict_label=verdict_label, item_label=item_short_label,
                           fmt_date=fmt_date, today=local_today())


@bp.get("/sheet.html")
@login_required()
def sheet(key: str, code: str) -> str:
    return sheet_html(key, code, language(), standalone=False)


@bp.get("/sheet.pdf")
@login_required()
def sheet_pdf(key: str, code: str) -> Response:
    from weasyprint import HTML  # loads Pango: imported when a PDF is asked for, not at start-up

    pdf = HTML(string=sheet_html(key, code, language(), standalone=True)).write_pdf()
    return Response(pdf, content_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="niem-yet-{key}-{code}.pdf"'})
