"""The resident page as an offline app in a real browser: cached forms, queued answers, sync."""

from __future__ import annotations

import uuid

import pytest

from feedback_app.extensions import db
from feedback_app.services.responses.record import Channel, Submission, record_response

from ..support import all_answers, codes_of
from .support import (
    answer_all,
    open_for_offline,
    queue_records,
    stored,
    wait_for_js,
    wait_until,
    wait_waiting,
)

pytestmark = pytest.mark.browser


def test_answers_given_offline_are_sent_once_when_the_connection_returns(context, server, campaign):
    first, second = codes_of(campaign, "03390")[:2]
    page = context.new_page()
    open_for_offline(page, f"{server}/h/{first}")
    open_for_offline(page, f"{server}/h/{second}")

    context.set_offline(True)
    page.reload()  # served by the service worker
    assert page.locator("fieldset.question").count() == 20
    answer_all(page)
    page.get_by_text("Không có kết nối").wait_for()
    wait_waiting(page, 1)
    assert page.locator("[data-queue-count]").inner_text() == "1 câu trả lời đang chờ gửi"

    page.goto(f"{server}/h/{second}")  # opened again: the phone says it already holds its answer
    page.get_by_text("Câu trả lời của mã hộ này đã được lưu trên điện thoại này").wait_for()

    page.goto(f"{server}/h/{first}")
    assert not page.locator("#send-status").is_visible()
    answer_all(page, value="2")
    wait_waiting(page, 2)
    assert page.locator("[data-queue-count]").inner_text() == "2 câu trả lời đang chờ gửi"
    assert page.locator("li[data-state='waiting']").count() == 2
    assert stored() == []

    context.set_offline(False)  # the `online` event sends them
    wait_waiting(page, 0)
    assert page.locator("li[data-state='sent']").count() == 2
    responses = stored()
    assert sorted(r.household_code.code for r in responses) == sorted([first, second])
    assert {r.uuid for r in responses} == {r["uuid"] for r in queue_records(page)}
    by_code = {r.household_code.code: r for r in responses}
    assert {a.value for a in by_code[second].answers} == {1}
    assert {a.value for a in by_code[first].answers} == {2}
    assert all(r.channel == "web" for r in responses)


def test_a_sync_cut_off_half_way_loses_nothing_and_counts_nothing_twice(context, server, campaign):
    codes = codes_of(campaign, "03430")[:3]
    page = context.new_page()
    for code in codes:
        open_for_offline(page, f"{server}/h/{code}")
    context.set_offline(True)
    for code in codes:
        page.goto(f"{server}/h/{code}")
        answer_all(page)
        page.get_by_text("Không có kết nối").wait_for()
    wait_waiting(page, 3)

    # The network breaks in the middle of the sync: the first answer goes through, the second
    # reaches the server but its reply is lost, and every request after that fails.
    posts: list[str] = []
    answered: list[str] = []
    broken = True

    def flaky_network(route) -> None:  # type: ignore[no-untyped-def]
        posts.append(route.request.post_data_json["uuid"])
        if not broken or len(posts) == 1:
            route.continue_()
        elif len(posts) == 2:
            route.fetch()  # the server records it...
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.abort("internetdisconnected")
        answered.append(posts[-1])

    context.route("**/api/v1/responses*", flaky_network)
    context.set_offline(False)
    wait_until(page, lambda: len(answered) >= 2)
    wait_waiting(page, 2)
    lost_reply = posts[1]
    assert len(stored()) == 2  # the answer whose reply was lost is on the server, still waiting here
    assert {r["uuid"]: r["state"] for r in queue_records(page)}[lost_reply] == "waiting"

    broken = False
    page.reload()  # the next page open sends the rest, the lost reply's answer again (200: no new row)
    wait_waiting(page, 0)
    assert posts.count(lost_reply) >= 2

    queued = [r["uuid"] for r in queue_records(page)]
    responses = stored()
    assert sorted(r.uuid for r in responses) == sorted(queued)
    assert sorted(r.household_code.code for r in responses) == sorted(codes)
    assert all(r["state"] == "sent" for r in queue_records(page))


