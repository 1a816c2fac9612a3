"""Key pairs and safety numbers in the PWA: a client and a therapist, linked with a
connect code, see one number; a changed key shows as a new number, not compared, and
the client is told before their next share."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import PASSWORD, Device, signed_in
from tests.e2e.test_pwa_sharing import api, connect, open_share, two_people, write_letter
from tests.graphql_client import register_sync
from tests.sealed import device, reference
from tests.sharing.people import SET_KEY_PAIRS, key_pairs_input

pytestmark = pytest.mark.browser

KEYS = "accountId encryptionAlgorithm encryptionKey signingAlgorithm signingKey"
SCREENS = [(320, 640), (390, 844)]
# Screenshots to look at: kept under BETWEEN_SCREENSHOTS when set, else with the test.
SHOTS = os.environ.get("BETWEEN_SCREENSHOTS")


def server_number(base: str, client: str, therapist: str) -> str:
    """The safety number the reference computes from the keys the server holds."""
    found = {
        name: api(base, name, f"{{ myKeyPairs {{ {KEYS} }} }}")["myKeyPairs"]
        for name in (client, therapist)
    }
    return reference.grouped(
        reference.safety_number(
            reference.PublicKeys.from_wire(found[client]),
            reference.PublicKeys.from_wire(found[therapist]),
        )
    )


def open_safety_number(person: Device) -> str:
    page = person.page
    page.goto("/connect")
    page.click("#links a:has-text('Safety number')")
    page.wait_for_selector("#safety-number")
    page.wait_for_selector("#safety-qr")
    return " ".join(page.locator("#safety-number span").all_inner_texts())


def test_both_sides_see_one_safety_number_until_a_key_changes(served, chromium, tmp_path):
    therapist, client = two_people(chromium, served)
    connect(therapist, client)
    # The list says whether it was compared, from both keys as they are now.
    expect(client.page.locator(".safety-state")).to_have_text("Safety number: not compared yet")

    number = open_safety_number(client)
    assert number == open_safety_number(therapist)
    assert number == server_number(served, "robin", "dana")
    assert len(number.split(" ")) == 12
    # The QR code holds the grouped digits (71 characters): version 5 (37 modules) is the
    # smallest that holds them at error correction level M.
    qr_modules = client.page.get_attribute("#safety-qr", "data-modules")
    assert qr_modules == "37"

    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    for who, person in (("client", client), ("therapist", therapist)):
        for width, height in SCREENS:
            person.page.set_viewport_size({"width": width, "height": height})
            person.page.screenshot(path=shots / f"safety-number-{who}-{width}.png", full_page=True)
            person.check_screen(width)
    # In dark mode the QR code keeps its white ground, so a camera still reads it.
    client.page.emulate_media(color_scheme="dark")
    client.page.screenshot(path=shots / "safety-number-client-dark.png", full_page=True)
    client.check_screen(390)
    client.page.emulate_media(color_scheme="light")

    # The client marks it compared; the therapist's side is their own.
    client.page.click("#mark-compared")
    expect(client.page.locator("#safety-state")).to_contain_text("You compared this number")
    therapist.page.reload()
    therapist.page.wait_for_selector("#mark-compared")
    client.page.goto("/connect")
    expect(client.page.locator(".safety-state")).to_have_text("Safety number: compared")
    client.page.screenshot(path=shots / "connected-compared-390.png", full_page=True)
    client.check_screen(390)

    # The therapist's device makes new keys (as it would if its sealed ones no longer
    # opened): both see a new number, and the link is not compared any more.
    therapist.page.evaluate("() => import('/src/key-pairs.js').then((m) => m.makeNewKeyPairs())")
    changed = open_safety_number(client)
    assert changed != number
    assert changed[:35] == number[:35]  # the client's own half stays
    assert changed == open_safety_number(therapist) == server_number(served, "robin", "dana")
    client.page.wait_for_selector("#safety-changed")
    client.page.goto("/connect")
    expect(client.page.locator(".safety-state")).to_have_text(
        "Safety number: new since you last saw it, not compared"
    )

    # Before the next share the client is told, calmly, and can still share.
    letter_id = write_letter(client, "After the change")
    open_share(client, letter_id)
    page = client.page
    page.wait_for_selector("#share-form")
    expect(page.locator("#keys-changed")).to_contain_text("is new since you last saw it")
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#keys-changed").screenshot(path=shots / f"keys-changed-{width}.png")
        client.check_screen(width)
    page.check("#delivery-NOW")
    page.click("#share-send")
    page.wait_for_selector("#share-done")
    # Told once: the next share does not say it again, though it is still not compared.
    open_share(client, letter_id)
    page.wait_for_selector("#share-form")
    expect(page.locator("#keys-changed")).to_have_count(0)
    client.page.goto("/connect")
    expect(client.page.locator(".safety-state")).to_have_text("Safety number: not compared yet")

    # Comparing the new number marks it compared again.
    open_safety_number(client)
    client.page.click("#mark-compared")
    expect(client.page.locator("#safety-state")).to_contain_text("You compared this number")
    therapist.close()
    client.close()


# The account's pairs as the server has them, asked from the page with its own session.
MY_PAIRS = """() => fetch("/graphql", {
    method: "POST",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({query: "{ myKeyPairs { signingKey } }"}),
  }).then((r) => r.json()).then((a) => a.data.myKeyPairs)"""
HAS_PAIRS = f"() => ({MY_PAIRS})().then((pairs) => pairs !== null)"


def old_account(base: str, username: str) -> None:
    """An account made through the API, as accounts were before key pairs: it has none."""
    with httpx.Client(base_url=base, timeout=60) as http:
        register_sync(
            http,
            username=username,
            password=PASSWORD,
            display_name=username.title(),
            role="CLIENT",
            derive=device.reference_keys,
        )
    assert api(base, username, "{ myKeyPairs { signingKey } }")["myKeyPairs"] is None


def pairs_open_with(pairs: dict, account_key_hex: str | None) -> bool:
    assert account_key_hex is not None, "the device keeps no account key"
    account_key = bytes.fromhex(account_key_hex)
    for use in ("encryption", "signing"):
        algorithm, public = pairs[f"{use}Algorithm"], reference.from_b64url(pairs[f"{use}Key"])
        sealed = pairs[f"sealed{use.title()}Key"]
        private = reference.open_private_key(account_key, use, algorithm, public, sealed)
        if reference.public_key(algorithm, private) != public:
            return False
    return True


MINE = f"{{ myKeyPairs {{ {KEYS} sealedEncryptionKey sealedSigningKey }} }}"


def test_an_account_without_key_pairs_gets_them_from_its_device(served, chromium):
    old_account(served, "sam")
    phone = Device(chromium, served)
    # Signed in while the pairs could not be sent (the connection dropped, say): the
    # account still has none, and nothing on the device breaks.
    phone.page.route(
        "**/graphql",
        lambda route: (
            route.abort()
            if "setMyKeyPairs" in (route.request.post_data or "")
            else route.continue_()
        ),
    )
    phone.sign_in("sam")
    phone.page.wait_for_timeout(1000)
    assert phone.page.evaluate(HAS_PAIRS) is False
    # The next open makes them.
    phone.page.unroute("**/graphql")
    phone.page.reload()
    phone.page.wait_for_selector("#capture")
    phone.page.wait_for_function(HAS_PAIRS)
    pairs = api(served, "sam", MINE)["myKeyPairs"]
    assert (pairs["encryptionAlgorithm"], pairs["signingAlgorithm"]) == ("X25519", "Ed25519")
    assert pairs_open_with(pairs, phone.account_key())
    phone.close()


def test_pairs_that_do_not_open_with_the_account_key_are_made_again(served, chromium):
    old_account(served, "kim")
    # Pairs sealed by another key: this account's devices cannot open them.
    strange = key_pairs_input(bytes(32), label="not kim's")
    with signed_in(served, "kim") as http:
        answer = http.post(
            "/graphql", json={"query": SET_KEY_PAIRS, "variables": {"input": strange}}
        )
        assert "errors" not in answer.json(), answer.json()
    phone = Device(chromium, served)
    phone.sign_in("kim")
    phone.page.wait_for_function(
        f"(old) => ({MY_PAIRS})().then((pairs) => pairs.signingKey !== old)",
        arg=strange["signingKey"],
    )
    pairs = api(served, "kim", MINE)["myKeyPairs"]
    assert pairs_open_with(pairs, phone.account_key())
    phone.close()
