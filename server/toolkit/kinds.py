"""Toolkit record kinds: boxes, items, uses of an item, and "words to carry" cards.

Their content is sealed on the device (docs/crypto.md), so the server keeps envelopes
and checks no field: the fields and their limits live with the device's forms, and
docs/sync.md names them.
"""

from server.sync.kinds import Kind

BOX = Kind(name="toolkit_box", rules={}, sealed=True)
ITEM = Kind(name="toolkit_item", rules={}, sealed=True)
USE = Kind(name="toolkit_use", rules={}, sealed=True)
CARD = Kind(name="carry_card", rules={}, sealed=True)

KINDS = (BOX, ITEM, USE, CARD)
