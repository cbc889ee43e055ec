"""Deskbot's listeners: one module per feature, each exporting a `router`."""
