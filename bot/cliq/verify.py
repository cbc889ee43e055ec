"""Request verification, in one place, over the raw request bytes (DESIGN §4).

Two schemes behind one interface:
- HMAC (Deluge shims): `X-Deskbot-Timestamp` (epoch ms) and `X-Deskbot-Signature`, the hex or
  base64 HMAC-SHA256 of `timestamp + "." + body` under the shared secret.
- RSA (webhook-type extensions): `X-Cliq-Signature`, base64 RSA-SHA256 (PKCS#1 v1.5) with the
  extension's public key, over the raw bytes or, failing that, a `JSON.stringify`-compatible
  re-serialisation; the envelope's own `timestamp` gives the freshness check.
Both compare in constant time and accept a 5-minute window measured by an injectable clock.

`check_headers` judges the headers alone (present, well-formed, and for HMAC inside the window)
so the edge refuses a stranger before reading a body. `verify` returns a `Verified`: the
credential that names the signed call, and until when it could be replayed, so the edge can
execute each signed call at most once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot import jsonsafe
from bot.clock import Clock, epoch_ns_reader, now_ms

TIMESTAMP_HEADER = "X-Deskbot-Timestamp"
SIGNATURE_HEADER = "X-Deskbot-Signature"
CLIQ_SIGNATURE_HEADER = "X-Cliq-Signature"


class VerificationError(Exception):
    """The request is not provably from Cliq: answered with 401 and this reason; `hint` is
    what the bot's operator may check (the edge logs it: the caller, Cliq, never shows a 401)."""

    hint = "the call is not signed in a scheme this bot's verifier takes"


class BadSignature(VerificationError):
    """The signature is well formed but does not match what was sent."""

    hint = (
        "it was signed with another secret or key than this verifier's: compare the secret "
        "the Deluge shims sign with (or the extension's public key) with this bot's"
    )


class StaleTimestamp(VerificationError):
    """The signed time is outside the window around this machine's clock."""

    hint = "this machine's clock, or the caller's, may be off by more than the window"


MAX_SIGNATURE_CHARS = 1024  # a 4096-bit RSA signature in base64 is 684 characters


class Verified(NamedTuple):
    """An authentic, fresh call: `credential` names it (scheme-prefixed SHA-256 hex of what was
    signed) and `expires_at_ms` is when its timestamp leaves the window (epoch ms). (A named
    tuple: built on every call, it costs half a frozen dataclass.)"""

    credential: str
    expires_at_ms: int


class UnusableBody(VerificationError):
    """The signature holds, but the signed body is not JSON we accept (deep nesting, lone
    surrogates…): answered with 400, since the caller is authentic."""


