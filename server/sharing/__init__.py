"""Sharing one letter with a linked therapist: connect codes, held deliveries, the access log."""
