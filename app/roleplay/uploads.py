"""Recording files: type from the content's magic bytes, size limit, generated names, retention.

The directory comes from configuration (UPLOAD_DIR, by default instance/uploads),
never from static/, so files are reachable only through the authorized route.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from pathlib import Path
from typing import IO

import filetype

from app.errors import DomainError

#: what a recording may be, by detected MIME type -> stored extension
ALLOWED = {
    "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/ogg": "ogg", "audio/x-wav": "wav", "audio/x-flac": "flac",
    "audio/aac": "aac", "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
    "video/x-matroska": "mkv", "video/x-m4v": "m4v",
}
HEAD_BYTES = 8192


class UploadRefused(DomainError):
    """The file was not stored; the message says why."""

    def __init__(self, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large


def upload_dir(config: dict, instance_path: str) -> Path:
    path = Path(config.get("UPLOAD_DIR") or Path(instance_path) / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def sniff(stream: IO[bytes]) -> tuple[str, str]:
    """(mime, extension) of an audio or video file, judged from its first bytes only."""
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    kind = filetype.guess(head) if head else None
    if kind is None or kind.mime not in ALLOWED:
        raise UploadRefused("That file is not an audio or video recording we can accept "
                            "(MP3, M4A, WAV, OGG, FLAC, MP4, MOV, WebM or MKV). Nothing was saved.")
    return kind.mime, ALLOWED[kind.mime]


def measure(stream: IO[bytes]) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


#: what must stay free on the upload disk after a recording is written
RESERVE_BYTES = 16 * 1024 * 1024
#: where a recording waits, under a temporary name, until its row is committed
INCOMING = ".incoming"
NOTHING_SAVED = ("The server could not store the recording just now ({why}), so nothing was saved: your "
                 "transcript and reflection were not submitted either. Try again later, or submit a "
                 "transcript without the recording.")


def _incoming(directory: Path) -> Path:
    path = directory / INCOMING
    path.mkdir(exist_ok=True)
    return path


def store(stream: IO[bytes], directory: Path, *, max_bytes: int,
          reserve_bytes: int = RESERVE_BYTES) -> tuple[str, str, str, int]:
    """Check the file and write it under a temporary name (in `.incoming/`); `promote` moves it into place
    once its row is committed, so a failure at any point leaves no half-stored recording. Returns (stored
    name, mime, extension, size). Nothing is left on disk on refusal, on a full or read-only disk."""
    size = measure(stream)
    if size > max_bytes:
        raise UploadRefused(f"The recording is {megabytes(size)}, over the {megabytes(max_bytes)} limit. "
                            "Nothing was saved: shorten or compress it and try again.", too_large=True)
    if size == 0:
        raise UploadRefused("The recording file is empty. Nothing was saved.")
    mime, ext = sniff(stream)
    name = f"{secrets.token_hex(16)}.{ext}"
    try:
        incoming = _incoming(directory)
        if shutil.disk_usage(incoming).free < size + reserve_bytes:
            raise UploadRefused(NOTHING_SAVED.format(why="its storage is full"))
        part = incoming / f"{name}.part"
        try:
            with open(part, "xb") as out:
                while chunk := stream.read(1024 * 1024):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            part.unlink(missing_ok=True)
            raise
    except OSError as exc:
        why = {errno.ENOSPC: "its storage is full", errno.EROFS: "its storage is read-only",
               errno.EDQUOT: "its storage quota is used up"}.get(exc.errno, "a storage error")
        raise UploadRefused(NOTHING_SAVED.format(why=why)) from exc
    return name, mime, ext, size


def promote(directory: Path, stored_name: str) -> None:
    """Move a committed recording into place (an atomic rename on the same disk)."""
    os.replace(directory / INCOMING / f"{stored_name}.part", directory / stored_name)


def discard(directory: Path, stored_name: str) -> None:
    """Drop a recording whose row was not committed."""
    (directory / INCOMING / f"{stored_name}.part").unlink(missing_ok=True)


def remove(directory: Path, stored_name: str) -> None:
    (directory / stored_name).unlink(missing_ok=True)