class Verifier(Protocol):
    """Checks that a call to `POST /cliq` comes from Cliq (`make_web_app(bot, verifier)`):
    `HmacVerifier` (Deluge shims), `CliqSignatureVerifier` (extensions), `AnyVerifier` (either),
    or an object of your own with these three methods raising `VerificationError`."""

    def check_headers(self, headers: Mapping[str, str]) -> None:
        """Raise VerificationError if the signature headers alone already fail (missing,
        malformed, or outside the window); called before the body is read."""
        ...

    def verify(self, headers: Mapping[str, str], body: bytes) -> Verified:
        """Return if the request is authentic and fresh; raise VerificationError otherwise."""
        ...

    def handles(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries this scheme's signature header."""
        ...


def hmac_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex signature a shim sends: HMAC-SHA256(secret, timestamp + "." + body)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()


class KeyedHmac:
    """HMAC-SHA256 (RFC 2104) under one key, keyed once: the hashes of the key's inner and
    outer pads are taken when it is built, so each message costs two SHA-256 copies, two
    updates and two digests (`digest(message)` → 32 bytes), the same bytes as
    `hmac.digest(key, message, "sha256")`. That call derives both pads again and fetches the
    digest by name every time (OpenSSL 3's `EVP_Q_mac`): over half of its cost for a Cliq call's
    few hundred bytes (bench/cliq_instructions.py). A key over SHA-256's 64-byte block is
    hashed first, as RFC 2104 says."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(key.translate(_INNER_PAD))
        self._outer = hashlib.sha256(key.translate(_OUTER_PAD))

    def digest(self, message: bytes) -> bytes:
        """The 32-byte HMAC-SHA256 of `message`."""
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


_BLOCK = 64  # SHA-256's block size in bytes
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))  # RFC 2104's ipad, as a table for
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))  # `bytes.translate`; and its opad


class HmacVerifier(Verifier):
    """The Deluge shims' scheme: `X-Deskbot-Timestamp` (epoch ms) and `X-Deskbot-Signature`, the hex
    or base64 HMAC-SHA256 of `timestamp + "." + body` under `secret` (Deluge's
    `zoho.encryption.hmacsha256`). `window_seconds` (300) is how far the timestamp may be from
    `clock`'s now. Raises ValueError for an empty secret.
    """

    def __init__(self, secret: str, clock: Clock, window_seconds: int = 300) -> None:
        if not secret:
            raise ValueError("an HMAC verifier needs a secret")
        if not isinstance(secret, str):
            raise TypeError(
                f"an HMAC verifier's secret is the shims' secret as text (str), got "
                f"{type(secret).__name__}"
            )
        self._mac = KeyedHmac(secret.encode())
        self._now_ns = epoch_ns_reader(clock)
        self._window_ms = window_seconds * 1000

    def handles(self, headers: Mapping[str, str]) -> bool:
        return SIGNATURE_HEADER in headers

    def check_headers(self, headers: Mapping[str, str]) -> None:
        self._signed_headers(headers)

    def verify(self, headers: Mapping[str, str], body: bytes) -> Verified:
        timestamp, timestamp_ms, signature = self._signed_headers(headers)
        digest = self._mac.digest(timestamp.encode() + b"." + body)
        if not hmac.compare_digest(signature, digest):
            raise BadSignature("bad signature")
        return Verified(f"hmac:{digest.hex()}", timestamp_ms + self._window_ms)

    def _signed_headers(self, headers: Mapping[str, str]) -> tuple[str, int, bytes]:
        """The timestamp header (as sent, and in epoch ms: 1 to 15 ASCII digits) and the decoded
        32-byte signature, judged once per call:
        present, well-formed, and the timestamp inside the window (VerificationError if not)."""
        # (Written out in one function: this runs on every call, and under load each function
        # a call passes through costs more than its own work.)
        timestamp = headers.get(TIMESTAMP_HEADER, "").strip()
        signature_text = headers.get(SIGNATURE_HEADER, "").strip()
        if not timestamp or not signature_text:
            raise VerificationError(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER}")
        if not (len(timestamp) <= 15 and timestamp.isascii() and timestamp.isdigit()):
            raise VerificationError(f"{TIMESTAMP_HEADER} must be epoch milliseconds")
        signature = b""
        if len(signature_text) == 64:  # hex, as shims send it
            try:  # (not `contextlib.suppress`: its two Python calls on every signed call)
                signature = bytes.fromhex(signature_text)
            except ValueError:
                pass
        if not signature:  # else base64
            signature = _decode_base64(signature_text)
        if len(signature) != 32:  # SHA-256 is 32 bytes
            raise VerificationError(f"{SIGNATURE_HEADER} is not a hex or base64 HMAC-SHA256")
        timestamp_ms = int(timestamp)
        # `_check_fresh`, written out with the verifier's own reading of the clock:
        if abs(self._now_ns() // 1_000_000 - timestamp_ms) > self._window_ms:
            raise StaleTimestamp("stale or future timestamp")
        return timestamp, timestamp_ms, signature


class CliqSignatureVerifier(Verifier):
    """Webhook-type extensions' scheme: `X-Cliq-Signature`, base64 RSA-SHA256 (PKCS#1 v1.5) under
    the extension's `public_key` (PEM, or the base64 DER Cliq's console shows), over the raw body
    or its `JSON.stringify` form; the envelope's `timestamp` (epoch ms) must be within
    `window_seconds` (300) of `clock`'s now. Raises ValueError for a key that is not RSA.
    """

    def __init__(self, public_key: str, clock: Clock, window_seconds: int = 300) -> None:
        self._key = load_public_key(public_key)
        self._clock = clock
        self._window_ms = window_seconds * 1000

    def handles(self, headers: Mapping[str, str]) -> bool:
        return CLIQ_SIGNATURE_HEADER in headers

    def check_headers(self, headers: Mapping[str, str]) -> None:
        self._signature(headers)

    def verify(self, headers: Mapping[str, str], body: bytes) -> Verified:
        signature = self._signature(headers)
        unusable: jsonsafe.JsonBodyError | None = None
        try:  # parsed once: for the JSON.stringify form and for the timestamp
            envelope: Any = jsonsafe.loads(body)
        except jsonsafe.JsonBodyError as exc:
            envelope, unusable = None, exc
        signed = body
        if not self._valid(signature, body):
            restated = None if unusable else _stringify(envelope)
            if restated is None or not self._valid(signature, restated):
                raise BadSignature("bad signature")
            signed = restated
        if unusable is not None:
            raise UnusableBody(str(unusable)) from unusable
        timestamp = envelope.get("timestamp") if isinstance(envelope, dict) else None
        if not isinstance(timestamp, int) or isinstance(timestamp, bool):
            raise VerificationError("a signed envelope needs its timestamp (epoch ms)")
        _check_fresh(timestamp, self._clock, self._window_ms)
        credential = f"rsa:{hashlib.sha256(signed).hexdigest()}"
        return Verified(credential, timestamp + self._window_ms)

    @staticmethod
    def _signature(headers: Mapping[str, str]) -> bytes:
        text = headers.get(CLIQ_SIGNATURE_HEADER, "").strip()
        if not text:
            raise VerificationError("missing X-Cliq-Signature")
        if len(text) > MAX_SIGNATURE_CHARS:
            raise VerificationError("X-Cliq-Signature is too long")
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationError("X-Cliq-Signature is not base64") from exc

    def _valid(self, signature: bytes, data: bytes) -> bool:
        try:
            self._key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True


class AnyVerifier:
    """Picks the scheme by the signature header the request carries."""

    def __init__(self, *verifiers: Verifier) -> None:
        """`verifiers` are tried in order; the first whose header the request carries judges it."""
        self._verifiers = verifiers

    def handles(self, headers: Mapping[str, str]) -> bool:
        """Whether any of the verifiers handles the request."""
        return any(v.handles(headers) for v in self._verifiers)

    def check_headers(self, headers: Mapping[str, str]) -> None:
        """The chosen verifier's header check; VerificationError if none handles the request."""
        self._pick(headers).check_headers(headers)

    def verify(self, headers: Mapping[str, str], body: bytes) -> Verified:
        """The chosen verifier's verdict; VerificationError if none handles the request."""
        return self._pick(headers).verify(headers, body)

    def _pick(self, headers: Mapping[str, str]) -> Verifier:
        for verifier in self._verifiers:
            if verifier.handles(headers):
                return verifier
        raise VerificationError("unsigned request")


