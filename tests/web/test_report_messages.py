"""Committee pages word every refusal of upward reporting (not the generic 'could not be handled')."""

from __future__ import annotations

import flask_babel
import pytest

from feedback_app.extensions import db
from feedback_app.services.errors import Refused
from feedback_app.services.reports import workflow as reports
from feedback_app.web.messages import refusal_message

from ..reports_support import officer


def refusal(fn, *args) -> Refused:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as caught:
        fn(*args)
    db.session.rollback()
    return caught.value


def test_reporting_refusals_are_worded(app, campaign):
    reports.submit_report(officer("03390"), campaign.key)
    reports.accept_report(officer("12"), campaign.key, "03390")
    db.session.commit()
    cases = {
        refusal(reports.accept_report, officer("03430"), campaign.key, "03390"): "Không phải đơn vị của bạn",
        refusal(reports.accept_report, officer("03390"), campaign.key, "03390"): "Vai trò của Ông/Bà",
        refusal(reports.submit_report, officer("03390"), campaign.key): "đã được tiếp nhận",
        refusal(reports.submit_report, officer("12"), campaign.key): "03430",
        refusal(reports.return_report, officer("12"), campaign.key, "03430", "x"): "Không có báo cáo",
    }
    with app.test_request_context("/"):
        generic = refusal_message(Refused("something_else"))
        for refused, words in cases.items():
            message = refusal_message(refused)
            assert words in message.title + message.body, refused
            assert message != generic
    with app.test_request_context("/?lang=en"):
        flask_babel.refresh()  # the locale is chosen per request (a before_request hook in the app)
        message = refusal_message(Refused("report_accepted", status=409))
        assert message.title == "This report has been accepted"
