"""Driving the PWA in Chromium the way a person would, plus a look at the server."""

from __future__ import annotations

import contextlib
import time

import httpx
from axe_playwright_python.sync_playwright import Axe

from tests.graphql_client import KEY_PARAMS, SIGN_IN
from tests.sealed import device, reference

PASSWORD = "a calm long password 1"

# How many edits this device still has to send, read straight from IndexedDB.
OUTBOX_COUNT = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve(-1); return; }
    const count = db.transaction("outbox").objectStore("outbox").count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
  open.onerror = () => resolve(-1);
})"""

# How many records this device holds, read straight from IndexedDB (0 once cleared).
RECORD_COUNT = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("records")) { db.close(); resolve(0); return; }
    const count = db.transaction("records").objectStore("records").count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
})"""

# Every visible control must be a 44 px target; a checkbox counts with its label row.
SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll("a, button, input, select, textarea, summary")) {
    if (el.closest("[hidden], details:not([open]) > :not(summary)")) continue;
    const box = (el.matches("input[type=checkbox], input[type=radio]") ? el.closest(".check") : el)
      .getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width < 44 || box.height < 44) {
      const name = el.id || el.textContent.trim().slice(0, 30);
      small.push(`${el.tagName} ${name} ${box.width}x${box.height}`);
    }
  }
  return small;
}"""


# The account key as this device keeps it, in hex; null when it holds none.
ACCOUNT_KEY = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("meta")) { db.close(); resolve(null); return; }
    const row = db.transaction("meta").objectStore("meta").get("accountKey");
    row.onsuccess = () => {
      db.close();
      const key = row.result?.value;
      resolve(key ? Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("") : null);
    };
  };
  open.onerror = () => resolve(null);
})"""


def keep_codes(page) -> None:
    """Say the recovery codes are saved, and go on."""
    page.check("#codes-kept")
    page.click("#codes-done")


@contextlib.contextmanager
def module_page(browser, base: str, module: str, **page_options):
    """One page with the app loaded; yields `call(name, *args)`, which runs an export
    of `module` (e.g. "/src/outbox.js") in the page and returns its result.
    `page_options` go to the page (a locale, a time zone). `call.page` is the page, for
    a script that needs more than one module."""
    page = browser.new_page(**page_options)
    page.goto(f"{base}/welcome")
    page.wait_for_selector("#register-heading")

    def call(name, *args):
        return page.evaluate(
            "([module, name, args]) => import(module).then((m) => m[name](...args))",
            [module, name, list(args)],
        )

    call.page = page
    try:
        yield call
    finally:
        page.close()


class Device:
    """One browser context: a phone or a laptop with its own IndexedDB."""

    def __init__(
        self,
        browser,
        base: str,
        width: int = 390,
        color_scheme: str = "light",
        height: int = 800,
        **options,
    ):
        self.base = base
        self.context = browser.new_context(
            base_url=base,
            viewport={"width": width, "height": height},
            color_scheme=color_scheme,
            **options,
        )
        self.errors: list[str] = []
        self.page = self.open_page()

    def open_page(self):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def offline(self, value: bool = True) -> None:
        self.context.set_offline(value)

    def register(self, username: str, role: str = "CLIENT") -> list[str]:
        page = self.page
        page.goto("/")
        page.fill("#new-username", username)
        page.fill("#display-name", username.title())
        page.fill("#new-password", PASSWORD)
        if role == "THERAPIST":
            page.check("#role-therapist")
        page.click("button:has-text('Create account')")
        page.wait_for_selector("#recovery-codes li")
        codes = page.locator("#recovery-codes li").all_inner_texts()
        keep_codes(page)
        page.wait_for_selector("main h1")
        self.wait_controlled()
        return codes

    def sign_in(self, username: str) -> None:
        page = self.page
        page.goto("/")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]:has-text('Sign in')")
        page.wait_for_selector("#capture")
        self.wait_controlled()
        self.wait_synced()

    def wait_controlled(self) -> None:
        """The service worker has cached the shell and controls the page."""
        self.page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    def account_key(self) -> str | None:
        return self.page.evaluate(ACCOUNT_KEY)

    def unsynced(self) -> int:
        return self.page.evaluate(OUTBOX_COUNT)

    def wait_synced(self, timeout: float = 15) -> None:
        """Every edit on this device has reached the server, and no sync is running."""
        deadline = time.monotonic() + timeout
        while self.unsynced() != 0:
            assert time.monotonic() < deadline, "edits did not reach the server"
            self.page.wait_for_timeout(100)
        self.page.wait_for_function(
            "() => !/syncing/i.test(document.querySelector('#sync-status')?.textContent ?? '')"
        )

    def sync_now(self) -> None:
        """The "Sync now" button is under the sync word in the top bar."""
        self.page.click("#sync-status")
        self.page.click("#sync-now")
        self.wait_synced()

    def capture(self, text: str) -> None:
        self.page.fill("#capture", text)
        self.page.wait_for_selector("#capture-status a")

    def draft_open_in_editor(self, text: str) -> None:
        """A new letter, open in the editor; the page is marked so a reload shows."""
        self.capture(text)
        self.page.click("#capture-status a")
        self.page.wait_for_selector("#body")
        self.page.evaluate("() => { window.beforeUpdate = true; }")

    def offer_update(self, page=None) -> None:
        """Ask the service worker to look for a new version, and wait for the offer."""
        page = page or self.page
        page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
        page.wait_for_selector("#update >> text=Update now")

    def open_letter(self, text: str) -> None:
        self.page.goto("/")
        self.page.click(f"#letter-list a:has-text({text!r})")
        self.page.wait_for_selector("#body")

    def open_trash(self) -> None:
        """The trash is one tap beyond the Account tab."""
        self.page.click("#tabs >> text=Account")
        self.page.click("#to-trash")
        self.page.wait_for_selector("main h1:has-text('Trash')")

    def check_screen(self, width: int) -> None:
        """No axe violations, no sideways scrolling, every control a 44 px target."""
        results = Axe().run(self.page)
        assert results.violations_count == 0, results.generate_report()
        assert self.page.evaluate("document.documentElement.scrollWidth") <= width
        assert self.page.evaluate(SMALL_TARGETS) == []

    def close(self) -> None:
        assert self.errors == []
        self.context.close()