def load_public_key(text: str) -> rsa.RSAPublicKey:
    """A PEM public key, or the bare base64 DER that Cliq's console shows."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = serialization.load_der_public_key(base64.b64decode("".join(text.split())))
    except (ValueError, binascii.Error) as exc:
        raise ValueError(f"not an RSA public key: {exc}") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the extension key must be an RSA public key")
    return key


def js_stringify(body: bytes) -> bytes | None:
    """Re-serialise JSON as JavaScript's JSON.stringify would (None if not JSON)."""
    try:
        data = jsonsafe.loads(body)
    except jsonsafe.JsonBodyError:
        return None
    return _stringify(data)


def _stringify(data: Any) -> bytes:
    """A parsed JSON value as JavaScript's JSON.stringify would write it."""
    return json.dumps(_js_numbers(data), separators=(",", ":"), ensure_ascii=False).encode()


def _js_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _js_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_js_numbers(v) for v in value]
    return value


def _check_fresh(timestamp_ms: int, clock: Clock, window_ms: int) -> None:
    if not -(2**53) < timestamp_ms < 2**53 or abs(now_ms(clock) - timestamp_ms) > window_ms:
        raise StaleTimestamp("stale or future timestamp")


def _decode_base64(signature: str) -> bytes:
    """Base64, or no bytes (which cannot match) for anything else."""
    try:
        return base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return b""
