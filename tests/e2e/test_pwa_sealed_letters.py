"""Sealed letters between two devices in Chromium, on a real server: the same line
edited offline on both shows two versions on both, named by where and when they were
written, with the differences marked; a delete for good crossing an edit brings the
letter back; the history opens sealed versions; and neither the database nor the
server's log holds a letter's words."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import Device, letter_revisions, server_letters, signed_in
from tests.e2e.test_pwa_sealed_sync import raw_database, sync_fully
from tests.serving import start_server

pytestmark = pytest.mark.browser

# A phone's browser names itself so; the test browser's own name is a computer's.
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)
# Times as the person's locale writes them: 24 hours here.
LOCAL = {"locale": "en-GB", "timezone_id": "Europe/London"}
TIME = r"\d{2}:\d{2}"
BASE = "Dear T,\n\nThe first line.\n\nThe middle line.\n\nThe last line."

READ_LETTER = "(id) => import('/src/letters.js').then((l) => l.letter(id))"


@pytest.fixture
def served_database(empty_database_url, tmp_path):
    """A running server, its database's URL and its log, on SQLite and on PostgreSQL."""
    with start_server(empty_database_url, tmp_path) as base:
        yield base, empty_database_url, tmp_path / "serve.log"


def two_devices(chromium, base: str, username: str) -> tuple[Device, Device, str]:
    """A phone with one synced letter, and a laptop signed in to the same account; both
    have the letter open. Returns the letter's id."""
    phone = Device(chromium, base, user_agent=PHONE, **LOCAL)
    phone.register(username)
    phone.draft_open_in_editor("Dear T,")
    phone.page.fill("#title", "After Tuesday")
    saved_as(phone, "title", "After Tuesday")
    write(phone, BASE)
    phone.wait_synced()
    letter_id = phone.page.url.rsplit("/", 1)[1]
    laptop = Device(chromium, base, **LOCAL)
    laptop.sign_in(username)
    for device in (phone, laptop):
        open_letter(device, letter_id)
    return phone, laptop, letter_id


def open_letter(device: Device, letter_id: str) -> None:
    device.page.goto(f"/letters/{letter_id}")
    device.page.wait_for_selector("#body")


def letter_id_of(device: Device) -> str:
    return device.page.url.rsplit("/", 1)[1]


def saved_as(device: Device, field: str, value: object) -> None:
    """Wait until the open letter's `field` is saved on the device as `value`."""
    device.page.wait_for_function(
        f"([id, field, value]) => ({READ_LETTER})(id)"
        ".then((x) => JSON.stringify(x?.[field]) === JSON.stringify(value))",
        arg=[letter_id_of(device), field, value],
    )


def write(device: Device, body: str) -> None:
    """Type a new body, and wait until the device has saved it."""
    device.page.fill("#body", body)
    saved_as(device, "body", body)


def shows(device: Device, body: str) -> None:
    """The open letter shows `body` (another device's words arrive by themselves)."""
    device.page.wait_for_function(
        "(body) => document.querySelector('#body')?.value === body", arg=body
    )


def edit_offline_on_both(phone: Device, laptop: Device, mine: str, theirs: str) -> None:
    """The phone and the laptop each change the letter offline; then the phone syncs
    first, the laptop merges on the phone's version, and the phone hears of it."""
    for device in (phone, laptop):
        device.offline()
    write(phone, mine)
    write(laptop, theirs)
    for device in (phone, laptop, phone):
        device.offline(False)
        sync_fully(device)


