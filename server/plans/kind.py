"""A separation plan: a break, the client away, or an ending.

Its content is sealed on the device (docs/crypto.md), so the server keeps envelopes and
checks no field: the plan's fields, their limits and its date rules live with the
device's forms, and docs/sync.md names them. A held share's "next session" is read from
the plans on the device and sent as a time (server/sharing/when.py).
"""

from server.sync.kinds import Kind

# A plan may hold up to 300 steps of 2,000 characters: some 600 kB of text, whose
# envelope is about 800,000 characters. Well within a request (BETWEEN_MAX_REQUEST_BYTES).
PLAN = Kind(name="plan", rules={}, sealed=True, max_sealed=1_048_576)
