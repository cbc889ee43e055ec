"""Zoho data centres: which Desk API host pairs with which Accounts host (reference/desk.md §1.1).

A token minted by one data centre's Accounts host works only against the same centre's Desk
host, and the token response's `api_domain` does not serve Desk paths, so the pairing is a
static table rather than something read from the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

API_PATH = "/api/v1"
JWKS_PATH = "/.well-known/jwks.json"


@dataclass(frozen=True, slots=True)
class DeskHosts:
    """One data centre: the Desk origin (API under `/api/v1`, JWKS at the root) and Accounts."""

    desk: str
    accounts: str

    @property
    def api_base(self) -> str:
        return self.desk + API_PATH

    @property
    def jwks_url(self) -> str:
        return self.desk + JWKS_PATH


DATA_CENTRES: dict[str, DeskHosts] = {
    "us": DeskHosts("https://desk.zoho.com", "https://accounts.zoho.com"),
    "eu": DeskHosts("https://desk.zoho.eu", "https://accounts.zoho.eu"),
    "in": DeskHosts("https://desk.zoho.in", "https://accounts.zoho.in"),
    "au": DeskHosts("https://desk.zoho.com.au", "https://accounts.zoho.com.au"),
    "jp": DeskHosts("https://desk.zoho.jp", "https://accounts.zoho.jp"),
    # Canada's Desk lives on zohocloud.ca, not zoho.ca.
    "ca": DeskHosts("https://desk.zohocloud.ca", "https://accounts.zohocloud.ca"),
    "sa": DeskHosts("https://desk.zoho.sa", "https://accounts.zoho.sa"),
    "cn": DeskHosts("https://desk.zoho.com.cn", "https://accounts.zoho.com.cn"),
    "sg": DeskHosts("https://desk.zoho.sg", "https://accounts.zoho.sg"),
    "ae": DeskHosts("https://desk.zoho.ae", "https://accounts.zoho.ae"),
}


class UnknownDataCentre(ValueError):
    """The configured data centre has no Zoho Desk (e.g. `uk`) or is misspelt."""


def hosts_for(data_centre: str) -> DeskHosts:
    """The hosts of a data centre code (`us`, `eu`, …; case-insensitive)."""
    try:
        return DATA_CENTRES[data_centre.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(DATA_CENTRES))
        raise UnknownDataCentre(
            f"Zoho Desk has no data centre {data_centre!r}; known: {known}"
        ) from None


def jwks_url_for(api_base: str) -> str:
    """The JWKS address for a Desk API base URL: the same origin, at `/.well-known/jwks.json`.

    Works for the sandbox (`http://127.0.0.1:port/api/v1`) as for Zoho.
    """
    parts = urlsplit(api_base)
    return urlunsplit((parts.scheme, parts.netloc, JWKS_PATH, "", ""))