def test_the_same_line_changed_on_two_devices_shows_two_versions_on_both(
    served_database, chromium, tmp_path
):
    base, _, _ = served_database
    phone, laptop, letter_id = two_devices(chromium, base, "wren")
    by_phone = BASE.replace("The middle line.", "The middle line, as the phone has it.")
    by_laptop = BASE.replace("The middle line.", "The middle line, as the laptop has it.")
    edit_offline_on_both(phone, laptop, by_phone, by_laptop)

    # Both devices show the phone's words, and the laptop's set aside beside them.
    for device, shown_from, aside_from in (
        (phone, "this phone", "the computer"),
        (laptop, "the phone", "this computer"),
    ):
        page = device.page
        shows(device, by_phone)
        section = page.locator("#versions-0")
        expect(section).to_contain_text("Two versions of this letter")
        key = section.locator(".version-key").inner_text()
        assert re.search(rf"in the letter now, from {shown_from}, {TIME}", key), key
        assert re.search(rf"set aside, from {aside_from}, {TIME}", key), key
        # The lines that differ are marked, and say which version they are from.
        this_line = section.locator(".only-this")
        other_line = section.locator(".only-other")
        expect(this_line.locator("mark")).to_have_text("The middle line, as the phone has it.")
        expect(this_line.locator(".cue")).to_have_text("Only in this version")
        expect(other_line.locator("mark")).to_have_text("The middle line, as the laptop has it.")
        expect(other_line.locator(".cue")).to_have_text("Only in the other version")
        expect(section.locator(".same")).to_have_text(
            ["Dear T,", "The first line.", "The last line."]
        )
    # The list says so too.
    phone.page.goto("/")
    expect(phone.page.locator("#letter-list li").first).to_contain_text("Two versions")
    open_letter(phone, letter_id)

    page = laptop.page
    for width, height in ((320, 640), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        section = page.locator("#versions-0")
        section.scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"two-versions-{width}.png")
        section.screenshot(path=tmp_path / f"two-versions-whole-{width}.png")
        laptop.check_screen(width)
    page.emulate_media(color_scheme="dark")
    page.locator("#versions-0").screenshot(path=tmp_path / "two-versions-dark.png")
    laptop.check_screen(390)
    page.emulate_media(color_scheme="light")

    # Keep the other: the laptop's words become the letter, on both devices.
    page.click("#versions-0 >> text=Keep the other version")
    expect(page.locator("#versions-0")).to_have_count(0)
    shows(laptop, by_laptop)
    laptop.wait_synced()
    sync_fully(phone)
    shows(phone, by_laptop)
    expect(phone.page.locator("#versions-0")).to_have_count(0)
    (on_server,) = server_letters(base, "wren").values()
    assert on_server["fields"]["body"] == by_laptop
    assert "conflicts" not in on_server["fields"] or on_server["fields"]["conflicts"] == []

    # Two more, one after the other before anyone chooses: both stay until chosen.
    first_phone = by_laptop.replace("Dear T,", "Dear T, from the phone,")
    first_laptop = by_laptop.replace("Dear T,", "Dear T, from the laptop,")
    edit_offline_on_both(phone, laptop, first_phone, first_laptop)
    shows(laptop, first_phone)
    last_phone = first_phone.replace("The last line.", "The last line, the phone's.")
    last_laptop = first_phone.replace("The last line.", "The last line, the laptop's.")
    edit_offline_on_both(phone, laptop, last_phone, last_laptop)
    for device in (phone, laptop):
        shows(device, last_phone)
        for index in (0, 1):
            expect(device.page.locator(f"#versions-{index} h2")).to_have_text(
                f"Two versions of this letter ({index + 1} of 2)"
            )
        # Each against the words shown now, so the first also differs in the last line.
        expect(device.page.locator("#versions-0 .only-other mark")).to_have_text(
            ["Dear T, from the laptop,", "The last line."]
        )
        expect(device.page.locator("#versions-1 .only-other mark")).to_have_text(
            "The last line, the laptop's."
        )

    # Keep both: the first set of the laptop's words becomes a letter of its own; the
    # second stays on the letter until it is chosen too.
    page = phone.page
    page.click("#versions-0 >> text=Keep both, as two letters")
    page.wait_for_url(lambda url: letter_id not in url)
    shows(phone, first_laptop)
    assert page.input_value("#title") == "After Tuesday (other version)"
    open_letter(phone, letter_id)
    expect(page.locator("#versions-0 h2")).to_have_text("Two versions of this letter")
    expect(page.locator("#versions-1")).to_have_count(0)
    last = page.locator("#versions-0 .only-other mark")
    expect(last).to_have_text("The last line, the laptop's.")
    page.click("#versions-0 >> text=Keep this version")
    expect(page.locator("#versions-0")).to_have_count(0)
    phone.wait_synced()
    sync_fully(laptop)
    expect(laptop.page.locator("#versions-0")).to_have_count(0)
    bodies = sorted(record["fields"]["body"] for record in server_letters(base, "wren").values())
    assert bodies == sorted([last_phone, first_laptop])
    phone.close()
    laptop.close()


def purge_from_trash(device: Device, title: str) -> None:
    """ "Delete for good" in the trash, confirmed."""
    page = device.page
    device.open_trash()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f".trashed:has-text({title!r}) >> text=Delete for good")
    expect(page.locator(".trashed")).to_have_count(0)


