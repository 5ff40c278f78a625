"""Where the shared corpus of real public minutes lives, for the tests that read it.

Real minutes are not kept in this repository: they stay in the shared folder that sits
beside the clone (../shared from the repository root, with corpus/ and corpus2/). A test
that needs one of them asks `corpus_file(name)`, which skips the test, saying why, when
the shared folder is not there; every other test still runs.
"""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"  # tests/ -> repository root -> its parent
CORPUS = SHARED / "corpus"
CORPUS2 = SHARED / "corpus2"
# The Word rendition of the seed minutes is the demo's sample, kept in the package (an installed Boardkeeper
# has no tests/); its other renditions and expected record stay in tests/fixtures.
SEED_DOCX = (
    Path(__file__).resolve().parents[1]
    / "boardkeeper"
    / "meetings"
    / "sample"
    / "warwickshire-executive-board-2022-02-23.docx"
)


def corpus_file(name: str, corpus: Path = CORPUS) -> Path:
    """The path of a document of the shared corpus; skips the calling test when it is absent."""
    path = corpus / name
    if not path.is_file():
        pytest.skip(
            f"needs the shared corpus of real minutes beside the clone: {path} not found "
            "(real minutes are not kept in this repository)"
        )
    return path
