"""Ed25519 signatures over event hashes, as git signs commits (the ``cryptography`` package).

A signature proves that someone holding an analyst's private key made the change; it is kept
beside the event, outside its hash, so signing never alters the chain. What it does not prove:
that the key's holder is the person named (whoever registers a name's first key speaks for
it), or that nothing was deleted: a whole history can be thrown away, which is what anchors
(``ledger db anchor``) are for.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

#: The execution option a write carries with the actor's ``Signer`` (``Store.signer``).
SIGNER = "ledger_signer"
#: The ledger's setting that makes unsigned changes by analysts with a key fail at entry.
REQUIRE = "require_signatures"


def fingerprint(public_b64: str) -> str:
    """A key's short name: the first 16 bytes of the sha256 of its raw bytes, in hex."""
    return hashlib.sha256(base64.b64decode(public_b64)).hexdigest()[:32]


@dataclass(frozen=True)
class Signer:
    """One person's private key, loaded for the length of a command."""

    name: str
    key: Any  # cryptography's Ed25519PrivateKey

    @property
    def public_b64(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_b64)

    def sign(self, digest: str) -> str:
        return base64.b64encode(self.key.sign(digest.encode())).decode()


def new_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def to_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    return bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))


def from_pem(data: bytes) -> Any:
    """A private key from its PEM text; ValueError when it is not an Ed25519 one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def verify(public_b64: str, digest: str, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is the key's signature of the event hash ``digest``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
        public.verify(base64.b64decode(signature_b64, validate=True), digest.encode())
    except (InvalidSignature, ValueError):
        return False
    return True
