"""Sharing in the PWA: connecting, sharing one letter, holding, cancelling, withdrawing,
and the therapist's calm, offline-readable view."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import Device, server_records, signed_in

pytestmark = pytest.mark.browser

LETTER = "I was afraid to say this in the room, so I am writing it down."
SUGGESTION = "No need to reply — I'd like to talk about it in our next session."


def api(base: str, username: str, query: str, variables: dict | None = None) -> dict:
    """One GraphQL call as `username`, through the public API."""
    with signed_in(base, username) as client:
        answer = client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
        assert "errors" not in answer, answer
        return answer["data"]


# The therapist device's `shared_letter` records, straight from IndexedDB.
DEVICE_SHARED_LETTERS = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => {
    const all = open.result.transaction("records").objectStore("records").index("kind")
      .getAll("shared_letter");
    all.onsuccess = () => { resolve(all.result); open.result.close(); };
  };
})"""


# The therapist device has sent every opening it made offline.
NO_OPENINGS_WAITING = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => {
    const get = open.result.transaction("meta").objectStore("meta").get("openingsToSend");
    get.onsuccess = () => {
      resolve((get.result?.value ?? []).length === 0);
      open.result.close();
    };
  };
})"""


# Whether this device has noted which letters are shared (for saying so offline).
KNOWS_SHARED = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => {
    const get = open.result.transaction("meta").objectStore("meta").get("sharedLetters");
    get.onsuccess = () => {
      open.result.close();
      resolve(Object.keys(get.result?.value ?? {}).length > 0);
    };
  };
})"""


def two_people(chromium, base: str, **screen) -> tuple[Device, Device]:
    """Dana, a therapist, and Robin, a client, each on a device of their own."""
    therapist = Device(chromium, base, **screen)
    therapist.register("dana", role="THERAPIST")
    client = Device(chromium, base, **screen)
    client.register("robin")
    return therapist, client


def shared_letters(base: str, therapist: str) -> list[dict]:
    """The therapist's live `shared_letter` records on the server."""
    return [r for r in server_records(base, therapist).values() if r["kind"] == "shared_letter"]


def make_code(therapist: Device) -> str:
    page = therapist.page
    page.click("#tabs >> text=Clients")
    page.click("#new-code")
    return page.inner_text("#connect-code").strip()


def enter_code(client: Device, code: str) -> None:
    page = client.page
    page.goto("/connect")
    page.fill("#connect-code-input", code)
    page.click("button:has-text('Look it up')")


def connect(therapist: Device, client: Device) -> None:
    enter_code(client, make_code(therapist))
    client.page.click("#confirm-link")
    client.page.wait_for_selector("#links li")


def write_letter(client: Device, title: str, body: str = LETTER) -> str:
    """A synced letter; returns its id."""
    page = client.page
    page.goto("/")
    client.capture(body)
    page.click("#capture-status a")
    page.wait_for_selector("#body")
    page.fill("#title", title)
    client.wait_synced()
    return page.url.rsplit("/", 1)[1]


def open_share(client: Device, letter_id: str) -> None:
    client.page.goto(f"/letters/{letter_id}")
    client.page.click("#to-share")
    client.page.wait_for_selector("main h1:has-text('Share with')")


def share(client: Device, letter_id: str, delivery: str = "NOW", note: bool = True) -> None:
    page = client.page
    open_share(client, letter_id)
    page.wait_for_selector("#share-form")
    if note:
        page.click(f".suggestion:has-text({SUGGESTION[:20]!r})")
    page.check(f"#delivery-{delivery}")
    page.click("#share-send")
    page.wait_for_selector("#share-done")


