"""Verification over raw bytes: HMAC shims and Cliq's RSA signature, with a 5-minute window."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cliq.verify import (
    AnyVerifier,
    CliqSignatureVerifier,
    HmacVerifier,
    KeyedHmac,
    VerificationError,
    hmac_signature,
    js_stringify,
)
from bot.clock import Clock, FrozenClock, SystemClock, epoch_ms, epoch_ns_reader, now_ms

BODY = b'{"type":"command","name":"ticket","handler":{"type":"execution_handler"}}'


@pytest.fixture
def hmac_verifier(clock: FrozenClock) -> HmacVerifier:
    return HmacVerifier("s3cret", clock)


def signed(clock: Clock, body: bytes = BODY, *, shift_ms: int = 0) -> dict[str, str]:
    ts = str(epoch_ms(clock.now()) + shift_ms)
    return {"X-Deskbot-Timestamp": ts, "X-Deskbot-Signature": hmac_signature("s3cret", ts, body)}


def test_hex_signature_accepted(hmac_verifier: HmacVerifier, clock: FrozenClock) -> None:
    hmac_verifier.verify(signed(clock), BODY)


def test_base64_signature_accepted(hmac_verifier: HmacVerifier, clock: FrozenClock) -> None:
    ts = str(epoch_ms(clock.now()))
    digest = hmac.new(b"s3cret", ts.encode() + b"." + BODY, hashlib.sha256).digest()
    headers = {"X-Deskbot-Timestamp": ts, "X-Deskbot-Signature": base64.b64encode(digest).decode()}
    hmac_verifier.verify(headers, BODY)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing"),
        ({"X-Deskbot-Signature": "00"}, "missing"),
        ({"X-Deskbot-Timestamp": "1"}, "missing"),
        ({"X-Deskbot-Timestamp": "soon", "X-Deskbot-Signature": "00"}, "epoch"),
        # digits only, ASCII only, at most 15 of them (epoch ms), whatever else `int()` reads
        ({"X-Deskbot-Timestamp": "\u0661\u0667\u0660\u0660", "X-Deskbot-Signature": "00"}, "epoch"),
        ({"X-Deskbot-Timestamp": "\uff11\uff17\uff10\uff10", "X-Deskbot-Signature": "00"}, "epoch"),
        ({"X-Deskbot-Timestamp": "+1700000000000", "X-Deskbot-Signature": "00"}, "epoch"),
        ({"X-Deskbot-Timestamp": "-1700000000000", "X-Deskbot-Signature": "00"}, "epoch"),
        ({"X-Deskbot-Timestamp": "1_700_000_000_000", "X-Deskbot-Signature": "00"}, "epoch"),
        ({"X-Deskbot-Timestamp": "1" * 16, "X-Deskbot-Signature": "00"}, "epoch"),
        ({"X-Deskbot-Timestamp": "17.5", "X-Deskbot-Signature": "00"}, "epoch"),
    ],
)
def test_missing_or_malformed_headers(
    hmac_verifier: HmacVerifier, headers: dict[str, str], reason: str
) -> None:
    with pytest.raises(VerificationError, match=reason):
        hmac_verifier.verify(headers, BODY)


@settings(max_examples=100, deadline=None)
@given(secret=st.text(min_size=1, max_size=100), body=st.binary(max_size=300))
def test_any_secret_and_body_signed_by_a_shim_pass_and_one_flipped_byte_fails(
    secret: str, body: bytes
) -> None:
    """Secrets shorter and longer than SHA-256's 64-byte block (hashed first, RFC 2104)."""
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    verifier = HmacVerifier(secret, clock)
    timestamp = str(epoch_ms(clock.now()))
    headers = {
        "X-Deskbot-Timestamp": timestamp,
        "X-Deskbot-Signature": hmac_signature(secret, timestamp, body),
    }
    verifier.verify(headers, body)
    with pytest.raises(VerificationError, match="bad signature"):
        verifier.verify(headers, body + b"x")


def test_wrong_signature(hmac_verifier: HmacVerifier, clock: FrozenClock) -> None:
    headers = signed(clock)
    headers["X-Deskbot-Signature"] = "0" * 64
    with pytest.raises(VerificationError, match="bad signature"):
        hmac_verifier.verify(headers, BODY)


def test_wrong_secret(clock: FrozenClock) -> None:
    with pytest.raises(VerificationError, match="bad signature"):
        HmacVerifier("other", clock).verify(signed(clock), BODY)


