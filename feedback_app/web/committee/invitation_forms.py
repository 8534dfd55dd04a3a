"""The forms of the invitations page (web/committee/invitations.py): upload, then send."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ...services.sms.invites import LAWFUL_BASES, MIN_STATEMENT
from .forms import Form


def language_choices() -> list[tuple[str, str]]:
    """Set on each form (wtforms warns about tuples given to the field itself)."""
    return [("vi", str(_l("Vietnamese"))), ("en", str(_l("English")))]


class InviteUploadForm(Form):
    """Which place, in which language; the file itself is read by the view (its size checked)."""

    place = SelectField(_l("Commune or village"), validators=[InputRequired()])
    language = SelectField(_l("Language of the message"), default="vi",
                           validators=[InputRequired()])  # choices: language_choices()
    submit = SubmitField(_l("Check the file"))


def basis_choices() -> list[tuple[str, str]]:
    labels = {"consent": _l("Consent of the households"),
              "legal-obligation": _l("A legal obligation"),
              "public-task": _l("A public task of the Front committee")}
    return [(basis, str(labels[basis])) for basis in LAWFUL_BASES]


class InviteSendForm(Form):
    """The previewed numbers (sealed), the lawful basis and the statement the officer confirms."""

    place = HiddenField(validators=[InputRequired()])
    language = HiddenField(validators=[InputRequired()])
    numbers = HiddenField(validators=[InputRequired()])
    lawful_basis = SelectField(_l("Lawful basis (Law 91/2025/QH15)"), validators=[InputRequired()])
    statement = TextAreaField(_l("How these households gave their numbers, and for what"),
                              validators=[DataRequired(), Length(
                                  min=MIN_STATEMENT, max=1000,
                                  message=_l("Between %(min)d and %(max)d characters, please."))])
    confirm = BooleanField(_l("I confirm this is true for every number of the file"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Send the invitations"))
