"""Keeping the account safe in the PWA: devices, password, recovery codes, deletion."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.pwa import PASSWORD, RECORD_COUNT, Device, keep_codes, server_letters, signed_in
from tests.graphql_client import sign_in_sync
from tests.sealed import device

pytestmark = pytest.mark.browser

NEW_PASSWORD = "another calm password 2"


def sign_in_answer(base: str, username: str, password: str) -> dict:
    """Signing in from outside the app, deriving keys from the password as the app does."""
    with httpx.Client(base_url=base) as http:
        return sign_in_sync(http, username, password, device.reference_keys)


def error_code(answer: dict) -> str | None:
    errors = answer.get("errors") or [{}]
    return errors[0].get("extensions", {}).get("code")


def open_account(device: Device) -> None:
    device.page.click("#tabs >> text=Account")
    device.page.wait_for_selector("#devices li")


def test_a_device_is_seen_and_signed_out_from_another_and_keeps_its_words(served_sqlite, chromium):
    phone = Device(chromium, served_sqlite)
    codes = phone.register("mara")
    laptop = Device(chromium, served_sqlite)
    laptop.sign_in("mara")
    # Both devices hold the one account key: the one the phone made at registration.
    account_key = phone.account_key()
    assert account_key and len(account_key) == 64
    assert laptop.account_key() == account_key

    open_account(phone)
    devices = phone.page.locator("#devices li")
    assert devices.count() == 2
    assert "This device" in devices.nth(0).inner_text() + devices.nth(1).inner_text()
    # Only the other device can be signed out from here; this one has "Sign out" below.
    assert phone.page.locator("#devices button").count() == 1

    # The laptop writes offline, then is signed out from the phone.
    laptop.offline()
    laptop.capture("Written on the laptop before it was signed out.")
    phone.page.click("#devices >> text=Sign out there")
    phone.page.wait_for_selector("text=is signed out. Anything it had not synced stays on it")
    assert phone.page.locator("#devices li").count() == 1
    # The pressed button is gone; focus is on what was said, not lost to the page.
    assert phone.page.evaluate("document.activeElement.id") == "devices-said"

    laptop.offline(False)
    laptop.page.click("#tabs >> text=Account")
    laptop.page.click("main >> text=Sync now")
    laptop.page.wait_for_selector("text=This device was signed out on the server")
    assert laptop.unsynced() == 1
    laptop.page.click("#tabs >> text=Letters")
    assert "Written on the laptop before" in laptop.page.inner_text("#letter-list")

    # Whoever is at the laptop has forgotten the password: a recovery code, right there,
    # signs it in again and its words reach the account.
    laptop.page.click("#tabs >> text=Account")
    laptop.page.click("text=Forgot your password?")
    assert laptop.page.input_value("#recover-username") == "mara"
    laptop.page.fill("#recover-code", codes[0])
    laptop.page.fill("#recover-password", NEW_PASSWORD)
    laptop.page.click("text=Set the new password and sign in")
    laptop.wait_synced()
    assert laptop.account_key() == account_key
    letters = server_letters(served_sqlite, "mara", NEW_PASSWORD)
    bodies = [record["fields"]["body"] for record in letters.values()]
    assert "Written on the laptop before it was signed out." in bodies
    phone.close()
    laptop.close()


def test_changing_the_password_needs_the_current_one_and_signs_out_other_devices(
    served_sqlite, chromium
):
    phone = Device(chromium, served_sqlite)
    phone.register("jonah")
    with signed_in(served_sqlite, "jonah") as other_device:
        open_account(phone)
        page = phone.page
        page.fill("#current-password", "not my password at all")
        page.fill("#changed-password", NEW_PASSWORD)
        page.click("text=Change password")
        page.wait_for_selector("#change-password .form-error:not(:empty)")
        assert sign_in_answer(served_sqlite, "jonah", PASSWORD).get("errors") is None

        page.fill("#current-password", PASSWORD)
        page.fill("#changed-password", "iloveyou")
        page.click("text=Change password")
        page.wait_for_selector("#change-password .form-error >> text=one of the most common")

        page.fill("#current-password", PASSWORD)
        page.fill("#changed-password", NEW_PASSWORD)
        page.click("text=Change password")
        page.wait_for_selector("#change-password-result >> text=Your password is changed")
        assert page.input_value("#changed-password") == ""

        assert error_code(sign_in_answer(served_sqlite, "jonah", PASSWORD)) == "INVALID_CREDENTIALS"
        assert sign_in_answer(served_sqlite, "jonah", NEW_PASSWORD).get("errors") is None
        mine = other_device.post("/graphql", json={"query": "{ me { id } }"}).json()
        assert mine["data"]["me"] is None
        # This device stays signed in and keeps syncing.
        page.click("#tabs >> text=Letters")
        phone.capture("Still syncing after the change.")
        phone.wait_synced()
    phone.close()


def test_new_recovery_codes_replace_the_old_and_one_signs_in_on_a_new_device(
    served_sqlite, chromium
):
    phone = Device(chromium, served_sqlite)
    first_codes = phone.register("ada")
    account_key = phone.account_key()
    phone.capture("A letter that must be there after recovering.")
    phone.wait_synced()
    open_account(phone)
    page = phone.page
    page.wait_for_selector("#codes-left >> text=10 unused recovery codes left.")
    page.fill("#codes-password", PASSWORD)
    page.click("text=Make new codes")
    page.wait_for_selector("main h1 >> text=Your recovery codes")
    new_codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(new_codes) == 10 and not set(new_codes) & set(first_codes)
    # Hidden in a hurry before they were saved: they are still there afterwards.
    page.click("#quick-hide")
    page.click("#cover-open")
    page.wait_for_selector("main h1 >> text=Your recovery codes")
    assert page.locator("#recovery-codes li").all_inner_texts() == new_codes
    keep_codes(page)
    page.wait_for_selector("main h1 >> text=Account")
    # Shown once: going back to them shows no codes.
    page.goto("/codes")
    page.wait_for_selector("main >> text=Recovery codes are shown only once")
    assert page.locator("#recovery-codes").count() == 0
    phone.close()

    stranger_phone = Device(chromium, served_sqlite)
    page = stranger_phone.page
    page.goto("/welcome")
    page.click("text=Forgot your password?")
    page.fill("#recover-username", "ada")
    page.fill("#recover-code", first_codes[0])
    page.fill("#recover-password", NEW_PASSWORD)
    page.click("text=Set the new password and sign in")
    page.wait_for_selector("#recover .form-error:not(:empty)")
    assert "/welcome" in page.url

    page.fill("#recover-code", new_codes[0])
    page.click("text=Set the new password and sign in")
    page.wait_for_selector("#recovered >> text=That recovery code is used up")
    stranger_phone.wait_synced()
    page.wait_for_selector("#letter-list >> text=A letter that must be there after recovering.")
    # A fresh device, a code and a new password: the same account key, so the same words.
    assert stranger_phone.account_key() == account_key
    assert sign_in_answer(served_sqlite, "ada", NEW_PASSWORD).get("errors") is None

    open_account(stranger_phone)
    page.wait_for_selector("#codes-left >> text=9 unused recovery codes left.")
    stranger_phone.close()


def test_deleting_the_account_needs_the_password_and_a_connection_then_clears_all(served, chromium):
    phone = Device(chromium, served)
    phone.register("ivo")
    phone.capture("Words that go when the account goes.")
    phone.wait_synced()
    open_account(phone)
    page = phone.page
    page.click("text=Delete my account")

    page.fill("#delete-password", "the wrong password here")
    page.click("text=Delete my account for good")
    page.wait_for_selector("#delete-account .form-error:not(:empty)")

    phone.offline()
    page.fill("#delete-password", PASSWORD)
    page.click("text=Delete my account for good")
    page.wait_for_selector("#delete-account .form-error >> text=may not have gone through")
    # Unsynced words are not in the account's export: the form says so.
    page.click("#tabs >> text=Letters")
    phone.capture("Written offline, just before.")
    open_account(phone)
    page.click("text=Delete my account")
    page.wait_for_selector("#delete-unsynced >> text=1 change on this device has not reached")
    phone.offline(False)
    phone.wait_synced()
    # Nothing was cleared by either refusal.
    page.click("#tabs >> text=Letters")
    assert "Words that go when" in page.inner_text("#letter-list")
    assert sign_in_answer(served, "ivo", PASSWORD).get("errors") is None

    open_account(phone)
    page.click("text=Delete my account")
    page.fill("#delete-password", PASSWORD)
    page.click("text=Delete my account for good")
    page.wait_for_url("**/welcome")
    page.wait_for_selector("#register-heading")
    assert page.evaluate(RECORD_COUNT) == 0
    assert phone.account_key() is None
    assert error_code(sign_in_answer(served, "ivo", PASSWORD)) == "INVALID_CREDENTIALS"
    phone.close()


@pytest.mark.parametrize("width", [320, 414])
def test_account_and_recovery_screens_are_accessible(served_sqlite, chromium, width):
    device = Device(chromium, served_sqlite, width=width)
    page = device.page
    page.goto("/welcome")
    page.click("text=Forgot your password?")
    device.check_screen(width)
    device.register(f"lin{width}")
    open_account(device)
    page.click("text=Delete my account")
    page.wait_for_selector("#codes-left:not(:empty)")
    device.check_screen(width)
    page.fill("#codes-password", PASSWORD)
    page.click("text=Make new codes")
    page.wait_for_selector("#recovery-codes li")
    assert page.evaluate("document.activeElement.tagName") == "H1"
    device.check_screen(width)
    device.close()


def test_the_password_never_leaves_the_device(served_sqlite, chromium):
    """Every request body the pages send, on every path that takes a password."""
    sent: list[str] = []
    phone = Device(chromium, served_sqlite)
    laptop = Device(chromium, served_sqlite)
    for each in (phone, laptop):
        each.context.on("request", lambda request: sent.append(request.post_data or ""))
    first_codes = phone.register("noor")
    laptop.sign_in("noor")
    open_account(laptop)
    page = laptop.page
    page.fill("#current-password", PASSWORD)
    page.fill("#changed-password", NEW_PASSWORD)
    page.click("text=Change password")
    page.wait_for_selector("#change-password-result >> text=Your password is changed")
    page.fill("#codes-password", NEW_PASSWORD)
    page.click("text=Make new codes")
    page.wait_for_selector("#recovery-codes li")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    keep_codes(page)
    phone.page.goto("/account")
    phone.page.click("main >> text=Sync now")
    phone.page.wait_for_selector("text=This device was signed out on the server")
    phone.page.click("text=Forgot your password?")
    phone.page.fill("#recover-code", codes[1])
    third = "a third calm password 3"
    phone.page.fill("#recover-password", third)
    phone.page.click("text=Set the new password and sign in")
    phone.page.wait_for_selector("#recovered")
    assert phone.account_key() == laptop.account_key()
    bodies = "\n".join(sent)
    assert "authKey" in bodies and "openRecovery" in bodies
    secrets = (PASSWORD, NEW_PASSWORD, third, *first_codes, *codes)
    for secret in (*secrets, codes[1].replace("-", "")):
        assert secret not in bodies
    phone.close()
    laptop.close()


def test_a_wrong_password_opens_nothing_and_says_so_calmly(served_sqlite, chromium):
    phone = Device(chromium, served_sqlite)
    phone.register("wren")
    laptop = Device(chromium, served_sqlite)
    page = laptop.page
    page.goto("/")
    page.fill("#username", "wren")
    page.fill("#password", "not the password at all")
    page.click("button[type=submit]:has-text('Sign in')")
    error = page.locator("form[aria-labelledby=sign-in-heading] .form-error")
    error.wait_for()
    page.wait_for_function(
        "() => document.querySelector('form[aria-labelledby=sign-in-heading] .form-error')"
        ".textContent.length > 0"
    )
    assert "don't match" in error.inner_text()
    assert laptop.account_key() is None
    assert "/welcome" in page.url or page.locator("#register-heading").count() == 1
    phone.close()
    laptop.close()
