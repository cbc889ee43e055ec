"""The embedded Zoho stand-ins: Desk, Cliq and Accounts on loopback (DESIGN §6)."""
