"""Flask-WTF forms of the committee pages: every one carries a CSRF token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ...domain.campaign import DEFAULT_MIN_COVERAGE, DEFAULT_POSTING_DAYS, DEFAULT_THRESHOLD
from ...domain.phones import normalise_vn_mobile

# WTForms' own messages (a field it cannot read, a required field, a number out of range), listed
# here so that pybabel extracts them into this project's catalogs: WTForms ships no Vietnamese.
WTFORMS_MESSAGES = (
    _l("This field is required."), _l("Invalid input."), _l("Not a valid choice."),
    _l("Not a valid decimal value."), _l("Not a valid integer value."), _l("Not a valid date value."),
    _l("Not a valid float value."), _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."), _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Invalid Choice: could not coerce."),
)


class BabelTranslations:
    """WTForms' messages looked up in the project's catalogs in the page's language (Flask-WTF
    would look them up in WTForms' catalogs, which have no Vietnamese). The placeholders are left
    for WTForms to fill."""

    def gettext(self, string: str) -> str:
        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(get_translations().ungettext(singular, plural, n))


class Form(FlaskForm):
    """A committee form: CSRF token, and every validation message in the reader's language."""

    class Meta:
        def get_translations(self, form: Any) -> BabelTranslations:
            return BabelTranslations()


def _too_long(maximum: int) -> Length:
    return Length(max=maximum, message=_l("At most %(max)d characters.", max=maximum))


class NumberField(DecimalField):
    """A number as a Vietnamese reader types it, with a decimal comma ("84,5") or a point."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata([value.strip().replace(",", ".") if isinstance(value, str) else value
                                  for value in valuelist])


class LoginForm(Form):
    # No control character (PostgreSQL refuses NUL in text: that was a 500); no username has one.
    username = StringField(_l("Username"), validators=[
        DataRequired(), _too_long(64),
        Regexp(r"[^\x00-\x1f\x7f]*\Z", message=_l("A username has no control characters.")),
    ])
    password = PasswordField(_l("Password"), validators=[DataRequired(), _too_long(256)])
    next = HiddenField()


def _vietnamese_mobile(form: FlaskForm, field: StringField) -> None:
    if normalise_vn_mobile(field.data or "") is None:
        raise ValidationError(_l("This is not a Vietnamese mobile number. Type its 10 digits, "
                                 "e.g. 0912 345 678."))


class EraseNumberForm(Form):
    """A household asked the committee to delete what the SMS channel keeps about its number."""

    number = StringField(_l("Phone number"), validators=[
        DataRequired(), _too_long(32), _vietnamese_mobile])
    submit = SubmitField(_l("Delete this number's data"))


class ActionForm(Form):
    """A button that changes something (log out, open, close): only its CSRF token."""


class SubmitReportForm(Form):
    """The unit's officer submits (or drafts) its report with remarks; the length is checked by
    services.reports.workflow, which words the refusal."""

    remarks = TextAreaField(_l("Remarks"))
    allow_incomplete = BooleanField(_l("Submit even though some reports below are not accepted yet"))
    draft = SubmitField(_l("Save as draft"))
    submit = SubmitField(_l("Submit the report"))


class AcceptReportForm(Form):
    """Accept a child's report; one whose verdict is "insufficient" needs the box ticked."""

    confirm_insufficient = BooleanField(_l("Accept even though not enough households answered"))


class ReturnReportForm(Form):
    reason = TextAreaField(_l("Reason"))


class CampaignSettingsForm(Form):
    """A campaign's title, dates and rules: the new-campaign page and the edit page (before it opens)."""

    title = StringField(
        _l("Title"),
        description=_l("What pages and reports show, e.g. “Lấy ý kiến sự hài lòng về xây dựng nông thôn mới "
                       "xã Bình Lư năm 2026”. Left empty: the survey's title, the unit and the year."),
        validators=[Optional(), _too_long(300),
                    Regexp(r"[^\x00-\x1f\x7f]*\Z", message=_l("A title has no control characters."))],
    )
    opens_on = DateField(_l("Opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on"), validators=[DataRequired()])
    min_coverage = NumberField(_l("Minimum household coverage (%)"), places=None,
                                default=DEFAULT_MIN_COVERAGE * 100,
                                validators=[InputRequired(), NumberRange(0, 100)])
    threshold = NumberField(_l("Overall threshold: the overall question (%)"), places=None,
                             default=DEFAULT_THRESHOLD * 100,
                             validators=[InputRequired(), NumberRange(0, 100)])
    item_rule = SelectField(_l("Content items"), default="")  # choices: item_rule_choices()
    item_threshold = NumberField(_l("Item threshold (%)"), places=None,
                                  validators=[Optional(), NumberRange(0, 100)])
    commune_floor = NumberField(
        _l("Per-commune floor (%)"), places=None, validators=[Optional(), NumberRange(0, 100)],
        description=_l("For a campaign over several communes: every commune must reach it on every item. "
                       "Leave empty for none."))
    posting_days = IntegerField(_l("Posting of the results (days)"), default=DEFAULT_POSTING_DAYS,
                                validators=[Optional(), NumberRange(1, 90)])

    def validate_closes_on(self, field: DateField) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date must not be before the opening date."))
        if self.opens_on.data and field.data and field.data - self.opens_on.data > timedelta(days=366):
            raise ValidationError(_l("A campaign lasts at most one year."))

    def validate_item_rule(self, field: SelectField) -> None:
        # Here, not on item_threshold: its Optional() stops the checks of an empty field.
        if field.data and self.item_threshold.data is None:
            raise ValidationError(_l("Give the item threshold, or choose “Not judged”."))


