"""The data-centre table pairs each Desk host with its Accounts host."""

from __future__ import annotations

import pytest

from bot.desk.hosts import DATA_CENTRES, UnknownDataCentre, hosts_for, jwks_url_for


def test_table_has_the_ten_desk_data_centres() -> None:
    assert sorted(DATA_CENTRES) == ["ae", "au", "ca", "cn", "eu", "in", "jp", "sa", "sg", "us"]


def test_hosts_pair_desk_with_accounts() -> None:
    eu = hosts_for("EU")
    assert eu.api_base == "https://desk.zoho.eu/api/v1"
    assert eu.accounts == "https://accounts.zoho.eu"
    assert eu.jwks_url == "https://desk.zoho.eu/.well-known/jwks.json"
    assert hosts_for("ca").desk == "https://desk.zohocloud.ca"
    assert hosts_for("au").accounts == "https://accounts.zoho.com.au"


@pytest.mark.parametrize("code", ["uk", "sandbox", ""])
def test_unknown_data_centres_fail_clearly(code: str) -> None:
    with pytest.raises(UnknownDataCentre, match="no data centre"):
        hosts_for(code)


def test_jwks_url_is_at_the_origin_of_the_api_base() -> None:
    assert (
        jwks_url_for("http://127.0.0.1:8123/api/v1")
        == "http://127.0.0.1:8123/.well-known/jwks.json"
    )
    assert (
        jwks_url_for("https://desk.zoho.eu/api/v1/") == "https://desk.zoho.eu/.well-known/jwks.json"
    )
