"""A console POST whose body is not a readable form (issue 15: a malformed multipart body was a
500) is answered with the console's error page — 400, or 413 above the size limit — before any
page runs, so nothing changes; the same for every kind of unreadable body and every POST."""

from __future__ import annotations

import pytest

from bot.notify.kinds import Kind
from tests.console.conftest import signed_in_as
from tests.deskbot.conftest import Deskbot

ADMIN = "admin@example.com"
BOUNDARY = "deskbotboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(head: str) -> bytes:
    return f"--{BOUNDARY}\r\n{head}\r\n\r\nvalue\r\n--{BOUNDARY}--\r\n".encode()


BODIES = {
    "a header line without a colon": (MULTIPART, multipart("no colon in this header")),
    "a header with a bad name": (MULTIPART, multipart('Content Disposition: form-data; name="x"')),
    "a part without a name": (MULTIPART, multipart("Content-Disposition: form-data")),
    "no boundary": ("multipart/form-data", multipart('Content-Disposition: form-data; name="x"')),
    "the wrong boundary": (MULTIPART, b"--other\r\n\r\nx\r\n--other--\r\n"),
    "bytes that are not UTF-8": ("application/x-www-form-urlencoded", b"csrf=\xff\xfe&x=\xc3"),
    "an unknown charset": ("application/x-www-form-urlencoded; charset=nonsense-8", b"csrf=x"),
    "JSON": ("application/json", b'{"csrf": "x"}'),
    "plain text": ("text/plain", b"csrf=x"),
    "no content type": ("", b"csrf=x"),
}


@pytest.mark.parametrize("kind", list(BODIES))
@pytest.mark.parametrize(
    "path", ["/console/board/checkout/1", "/console/settings/switch", "/console/logout"]
)
async def test_an_unreadable_body_is_a_400_page_and_changes_nothing(
    deskbot: Deskbot, kind: str, path: str
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    csrf = await admin.csrf()
    content_type, body = BODIES[kind]
    headers = {"X-CSRF-Token": csrf}
    if content_type:
        headers["Content-Type"] = content_type
    answer = await deskbot.client.post(
        path, data=body, headers=headers, allow_redirects=False, skip_auto_headers=["Content-Type"]
    )
    page = await answer.text()
    assert answer.status == 400, page[:500]
    assert answer.content_type == "text/html" and "Nothing was changed." in page
    assert "Traceback" not in page
    assert (await admin.get("/console/")).status == 200  # still signed in: logout did not run


async def test_a_body_above_the_size_limit_is_a_413_page(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    csrf = await admin.csrf()
    limit = deskbot.client.app._client_max_size
    for content_type, body in (
        ("application/x-www-form-urlencoded", b"csrf=" + csrf.encode() + b"&x=" + b"a" * limit),
        (MULTIPART, multipart('Content-Disposition: form-data; name="x"').replace(
            b"value", b"a" * limit)),
    ):  # fmt: skip
        answer = await deskbot.client.post(
            "/console/logout", data=body, headers={"Content-Type": content_type}
        )
        page = await answer.text()
        assert answer.status == 413, page[:500]
        assert "The form sent is too large." in page
    assert (await admin.get("/console/")).status == 200


async def test_a_form_with_its_token_in_the_header_still_works(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    answer = await deskbot.client.post(
        "/console/settings/switch",
        data={"kind": "status", "where": "dm", "on": "off"},
        headers={"X-CSRF-Token": await admin.csrf()},
    )
    assert answer.status == 200
    assert not (await deskbot.parts.settings.rules()).dms(Kind.STATUS_CHANGED)
