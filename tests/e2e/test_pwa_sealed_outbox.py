"""The outbox's part in sealed sync (pwa/src/outbox.js), run in Chromium on the real
modules and IndexedDB: what a sealed change freezes, and what each answer leaves."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# A test's steps run inside this function, with the modules and a few helpers at hand.
PRELUDE = """async (args) => {
  const outbox = await import("/src/outbox.js");
  const merging = await import("/src/rebase.js");
  const store = await import("/src/store.js");
  const letters = await import("/src/letters.js");
  const sealing = await import("/src/sealing.js");
  const record = (id) => store.getRecord(id);
  const pending = async (id) =>
    (await store.outboxEntries()).filter((e) => e.recordId === id).map(({ seq, ...e }) => e);
  // The server's answer to a one-change batch; `current` for STALE, as sealing.js opens it.
  const answer = ([entry], status, version = null, current = null) =>
    outbox.settle(
      [entry],
      [{ mutationId: entry.mutationId, status, version }],
      new Map(current ? [[entry.mutationId, current]] : []),
      merging,
      { device: "this-phone", label: "phone" },
    );
"""


@pytest.fixture
def run(chromium, served_sqlite):
    page = chromium.new_page()
    page.goto(f"{served_sqlite}/welcome")
    page.wait_for_selector("#register-heading")
    yield lambda body, *args: page.evaluate(PRELUDE + body + "\n}", list(args))
    page.close()


def pulled(
    record_id: str, version: int, fields: dict, kind: str = "toolkit_item", deleted: bool = False
) -> dict:
    return {
        "id": record_id,
        "kind": kind,
        "version": version,
        "deleted": deleted,
        "deletedAt": None,
        "fields": fields,
        "createdAt": None,
        "updatedAt": None,
    }


def test_a_sealed_change_freezes_its_whole_content_and_its_base(run):
    run(
        "await outbox.absorb(args[0], 'v3', 3);",
        [pulled("item", 3, {"name": "Burlap", "note": "Rough\n", "position": 1})],
    )
    run("await outbox.change('toolkit_item', 'item', 'upsert', {note: 'Rough, mine\\n'});")
    # Another device's change arrives before this one is sent: the base stays.
    run(
        "await outbox.absorb(args[0], 'v4', 4);",
        [pulled("item", 4, {"name": "Hessian", "note": "Rough\n", "position": 1})],
    )
    (entry,) = run("return await outbox.takeBatch();")
    assert entry["baseVersion"] == 3
    assert entry["baseContent"] == {"name": "Burlap", "note": "Rough\n", "position": 1}
    assert entry["content"] == {"name": "Burlap", "note": "Rough, mine\n", "position": 1}
    # Frozen: a resend is the same change, and a new edit waits behind it.
    run("await outbox.change('toolkit_item', 'item', 'upsert', {name: 'Sack'});")
    (again,) = run("return await outbox.takeBatch();")
    assert again == entry


def test_applied_and_duplicate_become_the_next_changes_base(run):
    run("await outbox.change('toolkit_item', 'new', 'upsert', {name: 'Stone'});")
    (first,) = run("return await outbox.takeBatch();")
    assert (first["baseVersion"], first["baseContent"]) == (None, {})
    run("await outbox.change('toolkit_item', 'new', 'upsert', {note: 'From the beach'});")
    # The answer was lost; the resend is answered DUPLICATE: taken once, not twice.
    run("await answer(args[0], 'DUPLICATE');", [first])
    assert run("return (await record('new')).server;") == {"name": "Stone"}
    (second,) = run("return await outbox.takeBatch();")
    assert second["baseContent"] == {"name": "Stone"}
    assert second["content"] == {"name": "Stone", "note": "From the beach"}
    run("await answer(args[0], 'APPLIED', 7);", [second])
    stored = run("return await record('new');")
    assert stored["server"] == second["content"] and stored["version"] == 7
    assert run("return await pending('new');") == []


@pytest.mark.parametrize("first_time", ["applied", "stale"])
def test_a_lost_answer_to_a_change_of_a_kept_record_is_sent_again_on_its_base(run, first_time):
    base = {"name": "Burlap", "note": "one\n"}
    mine = {**base, "note": "one, mine\n"}
    run("await outbox.absorb(args[0], 'v3', 3);", [pulled("item", 3, base)])
    run("await outbox.change('toolkit_item', 'item', 'upsert', {note: 'one, mine\\n'});")
    (sent,) = run("return await outbox.takeBatch();")
    # Its answer was lost and the resend is DUPLICATE: taken, or found stale? Not known,
    # so the server's copy stays as it was and the change goes again on the same base.
    run("await answer(args[0], 'DUPLICATE');", [sent])
    stored = run("return await record('item');")
    assert (stored["server"], stored["version"], stored["fields"]) == (base, 3, mine)
    (again,) = run("return await outbox.takeBatch();")
    assert again["mutationId"] > sent["mutationId"]
    assert (again["baseVersion"], again["baseContent"], again["content"]) == (3, base, mine)
    # The server answers STALE with its record: this device's own change, or another's.
    theirs = mine if first_time == "applied" else {"name": "Hessian", "note": "one\n"}
    current = {"version": 5, "deleted": False, "content": theirs}
    run("await answer(args[0], 'STALE', null, args[1]);", [again], current)
    stored = run("return await record('item');")
    left = run("return await pending('item');")
    if first_time == "applied":
        assert (stored["server"], stored["fields"], left) == (mine, mine, [])
    else:
        assert stored["fields"] == {"name": "Hessian", "note": "one, mine\n"}
        assert [(change["baseVersion"], change["fields"]) for change in left] == [
            (5, {"note": "one, mine\n"})
        ]


def test_stale_merges_and_leaves_one_change_on_the_servers_version(run):
    base = {"name": "Burlap", "note": "one\ntwo\nthree\n"}
    run("await outbox.absorb(args[0], 'v1', 1);", [pulled("item", 1, base)])
    run(
        "await outbox.change('toolkit_item', 'item', 'upsert', {note: args[0]});",
        "one, mine\ntwo\nthree\n",
    )
    (sent,) = run("return await outbox.takeBatch();")
    # Typed while the push was on its way: it waits behind, and is merged too.
    run("await outbox.change('toolkit_item', 'item', 'upsert', {name: 'Burlap sack'});")
    theirs = {"name": "Burlap", "note": "one\ntwo\nthree, theirs\n"}
    current = {"version": 5, "deleted": False, "content": theirs}
    run("await answer(args[0], 'STALE', null, args[1]);", [sent], current)
    merged = {"name": "Burlap sack", "note": "one, mine\ntwo\nthree, theirs\n"}
    stored = run("return await record('item');")
    assert (stored["version"], stored["server"], stored["fields"]) == (5, theirs, merged)
    (rebased_change,) = run("return await pending('item');")
    # When this device's words were last written: the name, typed after the note.
    typed_at = rebased_change.pop("editedAt")
    assert typed_at >= sent["editedAt"]
    assert [rebased_change] == [
        {
            "recordId": "item",
            "kind": "toolkit_item",
            "op": "upsert",
            "fields": {"name": "Burlap sack", "note": "one, mine\ntwo\nthree, theirs\n"},
            "baseVersion": 5,
            "baseContent": theirs,
            "awaitsBase": False,
            "mutationId": None,
        }
    ]
    (rebased,) = run("return await outbox.takeBatch();")
    assert rebased["content"] == merged


def test_a_record_that_does_not_open_keeps_the_devices_copy_and_is_named(run):
    run("await outbox.absorb(args[0], 'v1', 1);", [pulled("item", 1, {"name": "Feather"})])
    run(
        "await outbox.absorb(args[0], 'v2', 2, args[1]);",
        [pulled("other", 2, {"name": "Ribbon"})],
        [{**pulled("item", 2, {}), "reason": "unverified"}],
    )
    stored = run("return await record('item');")
    assert (stored["version"], stored["fields"]) == (1, {"name": "Feather"})
    assert run("return (await record('other')).fields;") == {"name": "Ribbon"}
    (unopened,) = run("return await store.getMeta('unopened');")
    assert {k: unopened[k] for k in ("id", "kind", "name", "reason")} == {
        "id": "item",
        "kind": "toolkit_item",
        "name": "Feather",
        "reason": "unverified",
    }
    # Once it opens again it is no longer named.
    run("await outbox.absorb(args[0], 'v3', 3);", [pulled("item", 3, {"name": "Feather"})])
    assert run("return await store.getMeta('unopened');") == []


LETTER = {
    "title": "To my T",
    "body": "One.\nTwo.\n",
    "state": "draft",
    "clientEditedAt": "2026-03-01T22:50:00.000Z",
    "editedOn": {"device": "the-laptop", "label": "computer"},
}


def letter(version: int, fields: dict, deleted: bool = False) -> dict:
    return pulled("letter", version, fields, kind="letter", deleted=deleted)


def test_a_purge_is_sent_without_content_and_the_letter_goes(run):
    run("await outbox.absorb(args[0], 'v3', 3);", [letter(3, LETTER, deleted=True)])
    assert [t["id"] for t in run("return await letters.trashed();")] == ["letter"]
    run("await letters.purgeLetter('letter');")
    # Gone from the trash at once, though the server has not answered yet.
    assert run("return await letters.trashed();") == []
    (entry,) = run("return await outbox.takeBatch();")
    assert (entry["op"], entry["baseVersion"], entry.get("content")) == ("purge", 3, None)
    (mutation,) = run("return await sealing.mutationsOf(args[0]);", [entry])
    assert mutation["op"] == "purge" and mutation["fields"] is None and "sealed" not in mutation
    run("await answer(args[0], 'APPLIED', 4);", [entry])
    assert run("return await record('letter');") is None


def test_a_purge_crossing_an_edit_elsewhere_brings_the_letter_back_with_those_words(run):
    run("await outbox.absorb(args[0], 'v3', 3);", [letter(3, LETTER, deleted=True)])
    run("await letters.purgeLetter('letter');")
    (entry,) = run("return await outbox.takeBatch();")
    edited = {**LETTER, "body": "One.\nTwo, and more.\n"}
    current = {"version": 5, "deleted": False, "content": edited}
    run("await answer(args[0], 'STALE', null, args[1]);", [entry], current)
    shown = run("return await letters.letter('letter');")
    assert (shown["body"], shown["deleted"]) == (edited["body"], False)
    assert run("return await pending('letter');") == []
    # Still in the trash elsewhere, with the words this device had: purged again.
    run("await outbox.absorb(args[0], 'v6', 6);", [letter(6, edited, deleted=True)])
    run("await letters.purgeLetter('letter');")
    (again,) = run("return await outbox.takeBatch();")
    moved = {"version": 7, "deleted": True, "content": edited}
    run("await answer(args[0], 'STALE', null, args[1]);", [again], moved)
    (resent,) = run("return await pending('letter');")
    assert (resent["op"], resent["baseVersion"]) == ("purge", 7)


def test_an_edit_crossing_a_purge_elsewhere_sends_this_devices_words_whole(run):
    run("await outbox.absorb(args[0], 'v3', 3);", [letter(3, LETTER)])
    run("await letters.editLetter('letter', {body: 'One.\\nTwo, mine.\\n'});")
    (sent,) = run("return await outbox.takeBatch();")
    # The pull brings the tombstone with nothing left in it: the words stay here.
    run("await outbox.absorb(args[0], 'v5', 5);", [letter(5, {}, deleted=True)])
    assert run("return (await letters.letter('letter')).body;") == "One.\nTwo, mine.\n"
    current = {"version": 5, "deleted": True, "content": {}}
    run("await answer(args[0], 'STALE', null, args[1]);", [sent], current)
    (whole,) = run("return await outbox.takeBatch();")
    assert whole["baseVersion"] == 5
    assert whole["content"]["title"] == "To my T"
    assert whole["content"]["body"] == "One.\nTwo, mine.\n"


def test_words_changed_then_trashed_keep_in_the_trash_beside_an_edit_elsewhere(run):
    run("await outbox.absorb(args[0], 'v3', 3);", [letter(3, LETTER)])
    run("await letters.editLetter('letter', {title: 'To my T, at last'});")
    run("await letters.trashLetter('letter');")
    edit, trash = run("return await pending('letter');")
    assert (edit["op"], trash["op"], trash["awaitsBase"]) == ("upsert", "delete", True)
    (sent,) = run("return await outbox.takeBatch();")
    theirs = {**LETTER, "body": "One.\nTwo, from the laptop.\n"}
    current = {"version": 5, "deleted": False, "content": theirs}
    run("await answer(args[0], 'STALE', null, args[1]);", [sent], current)
    shown = run("return await letters.letter('letter');")
    assert shown["deleted"] is True
    assert (shown["title"], shown["body"]) == ("To my T, at last", theirs["body"])
    merged, delete = run("return await pending('letter');")
    assert (merged["op"], merged["baseVersion"]) == ("upsert", 5)
    assert (delete["op"], delete["awaitsBase"]) == ("delete", True)
    # The merged words are sent first; the delete then goes on their version.
    (upsert,) = run("return await outbox.takeBatch();")
    assert (upsert["content"]["title"], upsert["content"]["body"]) == (
        "To my T, at last",
        theirs["body"],
    )
    run("await answer(args[0], 'APPLIED', 6);", [upsert])
    (last,) = run("return await outbox.takeBatch();")
    assert (last["op"], last["baseVersion"]) == ("delete", 6)


def test_words_set_aside_say_where_and_when_they_were_written(run):
    run("await outbox.absorb(args[0], 'v3', 3);", [letter(3, LETTER)])
    run("await letters.editLetter('letter', {body: 'One.\\nTwo, from the phone.\\n'});")
    mine = run("return await letters.letter('letter');")
    assert mine["editedOn"]["label"] in ("phone", "tablet", "computer")
    (sent,) = run("return await outbox.takeBatch();")
    theirs = {
        **LETTER,
        "body": "One.\nTwo, from the laptop.\n",
        "clientEditedAt": "2026-03-01T23:10:00.000Z",
    }
    current = {"version": 5, "deleted": False, "content": theirs}
    run("await answer(args[0], 'STALE', null, args[1]);", [sent], current)
    shown = run("return await letters.letter('letter');")
    # The laptop's words stay, with its stamps; the phone's are set aside, named.
    assert shown["body"] == theirs["body"]
    assert shown["editedOn"] == theirs["editedOn"]
    assert shown["editedAt"] == theirs["clientEditedAt"]
    (conflict,) = shown["conflicts"]
    assert conflict["field"] == "body" and conflict["mine"] == "One.\nTwo, from the phone.\n"
    assert (conflict["device"], conflict["label"]) == ("this-phone", "phone")
    assert conflict["editedAt"] == sent["editedAt"]
    assert shown["conflict"] is True
    (group,) = run("return letters.versionGroups(args[0]);", shown)
    assert group == [conflict]


def test_my_words_holds_every_kind_as_this_device_reads_it(run):
    """ "Download my words" (pwa/src/my-words.js): each kind in its group, a letter in the
    trash marked so, an edit not yet synced included, and nothing deleted for good."""
    records = [
        letter(1, LETTER),
        letter(2, {**LETTER, "title": "Put away"}, deleted=True),
        pulled("box", 3, {"name": "Texture box", "position": 0}, kind="toolkit_box"),
        pulled("stone", 4, {"boxId": "box", "name": "Stone", "position": 0}),
        pulled("gone", 5, {"name": "Gone"}, deleted=True),
        pulled("use", 6, {"itemId": "stone", "distressBefore": 7}, kind="toolkit_use"),
        pulled("card", 7, {"text": "Still here", "position": 0}, kind="carry_card"),
        pulled("plan", 8, {"kind": "break", "title": "Winter"}, kind="plan"),
        pulled("prefs", 9, {"breakWord": "holiday"}, kind="preferences"),
        pulled("purged", 10, {}, kind="letter", deleted=True),
    ]
    records[1]["id"] = "trashed"
    run("await outbox.absorb(args[0], 'v10', 10);", records)
    run("await letters.editLetter('letter', {body: 'Not synced yet.\\n'});")
    words = run("return (await import('/src/my-words.js')).myWords();")
    assert sorted((w["id"], w["body"], w.get("inTheTrash")) for w in words["letters"]) == [
        ("letter", "Not synced yet.\n", None),
        ("trashed", "One.\nTwo.\n", True),
    ]
    assert [w["name"] for w in words["toolkitBoxes"]] == ["Texture box"]
    assert [w["name"] for w in words["toolkitThings"]] == ["Stone"]
    assert [w["distressBefore"] for w in words["toolkitUses"]] == [7]
    assert [w["text"] for w in words["wordsToCarry"]] == ["Still here"]
    assert [w["title"] for w in words["plans"]] == ["Winter"]
    assert words["preferences"]["breakWord"] == "holiday"
    assert "sealed" in words["about"]