class CampaignForm(CampaignSettingsForm):
    """A new campaign: its key, survey and ways of answering, and its settings."""

    key = StringField(
        _l("Campaign key"),
        description=_l("Lower-case letters, digits and dashes, e.g. ntm-binh-lu-2026."),
        validators=[DataRequired(), Regexp(r"[a-z0-9][a-z0-9-]{2,63}\Z",
                                           message=_l("Use 3 to 64 lower-case letters, digits and dashes."))],
    )
    survey = SelectField(_l("Survey"), validators=[DataRequired()])
    household_codes = BooleanField(_l("Household codes (one single-use code per household)"), default=True)
    open_link = BooleanField(
        _l("Open link per commune, for households without a code"),
        description=_l("Anyone with the link may answer, so it cannot prove one answer per household: "
                       "a phone that answered is asked before it answers again, and the dashboard "
                       "counts these answers apart from household codes. Use it beside the codes, "
                       "for households that lost or never got a slip, or for a quick open survey."))

    def validate_open_link(self, field: BooleanField) -> None:
        if not field.data and not self.household_codes.data:
            raise ValidationError(_l("Choose at least one way of answering."))


def item_rule_choices() -> list[tuple[str, str]]:
    """The choices of CampaignForm.item_rule, in the page's language (set on each form: wtforms
    warns about tuples given to the field itself)."""
    return [("", str(_l("Not judged"))), ("each", str(_l("Each item must reach the item threshold"))),
            ("average", str(_l("The average of the items must reach the item threshold")))]


_NO_CONTROL = Regexp(r"[^\x00-\x1f\x7f]*\Z", message=_l("Use printable characters only."))


class AccountForm(FlaskForm):
    """An administrator creates an account; its password is made by the service (temporary)."""

    full_name = StringField(_l("Full name"), description=_l("As the person signs, e.g. Nguyễn Văn An."),
                            validators=[DataRequired(), Length(max=120), _NO_CONTROL])
    username = StringField(
        _l("Username"), description=_l("3 to 64 lower-case letters, digits, dots, dashes or underscores, "
                                       "e.g. an.nv-binhlu."),
        validators=[DataRequired(), Regexp(r"[a-zA-Z0-9][a-zA-Z0-9._-]{2,63}\Z",
                                           message=_l("Use 3 to 64 letters without accents, digits, dots, "
                                                      "dashes or underscores."))])
    unit = SelectField(_l("Unit"), coerce=int, validate_choice=False)  # the service checks the scope
    role = SelectField(_l("Role"), validate_choice=False)
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=32), _NO_CONTROL])
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254), _NO_CONTROL])


class AccountEditForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120), _NO_CONTROL])
    role = SelectField(_l("Role"), validate_choice=False)
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=32), _NO_CONTROL])
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254), _NO_CONTROL])
    # Shown only when single sign-on is on; empty unlinks the account from the provider's user.
    sso_subject = StringField(
        _l("Single sign-on user ID (optional)"),
        description=_l("The person's user ID at the Front's login (its “sub”), to let them sign in "
                       "with it. Leave empty for none."),
        validators=[Optional(), Length(max=200), _NO_CONTROL])


class ResetForm(FlaskForm):
    kind = HiddenField(validators=[DataRequired()])  # link | temporary: one button each


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(_l("New password"), description=_l("At least 8 characters."),
                      validators=[DataRequired(), Length(min=8, max=256)]),
        PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=256)]),
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new, confirm = _new_password_fields()
    next = HiddenField()

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.new.data:
            raise ValidationError(_l("The two new passwords differ."))


class PasswordResetForm(FlaskForm):
    new, confirm = _new_password_fields()

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.new.data:
            raise ValidationError(_l("The two new passwords differ."))