def account_key_of(client: httpx.Client, username: str, password: str = PASSWORD) -> bytes:
    """Sign `client` in as the device does, and open the account key with the password:
    what a second device holds, so the test can read what the devices sealed."""
    params = client.post(
        "/graphql", json={"query": KEY_PARAMS, "variables": {"username": username}}
    ).json()["data"]["keyParams"]
    master, auth = device.reference_keys(password, username.strip().lower(), params["seed"])
    answer = client.post(
        "/graphql",
        json={"query": SIGN_IN, "variables": {"input": {"username": username, "authKey": auth}}},
    ).json()
    assert "errors" not in answer, answer
    return device.open_account_key(answer["data"]["signIn"]["sealedAccountKey"], master)


@contextlib.contextmanager
def signed_in(base: str, username: str, password: str = PASSWORD):
    """An HTTP client signed in as `username`, to look at the server directly."""
    with httpx.Client(base_url=base) as client:
        account_key_of(client, username, password)
        yield client


def opened(record: dict, account_key: bytes) -> dict:
    """A pulled record with its sealed content opened as its fields, as a device opens it;
    a record deleted for good has none."""
    if record.get("sealed") is None:
        return record
    content = reference.open_record(
        account_key, record["id"], record["kind"], record["format"], record["sealed"]
    )
    return {**record, "fields": content}


def server_records(
    base: str,
    username: str,
    deleted: bool = False,
    password: str = PASSWORD,
    open_sealed: bool = True,
) -> dict[str, dict]:
    """The account's records as the server has them, through the public API, sealed ones
    opened with the account key unless asked not to; deleted ones only when asked for."""
    with httpx.Client(base_url=base) as client:
        account_key = account_key_of(client, username, password)
        records: dict[str, dict] = {}
        cursor = None
        while True:
            page = client.post(
                "/graphql",
                json={
                    "query": "query($c: String) { pull(cursor: $c, limit: 1000) "
                    "{ records: recordsJson cursor hasMore } }",
                    "variables": {"c": cursor},
                },
            ).json()["data"]["pull"]
            for record in page["records"]:
                if deleted or not record["deleted"]:
                    records[record["id"]] = opened(record, account_key) if open_sealed else record
                else:
                    records.pop(record["id"], None)
            cursor = page["cursor"]
            if not page["hasMore"]:
                return records


def server_letters(base: str, username: str, password: str = PASSWORD) -> dict[str, dict]:
    """The account's letters as the server has them, opened as a device opens them."""
    return {
        key: record
        for key, record in server_records(base, username, deleted=True, password=password).items()
        if record["kind"] == "letter"
    }


def letter_revisions(base: str, username: str, letter_id: str, password: str = PASSWORD) -> list:
    """A letter's revisions as the server lists them, each opened (`content` None for one
    that does not open): newest first."""
    query = (
        "query($id: ID!) { letterRevisions(letterId: $id) "
        "{ id version sealed format deviceId createdAt } }"
    )
    with httpx.Client(base_url=base) as client:
        account_key = account_key_of(client, username, password)
        answer = client.post("/graphql", json={"query": query, "variables": {"id": letter_id}})
        found = answer.json()["data"]["letterRevisions"]

    def open_revision(revision: dict) -> object:
        try:
            return reference.open_record(
                account_key, letter_id, "letter", revision["format"], revision["sealed"]
            )
        except reference.SealError:
            return None

    return [{**revision, "content": open_revision(revision)} for revision in found]
