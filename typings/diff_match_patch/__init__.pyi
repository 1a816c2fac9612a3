"""Types for the part of diff-match-patch that the letter merge uses: the package ships
none. A diff is a list of (operation, text) pairs."""

from typing import ClassVar

Diff = tuple[int, str]

class patch_obj: ...

class diff_match_patch:
    DIFF_DELETE: ClassVar[int]
    DIFF_INSERT: ClassVar[int]
    DIFF_EQUAL: ClassVar[int]
    Diff_Timeout: float
    Patch_DeleteThreshold: float

    def diff_main(
        self, text1: str, text2: str, checklines: bool = True, deadline: float | None = None
    ) -> list[Diff]: ...
    def diff_cleanupSemantic(self, diffs: list[Diff]) -> None: ...
    def diff_cleanupEfficiency(self, diffs: list[Diff]) -> None: ...
    def match_main(self, text: str, pattern: str, loc: int) -> int: ...
    def patch_make(self, a: str, b: list[Diff]) -> list[patch_obj]: ...
    def patch_apply(self, patches: list[patch_obj], text: str) -> tuple[str, list[bool]]: ...
