"""Sealed plans and preferences edited on two devices offline, in Chromium on a real
server: the device merges them (pwa/src/rebase.js, merge-lists.js). Different fields
and different lines both stay, steps added on both devices are both kept, and words
or choices changed on both are shown set aside, calmly, until kept or let go."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import Device, module_page
from tests.e2e.test_pwa_sealed_sync import sync_fully, tamper
from tests.e2e.test_pwa_toolkit_plans import open_screen, saved
from tests.serving import start_server

pytestmark = pytest.mark.browser

AGREEMENT = "One email is OK.\nNo calls.\nShe is back on the 3rd."
STEP = "A walk at eight"


def both_offline_then_sync(phone: Device, laptop: Device) -> None:
    """The phone's changes reach the server first, then the laptop's, merged on it."""
    for device in (phone, laptop, phone):
        device.offline(False)
        sync_fully(device)


def make_plan(device: Device) -> str:
    page = device.page
    open_screen(page, "/plans", "Plans")
    page.click("#new-break")
    page.wait_for_selector("#contact-agreement")
    page.click("#add-daily_anchor")
    page.fill("#step-0", STEP)
    page.fill("#contact-agreement", AGREEMENT)
    saved(page, "#plan-saved")
    page.click("#plan-done")
    page.wait_for_selector("#edit-plan")
    return page.url


def edit_plan(device: Device, plan_url: str, change) -> None:
    page = device.page
    page.goto(f"{plan_url}/edit")
    page.wait_for_selector("#contact-agreement")
    change(page)
    saved(page, "#plan-saved")


def shown_plan(device: Device, plan_url: str) -> str:
    page = device.page
    page.goto(plan_url)
    page.wait_for_selector("#edit-plan")
    return page.inner_text("main")


def two_devices(chromium, base: str, username: str) -> tuple[Device, Device]:
    phone = Device(chromium, base)
    phone.register(username)
    laptop = Device(chromium, base)
    laptop.sign_in(username)
    return phone, laptop


def look_at(device: Device, tmp_path, name: str) -> None:
    """Screenshots at both widths (looked at by hand), checked with axe."""
    page = device.page
    for width, height in ((320, 640), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#set-aside").scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"{name}-{width}.png", full_page=True)
        device.check_screen(width)


def test_a_plans_contact_agreement_changed_on_two_devices(chromium, served_sqlite, tmp_path):
    phone, laptop = two_devices(chromium, served_sqlite, "maeve")
    plan_url = make_plan(phone)
    phone.wait_synced()
    sync_fully(laptop)

    phone.offline()
    laptop.offline()
    phones = AGREEMENT.replace("No calls.", "No calls; texts are fine.")
    laptops = AGREEMENT.replace("No calls.", "No calls, only in an emergency.")
    edit_plan(phone, plan_url, lambda page: page.fill("#contact-agreement", phones))
    edit_plan(laptop, plan_url, lambda page: page.fill("#contact-agreement", laptops))
    both_offline_then_sync(phone, laptop)

    # The phone's words stay on both; the laptop's are set aside on both, not lost.
    for device in (phone, laptop):
        shown = shown_plan(device, plan_url)
        assert "No calls; texts are fine." in shown
        assert "only in an emergency" in device.page.inner_text("#set-aside")
        assert "only in an emergency" not in device.page.inner_text(".agreement")
    look_at(laptop, tmp_path, "plan-set-aside")

    laptop.page.click("#set-aside >> text=Keep these instead")
    laptop.page.wait_for_selector("#set-aside", state="detached")
    assert "No calls, only in an emergency." in laptop.page.inner_text(".agreement")
    laptop.wait_synced()
    sync_fully(phone)
    shown = shown_plan(phone, plan_url)
    assert "No calls, only in an emergency." in shown and "texts are fine" not in shown
    assert phone.page.locator("#set-aside").count() == 0
    phone.close()
    laptop.close()


def test_steps_added_to_one_plan_on_two_devices_are_both_kept(chromium, served_sqlite):
    phone, laptop = two_devices(chromium, served_sqlite, "oisin")
    plan_url = make_plan(phone)
    phone.wait_synced()
    sync_fully(laptop)

    phone.offline()
    laptop.offline()

    def add(kind: str, text: str):
        def change(page) -> None:
            page.click(f"#add-{kind}")
            page.fill("#step-1", text)

        return change

    edit_plan(phone, plan_url, add("daily_anchor", "Tea with Jo"))
    edit_plan(laptop, plan_url, add("activity", "Swim on Saturday"))
    both_offline_then_sync(phone, laptop)

    for device in (phone, laptop):
        shown = shown_plan(device, plan_url)
        for text in (STEP, "Tea with Jo", "Swim on Saturday"):
            assert shown.count(text) == 1, text
        assert device.page.locator("#set-aside").count() == 0
    phone.close()
    laptop.close()


def choose(device: Device, select: str, value: str) -> None:
    page = device.page
    open_screen(page, "/settings", "Settings")
    page.select_option(select, value)
    page.wait_for_selector("#words-saved >> text=Saved")


def add_person(device: Device, name: str, phone_number: str) -> None:
    page = device.page
    open_screen(page, "/help/people", "Your people")
    page.click("#add-person")
    index = page.locator("#people fieldset").count() - 1
    page.fill(f"#person-name-{index}", name)
    page.fill(f"#person-phone-{index}", phone_number)
    page.wait_for_selector("main >> text=Saved on this device.")


def test_preferences_changed_on_two_devices(chromium, served_sqlite, tmp_path):
    phone, laptop = two_devices(chromium, served_sqlite, "saoirse")

    # Different choices, made before either device's preferences reached the server:
    # both stay, on both devices.
    phone.offline()
    laptop.offline()
    choose(phone, "#therapist-word", "counsellor")
    choose(laptop, "#break-word", "holiday")
    both_offline_then_sync(phone, laptop)
    for device in (phone, laptop):
        open_screen(device.page, "/settings", "Settings")
        assert device.page.locator("#therapist-word").input_value() == "counsellor"
        assert device.page.locator("#break-word").input_value() == "holiday"
        assert device.page.locator("#set-aside").count() == 0

    # The same list of people changed on both: the phone's stay, the laptop's are set
    # aside, shown as a person reads them, in Settings and with the people.
    phone.offline()
    laptop.offline()
    add_person(phone, "Sam", "0100 200")
    add_person(laptop, "Jo", "0300 400")
    choose(laptop, "#therapist-word", "my_t")
    choose(phone, "#therapist-word", "therapist")
    both_offline_then_sync(phone, laptop)
    open_screen(laptop.page, "/help/people", "Your people")
    assert laptop.page.locator("#person-name-0").input_value() == "Sam"
    assert "Jo, 0300 400" in laptop.page.inner_text("#set-aside")
    look_at(laptop, tmp_path, "people-set-aside")
    open_screen(laptop.page, "/settings", "Settings")
    assert laptop.page.locator("#therapist-word").input_value() == "therapist"
    notice = laptop.page.inner_text("#set-aside")
    assert "Jo, 0300 400" in notice and "my T" in notice and "{" not in notice
    look_at(laptop, tmp_path, "settings-set-aside")

    laptop.page.click("#set-aside li:has-text('my T') >> text=Keep these instead")
    laptop.page.wait_for_selector("#set-aside li:has-text('my T')", state="detached")
    assert laptop.page.locator("#therapist-word").input_value() == "my_t"
    laptop.page.click("#set-aside >> text=Let them go")
    laptop.page.wait_for_selector("#set-aside", state="detached")
    laptop.wait_synced()
    sync_fully(phone)
    open_screen(phone.page, "/settings", "Settings")
    assert phone.page.locator("#therapist-word").input_value() == "my_t"
    assert phone.page.locator("#set-aside").count() == 0
    open_screen(phone.page, "/help/people", "Your people")
    assert phone.page.locator("#person-name-0").input_value() == "Sam"
    assert phone.page.locator("#person-name-1").count() == 0
    phone.close()
    laptop.close()


# (field, value set aside, what the notice shows): never JSON.
SHOWN = [
    (
        "crisisContacts",
        [{"name": "Jo", "phone": "0100", "note": "x"}, {"name": "Sam"}],
        "Jo, 0100\nSam",
    ),
    ("helpContacts", [], "(nothing)"),
    ("coveringClinician", [{"name": "", "phone": ""}], "Someone with no name or number"),
    ("steps", {"id": "a", "type": "activity", "text": "Swim."}, "Swim."),
    ("therapistWord", "my_t", "my T"),
    ("kind", "client_away", "I'm away"),
    ("reason", "long_weekend", "Long weekend"),
    ("helpCountry", "NZ", "New Zealand"),
    ("sense", "touch", "Touch"),
    ("showCountdown", False, "No"),
    ("contactAgreement", "", "(nothing)"),
    ("note", "Words\nkept", "Words\nkept"),
]


def test_set_aside_values_read_as_a_person_reads_them(chromium, served_sqlite):
    with module_page(chromium, served_sqlite, "/src/ui/kit/set-aside.js") as call:
        assert [call("shownValue", field, value) for field, value, _ in SHOWN] == [
            shown for _, _, shown in SHOWN
        ]


def test_a_plan_that_does_not_open_is_named_on_the_plans_screen(chromium, tmp_path):
    database = tmp_path / "tampered.sqlite3"
    with start_server(f"sqlite://{database}", tmp_path) as base:
        phone, laptop = two_devices(chromium, base, "ines")
        plan_url = make_plan(phone)
        phone.wait_synced()
        sync_fully(laptop)
        # Offline, so no poke brings the laptop's change before it is tampered with.
        phone.offline()
        edit_plan(laptop, plan_url, lambda page: page.fill("#plan-title", "Winter break"))
        laptop.wait_synced()
        tamper(database, plan_url.rsplit("/", 1)[1])

        phone.offline(False)
        sync_fully(phone)
        open_screen(phone.page, "/plans", "Plans")
        notice = phone.page.inner_text("#unopened")
        assert "plan" in notice.lower() and "could not be opened" in notice
        # The phone's own copy stays, as it was.
        assert AGREEMENT.splitlines()[0] in shown_plan(phone, plan_url)
        open_screen(phone.page, "/plans", "Plans")
        for width, height in ((320, 640), (390, 844)):
            phone.page.set_viewport_size({"width": width, "height": height})
            phone.page.screenshot(path=tmp_path / f"plan-unopened-{width}.png")
            phone.check_screen(width)
        # Named where plans are, not among the toolkit's things.
        open_screen(phone.page, "/toolkit", "Toolkit")
        assert phone.page.locator("#unopened").count() == 0
        phone.close()
        laptop.close()