@pytest.mark.parametrize(
    ("secret", "refused"),
    [
        ("", "needs a secret"),
        (None, "needs a secret"),
        (b"s3cret", "the shims' secret as text (str), got bytes"),
        (1234, "got int"),
    ],
)
def test_a_secret_that_is_no_text_is_refused_when_built(
    clock: FrozenClock, secret: object, refused: str
) -> None:
    with pytest.raises((TypeError, ValueError), match=re.escape(refused)):
        HmacVerifier(secret, clock)  # type: ignore[arg-type]


def test_valid_signature_over_a_different_body(
    hmac_verifier: HmacVerifier, clock: FrozenClock
) -> None:
    with pytest.raises(VerificationError, match="bad signature"):
        hmac_verifier.verify(signed(clock), BODY.replace(b"ticket", b"tickeT"))


def test_timestamp_inside_the_window_is_fine(
    hmac_verifier: HmacVerifier, clock: FrozenClock
) -> None:
    hmac_verifier.verify(signed(clock, shift_ms=-299_000), BODY)
    hmac_verifier.verify(signed(clock, shift_ms=+299_000), BODY)


@pytest.mark.parametrize("shift_ms", [-301_000, 301_000, -86_400_000])
def test_stale_or_future_timestamp(
    hmac_verifier: HmacVerifier, clock: FrozenClock, shift_ms: int
) -> None:
    with pytest.raises(VerificationError, match="stale"):
        hmac_verifier.verify(signed(clock, shift_ms=shift_ms), BODY)


def test_replayed_request_goes_stale_as_the_clock_moves(
    hmac_verifier: HmacVerifier, clock: FrozenClock
) -> None:
    headers = signed(clock)
    hmac_verifier.verify(headers, BODY)
    clock.advance(minutes=6)
    with pytest.raises(VerificationError, match="stale"):
        hmac_verifier.verify(headers, BODY)


# --- X-Cliq-Signature ------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def rsa_sign(key: rsa.RSAPrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()


def cliq_body(clock: FrozenClock, **extra: object) -> bytes:
    env = {
        "type": "bot",
        "handler": {"type": "message_handler"},
        "timestamp": epoch_ms(clock.now()),
        **extra,
    }
    return json.dumps(env, indent=1).encode()  # pretty: raw bytes differ from JSON.stringify


def test_rsa_signature_over_raw_bytes(rsa_key: rsa.RSAPrivateKey, clock: FrozenClock) -> None:
    body = cliq_body(clock)
    verifier = CliqSignatureVerifier(public_pem(rsa_key), clock)
    verifier.verify({"X-Cliq-Signature": rsa_sign(rsa_key, body)}, body)


def test_rsa_signature_over_json_stringify(rsa_key: rsa.RSAPrivateKey, clock: FrozenClock) -> None:
    body = cliq_body(clock, params={"message": "héllo", "n": 1.0})
    stringified = js_stringify(body)
    assert stringified is not None and b'"n":1' in stringified and "héllo".encode() in stringified
    verifier = CliqSignatureVerifier(public_pem(rsa_key), clock)
    verifier.verify({"X-Cliq-Signature": rsa_sign(rsa_key, stringified)}, body)


