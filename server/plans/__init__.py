"""Break and ending plans, sealed on the device: the server keeps their envelopes."""
