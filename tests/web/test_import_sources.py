"""`imports.sources`: the documents of files, folders and archives, and a zip bomb refused whole; and the
progress of `boardkeeper import` at a terminal."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from cast import FIXTURES, SEED_DOCX, Cast
from django.core.management import call_command

from boardkeeper.imports import sources


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _read(source: sources.Source) -> bytes | str:
    try:
        return source.read()
    except sources.SourceRefused as exc:
        return f"refused: {exc}"


def test_an_archive_with_too_many_members_is_refused_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_MEMBERS", 3)
    archive = _zip(tmp_path / "many.zip", {f"{i}.txt": b"minutes" for i in range(4)})
    with sources.sources_of([str(archive)]) as found:
        assert [(s.name, _read(s)) for s in found] == [
            (str(archive), "refused: the archive has more than 3 files; it was not opened")
        ]


def test_an_archive_too_large_uncompressed_is_refused_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_UNCOMPRESSED", 100)
    archive = _zip(tmp_path / "bomb.zip", {"a.txt": b"x" * 60, "b.txt": b"y" * 60})  # 120 bytes, 2 compressed
    with sources.sources_of([str(archive)]) as found:
        assert [_read(s) for s in found] == [
            "refused: the archive holds more than 100\xa0bytes uncompressed; it was not opened"
        ]


def test_files_folders_and_archives_are_listed_in_order_before_any_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "minutes"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "2.md").write_text("two")
    (folder / "1.txt").write_text("one")
    (folder / "skip.xlsx").write_text("no")
    _zip(folder / "c.zip", {"z.docx": b"zed", "dir/": b"", "__MACOSX/._z.docx": b"x"})
    with sources.sources_of([str(SEED_DOCX), str(folder)]) as found:
        assert [s.name for s in found] == [
            str(SEED_DOCX),
            str(folder / "1.txt"),
            f"{folder / 'c.zip'}:z.docx",
            str(folder / "b" / "2.md"),
        ]
        assert [s.filename for s in found][2] == "z.docx"
        assert _read(found[2]) == b"zed"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_progress_is_one_line_rewritten(cast: Cast, tmp_path: Path) -> None:
    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / "a.txt").write_bytes(
        (FIXTURES / "synthetic" / "09_ashcombe-allotments-2024-04-16.txt").read_bytes()
    )
    (folder / "b.txt").write_bytes(
        (FIXTURES / "synthetic" / "10_westmere-clinical-governance-2023-12-06.txt").read_bytes()
    )
    out, err = io.StringIO(), _Terminal()
    call_command(
        "import",
        str(folder),
        partnership=cast.partnership.slug,
        board=cast.board.slug,
        user=cast.manager.username,
        stdout=out,
        stderr=err,
    )
    assert err.getvalue().startswith("\r[")
    assert "\n" not in err.getvalue()  # never a new line: the bar is rewritten in place, then cleared
    assert "0/2" in err.getvalue() and "1/2" in err.getvalue() and "a.txt" in err.getvalue()
    assert out.getvalue().splitlines()[-1].startswith("2 files: 2 imported, 0 already imported, 0 refused (")
