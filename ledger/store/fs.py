"""Is a path on a network filesystem? Advisory only: an unknown answer means "local"."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_TYPES = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2", "9p", "afs", "ceph", "glusterfs",
        "lustre", "gpfs", "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "davfs", "fuse.davfs",
        "vboxsf", "virtiofs", "drvfs", "fuse.glusterfs", "ncpfs", "coda",
    }
)


def filesystem_type(path: str | os.PathLike[str]) -> str | None:
    """The filesystem type holding ``path`` (or its nearest existing parent), if we can tell."""
    p = Path(path).resolve()
    while not p.exists() and p != p.parent:
        p = p.parent
    if sys.platform.startswith("linux"):
        try:
            dev = os.stat(p).st_dev
            want = f"{os.major(dev)}:{os.minor(dev)}"
            with open("/proc/self/mountinfo", encoding="utf-8") as fh:
                for line in fh:
                    left, _, right = line.partition(" - ")
                    fields = left.split()
                    if len(fields) > 2 and fields[2] == want:
                        return right.split()[0]
        except OSError:
            return None
        return None
    if sys.platform == "win32":
        s = str(p)
        if s.startswith("\\\\"):
            return "smb"
        try:
            import ctypes

            drive = os.path.splitdrive(s)[0] + "\\"
            if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4:  # DRIVE_REMOTE
                return "smb"
        except Exception:
            return None
        return "local"
    return None


def is_network(path: str | os.PathLike[str]) -> bool:
    """True when the file lives on a network share (or the user says it does)."""
    if os.environ.get("LEDGER_ASSUME_NETWORK_FS", "") not in ("", "0"):
        return True
    fstype = filesystem_type(path)
    return fstype is not None and (fstype in NETWORK_TYPES or fstype.startswith("nfs"))


def holders(path: str | os.PathLike[str]) -> list[str]:
    """Processes on this machine that have the file open, as "pid N (command)". Linux only."""
    target = str(Path(path).resolve())
    found: list[str] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in (target, target + "-journal", target + "-wal"):
                    raw = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                    cmd = " ".join(raw.decode("utf-8", "replace").split())
                    found.append(f"pid {entry.name} ({cmd[:60]})")
                    break
        except OSError:
            continue
    return found


SQLITE_SIDECARS = ("-journal", "-wal", "-shm")


def refuse_sqlite_sidecar(path: Path) -> None:
    """SQLite takes ``X-journal``, ``X-wal`` and ``X-shm`` beside a database X for its own:
    a file the tool writes under such a name could be rolled into a ledger, or deleted."""
    if path.name.endswith(SQLITE_SIDECARS):
        from ledger.errors import LedgerError

        raise LedgerError(f"{path.name} is named like a SQLite journal (names ending "
                          f"{', '.join(SQLITE_SIDECARS)} are SQLite's own); choose another name")