def test_a_delete_for_good_crossing_an_edit_brings_the_letter_back(served_database, chromium):
    base, _, _ = served_database
    phone, laptop, letter_id = two_devices(chromium, base, "ines")

    # Edited offline on the laptop while the phone deletes it for good.
    laptop.offline()
    by_laptop = BASE + "\n\nWritten on the laptop, offline."
    write(laptop, by_laptop)
    phone.page.click("text=Move to trash")
    phone.page.wait_for_selector("#capture")
    purge_from_trash(phone, "After Tuesday")
    phone.wait_synced()
    (gone,) = server_letters(base, "ines").values()
    assert gone["deleted"] is True and gone["sealed"] is None and gone["fields"] == {}
    assert letter_revisions(base, "ines", letter_id) == []

    # The laptop's edit comes back whole: an edit beats a delete.
    laptop.offline(False)
    sync_fully(laptop)
    (back,) = server_letters(base, "ines").values()
    assert back["deleted"] is False
    assert (back["fields"]["title"], back["fields"]["body"]) == ("After Tuesday", by_laptop)
    sync_fully(phone)
    phone.page.goto("/")
    phone.page.click("#letter-list a:has-text('After Tuesday')")
    shows(phone, by_laptop)

    # Deleted for good on the phone, offline, while the laptop brings it back from the
    # trash and changes it: it comes back with the laptop's words.
    phone.page.click("text=Move to trash")
    phone.page.wait_for_selector("#capture")
    phone.wait_synced()
    sync_fully(laptop)
    phone.offline()
    purge_from_trash(phone, "After Tuesday")
    laptop.open_trash()
    laptop.page.click(".trashed >> text=Bring it back")
    expect(laptop.page.locator(".trashed")).to_have_count(0)
    open_letter(laptop, letter_id)
    brought_back = by_laptop + "\n\nBrought back on the laptop."
    write(laptop, brought_back)
    laptop.wait_synced()
    phone.offline(False)
    sync_fully(phone)
    phone.page.goto("/")
    phone.page.click("#letter-list a:has-text('After Tuesday')")
    shows(phone, brought_back)
    (kept,) = server_letters(base, "ines").values()
    assert kept["deleted"] is False and kept["fields"]["body"] == brought_back
    phone.close()
    laptop.close()


def tamper_revision(url: str, version: int) -> None:
    """Change one character of the sealed text of the revision at `version`."""

    def changed(sealed: str) -> str:
        middle = len(sealed) // 2
        return sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1 :]

    if url.startswith("sqlite://"):
        with sqlite3.connect(Path(url.removeprefix("sqlite://"))) as connection:
            (sealed,) = connection.execute(
                "SELECT sealed FROM letter_revision WHERE version = ?", (version,)
            ).fetchone()
            update = "UPDATE letter_revision SET sealed = ? WHERE version = ?"
            connection.execute(update, (changed(sealed), version))
        return

    async def on_postgres() -> None:
        connection = await asyncpg.connect(url)
        try:
            sealed = await connection.fetchval(
                "SELECT sealed FROM letter_revision WHERE version = $1", version
            )
            update = "UPDATE letter_revision SET sealed = $1 WHERE version = $2"
            await connection.execute(update, changed(sealed), version)
        finally:
            await connection.close()

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, on_postgres()).result()


