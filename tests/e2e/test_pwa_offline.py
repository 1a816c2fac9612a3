"""The PWA offline: installable, opens without a network, and never loses a word."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.pwa import PASSWORD, RECORD_COUNT, Device, server_letters
from tests.graphql_client import sign_in_sync
from tests.sealed.device import reference_keys

pytestmark = pytest.mark.browser


def test_installable_and_opens_offline_with_deep_links(playwright, served_sqlite, tmp_path):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        base_url=served_sqlite,
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        cdp = context.new_cdp_session(page)
        # Chromium reads the manifest and icons asynchronously: ask until it has.
        page.wait_for_function("() => fetch('/manifest.webmanifest').then(r => r.ok)", polling=200)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []

        device = Device.__new__(Device)
        device.context, device.page, device.errors, device.base = context, page, [], served_sqlite
        device.register("ines")
        device.capture("Offline words, written at night")
        device.wait_synced()
        letter_id = page.get_attribute("#capture-status a", "href").rsplit("/", 1)[1]

        context.set_offline(True)
        page.goto(f"/letters/{letter_id}")
        assert page.input_value("#body") == "Offline words, written at night"
        for tab, heading in [
            ("Toolkit", "Toolkit"),
            ("Plans", "Plans"),
            ("Session", "For my next session"),
            ("Account", "Account"),
            ("Letters", "Letters"),
        ]:
            page.click(f"#tabs >> text={tab}")
            expect(page.locator("main h1")).to_have_text(heading)
        page.goto("/trash")
        # The page's own "Between" heading stands until the app has opened its records.
        expect(page.locator("main h1")).to_have_text("Trash")
        assert device.errors == []
    finally:
        context.close()


def test_offline_letter_survives_reload_then_reaches_server_and_second_device(served, chromium):
    phone = Device(chromium, served)
    phone.register("noor")
    phone.offline()
    phone.capture("Written on the train, no signal.")
    assert phone.unsynced() == 1
    phone.page.reload()
    phone.page.wait_for_selector("#letter-list a")
    assert "Written on the train, no signal." in phone.page.inner_text("#letter-list")
    # Once the sync it tried has given up, the word says what waits.
    phone.page.wait_for_function(
        "() => !/syncing/i.test(document.querySelector('#sync-status').textContent)"
    )
    assert "1 waiting" in phone.page.inner_text("#sync-status")
    detail = phone.page.text_content("#sync-detail")
    assert "1 change saved on this device, not yet synced" in detail

    phone.offline(False)  # `online` starts a sync
    phone.wait_synced()
    bodies = [r["fields"]["body"] for r in server_letters(served, "noor").values()]
    assert bodies == ["Written on the train, no signal."]

    laptop = Device(chromium, served)
    laptop.sign_in("noor")
    assert "Written on the train, no signal." in laptop.page.inner_text("#letter-list")

    # A poke over the subscription brings the phone's next letter to the open laptop.
    phone.page.goto("/")
    phone.capture("And one more, from home.")
    laptop.page.wait_for_selector("#letter-list >> text=And one more, from home.")
    phone.close()
    laptop.close()


def test_text_typed_just_before_the_page_closes_is_kept(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    device.register("ada")
    device.capture("Start")
    device.page.click("#capture-status a")
    device.page.wait_for_selector("#body")
    url = device.page.url
    device.page.click("#body")
    device.page.keyboard.press("End")
    device.page.keyboard.type(" and the last words", delay=5)
    device.page.wait_for_timeout(50)
    device.page.close()

    device.page = device.open_page()
    device.page.goto(url)
    assert device.page.input_value("#body") == "Start and the last words"
    device.close()


def test_api_responses_and_letters_never_enter_cache_storage(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    device.register("mika")
    device.capture("A secret sentence for nobody")
    device.wait_synced()
    cached = device.page.evaluate(
        """async () => {
          const found = [];
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
              const text = await (await cache.match(request)).text();
              const secret = text.includes("secret sentence");
              found.push({ url: new URL(request.url).pathname, secret });
            }
          }
          return found;
        }"""
    )
    urls = {entry["url"] for entry in cached}
    assert "/index.html" in urls and "/src/main.js" in urls
    assert not any(url.startswith("/graphql") for url in urls)
    assert not any(entry["secret"] for entry in cached)
    device.close()


def test_a_refused_change_stays_visible(chromium, served_sqlite):
    """The server refuses a letter whose envelope is over 3,000,000 characters (some 2.2
    MB of words); the words stay on screen."""
    device = Device(chromium, served_sqlite)
    device.register("june")
    device.capture("short")
    device.page.click("#capture-status a")
    device.page.wait_for_selector("#body")
    too_long = "words " * 400_000
    # Pasted at once, as a person might, rather than typed key by key.
    device.page.evaluate(
        """(text) => {
          const body = document.querySelector("#body");
          body.value = text;
          body.dispatchEvent(new Event("input", { bubbles: true }));
        }""",
        too_long,
    )
    device.page.wait_for_function(
        """(length) => import("/src/letters.js").then((l) => l.letters())
          .then((all) => all.some((letter) => letter.body.length === length))""",
        arg=len(too_long),
    )
    device.sync_now()
    device.page.wait_for_selector("text=A change could not be saved to your account")
    kept = device.page.locator(".notice blockquote").inner_text()
    assert kept.strip() == too_long.strip()
    device.page.click("text=Keep these words as a new letter")
    device.page.wait_for_selector("#body")
    assert device.page.input_value("#body") == too_long
    device.close()


def test_signing_out_warns_about_unsynced_words_then_clears_the_device(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("rosa")
    device.offline()
    device.capture("Not sent anywhere yet")
    page.click("#tabs >> text=Account")
    page.click("text=Sign out on this device")
    page.wait_for_selector("text=1 change on this device has not reached your account yet")
    page.click("text=Stay signed in")
    page.click("#tabs >> text=Letters")
    page.wait_for_selector("#letter-list >> text=Not sent anywhere yet")
    assert page.evaluate(RECORD_COUNT) == 1

    page.click("#tabs >> text=Account")
    page.click("text=Sign out on this device")
    page.click("text=Sign out and remove them")
    page.wait_for_url("**/welcome")
    page.wait_for_selector("#register-heading")
    assert page.evaluate(RECORD_COUNT) == 0
    assert device.unsynced() == 0
    device.close()


def test_words_written_after_the_session_ended_reach_the_server_after_signing_in(
    chromium, served_sqlite
):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("tove")
    with httpx.Client(base_url=served_sqlite) as laptop:
        sign_in_sync(laptop, "tove", PASSWORD, reference_keys)
        sessions = laptop.post("/graphql", json={"query": "{ mySessions { id current } }"}).json()[
            "data"
        ]["mySessions"]
        (phone,) = [s["id"] for s in sessions if not s["current"]]
        revoked = laptop.post(
            "/graphql",
            json={
                "query": "mutation($id: ID!) { revokeSession(id: $id) }",
                "variables": {"id": phone},
            },
        ).json()
        assert revoked["data"]["revokeSession"] is True

    device.capture("Written after the phone was signed out elsewhere")
    page.click("#sync-status")
    page.click("#sync-now")
    page.wait_for_selector("#sync-status >> text=Signed out")
    assert "Sign in again" in page.text_content("#sync-detail")
    assert device.unsynced() == 1
    page.click("#tabs >> text=Account")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    device.wait_synced()
    bodies = [r["fields"]["body"] for r in server_letters(served_sqlite, "tove").values()]
    assert bodies == ["Written after the phone was signed out elsewhere"]
    device.close()
