"""Three-way merge of letter bodies with diff-match-patch.

A merge is clean only when every patch of the client's edit applies exactly where
it belongs in the server's text; anything fuzzier is a conflict, because a wrong
guess could move or delete someone's words. The caller keeps every input text that
is not the result as a revision, so no outcome loses text.

A merge is also bounded. It runs in a small pool of its own threads so the event loop
keeps serving while it works, it gives up at a deadline, and an edit made of more
than MAX_PATCHES separate changes is not merged at all. Giving up is a conflict like
any other: the server's text stays and the device's text is kept beside it.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

# The time one push may spend merging letter bodies, all its letters together.
MERGE_SECONDS = 2.0
# An edit of more separate changes than this is a rewrite, better shown side by side
# than merged, and each change costs a search of the whole text.
MAX_PATCHES = 500
# A patch's surrounding text that occurs more than once is trusted only this near to
# where the edits before it say it should be; text found once is trusted anywhere,
# since the other side may have added whole pages before it.
NEAR = 2_000
# Two threads: concurrent pushes queue for them instead of starting threads of their own.
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="letter-merge")


@dataclass(frozen=True)
class Merge:
    body: str
    clean: bool


class _OutOfTime(Exception):
    pass


class _Unclean(Exception):
    pass


class _Engine(diff_match_patch):
    """diff-match-patch that stops at a deadline and only ever matches text exactly.

    Every step checks the deadline before it starts, and each step is bounded (a diff
    by Diff_Timeout, a match by one exact search), so a merge ends within one step of it.
    """

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.Diff_Timeout = 0.5
        self.Patch_DeleteThreshold = 0.0
        self.deadline = deadline

    def check_time(self) -> None:
        if time.monotonic() >= self.deadline:
            raise _OutOfTime

    def diff_main(
        self, text1: str, text2: str, checklines: bool = True, deadline: float | None = None
    ) -> list[tuple[int, str]]:
        self.check_time()
        # The library's deadline is wall-clock; never let one diff run past ours.
        ours = time.time() + (self.deadline - time.monotonic())
        if deadline is None:
            deadline = time.time() + self.Diff_Timeout
        diffs = super().diff_main(text1, text2, checklines, min(deadline, ours))
        # A diff cut short by our deadline is coarse; never build on it.
        self.check_time()
        return diffs

    def match_main(self, text: str, pattern: str, loc: int) -> int:
        """Where `pattern` occurs exactly, or the merge is unclean.

        The library's fuzzy search (bitap) scans up to Match_Distance in Python for
        each patch; with an error threshold this strict it could only ever find exact
        text, which a plain search finds far faster.
        """
        self.check_time()
        found = exact_match(text, pattern, loc)
        if found == -1:
            # Any patch that does not apply makes the whole merge unclean; stop here.
            raise _Unclean
        return found


def exact_match(text: str, pattern: str, loc: int) -> int:
    """Where `pattern` occurs in `text`, judged from `loc` where it is expected; -1 if
    it is not there, or only at places that leave a doubt."""
    loc = max(0, min(loc, len(text)))
    if text.startswith(pattern, loc):
        return loc
    first = text.find(pattern)
    if first == -1:
        return -1
    if text.find(pattern, first + 1) == -1:
        return first
    after = text.find(pattern, loc)
    before = text.rfind(pattern, 0, loc + len(pattern) - 1)
    nearest = min((c for c in (after, before) if c != -1), key=lambda c: abs(c - loc))
    return nearest if abs(nearest - loc) <= NEAR else -1


def _fast_forward(base: str, server: str, client: str) -> Merge | None:
    if client in (server, base):
        return Merge(server, clean=True)
    if server == base:
        return Merge(client, clean=True)
    return None


def merge_bodies(base: str, server: str, client: str, deadline: float | None = None) -> Merge:
    """Merge `client`'s edit of `base` into `server`. Unclean merges keep `server`.

    `deadline` is a time.monotonic() value; a merge still running then is unclean.
    """
    trivial = _fast_forward(base, server, client)
    if trivial is not None:
        return trivial
    engine = _Engine(time.monotonic() + MERGE_SECONDS if deadline is None else deadline)
    try:
        # As patch_make(base, client) would, but counted before patches are made:
        # placing each patch's context searches the whole text once more.
        diffs = engine.diff_main(base, client)
        engine.diff_cleanupSemantic(diffs)
        engine.diff_cleanupEfficiency(diffs)
        engine.check_time()
        if _separate_changes(diffs) > MAX_PATCHES:
            return Merge(server, clean=False)
        patches = engine.patch_make(base, diffs)
        merged, applied = engine.patch_apply(patches, server)
        if not all(applied) or not _edits_survive(engine, base, server, client, merged):
            return Merge(server, clean=False)
    except (_OutOfTime, _Unclean):
        return Merge(server, clean=False)
    return Merge(merged, clean=True)


def _separate_changes(diffs: list[tuple[int, str]]) -> int:
    """How many runs of changes, with unchanged text between them, a diff holds; each
    becomes at most one patch."""
    runs, changing = 0, False
    for op, _text in diffs:
        if op == diff_match_patch.DIFF_EQUAL:
            changing = False
        elif not changing:
            runs, changing = runs + 1, True
    return runs


async def merge_off_loop(base: str, server: str, client: str, deadline: float) -> Merge:
    """merge_bodies on the merge threads, so the event loop keeps serving meanwhile."""
    trivial = _fast_forward(base, server, client)
    if trivial is not None:
        return trivial
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, merge_bodies, base, server, client, deadline)


def _edits_survive(engine: _Engine, base: str, server: str, client: str, merged: str) -> bool:
    """Both sides' insertions must be in the result, or the merge is not trusted."""
    for side in (server, client):
        for op, text in engine.diff_main(base, side):
            engine.check_time()
            if op == engine.DIFF_INSERT and text.strip() and text not in merged:
                return False
    return True
