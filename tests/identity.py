"""A tiny identity provider for the tests: keys made here (RSA and EC), their JWKS served
over real HTTP on loopback, and tokens signed with them, good ones and forged ones.

Nothing of the sign-in library is mocked: the server fetches these keys as it would
a real provider's, and checks these tokens as it would real ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://idp.test/realms/hospital"
AUDIENCE = "porter-dispatch"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    """Keys by id, the published ones served at `jwks_url`; `fetches` counts requests."""

    def __init__(self) -> None:
        self.keys: dict[str, PrivateKey] = {}
        self.published: list[str] = []
        self.fetches = 0
        self.jwks_url = ""

    def new_key(self, kid: str, kind: str = "RSA", publish: bool = True) -> str:
        key: PrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if kind == "RSA"
            else ec.generate_private_key(ec.SECP256R1())
        )
        self.keys[kid] = key
        if publish:
            self.published.append(kid)
        return kid

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            key = self.keys[kid]
            if isinstance(key, rsa.RSAPrivateKey):
                jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
                jwk |= {"alg": "RS256"}
            else:
                jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
                jwk |= {"alg": "ES256"}
            keys.append(jwk | {"kid": kid, "use": "sig"})
        return {"keys": keys}

    def claims(self, **claims: Any) -> dict[str, Any]:
        now = int(time.time())
        base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u-1", "iat": now, "exp": now + 300}
        return {k: v for k, v in (base | claims).items() if v is not None}

    def token(self, kid: str = "rsa-1", **claims: Any) -> str:
        """A token signed with key `kid`; claims set to None are left out."""
        key = self.keys[kid]
        alg = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
        return jwt.encode(self.claims(**claims), key, algorithm=alg, headers={"kid": kid})

    def public_pem(self, kid: str) -> bytes:
        return (
            self.keys[kid]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def forged(self, header: dict[str, Any], signature: bytes | None = None, **claims: Any) -> str:
        """A token put together by hand, as an attacker would: `signature` None means
        an HMAC-SHA256 over it keyed with the named key's public PEM (alg confusion)."""
        signing_input = ".".join(
            b64(json.dumps(part).encode()) for part in (header, self.claims(**claims))
        )
        if signature is None:
            secret = self.public_pem(header["kid"])
            signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64(signature)}"


@contextmanager
def serving(provider: Provider) -> Iterator[Provider]:
    """The provider's JWKS over HTTP on a free loopback port, for as long as the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            provider.fetches += 1
            body = json.dumps(provider.jwks()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.jwks_url = f"http://127.0.0.1:{server.server_address[1]}/certs"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
