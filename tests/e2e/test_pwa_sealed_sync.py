"""The sealed toolkit, plans and preferences between two devices in Chromium, on a real
server: made on one device they open on the other, the server's database never holds
their words, edits made offline on both merge on the device, and an envelope changed
on the server is named, not stored over this device's copy."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest

from tests.e2e.pwa import Device
from tests.e2e.test_pwa_toolkit_plans import open_screen, saved
from tests.serving import start_server

pytestmark = pytest.mark.browser

# Words found nowhere else, one in each toolkit field typed below.
BOX = "Quillmarsh box"
ITEM = "Zephyrcloak"
FEELS = "Soft as thistlewhorl"
NOTE = "line one\nline two\nline three"
CARD = "Carry the brindlemoor words"
TOOLKIT_MARKERS = ["Quillmarsh", "Zephyrcloak", "thistlewhorl", "brindlemoor", "line two"]
# And in a plan and the preferences (a Help now person).
PLAN_TITLE = "The marrowfen weeks"
AGREEMENT = "One email about the quenchbrook is fine."
STEP = "Walk the larkspindle path"
CLINICIAN = "Dr Wexholm"
PERSON = "Oriel Fenwhistle"
PLAN_MARKERS = ["marrowfen", "quenchbrook", "larkspindle", "Wexholm", "Fenwhistle"]
# Letters are sealed too (tests/e2e/test_pwa_sealed_letters.py).
LETTER = "A letter about the gorsewind"


@pytest.fixture
def served_database(empty_database_url, tmp_path):
    """A running server and its database's URL, on SQLite and on PostgreSQL."""
    with start_server(empty_database_url, tmp_path) as base:
        yield base, empty_database_url