def test_rsa_verify_parses_the_body_once(
    rsa_key: rsa.RSAPrivateKey, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The JSON.stringify fallback and the timestamp read share one parse of the body."""
    from bot import jsonsafe

    body = cliq_body(clock, params={"n": 1.0})
    stringified = js_stringify(body)
    assert stringified is not None
    verifier = CliqSignatureVerifier(public_pem(rsa_key), clock)
    parsed: list[bytes | str] = []
    real = jsonsafe.loads

    def counting(data: bytes | str, **options: int) -> object:
        parsed.append(data)
        return real(data, **options)

    monkeypatch.setattr(jsonsafe, "loads", counting)
    verifier.verify({"X-Cliq-Signature": rsa_sign(rsa_key, stringified)}, body)
    assert parsed == [body]


def test_rsa_signed_body_that_is_not_json_is_unusable_and_a_forged_one_is_refused(
    rsa_key: rsa.RSAPrivateKey, clock: FrozenClock
) -> None:
    from bot.cliq.verify import UnusableBody

    verifier = CliqSignatureVerifier(public_pem(rsa_key), clock)
    for body in (b"[{", b'{"a": NaN}', b"[" * 40 + b"]" * 40):
        with pytest.raises(UnusableBody):
            verifier.verify({"X-Cliq-Signature": rsa_sign(rsa_key, body)}, body)
        with pytest.raises(VerificationError, match="bad signature"):
            verifier.verify({"X-Cliq-Signature": rsa_sign(rsa_key, b"other")}, body)


def test_rsa_public_key_as_bare_base64_der(rsa_key: rsa.RSAPrivateKey, clock: FrozenClock) -> None:
    der = rsa_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    body = cliq_body(clock)
    CliqSignatureVerifier(base64.b64encode(der).decode(), clock).verify(
        {"X-Cliq-Signature": rsa_sign(rsa_key, body)}, body
    )


def test_rsa_forged_and_stale(rsa_key: rsa.RSAPrivateKey, clock: FrozenClock) -> None:
    verifier = CliqSignatureVerifier(public_pem(rsa_key), clock)
    body = cliq_body(clock)
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(VerificationError, match="bad signature"):
        verifier.verify({"X-Cliq-Signature": rsa_sign(other, body)}, body)
    with pytest.raises(VerificationError, match="base64"):
        verifier.verify({"X-Cliq-Signature": "***"}, body)
    signature = rsa_sign(rsa_key, body)
    clock.advance(minutes=10)
    with pytest.raises(VerificationError, match="stale"):
        verifier.verify({"X-Cliq-Signature": signature}, body)


def test_any_verifier_picks_by_header(rsa_key: rsa.RSAPrivateKey, clock: FrozenClock) -> None:
    both = AnyVerifier(
        HmacVerifier("s3cret", clock), CliqSignatureVerifier(public_pem(rsa_key), clock)
    )
    both.verify(signed(clock), BODY)
    body = cliq_body(clock)
    both.verify({"X-Cliq-Signature": rsa_sign(rsa_key, body)}, body)
    with pytest.raises(VerificationError, match="unsigned"):
        both.verify({}, BODY)


def test_now_ms_is_the_clocks_now_in_epoch_ms(clock: FrozenClock) -> None:
    """The system clock's shortcut and any other clock's `now()` agree (`bot.clock.now_ms`)."""
    assert now_ms(clock) == epoch_ms(clock.now())
    clock.advance(milliseconds=1234)
    assert now_ms(clock) == epoch_ms(clock.now())
    before = epoch_ms(datetime.now(UTC))
    system = now_ms(SystemClock())
    assert before <= system <= epoch_ms(datetime.now(UTC))


def test_the_epoch_ns_reader_is_the_clocks_now(clock: FrozenClock) -> None:
    """The reader the HMAC verifier asks on every call follows a moved clock, and is the
    system's own `time.time_ns` for the system clock (`bot.clock.epoch_ns_reader`)."""
    read = epoch_ns_reader(clock)
    assert read() == epoch_ms(clock.now()) * 1_000_000
    clock.advance(milliseconds=1234)
    assert read() // 1_000_000 == epoch_ms(clock.now())
    system = epoch_ns_reader(SystemClock())
    before = epoch_ms(datetime.now(UTC))
    assert before <= system() // 1_000_000 <= epoch_ms(datetime.now(UTC))


def test_a_signed_call_is_judged_fresh_by_the_system_clock() -> None:
    """With the system clock (the production case) a call signed now passes and one signed
    six minutes ago is stale, to the millisecond of the window's edge."""
    verifier = HmacVerifier("s3cret", SystemClock())
    fresh = signed(SystemClock(), shift_ms=0)
    verifier.verify(fresh, BODY)
    with pytest.raises(VerificationError, match="stale"):
        verifier.verify(signed(SystemClock(), shift_ms=-360_000), BODY)


# RFC 4231's HMAC-SHA256 test cases 1, 2, 6 and 7 (keys of 20, 4 and 131 bytes: shorter than
# the 64-byte block, and longer, which is hashed first).
RFC_4231 = [
    (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ),
    (
        b"\xaa" * 131,
        b"This is a test using a larger than block-size key and a larger than block-size data. "
        b"The key needs to be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ),
]


@pytest.mark.parametrize(("key", "message", "expected"), RFC_4231)
def test_the_keyed_hmac_gives_rfc_4231s_answers(key: bytes, message: bytes, expected: str) -> None:
    mac = KeyedHmac(key)
    assert mac.digest(message).hex() == expected
    assert mac.digest(message).hex() == expected  # (keyed once, used again: nothing carried over)


@settings(max_examples=200, deadline=None)
@given(key=st.binary(max_size=200), messages=st.lists(st.binary(max_size=400), max_size=4))
def test_the_keyed_hmac_is_the_standard_librarys_for_any_key_and_message(
    key: bytes, messages: list[bytes]
) -> None:
    """Keys empty, within the block, exactly 64 bytes and beyond; messages one after another."""
    mac = KeyedHmac(key)
    for message in messages:
        assert mac.digest(message) == hmac.digest(key, message, "sha256")
    block = KeyedHmac(b"k" * 64)
    assert block.digest(b"m") == hmac.digest(b"k" * 64, b"m", "sha256")