def test_a_letter_is_shared_read_offline_withdrawn_and_dropped(served, chromium):
    # `served` first: its PostgreSQL set-up must run before Playwright starts its loop.
    therapist, client = two_people(chromium, served)
    connect(therapist, client)
    letter_id = write_letter(client, "After Tuesday")

    # The preview is the letter as the server has it; the suggestion becomes the note.
    open_share(client, letter_id)
    page = client.page
    expect(page.locator("#preview-body")).to_have_text(LETTER)
    expect(page.locator("#preview-title")).to_have_text("After Tuesday")
    page.click(f".suggestion:has-text({SUGGESTION[:20]!r})")
    expect(page.locator("#preview-note")).to_contain_text(SUGGESTION)
    # At night the screen suggests the morning; this one is to go now.
    page.check("#delivery-NOW")
    page.click("#share-send")
    expect(page.locator("#share-done")).to_contain_text("Dana has it now")
    expect(page.locator("#letter-shares")).to_contain_text("Delivered to Dana")
    assert "read" not in page.inner_text("#letter-shares").lower()

    # The therapist syncs once, then reads it with no network.
    reader = therapist.page
    reader.goto("/")
    therapist.sync_now()
    reader.wait_for_selector("#shared-list a:has-text('After Tuesday')")
    expect(reader.locator("#shared-list h2")).to_have_text(["Robin"])
    therapist.offline()
    reader.click("#shared-list a:has-text('After Tuesday')")
    expect(reader.locator("#shared-body")).to_have_text(LETTER)
    expect(reader.locator("#shared-note")).to_have_text(SUGGESTION)
    assert reader.locator("main textarea, main [contenteditable]").count() == 0
    reader.check("#discussed")
    reader.wait_for_function("() => document.querySelector('#discussed').checked")

    # A later edit stays with the client until they choose to send it.
    page.goto(f"/letters/{letter_id}")
    page.fill("#body", f"{LETTER}\nAnd one more thing.")
    client.wait_synced()
    assert [s["fields"]["body"] for s in shared_letters(served, "dana")] == [LETTER]
    open_share(client, letter_id)
    page.click(".resend-share")
    expect(page.locator(".resend-share")).to_have_count(0)
    assert [s["fields"]["body"] for s in shared_letters(served, "dana")] == [
        f"{LETTER}\nAnd one more thing."
    ]

    # The client withdraws it while the therapist is away from the network.
    page.goto("/shares")
    page.click(".withdraw-share")
    expect(page.locator(".share").first).to_contain_text("Withdrawn")
    assert shared_letters(served, "dana") == []

    # Back online: the opening made offline reaches the client's access log, with the
    # device's time, and the letter leaves the reading view and the list.
    therapist.offline(False)
    therapist.sync_now()
    expect(reader.locator("#shared-gone")).to_be_visible()
    expect(reader.locator("#shared-body")).to_have_count(0)
    reader.click("text=← Shared with you")
    expect(reader.locator("#shared-empty")).to_be_visible()
    # Not a word of it is left on the therapist's device.
    assert LETTER not in str(reader.evaluate(DEVICE_SHARED_LETTERS))
    reader.wait_for_function(NO_OPENINGS_WAITING)
    log = api(served, "robin", "{ exportMyData }")["exportMyData"]["accessLog"]
    assert [entry["event"] for entry in log] == ["opened"]
    assert log[0]["deviceOpenedAt"]
    therapist.close()
    client.close()


def test_a_wrong_code_gets_a_calm_answer_and_unlinking_removes_the_copies(chromium, served_sqlite):
    therapist, client = two_people(chromium, served_sqlite)
    code = make_code(therapist)

    enter_code(client, "zzzzz-zzzzz")
    expect(client.page.locator("#connect-problem")).to_contain_text("doesn't match one we know")
    assert client.page.locator("#confirm-link").count() == 0
    enter_code(client, code.upper().replace("-", " "))
    expect(client.page.locator("#connect-found")).to_contain_text("This code is from Dana")
    client.page.click("#confirm-link")
    expect(client.page.locator("#links")).to_contain_text("Dana")
    # A used code says so, in words.
    enter_code(client, code)
    expect(client.page.locator("#connect-problem")).to_contain_text("already been used")

    share(client, write_letter(client, "Before the break"))
    reader = therapist.page
    reader.goto("/")
    therapist.sync_now()
    reader.wait_for_selector("#shared-list a:has-text('Before the break')")

    # The therapist unlinks; their copies leave the device and the server's feed.
    reader.click("#tabs >> text=Clients")
    reader.click("#links button:has-text('Unlink Robin')")
    expect(reader.locator("#links .notice")).to_contain_text("leaves your devices")
    reader.click("#confirm-unlink")
    expect(reader.locator("#links")).to_contain_text("No clients are connected")
    therapist.wait_synced()
    reader.click("#tabs >> text=Shared")
    expect(reader.locator("#shared-empty")).to_be_visible()
    assert shared_letters(served_sqlite, "dana") == []
    client.page.goto("/shares")
    expect(client.page.locator(".share")).to_contain_text("Withdrawn")
    therapist.close()
    client.close()


def test_a_held_share_can_be_cancelled_and_never_reaches_the_therapist(chromium, served_sqlite):
    therapist, client = two_people(chromium, served_sqlite)
    connect(therapist, client)
    letter_id = write_letter(client, "Written at 2 a.m.")
    page = client.page

    # Offline, sharing says so plainly and keeps the note that was typed.
    open_share(client, letter_id)
    page.fill("#share-note", "Please don't reply.")
    client.offline()
    page.check("#delivery-TOMORROW_MORNING")
    page.click("#share-send")
    expect(page.locator("#share-problem")).to_contain_text("offline")
    expect(page.locator("#share-note")).to_have_value("Please don't reply.")
    client.offline(False)
    page.click("#share-send")
    expect(page.locator("#share-done")).to_contain_text("Held until")
    expect(page.locator("#letter-shares")).to_contain_text("Held. It will be delivered")

    page.click(".cancel-share")
    expect(page.locator("#letter-shares")).to_contain_text("Cancelled")
    [mine] = api(served_sqlite, "robin", "{ myShares { status note delivery } }")["myShares"]
    assert mine == {
        "status": "CANCELLED",
        "note": "Please don't reply.",
        "delivery": "TOMORROW_MORNING",
    }

    therapist.page.goto("/")
    therapist.sync_now()
    expect(therapist.page.locator("#shared-empty")).to_be_visible()
    assert shared_letters(served_sqlite, "dana") == []

    # A letter marked "never send" cannot be shared, and the screen says why.
    page.goto(f"/letters/{letter_id}")
    page.click("summary:has-text('To, from, tags and marks')")
    page.select_option("#state", "never_send")
    client.wait_synced()
    page.click("#to-share")
    expect(page.locator("#share-blocked")).to_contain_text("never send")
    therapist.close()
    client.close()


