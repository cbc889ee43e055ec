"""One RSA key for a sandbox: signs JWTs RS256 (PyJWT) and publishes itself as a JWKS, as the
sandbox Desk signs its webhooks and the sandbox Accounts its ID tokens."""

from __future__ import annotations

from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class Signer:
    """A fresh 2048-bit RSA key named `kid`."""

    def __init__(self, kid: str = "sandbox-key-1") -> None:
        self.kid = kid
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        """The public key as a JWKS document (`{"keys": [...]}`, `use` sig, `alg` RS256)."""
        entry = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**entry, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def token(self, claims: dict[str, Any]) -> str:
        """`claims` as a JWT signed RS256, its header naming `kid`."""
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})