def _caches(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate("caches.keys()")


def test_a_service_worker_update_keeps_the_queue_and_the_cached_forms(app, context, server, campaign):
    codes = codes_of(campaign, "03390")[:2]
    page = context.new_page()
    for code in codes:
        open_for_offline(page, f"{server}/h/{code}")
    context.set_offline(True)
    for code in codes:
        page.goto(f"{server}/h/{code}")
        answer_all(page)
        page.get_by_text("Không có kết nối").wait_for()
    wait_waiting(page, 2)
    old_assets = [name for name in _caches(page) if name.startswith("assets-")]
    assert len(old_assets) == 1

    # A new release while the answers wait (the API is unreachable, so they stay queued).
    context.route("**/api/v1/responses*", lambda route: route.abort("internetdisconnected"))
    context.set_offline(False)
    app.config["PWA_RELEASE"] = "update-test"
    try:
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        wait_for_js(page, f"caches.keys().then((names) => !names.includes({old_assets[0]!r}) && "
                         "names.some((n) => n.startsWith('assets-')))")
    finally:
        app.config["PWA_RELEASE"] = "1"
    assert "pages-v1" in _caches(page)
    assert [r["state"] for r in queue_records(page)] == ["waiting", "waiting"]
    assert stored() == []

    # The cached forms still open offline, with the new release's style sheet.
    context.set_offline(True)
    page.goto(f"{server}/h/{codes[0]}")
    assert page.locator("fieldset.question").count() == 20
    header = page.eval_on_selector("header.top", "(e) => getComputedStyle(e).backgroundColor")
    assert header == "rgb(29, 107, 58)"

    context.unroute("**/api/v1/responses*")
    context.set_offline(False)
    wait_waiting(page, 0)
    assert sorted(r.household_code.code for r in stored()) == sorted(codes)


def test_an_answer_the_server_refuses_shows_the_servers_reason(context, server, campaign):
    code = codes_of(campaign, "03390")[0]
    page = context.new_page()
    open_for_offline(page, f"{server}/h/{code}")
    context.set_offline(True)
    page.reload()
    answer_all(page)
    wait_waiting(page, 1)
    persisted = page.evaluate("navigator.storage.persisted()")
    assert page.locator("[data-queue-persist]").is_visible() is (not persisted)

    # Meanwhile the household answered on another phone.
    record_response(Submission(campaign_key=None, channel=Channel.WEB, answers=all_answers(campaign),
                               client_uuid=str(uuid.uuid4()), household_code=code))
    db.session.commit()

    context.set_offline(False)
    wait_waiting(page, 0)
    refused = page.locator("li[data-state='refused']")
    assert refused.count() == 1
    assert "bị từ chối: Câu trả lời của mã hộ" in refused.inner_text()
    assert [r["reason"] for r in queue_records(page)] == ["code_used"]
    assert len(stored()) == 1


def test_background_sync_sends_the_answers_with_no_page_open(context, server, campaign):
    code = codes_of(campaign, "03390")[0]
    page = context.new_page()
    open_for_offline(page, f"{server}/h/{code}")
    context.set_offline(True)
    page.reload()
    answer_all(page)
    wait_waiting(page, 1)

    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    wait_until(page, lambda: bool(registrations))
    page.goto("about:blank")  # no survey page runs any more: only the service worker can send
    context.set_offline(False)  # chromium fires the sync itself; DevTools makes sure it is now
    cdp.send("ServiceWorker.dispatchSyncEvent", {
        "origin": server, "registrationId": registrations[0]["registrationId"],
        "tag": "send-answers", "lastChance": False,
    })
    wait_until(page, lambda: len(stored()) == 1)
    assert stored()[0].household_code.code == code
