"""Ways to begin a letter: gentle first lines in the person's own words, which go in
as typing does, and which can be hidden on every device."""

from __future__ import annotations

import time

import pytest

from tests.e2e.pwa import Device, server_letters

pytestmark = pytest.mark.browser

ASHAMED = "I feel ashamed to talk about some feelings I have…"
BEGIN_HERE = "I don't know where to begin, so I'll begin here:"
LITTLE_ONE = "The little one in me wants to say…"

BODY = "() => document.querySelector('#body').value"


def new_letter(device: Device, text: str) -> str:
    """A letter made by quick capture, open in the editor; its address."""
    device.page.goto("/")
    device.capture(text)
    device.page.click("#capture-status a")
    return open_editor(device)


def open_editor(device: Device, path: str | None = None) -> str:
    """The editor, once the person's words (and so the starters) are drawn."""
    page = device.page
    if path is not None:
        page.goto(path)
    page.wait_for_selector("#to-share:has-text('Share with')")
    return page.url.removeprefix(device.base)


def open_starters(device: Device) -> list[str]:
    page = device.page
    page.click("#starters summary")
    page.wait_for_selector("#starters button.suggestion")
    return page.locator("#starters button.suggestion").all_inner_texts()


def wait_saved(device: Device, body: str) -> None:
    """The open letter's body reaches this device's database, as typing would."""
    page = device.page
    read = "(id) => import('/src/letters.js').then((m) => m.letter(id)).then((l) => l.body)"
    letter_id = page.url.rsplit("/", 1)[1]
    deadline = time.monotonic() + 5
    while page.evaluate(read, letter_id) != body:
        assert time.monotonic() < deadline, "the editor did not save"
        page.wait_for_timeout(50)


def test_a_starter_goes_in_at_the_cursor_and_is_saved_like_a_keystroke(chromium, served_sqlite):
    phone = Device(chromium, served_sqlite)
    page = phone.page
    phone.register("rua")
    letter = new_letter(phone, "Dear T,")
    phone.wait_synced()
    phone.offline()

    # An empty letter: the starter is all of it, and the cursor waits after it.
    page.fill("#body", "")
    assert ASHAMED in open_starters(phone)
    page.click(f"#starters button:has-text({ASHAMED!r})")
    assert page.evaluate("() => document.activeElement.id") == "body"
    page.keyboard.type("the way I am with you.")
    assert page.evaluate(BODY) == f"{ASHAMED} the way I am with you."

    # Words the person has selected are never typed over: the starter goes after them,
    # as its own paragraph.
    page.evaluate("() => document.querySelector('#body').select()")
    page.click(f"#starters button:has-text({BEGIN_HERE!r})")
    expected = f"{ASHAMED} the way I am with you.\n\n{BEGIN_HERE} "
    assert page.evaluate(BODY) == expected
    assert page.evaluate("() => document.querySelector('#body').selectionStart") == len(expected)
    wait_saved(phone, expected)
    assert phone.unsynced() > 0

    # Saved on the device: a reload with no network shows it all.
    page.reload()
    page.wait_for_selector("#body")
    assert page.evaluate(BODY) == expected

    # Then it reaches the server, and another device.
    phone.offline(False)
    phone.wait_synced()
    (on_server,) = server_letters(served_sqlite, "rua").values()
    assert on_server["fields"]["body"] == expected
    laptop = Device(chromium, served_sqlite)
    laptop.sign_in("rua")
    open_editor(laptop, letter)
    assert laptop.page.evaluate(BODY) == expected
    phone.close()
    laptop.close()


