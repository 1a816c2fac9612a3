"""Three-way merge of letter bodies with diff-match-patch.

A merge is clean only when every patch of the client's edit applies exactly where
it belongs in the server's text; anything fuzzier is a conflict, because a wrong
guess could move or delete someone's words. The caller keeps every input text that
is not the result as a revision, so no outcome loses text.
"""

from __future__ import annotations

from dataclasses import dataclass

from diff_match_patch import diff_match_patch


@dataclass(frozen=True)
class Merge:
    body: str
    clean: bool


def _engine() -> diff_match_patch:
    engine = diff_match_patch()
    engine.Diff_Timeout = 0.5
    # A patch must find its surrounding text unchanged (any error scores above the
    # threshold), but may find it far from where it was: the other side may have
    # added whole pages before it.
    engine.Match_Threshold = 0.01
    engine.Match_Distance = 10_000_000
    engine.Patch_DeleteThreshold = 0.0
    return engine


def merge_bodies(base: str, server: str, client: str) -> Merge:
    """Merge `client`'s edit of `base` into `server`. Unclean merges keep `server`."""
    if client in (server, base):
        return Merge(server, clean=True)
    if server == base:
        return Merge(client, clean=True)
    engine = _engine()
    patches = engine.patch_make(base, client)
    merged, applied = engine.patch_apply(patches, server)
    if not all(applied) or not _edits_survive(engine, base, server, client, merged):
        return Merge(server, clean=False)
    return Merge(merged, clean=True)


def _edits_survive(engine, base: str, server: str, client: str, merged: str) -> bool:
    """Both sides' insertions must be in the result, or the merge is not trusted."""
    for side in (server, client):
        for op, text in engine.diff_main(base, side):
            if op == engine.DIFF_INSERT and text.strip() and text not in merged:
                return False
    return True
