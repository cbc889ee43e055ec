"""deskbot: a framework for Zoho Cliq bots, and Deskbot built on it."""

__version__ = "0.1.0"