def test_a_starter_in_the_middle_keeps_the_words_around_it(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("ihaia")
    new_letter(device, "First thing.")
    page.fill("#body", "First thing.\nLast thing.")
    page.evaluate("() => document.querySelector('#body').setSelectionRange(13, 13)")
    open_starters(device)
    page.click(f"#starters button:has-text({ASHAMED!r})")
    assert page.evaluate(BODY) == f"First thing.\n\n{ASHAMED} \n\nLast thing."
    # Undo takes the starter out again, like anything typed.
    page.keyboard.press("Control+Z")
    assert page.evaluate(BODY) == "First thing.\nLast thing."
    wait_saved(device, "First thing.\nLast thing.")
    # Just before a line break, it is still a paragraph of its own.
    page.evaluate("() => document.querySelector('#body').setSelectionRange(12, 12)")
    page.click(f"#starters button:has-text({ASHAMED!r})")
    assert page.evaluate(BODY) == f"First thing.\n\n{ASHAMED} \n\nLast thing."
    device.close()


def test_the_starters_use_the_persons_own_words(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("mere")
    letter = new_letter(device, "A letter")
    shown = open_starters(device)
    assert "It's hard to say this to my therapist, so I'm writing it here…" in shown
    assert LITTLE_ONE in shown
    assert not any("send" in starter.lower() for starter in shown)

    page.goto("/settings")
    page.select_option("#therapist-word", "my_t")
    page.uncheck("#inner-child")
    page.wait_for_selector("#words-saved:has-text('Saved')")
    open_editor(device, letter)
    shown = open_starters(device)
    assert "It's hard to say this to my T, so I'm writing it here…" in shown
    assert not any("little one" in starter or "part of me" in starter for starter in shown)

    page.goto("/settings")
    page.select_option("#therapist-word", "counsellor")
    page.wait_for_selector("#words-saved:has-text('Saved')")
    open_editor(device, letter)
    assert "It's hard to say this to my counsellor, so I'm writing it here…" in open_starters(
        device
    )
    device.close()


def test_hiding_the_starters_holds_on_every_device_until_settings_brings_them_back(
    chromium, served_sqlite
):
    phone = Device(chromium, served_sqlite)
    page = phone.page
    phone.register("kahu")
    letter = new_letter(phone, "A letter")
    open_starters(phone)
    page.click("#hide-starters")
    page.wait_for_selector("#starters", state="detached")
    assert "Settings" in page.inner_text("#starters-hidden")
    assert page.evaluate("() => document.activeElement.id") == "starters-hidden"
    open_editor(phone, letter)
    assert page.locator("#starters").count() == 0
    page.goto("/settings")
    assert not page.is_checked("#show-starters")
    phone.wait_synced()

    laptop = Device(chromium, served_sqlite)
    laptop.sign_in("kahu")
    open_editor(laptop, letter)
    assert laptop.page.locator("#starters").count() == 0

    # Brought back on the laptop; the letter open on the phone shows them on its next sync.
    open_editor(phone, letter)
    laptop.page.goto("/settings")
    laptop.page.check("#show-starters")
    laptop.page.wait_for_selector("#words-saved:has-text('Saved')")
    laptop.wait_synced()
    phone.sync_now()
    page.wait_for_selector("#starters summary")
    assert ASHAMED in open_starters(phone)
    open_editor(laptop, letter)
    assert ASHAMED in open_starters(laptop)

    # A Settings screen left open on the laptop changes another word: only that word
    # is written, so the phone's "Hide these" made meanwhile holds.
    laptop.page.goto("/settings")
    assert laptop.page.is_checked("#show-starters")
    page.click("#hide-starters")
    page.wait_for_selector("#starters-hidden")
    phone.wait_synced()
    laptop.page.select_option("#break-word", "holiday")
    laptop.page.wait_for_selector("#words-saved:has-text('Saved')")
    laptop.wait_synced()
    phone.sync_now()
    open_editor(phone, letter)
    page.wait_for_timeout(300)
    assert page.locator("#starters").count() == 0
    page.goto("/settings")
    assert page.input_value("#break-word") == "holiday"
    assert not page.is_checked("#show-starters")
    phone.close()
    laptop.close()


@pytest.mark.parametrize(("width", "scheme"), [(320, "light"), (414, "dark")])
def test_the_starters_are_accessible_fit_and_have_large_targets(
    chromium, served_sqlite, width, scheme
):
    device = Device(chromium, served_sqlite, width=width, color_scheme=scheme)
    page = device.page
    device.register(f"begin{width}")
    new_letter(device, "A letter to look at")
    open_starters(device)
    device.check_screen(width)
    page.click("#hide-starters")
    page.wait_for_selector("#starters-hidden")
    device.check_screen(width)
    device.close()
