"""The files a back catalogue is imported from: files, folders and .zip archives, one document at a time.

`sources_of(paths)` lists every document first (so a progress bar knows the total), then each is read
only when its turn comes: a folder's files from disk, an archive's members from the archive, in memory,
never extracted to disk. What cannot be read is a refusal with its reason, and the others go on.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings

# the formats the engine reads, by name; a file named on the command line is read whatever its name
# (the engine tells the format by the content), but in a folder or an archive other files are not minutes
READS = (".docx", ".pdf", ".html", ".htm", ".md", ".txt")
# a .zip is opened only within these: more members, or more bytes once uncompressed, is refused whole
MAX_MEMBERS = 5000
MAX_UNCOMPRESSED = 2 * 1024**3
# a member that would grow more than this much from its compressed size (and past 1 MB) is not minutes:
# text compresses about 10 to 1, Word and PDF barely at all
MAX_RATIO = 200


class SourceRefused(Exception):
    """A document that cannot be read, with the reason for the person importing."""


@dataclass(frozen=True)
class Source:
    name: str  # as the person knows it: the path, or 'catalogue.zip:2022/minutes.docx'
    filename: str  # the document's own name, as the record keeps it: 'minutes.docx'
    _read: Callable[[], bytes]

    def read(self) -> bytes:
        """The document's bytes, or SourceRefused with why not."""
        return self._read()


def _too_large() -> str:
    return (
        f"the file is larger than {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB, the most Boardkeeper reads"
    )


def _refused(reason: str) -> Callable[[], bytes]:
    def read() -> bytes:
        raise SourceRefused(reason)

    return read


def read_file(path: str) -> bytes:
    """A file's bytes, refused when it is missing, empty or larger than Boardkeeper reads."""
    try:
        size = os.path.getsize(path)
        if size == 0:
            raise SourceRefused("the file is empty")
        if size > settings.MAX_UPLOAD_BYTES:
            raise SourceRefused(_too_large())
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise SourceRefused(str(exc.strerror or exc)) from exc


def is_archive(path: str) -> bool:
    return path.lower().endswith(".zip") and not os.path.isdir(path)


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


@contextlib.contextmanager
def sources_of(paths: list[str]) -> Iterator[list[Source]]:
    """Every document in `paths`, in the order given; a folder's (recursively) and an archive's in the
    order of their names, so minutes named by date are imported oldest first. Hidden files, `__MACOSX`
    and files of formats the engine does not read are passed over in folders and archives. The archives
    stay open until the block ends."""
    with contextlib.ExitStack() as stack:
        found: list[Source] = []
        for path in paths:
            if os.path.isdir(path):
                found += _folder(path, stack)
            elif is_archive(path):
                found += _archive(path, stack)
            else:
                found.append(_file(path))
        yield found


def _file(path: str) -> Source:
    return Source(path, os.path.basename(path), lambda: read_file(path))


def _folder(folder: str, stack: contextlib.ExitStack) -> list[Source]:
    found: list[Source] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden((d,)))
        for name in sorted(files):
            path = os.path.join(root, name)
            if _hidden((name,)):
                continue
            if name.lower().endswith(".zip"):
                found += _archive(path, stack)
            elif name.lower().endswith(READS):
                found.append(_file(path))
    return found


def _archive(path: str, stack: contextlib.ExitStack) -> list[Source]:
    """An archive's documents, or one refusal for the whole archive: unreadable, or a zip bomb (more
    members or more bytes uncompressed than any back catalogue has)."""
    try:
        archive = stack.enter_context(zipfile.ZipFile(path))
        members = archive.infolist()
    except (OSError, zipfile.BadZipFile) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a readable .zip file"
        return [Source(path, os.path.basename(path), _refused(reason))]
    if len(members) > MAX_MEMBERS:
        return [
            Source(
                path,
                os.path.basename(path),
                _refused(f"the archive has more than {MAX_MEMBERS:,} files; it was not opened"),
            )
        ]
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        from django.template.defaultfilters import filesizeformat  # the templates' library: only here

        limit = filesizeformat(MAX_UNCOMPRESSED)
        return [
            Source(
                path,
                os.path.basename(path),
                _refused(f"the archive holds more than {limit} uncompressed; it was not opened"),
            )
        ]
    found = []
    for member in sorted(members, key=lambda m: m.filename):
        inner = PurePosixPath(member.filename)
        if member.is_dir() or _hidden(inner.parts) or not inner.name.lower().endswith(READS):
            continue
        found.append(Source(f"{path}:{member.filename}", inner.name, _member_reader(archive, member)))
    return found


def _member_reader(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        if member.file_size == 0:
            raise SourceRefused("the file is empty")
        if member.file_size > settings.MAX_UPLOAD_BYTES:
            raise SourceRefused(_too_large())
        if member.file_size > 1024**2 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise SourceRefused(f"the file would grow more than {MAX_RATIO} times uncompressed; not opened")
        if member.flag_bits & 0x1:
            raise SourceRefused("the file is encrypted in the archive")
        try:
            # zipfile reads no more than the size the archive declares, and checks the CRC
            with archive.open(member) as f:
                return f.read(settings.MAX_UPLOAD_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
            raise SourceRefused(f"could not be taken from the archive ({exc})") from exc

    return read
