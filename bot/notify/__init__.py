"""Desk events → notifications: what happened (classify) and who should hear of it (rules)."""
