"""The `boardkeeper` command."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="boardkeeper", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="read a minutes document and print its structure")
    ex.add_argument("file")
    ex.add_argument("--json", action="store_true", help="print the JSON contract instead of a table")
    args = parser.parse_args(argv)
    if args.command == "extract":
        from .minutes.cli import extract_command

        return extract_command(args.file, as_json=args.json)
    return 2


if __name__ == "__main__":
    sys.exit(main())