def test_a_share_for_the_next_session_waits_for_the_session_in_the_plans(chromium, served_sqlite):
    therapist, client = two_people(chromium, served_sqlite)
    connect(therapist, client)
    letter_id = write_letter(client, "For after the break")
    page = client.page

    # No plan has a session to come: the device says so and sends nothing.
    open_share(client, letter_id)
    choice = page.locator("label[for=delivery-NEXT_SESSION]")
    expect(choice).to_have_text("At my next session (none in my plans yet)")
    page.check("#delivery-NEXT_SESSION")
    page.click("#share-send")
    expect(page.locator("#share-problem")).to_contain_text("None of your plans has a next session")
    assert api(served_sqlite, "robin", "{ myShares { id } }")["myShares"] == []

    # The device reads the session from its own plans; the server only holds the time.
    session = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%dT10:00")
    page.evaluate(
        """(session) => import("/src/plans/plans.js").then((m) =>
            m.createPlan("break", { timeZone: "UTC", firstSessionAfter: session }))""",
        session,
    )
    open_share(client, letter_id)
    expect(choice).to_contain_text("At my next session, ")
    expect(choice).to_contain_text(str(int(session[8:10])))
    page.check("#delivery-NEXT_SESSION")
    page.click("#share-send")
    expect(page.locator("#share-done")).to_contain_text("Held until")
    [mine] = api(served_sqlite, "robin", "{ myShares { status delivery deliverAt } }")["myShares"]
    assert mine == {
        "status": "HELD",
        "delivery": "NEXT_SESSION",
        "deliverAt": f"{session}:00+00:00",
    }
    therapist.close()
    client.close()


@pytest.mark.parametrize(("width", "scheme"), [(320, "light"), (414, "dark")])
def test_every_sharing_screen_is_accessible_fits_and_has_large_targets(
    chromium, served_sqlite, width, scheme
):
    therapist, client = two_people(chromium, served_sqlite, width=width, color_scheme=scheme)
    client.page.goto("/connect")
    client.page.wait_for_selector("#connect-code-input")
    client.check_screen(width)
    enter_code(client, make_code(therapist))
    client.page.wait_for_selector("#confirm-link")
    client.check_screen(width)
    therapist.check_screen(width)
    client.page.click("#confirm-link")
    client.page.wait_for_selector("#links li")
    client.page.click("#links button:has-text('Unlink')")
    client.check_screen(width)

    letter_id = write_letter(client, "A long title that has to wrap on a very narrow phone screen")
    open_share(client, letter_id)
    client.page.check("#delivery-AT_TIME")
    client.check_screen(width)
    share(client, letter_id)
    client.check_screen(width)
    client.page.goto("/shares")
    client.page.wait_for_selector(".share")
    client.check_screen(width)

    reader = therapist.page
    reader.goto("/")
    therapist.sync_now()
    reader.wait_for_selector("#shared-list a")
    therapist.check_screen(width)
    reader.click("#shared-list a")
    reader.wait_for_selector("#shared-body")
    therapist.check_screen(width)
    reader.click("#tabs >> text=Clients")
    reader.wait_for_selector("#links li")
    therapist.check_screen(width)
    therapist.close()
    client.close()


def test_trashing_a_shared_letter_offline_still_says_it_was_shared(chromium, served_sqlite):
    therapist, client = two_people(chromium, served_sqlite)
    connect(therapist, client)
    letter_id = write_letter(client, "Shared, then regretted")
    share(client, letter_id)
    private_id = write_letter(client, "Never shared")

    # A second device of the client's learns what was shared when it signs in, then
    # goes offline before the letter is moved to the trash there.
    laptop = Device(chromium, served_sqlite)
    laptop.sign_in("robin")
    deadline = time.monotonic() + 15
    while not laptop.page.evaluate(KNOWS_SHARED):
        assert time.monotonic() < deadline, "the laptop never looked at what was shared"
        laptop.page.wait_for_timeout(200)
    for device in (client, laptop):
        device.offline()
        device.page.goto(f"/letters/{letter_id}")
        device.page.click("text=Move to trash")
        notice = device.page.locator("#shared-letter-trashed")
        expect(notice).to_contain_text("was shared with Dana")
        expect(notice).to_contain_text("Once you are connected, you can cancel or withdraw it")

    # A letter that was never shared, trashed offline, says nothing about sharing.
    page = client.page
    page.click("#shared-letter-trashed >> text=Leave it as it is")
    page.goto(f"/letters/{private_id}")
    page.click("text=Move to trash")
    page.wait_for_url(lambda url: url.endswith("/"))
    page.wait_for_timeout(500)
    expect(page.locator("#shared-letter-trashed")).to_have_count(0)
    therapist.close()
    client.close()
    laptop.close()
