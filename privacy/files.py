"""Private files and folders.

Health data is written owner-only: folders 700, files 600, whatever the process umask says (a common umask
of 022 would make every new file world-readable). Folders that already exist are left as they are (they
may be the user's own, e.g. their home); the program only restricts what it creates. Temporary copies live
in a private temporary folder (700, under ``$TMPDIR``) that is deleted when its ``with`` block ends, also
on an error.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

DIR_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077  # new files 600, new folders 700


def private_umask() -> int:
    """Make the process create owner-only files from now on; returns the previous umask.

    Called by the command line and the app at start: third-party writers (OpenCV, FFmpeg, ReportLab, NumPy)
    create their files with the process umask, so this covers every file they write.
    """
    return os.umask(UMASK)


def private_dir(path: str | Path) -> Path:
    """Create ``path`` and any missing parent folders as owner-only (700); existing folders are kept as
    they are. Returns the path."""
    path = Path(path).expanduser()
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:  # made meanwhile by another process
            continue
        os.chmod(d, DIR_MODE)  # mkdir's mode is filtered by the umask
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{path} is a file, not a folder")
    return path


def make_private(path: str | Path) -> Path:
    """Restrict a file the program wrote to its owner (600; a folder 700)."""
    path = Path(path)
    os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)
    return path


def write_private(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically (a unique temporary name in the same folder, then renamed), owner-only.

    A reader never sees a half-written file and two writers never share a temporary name.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mkstemp: mode 600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


@contextlib.contextmanager
def private_tempdir(prefix: str = "posture-") -> Iterator[Path]:
    """A private (700) temporary folder under ``$TMPDIR``, deleted with everything in it when the block ends,
    also when it ends with an error. For the few moments a file must exist on disk (an upload before it is
    analysed, a report before it is offered for download)."""
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as d:
        yield Path(d)


def open_private(path: str | Path, mode: str = "w", **kw):
    """``open(path, mode)`` for writing, the file owner-only (600) from its first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, mode, **kw)
