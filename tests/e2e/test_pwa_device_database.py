"""The device's database across versions of the app: upgrades keep every word."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import Device, server_letters

pytestmark = pytest.mark.browser

# The database as the first version of the app made it: records, outbox, rejected
# and meta, with no letter summaries. One letter, written on this device, not sent.
FIRST_VERSION_DATABASE = """async ([account, accountKey, letterId, body]) => {
  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await done(indexedDB.deleteDatabase("between"));
  const open = indexedDB.open("between", 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore("records", { keyPath: "id" }).createIndex("kind", "kind");
    db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true })
      .createIndex("recordId", "recordId");
    db.createObjectStore("rejected", { keyPath: "seq", autoIncrement: true });
    db.createObjectStore("meta", { keyPath: "key" });
  };
  const db = await done(open);
  const now = new Date().toISOString();
  const fields = { title: "Kept from before", body, state: "kept", clientCreatedAt: now,
                   clientEditedAt: now };
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  tx.objectStore("records").put({ id: letterId, kind: "letter", version: null, server: {},
    serverDeleted: false, fields, deleted: false, deletedAt: null, updatedAt: null });
  tx.objectStore("outbox").add({ recordId: letterId, kind: "letter", op: "upsert", fields,
    baseVersion: null, awaitsBase: false, mutationId: null });
  tx.objectStore("meta").put({ key: "account", value: account });
  // The account key this device kept (today's app seals letters with it).
  tx.objectStore("meta").put({ key: "accountKey", value: new Uint8Array(accountKey) });
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""

READ_ACCOUNT = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => {
    const meta = open.result.transaction("meta").objectStore("meta");
    const account = meta.get("account");
    const key = meta.get("accountKey");
    key.onsuccess = () => {
      open.result.close();
      resolve([account.result.value, Array.from(key.result.value)]);
    };
  };
})"""

DATABASE_VERSION = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => { open.result.close(); resolve(open.result.version); };
})"""


def test_letters_from_the_first_database_are_listed_and_sent(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("orla")
    account, account_key = page.evaluate(READ_ACCOUNT)
    # Away from the app, so nothing of it holds the database open, rebuild it as the
    # first version of the app left it.
    page.goto("/healthz")
    body = "Written before the app learned to keep summaries. " * 30
    letter_id = "5b0e7c2e-3d1c-4c8e-9a51-0d2f1e6b7a10"
    page.evaluate(FIRST_VERSION_DATABASE, [account, account_key, letter_id, body])

    page.goto("/")
    item = page.locator("#letter-list li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Kept from before")
    # The list shows the beginning; the letter itself is whole.
    device.open_letter("Kept from before")
    assert page.input_value("#body") == body
    device.wait_synced()
    assert page.evaluate(DATABASE_VERSION) >= 2
    # Sent sealed, whole: the server's copy opens to the same words.
    on_server = server_letters(served_sqlite, "orla")[letter_id]["fields"]
    assert (on_server["title"], on_server["body"]) == ("Kept from before", body)
    device.close()


def test_an_open_tab_saves_its_words_when_a_newer_version_upgrades_the_database(
    chromium, served_app_copy
):
    app, base = served_app_copy
    device = Device(chromium, base)
    writing = device.page
    device.register("bea")
    device.draft_open_in_editor("Written in the first tab")

    # The next version of the app needs one more step in the device's database.
    boot = app / "src" / "boot.js"
    source = boot.read_text()
    current = int(source.split('indexedDB.open("between", ')[1].split(")")[0])
    newer = source.replace(
        f'indexedDB.open("between", {current})', f'indexedDB.open("between", {current + 1})'
    ).replace(
        "function upgrade(db, tx, oldVersion) {",
        "function upgrade(db, tx, oldVersion) {\n"
        f'  if (oldVersion >= 1 && oldVersion < {current + 1}) db.createObjectStore("later");',
    )
    assert newer.count(str(current + 1)) == 2
    boot.write_text(newer)

    other = device.open_page()
    other.goto("/")
    other.wait_for_selector("#capture")
    device.offer_update(other)

    writing.click("#body")
    writing.keyboard.press("End")
    writing.keyboard.type(", and more while the other tab updated")
    other.click("text=Update now")

    # The first tab saved, let go of the database and came back as the new version.
    writing.wait_for_function("() => window.beforeUpdate === undefined", timeout=20_000)
    writing.wait_for_selector("#body")
    assert writing.input_value("#body") == (
        "Written in the first tab, and more while the other tab updated"
    )
    assert writing.evaluate(DATABASE_VERSION) == current + 1
    device.wait_synced()
    device.close()
