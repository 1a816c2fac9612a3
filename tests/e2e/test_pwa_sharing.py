"""Sharing in the PWA: connecting, sharing one letter, holding, cancelling, withdrawing,
and the therapist's calm, offline-readable view."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import PASSWORD, Device, server_records

pytestmark = pytest.mark.browser

LETTER = "I was afraid to say this in the room, so I am writing it down."
SUGGESTION = "No need to reply — I'd like to talk about it in our next session."


def api(base: str, username: str, query: str, variables: dict | None = None) -> dict:
    """One GraphQL call as `username`, through the public API."""
    with httpx.Client(base_url=base) as client:
        signed_in = client.post(
            "/graphql",
            json={
                "query": "mutation($i: SignInInput!) { signIn(input: $i) { id } }",
                "variables": {"i": {"username": username, "password": PASSWORD}},
            },
        ).json()
        assert "errors" not in signed_in, signed_in
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


def test_a_letter_is_shared_read_offline_withdrawn_and_dropped(chromium, served):
    therapist = Device(chromium, served)
    therapist.register("dana", role="THERAPIST")
    client = Device(chromium, served)
    client.register("robin")
    connect(therapist, client)
    letter_id = write_letter(client, "After Tuesday")

    # The preview is the letter as the server has it; the suggestion becomes the note.
    open_share(client, letter_id)
    page = client.page
    expect(page.locator("#preview-body")).to_have_text(LETTER)
    expect(page.locator("#preview-title")).to_have_text("After Tuesday")
    page.click(f".suggestion:has-text({SUGGESTION[:20]!r})")
    expect(page.locator("#preview-note")).to_contain_text(SUGGESTION)
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
    reader.wait_for_function(
        """() => new Promise((resolve) => {
          const open = indexedDB.open("between");
          open.onsuccess = () => {
            const get = open.result.transaction("meta").objectStore("meta").get("openingsToSend");
            get.onsuccess = () => { resolve((get.result?.value ?? []).length === 0); open.result.close(); };
          };
        })"""
    )
    log = api(served, "robin", "{ exportMyData }")["exportMyData"]["accessLog"]
    assert [entry["event"] for entry in log] == ["opened"]
    assert log[0]["deviceOpenedAt"]
    therapist.close()
    client.close()
