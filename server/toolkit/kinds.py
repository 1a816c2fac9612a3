"""Toolkit record kinds: boxes, items, uses of an item, and "words to carry" cards."""

from server.sync.fields import Choice, Flag, Moment, Number, Reference, Text
from server.sync.kinds import Kind

SENSES = ("touch", "sound", "smell", "sight", "taste", "movement")
POSITION = Number(0, 1_000_000, default=0)

BOX = Kind(
    name="toolkit_box",
    rules={"name": Text(100), "note": Text(2000), "position": POSITION},
)

ITEM = Kind(
    name="toolkit_item",
    rules={
        "boxId": Reference(),
        "name": Text(200),
        "feelsLike": Text(2000),
        "linkedTo": Text(2000),
        "keptAt": Text(500),
        "sense": Choice(SENSES, nullable=True),
        "agreedWithTherapist": Flag(),
        "note": Text(5000),
        "position": POSITION,
    },
)

DISTRESS = Number(0, 10, nullable=True)

USE = Kind(
    name="toolkit_use",
    rules={
        "itemId": Reference(),
        "usedAt": Moment(nullable=True),
        "distressBefore": DISTRESS,
        "distressAfter": DISTRESS,
        "note": Text(5000),
    },
)

CARD = Kind(
    name="carry_card",
    rules={"text": Text(1000), "position": POSITION},
)

KINDS = (BOX, ITEM, USE, CARD)