def raw_database(url: str) -> bytes:
    """Everything the server's database holds: the SQLite file with its WAL, or every
    sync_record row on PostgreSQL as text."""
    if url.startswith("sqlite://"):
        path = Path(url.removeprefix("sqlite://"))
        files = [path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")]
        return b"".join(file.read_bytes() for file in files if file.exists())

    async def rows() -> bytes:
        connection = await asyncpg.connect(url)
        try:
            found = await connection.fetch("SELECT sync_record::text AS row FROM sync_record")
        finally:
            await connection.close()
        return "\n".join(row["row"] for row in found).encode()

    # Playwright's event loop runs in this thread: the query runs in another.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, rows()).result()


def make_toolkit(device: Device) -> str:
    """A box with one thing in it and words to carry; returns the thing's address."""
    page = device.page
    open_screen(page, "/toolkit", "Toolkit")
    page.fill("#new-box-name", BOX)
    page.click("text=Make this box")
    page.click(f"#box-list a:has-text({BOX!r})")
    page.fill("#new-item", ITEM)
    page.click("text=Add it")
    page.wait_for_selector("#feels-like")
    page.fill("#feels-like", FEELS)
    page.fill("#item-note", NOTE)
    saved(page, "#item-saved")
    page.click("#item-done")
    page.wait_for_selector("#log-use")
    item_url = page.url
    open_screen(page, "/toolkit/words", "Words to carry")
    page.fill("#new-card", CARD)
    page.click("#add-card")
    page.wait_for_selector("#card-list textarea")
    return item_url


def make_plan_and_people(device: Device) -> str:
    """A break plan with a step, a contact agreement and a covering clinician; a Help now
    person; "counsellor" as the word for the therapist. Returns the plan's address."""
    page = device.page
    open_screen(page, "/plans", "Plans")
    page.click("#new-break")
    page.wait_for_selector("#plan-title")
    page.fill("#plan-title", PLAN_TITLE)
    page.click("#add-daily_anchor")
    page.fill("#step-0", STEP)
    page.fill("#contact-agreement", AGREEMENT)
    page.fill("#clinician-name", CLINICIAN)
    saved(page, "#plan-saved")
    page.click("#plan-done")
    page.wait_for_selector("#edit-plan")
    plan_url = page.url
    open_screen(page, "/help/people", "Your people")
    page.click("#add-person")
    page.fill("#person-name-0", PERSON)
    page.fill("#person-phone-0", "0100 555")
    page.wait_for_selector("main >> text=Saved on this device.")
    open_screen(page, "/settings", "Settings")
    page.select_option("#therapist-word", "counsellor")
    page.wait_for_selector("#words-saved >> text=Saved")
    return plan_url


LAST_SYNC = "() => import('/src/store.js').then((store) => store.getMeta('lastSyncAt'))"


def sync_fully(device: Device) -> None:
    """ "Sync now", and wait until that sync has finished: pushed, merged, pulled."""
    page = device.page
    before = page.evaluate(LAST_SYNC)
    device.sync_now()
    deadline = time.monotonic() + 15
    while page.evaluate(LAST_SYNC) == before:
        assert time.monotonic() < deadline, "the sync did not finish"
        page.wait_for_timeout(100)
    device.wait_synced()


def edit_note(device: Device, item_url: str, note: str) -> None:
    page = device.page
    page.goto(f"{item_url}/edit")
    page.wait_for_selector("#item-note")
    page.fill("#item-note", note)
    saved(page, "#item-saved")


def shown_note(device: Device, item_url: str) -> str:
    page = device.page
    page.goto(item_url)
    page.wait_for_selector("#log-use")
    return page.locator("dt:has-text('Anything else') + dd").inner_text()


def two_devices(chromium, base: str, username: str) -> tuple[Device, Device, str]:
    phone = Device(chromium, base)
    phone.register(username)
    item_url = make_toolkit(phone)
    phone.wait_synced()
    laptop = Device(chromium, base)
    laptop.sign_in(username)
    return phone, laptop, item_url


def test_the_toolkit_opens_on_another_device_and_the_server_holds_none_of_its_words(
    served_database, chromium
):
    base, url = served_database
    phone, laptop, item_url = two_devices(chromium, base, "wren")
    plan_url = make_plan_and_people(phone)
    phone.page.goto("/")
    phone.capture(LETTER)
    phone.wait_synced()

    raw = raw_database(url)
    # The records are there, by id: the search reads the database.
    assert item_url.rsplit("/", 1)[1].encode() in raw
    for marker in TOOLKIT_MARKERS + PLAN_MARKERS + ["gorsewind"]:
        assert marker.encode() not in raw, marker

    page = laptop.page
    open_screen(page, "/toolkit", "Toolkit")
    page.click(f"#box-list a:has-text({BOX!r})")
    page.click(f"#item-list a:has-text({ITEM!r})")
    page.wait_for_selector(f"main >> text={FEELS}")
    assert shown_note(laptop, item_url) == NOTE
    open_screen(page, "/toolkit/words", "Words to carry")
    assert page.locator("#card-list textarea").input_value() == CARD
    sync_fully(laptop)
    open_screen(page, "/plans", "Plans")
    page.click(f"#plan-list a:has-text({PLAN_TITLE!r})")
    page.wait_for_selector("#edit-plan")
    assert page.url == plan_url
    shown = page.inner_text("main")
    assert STEP in shown and AGREEMENT in shown and CLINICIAN in shown
    # The preferences: the person in Help now, and the word on every screen.
    assert "my counsellor and I agreed" in shown
    open_screen(page, "/help/people", "Your people")
    assert page.locator("#person-name-0").input_value() == PERSON
    open_screen(page, "/settings", "Settings")
    assert page.locator("#therapist-word").input_value() == "counsellor"
    phone.close()
    laptop.close()


def test_offline_edits_on_two_devices_merge_and_set_aside_what_cannot(
    chromium, served_sqlite, tmp_path
):
    phone, laptop, item_url = two_devices(chromium, served_sqlite, "ines")

    # Different lines: both kept, on both devices.
    phone.offline()
    laptop.offline()
    edit_note(phone, item_url, "line one, from the phone\nline two\nline three")
    edit_note(laptop, item_url, "line one\nline two\nline three, from the laptop")
    for device in (phone, laptop, phone):
        device.offline(False)
        sync_fully(device)
    merged = "line one, from the phone\nline two\nline three, from the laptop"
    for device in (phone, laptop):
        assert shown_note(device, item_url) == merged
        assert device.page.locator("#set-aside").count() == 0

    # The same line: the phone's words stay, the laptop's are set aside, not lost.
    phone.offline()
    laptop.offline()
    edit_note(phone, item_url, merged.replace("line two", "line two, the phone's way"))
    laptop_note = merged.replace("line two", "line two, the laptop's way")
    edit_note(laptop, item_url, laptop_note)
    for device in (phone, laptop, phone):
        device.offline(False)
        sync_fully(device)
    for device in (phone, laptop):
        assert shown_note(device, item_url) == merged.replace(
            "line two", "line two, the phone's way"
        )
        notice = device.page.locator("#set-aside")
        assert "line two, the laptop's way" in notice.inner_text()

    page = laptop.page
    for width, height in ((320, 640), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#set-aside").scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"set-aside-{width}.png")
        laptop.check_screen(width)
    page.click("#set-aside >> text=Keep these instead")
    page.wait_for_selector("#set-aside", state="detached")
    assert shown_note(laptop, item_url) == laptop_note
    laptop.wait_synced()
    sync_fully(phone)
    assert shown_note(phone, item_url) == laptop_note
    assert phone.page.locator("#set-aside").count() == 0
    phone.close()
    laptop.close()


def tamper(database: Path, record_id: str) -> None:
    """Change one character inside the record's sealed text, as a server might."""
    with sqlite3.connect(database) as connection:
        (sealed,) = connection.execute(
            "SELECT sealed FROM sync_record WHERE id = ?", (record_id,)
        ).fetchone()
        middle = len(sealed) // 2
        swapped = "A" if sealed[middle] != "A" else "B"
        changed = sealed[:middle] + swapped + sealed[middle + 1 :]
        connection.execute("UPDATE sync_record SET sealed = ? WHERE id = ?", (changed, record_id))


def test_an_envelope_changed_on_the_server_is_named_and_the_devices_copy_stays(chromium, tmp_path):
    database = tmp_path / "tampered.sqlite3"
    with start_server(f"sqlite://{database}", tmp_path) as base:
        phone, laptop, item_url = two_devices(chromium, base, "noor")
        item_id = item_url.rsplit("/", 1)[1]
        # Offline, so no poke brings the laptop's change before it is tampered with.
        phone.offline()
        edit_note(laptop, item_url, "line one\nline two, from the laptop\nline three")
        open_screen(laptop.page, "/toolkit/words", "Words to carry")
        laptop.page.fill("#new-card", "Still here tomorrow")
        laptop.page.click("#add-card")
        laptop.wait_synced()
        tamper(database, item_id)

        phone.offline(False)
        sync_fully(phone)
        assert shown_note(phone, item_url) == NOTE
        open_screen(phone.page, "/toolkit/words", "Words to carry")
        cards = phone.page.locator("#card-list textarea")
        assert [cards.nth(i).input_value() for i in range(cards.count())] == [
            CARD,
            "Still here tomorrow",
        ]
        open_screen(phone.page, "/toolkit", "Toolkit")
        notice = phone.page.inner_text("#unopened")
        assert f"“{ITEM}”" in notice and "could not be opened" in notice
        phone.page.click("#sync-status")
        assert f"“{ITEM}”" in phone.page.inner_text("#sync-detail")
        phone.page.keyboard.press("Escape")
        for width, height in ((320, 640), (390, 844)):
            phone.page.set_viewport_size({"width": width, "height": height})
            phone.page.screenshot(path=tmp_path / f"unopened-{width}.png")
            phone.check_screen(width)

        # An edit here sends this device's copy whole: the server can be read again.
        edit_note(phone, item_url, "line one\nline two\nline three, mended")
        phone.wait_synced()
        sync_fully(phone)
        open_screen(phone.page, "/toolkit", "Toolkit")
        assert phone.page.locator("#unopened").count() == 0
        sync_fully(laptop)
        assert shown_note(laptop, item_url) == "line one\nline two\nline three, mended"
        phone.close()
        laptop.close()
