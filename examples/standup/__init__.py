"""A stand-up bot built only on the framework: see README.md beside this file."""

from examples.standup.app import app

__all__ = ["app"]
