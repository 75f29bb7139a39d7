"""`ledger key ...`: your signing key (made here, the private half kept in your configuration
folder, the public half registered in the ledger), the keys the ledger knows, revocation."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ledger.cli import options as o
from ledger.cli.render import Columns, done, emit

app = typer.Typer(help="Sign your changes: make, list and revoke signing keys (Ed25519).",
                  no_args_is_help=True)

KEYS = Columns(text=["analyst", "fingerprint", "added_at", "revoked_at"],
               full=["analyst", "fingerprint", "added_at", "revoked_at", "note"],
               labels={"added_at": "added", "revoked_at": "revoked"}, shrink="fingerprint")


@app.command("new")
def new(ctx: typer.Context, note: o.Note = None) -> None:
    """Make a key pair for you (--as): the private key goes to your configuration folder
    (mode 0600), the public one into the ledger. Your changes are signed from now on; a key
    you had is revoked, and must be on this machine to vouch for the new one."""
    from ledger import keyring

    lg = ctx.obj.ledger()
    old = lg.store.signer
    signer, tmp = keyring.create(lg.actor)
    try:
        d = lg.add_key(signer, note=note)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    path = keyring.install(lg.actor, tmp, old)
    done(f"key {d.key[:16]} for {lg.actor}; private key in {path}; event {d.event}")


@app.command("list")
def list_(ctx: typer.Context, fmt: o.ListingFormat = "text") -> None:
    """Every key the ledger knows: whose, its fingerprint, when it was added and revoked."""
    emit(ctx.obj.ledger().keys(), fmt, KEYS)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    fingerprint: Annotated[Optional[str], typer.Argument(
        metavar="[FINGERPRINT]", show_default=False,
        help="Which of your keys (its first characters); default: your only one.")] = None,
    note: o.Note = None,
) -> None:
    """Revoke your key (a lost or exposed one): it signs nothing from now on, and what it
    signed before stays valid. Signed by the key itself."""
    d = ctx.obj.ledger().revoke_key(fingerprint, note=note)
    done(f"key {d.key[:16]} revoked; event {d.event}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="key")
