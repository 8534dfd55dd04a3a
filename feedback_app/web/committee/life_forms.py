"""Flask-WTF forms of a campaign's life (web/committee/campaign_life.py): its edit page shares
CampaignSettingsForm with the new-campaign page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from ...domain.campaign_life import MAX_REASON
from .forms import CampaignSettingsForm, Form


class CampaignEditForm(CampaignSettingsForm):
    """The settings, and for a campaign over several communes the communes it surveys."""

    communes = SelectMultipleField(
        _l("Communes surveyed"), widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        description=_l("A commune whose household codes were issued stays in the campaign."))


class CampaignDatesForm(Form):
    """A later closing date: extending an open campaign, or reopening a closed one (with a reason)."""

    closes_on = DateField(_l("New closing date"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(
        max=MAX_REASON, message=_l("At most %(max)d characters.", max=MAX_REASON))])


class CloseForm(Form):
    """The confirmation page's button: its CSRF token and confirm=yes (a POST without it, from
    anywhere but that page, is sent to the page)."""

    confirm = HiddenField()
