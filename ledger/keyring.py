"""Private signing keys on this machine: one per person, in the user's configuration folder
(``keys/`` beside ``config.toml``), readable by its owner alone (mode 0600). The ledger holds
only the public half (``ledger key new`` registers it)."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from ledger.errors import LedgerError
from ledger.store.signing import Signer, from_pem, new_key, to_pem


def folder() -> Path:
    from ledger.config import user_file

    return user_file().parent / "keys"


def path_for(name: str) -> Path:
    """The key file of ``name`` (any case): readable, and distinct for distinct names."""
    folded = name.strip().casefold()
    slug = "-".join(re.findall(r"[a-z0-9]+", folded))[:40] or "analyst"
    return folder() / f"{slug}-{hashlib.sha256(folded.encode()).hexdigest()[:8]}.pem"


def load(name: str) -> Signer | None:
    """``name``'s private key, when this machine has it; refused when others can read it."""
    path = path_for(name)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise LedgerError(f"{path} can be read by others; `chmod 600 {path}` (a private key "
                          "must be yours alone)")
    try:
        return Signer(name, from_pem(path.read_bytes()))
    except (OSError, ValueError) as exc:
        raise LedgerError(f"cannot read the private key {path}: {exc}") from None


def create(name: str) -> tuple[Signer, Path]:
    """A new key for ``name``, written (0600, never over another file) beside the old one,
    which is kept as ``*.FINGERPRINT.old.pem``: its signatures stay checkable."""
    path = path_for(name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    signer = Signer(name, new_key())
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(to_pem(signer.key))
        fh.flush()
        os.fsync(fh.fileno())
    return signer, tmp


def install(name: str, tmp: Path, old: Signer | None) -> Path:
    """Move a new key into place once the ledger has it; the old one is kept aside."""
    path = path_for(name)
    if old is not None and path.exists():
        os.replace(path, path.with_name(f"{path.stem}.{old.fingerprint[:12]}.old.pem"))
    os.replace(tmp, path)
    return path
