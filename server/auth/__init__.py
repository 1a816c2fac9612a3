"""Accounts, passwords, sessions and recovery codes."""
