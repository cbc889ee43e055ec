"""Request verification, in one place, over the raw request bytes (DESIGN §4).

Two schemes behind one interface:
- HMAC (Deluge shims): `X-Deskbot-Timestamp` (epoch ms) and `X-Deskbot-Signature`, the hex or
  base64 HMAC-SHA256 of `timestamp + "." + body` under the shared secret.
- RSA (webhook-type extensions): `X-Cliq-Signature`, base64 RSA-SHA256 (PKCS#1 v1.5) with the
  extension's public key, over the raw bytes or, failing that, a `JSON.stringify`-compatible
  re-serialisation; the envelope's own `timestamp` gives the freshness check.
Both compare in constant time and accept a 5-minute window measured by an injectable clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot.clock import Clock, epoch_ms

TIMESTAMP_HEADER = "X-Deskbot-Timestamp"
SIGNATURE_HEADER = "X-Deskbot-Signature"
CLIQ_SIGNATURE_HEADER = "X-Cliq-Signature"


class VerificationError(Exception):
    """The request is not provably from Cliq: answered with 401 and this reason."""


class Verifier(Protocol):
    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Return if the request is authentic and fresh; raise VerificationError otherwise."""
        ...

    def handles(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries this scheme's signature header."""
        ...


def hmac_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex signature a shim sends: HMAC-SHA256(secret, timestamp + "." + body)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()


class HmacVerifier:
    def __init__(self, secret: str, clock: Clock, window_seconds: int = 300) -> None:
        if not secret:
            raise ValueError("an HMAC verifier needs a secret")
        self._key = secret.encode()
        self._clock = clock
        self._window_ms = window_seconds * 1000

    def handles(self, headers: Mapping[str, str]) -> bool:
        return SIGNATURE_HEADER in headers

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "").strip()
        if not timestamp or not signature:
            raise VerificationError(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER}")
        if not timestamp.isdigit():
            raise VerificationError(f"{TIMESTAMP_HEADER} must be epoch milliseconds")
        _check_fresh(int(timestamp), self._clock, self._window_ms)
        digest = hmac.new(self._key, timestamp.encode() + b"." + body, hashlib.sha256).digest()
        if not hmac.compare_digest(_decode_signature(signature, len(digest)), digest):
            raise VerificationError("bad signature")


class CliqSignatureVerifier:
    def __init__(self, public_key: str, clock: Clock, window_seconds: int = 300) -> None:
        self._key = load_public_key(public_key)
        self._clock = clock
        self._window_ms = window_seconds * 1000

    def handles(self, headers: Mapping[str, str]) -> bool:
        return CLIQ_SIGNATURE_HEADER in headers

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        try:
            signature = base64.b64decode(headers.get(CLIQ_SIGNATURE_HEADER, ""), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationError("X-Cliq-Signature is not base64") from exc
        if not signature:
            raise VerificationError("missing X-Cliq-Signature")
        if not (self._valid(signature, body) or self._valid(signature, js_stringify(body))):
            raise VerificationError("bad signature")
        try:
            timestamp = json.loads(body).get("timestamp")
        except (ValueError, AttributeError):
            timestamp = None
        if not isinstance(timestamp, int):
            raise VerificationError("a signed envelope needs its timestamp (epoch ms)")
        _check_fresh(timestamp, self._clock, self._window_ms)

    def _valid(self, signature: bytes, data: bytes | None) -> bool:
        if data is None:
            return False
        try:
            self._key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True


class AnyVerifier:
    """Picks the scheme by the signature header the request carries."""

    def __init__(self, *verifiers: Verifier) -> None:
        self._verifiers = verifiers

    def handles(self, headers: Mapping[str, str]) -> bool:
        return any(v.handles(headers) for v in self._verifiers)

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        for verifier in self._verifiers:
            if verifier.handles(headers):
                verifier.verify(headers, body)
                return
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
        data = json.loads(body)
    except ValueError:
        return None
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
    if abs(epoch_ms(clock.now()) - timestamp_ms) > window_ms:
        raise VerificationError("stale or future timestamp")


def _decode_signature(signature: str, size: int) -> bytes:
    """Hex or base64; anything else becomes bytes that cannot match."""
    if len(signature) == size * 2:
        try:
            return bytes.fromhex(signature)
        except ValueError:
            pass
    try:
        return base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return b""
