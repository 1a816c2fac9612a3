"""Reading Accept headers: how much a client wants a given media type, or encoding."""

from __future__ import annotations


def _ranges(accept: str) -> dict[str, float]:
    """Each media range named in `accept`, with its quality (1 unless `q` says otherwise)."""
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media_range, *params = part.split(";")
        media_range = media_range.strip().lower()
        if not media_range:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges[media_range] = max(quality, ranges.get(media_range, 0.0))
    return ranges


def quality(accept: str | None, media_type: str, *, exact: bool = False) -> float:
    """How much `accept` wants `media_type`, from 0 (not at all) to 1.

    With `exact`, only a range naming the type itself counts, not `type/*` or `*/*`:
    a client that accepts anything has not asked for this type in particular.
    """
    if accept is None:
        return 0.0 if exact else 1.0
    ranges = _ranges(accept)
    candidates = [media_type]
    if not exact:
        candidates += [media_type.split("/")[0] + "/*", "*/*"]
    for candidate in candidates:
        if candidate in ranges:
            return ranges[candidate]
    return 0.0


def asks_for(accept: str | None, media_type: str) -> bool:
    """Whether the client named `media_type` itself (not just `*/*`) as acceptable."""
    return quality(accept, media_type, exact=True) > 0


def takes_encoding(accept_encoding: str | None, coding: str) -> bool:
    """Whether an Accept-Encoding header lets the answer be sent in `coding`: named with
    a quality above 0, or not named and `*` allows it."""
    ranges = _ranges(accept_encoding or "")
    return ranges.get(coding, ranges.get("*", 0.0)) > 0