def test_the_history_opens_sealed_versions_names_one_that_does_not_open_and_restores(
    served_database, chromium, tmp_path
):
    base, url, _ = served_database
    phone, laptop, letter_id = two_devices(chromium, base, "noor")
    write(phone, "A second draft, from the phone.")
    phone.wait_synced()
    sync_fully(laptop)
    write(laptop, "A third draft, from the laptop.")
    laptop.wait_synced()
    sync_fully(phone)
    revisions = letter_revisions(base, "noor", letter_id)
    assert [r["content"]["body"] for r in revisions[:2]] == [
        "A third draft, from the laptop.",
        "A second draft, from the phone.",
    ]
    tamper_revision(url, revisions[1]["version"])

    page = phone.page
    page.click("text=Earlier versions")
    page.wait_for_selector(".revisions li")
    items = page.locator(".revisions > li")
    expect(items).to_have_count(len(revisions))
    # Newest first, each said to be from this phone or the computer; the changed one is
    # named, not hidden.
    expect(items.nth(0).locator("summary")).to_contain_text("the computer: A third draft")
    expect(items.nth(1)).to_contain_text("could not be opened on this device")
    expect(items.nth(2).locator("summary")).to_contain_text("this phone:")
    for width, height in ((320, 640), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.click(".revisions summary >> nth=0")
        page.screenshot(path=tmp_path / f"history-{width}.png")
        phone.check_screen(width)
        page.click(".revisions summary >> nth=0")

    # The oldest comes back as an ordinary edit, which syncs.
    oldest = revisions[-1]["content"]["body"]
    page.click(".revisions summary >> nth=-1")
    page.click("text=Bring this version back >> nth=-1")
    shows(phone, oldest)
    phone.wait_synced()
    (letter,) = server_letters(base, "noor").values()
    assert letter["fields"]["body"] == oldest
    assert letter_revisions(base, "noor", letter_id)[0]["content"]["body"] == oldest
    phone.close()
    laptop.close()


# Words found nowhere else: in a letter's title, words, tags and "to", and in a letter
# marked never to send.
TITLE = "The thistledown letter"
BODY = "About the quorvane hour,\nand what I did not say."
TAGS = "brackenmoss, session"
RECIPIENT = "Merrowind"
NEVER_SENT = "Wyndlethorpe, which I will never send."
MARKERS = ["thistledown", "quorvane", "brackenmoss", "Merrowind", "Wyndlethorpe"]
# A shared letter's words are still clear on the server (the therapist's copy), which
# shows that the search below reads the database.
SHARED = "A shared word: glimmerhaven."


def server_text(url: str, log: Path) -> bytes:
    """The SQLite file with its WAL, or every sync_record and letter_revision row on
    PostgreSQL as text; and the server's log."""
    if url.startswith("sqlite://"):
        held = raw_database(url)
    else:

        async def rows() -> bytes:
            connection = await asyncpg.connect(url)
            try:
                found = [
                    row["row"]
                    for query in (
                        "SELECT sync_record::text AS row FROM sync_record",
                        "SELECT letter_revision::text AS row FROM letter_revision",
                    )
                    for row in await connection.fetch(query)
                ]
            finally:
                await connection.close()
            return "\n".join(found).encode()

        with ThreadPoolExecutor(1) as thread:
            held = thread.submit(asyncio.run, rows()).result()
    return held + b"\n" + log.read_bytes()


def test_a_letters_words_are_never_on_the_server_but_a_shared_letters_are(
    served_database, chromium
):
    base, url, log = served_database
    phone = Device(chromium, base, user_agent=PHONE, **LOCAL)
    phone.register("robin")
    page = phone.page
    phone.draft_open_in_editor("Hello")
    page.fill("#title", TITLE)
    write(phone, BODY)
    page.click("summary:has-text('To, from, tags and marks')")
    page.fill("#recipient", RECIPIENT)
    page.fill("#tags", TAGS)
    saved_as(phone, "tags", ["brackenmoss", "session"])
    saved_as(phone, "recipient", RECIPIENT)
    saved_as(phone, "title", TITLE)
    phone.wait_synced()
    page.goto("/")
    phone.draft_open_in_editor(NEVER_SENT)
    page.click("summary:has-text('To, from, tags and marks')")
    page.select_option("#state", "never_send")
    saved_as(phone, "state", "never_send")
    never_id = letter_id_of(phone)
    page.goto("/")
    phone.draft_open_in_editor(SHARED)
    shared_id = letter_id_of(phone)
    phone.wait_synced()

    # Shared with a therapist, through the public API, as the device shares.
    with signed_in(base, "robin") as robin:
        therapist = Device(chromium, base)
        therapist.register("dana", role="THERAPIST")
        code = therapist.page.evaluate(
            "() => import('/src/sharing.js').then((s) => s.newCode()).then((c) => c.code)"
        )
        linked = robin.post(
            "/graphql",
            json={
                "query": "mutation($c: String!) { linkWithTherapist(code: $c) { id } }",
                "variables": {"c": code},
            },
        ).json()["data"]["linkWithTherapist"]
        letters = server_letters(base, "robin")
        share = {
            "letterId": shared_id,
            "letterVersion": letters[shared_id]["version"],
            "title": "",
            "body": SHARED,
            "linkId": linked["id"],
            "delivery": "NOW",
        }
        answer = robin.post(
            "/graphql",
            json={
                "query": "mutation($i: ShareLetterInput!) { shareLetter(input: $i) { status } }",
                "variables": {"i": share},
            },
        ).json()
        assert answer["data"]["shareLetter"]["status"] == "DELIVERED", answer

    # The device refuses to share the letter marked never to send: the server cannot
    # read the mark.
    refused = page.evaluate(
        """([letterId, linkId, version]) => import('/src/sharing.js')
          .then((s) => s.shareLetter({ letterId, linkId, letterVersion: version,
                                       title: '', body: '', delivery: 'NOW' }))
          .then(() => 'shared', (error) => error.code)""",
        [never_id, linked["id"], letters[never_id]["version"]],
    )
    assert refused == "NEVER_SEND"

    held = server_text(url, log)
    assert SHARED.encode() in held
    for marker in MARKERS:
        assert marker.encode() not in held, marker
    # And yet every word is there, sealed: the account's own devices open them.
    opened = {record["id"]: record["fields"] for record in server_letters(base, "robin").values()}
    assert opened[never_id]["state"] == "never_send"
    main = next(f for f in opened.values() if f.get("title") == TITLE)
    assert main["body"] == BODY and main["recipient"] == RECIPIENT
    assert main["tags"] == ["brackenmoss", "session"]
    assert main["editedOn"]["label"] == "phone"
    therapist.close()
    phone.close()
