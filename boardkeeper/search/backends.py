"""One interface, two full-text engines, chosen by the database in use.

`Backend.search(query, within, offset, limit)` takes the person's words already parsed (`Query`), the rows
they may see (an ORM queryset of `SearchEntry`, filtered for partnership, need to know, board, kind and
dates) and returns the number of matches and one page of them, best first, each with a snippet whose
matched words are marked with START/STOP control characters (the caller escapes, then turns them into
<mark>). The person's words never reach SQL as SQL: each is a bound parameter, quoted for the engine.

- PostgreSQL: a generated tsvector column (`document`: the title weighted A, the body B, English
  stemming) with a GIN index; `websearch_to_tsquery` of the quoted words, `ts_rank`, `ts_headline`.
- SQLite: an FTS5 table (`search_fts`, porter stemming) over the index rows, kept by triggers;
  `MATCH` of the quoted words, `bm25` (the title weighted 10, the body 1), `snippet()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection
from django.db.models import QuerySet

from boardkeeper.search.indexer import START, STOP
from boardkeeper.search.models import SearchEntry

TABLE = SearchEntry._meta.db_table
# the minutes first among equals: an item, then a decision, outranks an action or a meeting that says the
# same words (the question is most often 'what did we discuss')
BOOST = "(CASE kind WHEN 'item' THEN 1.5 WHEN 'decision' THEN 1.25 ELSE 1.0 END)"
_QUOTED = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Query:
    """The person's words: every word and phrase must match (AND). Phrases came in double quotes;
    punctuation and operators are dropped, so no input can be read as the engine's syntax."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text: str) -> Query:
        text = text[:500]
        phrases = tuple(p for p in (tuple(_WORD.findall(q)) for q in _QUOTED.findall(text)) if p)
        rest = _QUOTED.sub(" ", text).replace('"', " ")
        return cls(tuple(_WORD.findall(rest)), phrases)

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases

    @property
    def terms(self) -> list[str]:
        """Every word, in phrases or not, for highlighting a title."""
        return [*self.words, *(w for p in self.phrases for w in p)]

    def quoted(self) -> str:
        """Each word and phrase in double quotes (a word holds only letters and digits): as FTS5 reads a
        string, and as websearch_to_tsquery reads a phrase; juxtaposed, they are ANDed."""
        return " ".join([*(f'"{w}"' for w in self.words), *('"' + " ".join(p) + '"' for p in self.phrases)])


@dataclass(frozen=True, slots=True)
class Hit:
    entry: SearchEntry
    snippet: str  # with START/STOP around matches, not yet escaped


class Backend(Protocol):
    def search(
        self, query: Query, within: QuerySet[SearchEntry], offset: int, limit: int
    ) -> tuple[int, list[Hit]]: ...


def _within(within: QuerySet[SearchEntry]) -> tuple[str, tuple[Any, ...]]:
    sql, params = within.values("id").query.sql_with_params()
    return sql, tuple(params)


def _hits(rows: list[tuple[int, str]]) -> list[Hit]:
    entries = SearchEntry.objects.select_related("board").in_bulk([r[0] for r in rows])
    return [Hit(entries[pk], snippet or "") for pk, snippet in rows if pk in entries]


class PostgresBackend:
    MATCH = "document @@ websearch_to_tsquery('english', %s)"

    def search(
        self, query: Query, within: QuerySet[SearchEntry], offset: int, limit: int
    ) -> tuple[int, list[Hit]]:
        sub, sub_params = _within(within)
        q = query.quoted()
        where = f"{self.MATCH} AND id IN ({sub})"
        with connection.cursor() as cursor:
            # the page and the count in one pass (the rank reads the vectors only), then the snippets of the
            # page's rows alone
            cursor.execute(
                f"SELECT id, count(*) OVER () FROM {TABLE} WHERE {where} "
                f"ORDER BY ts_rank(document, websearch_to_tsquery('english', %s)) * {BOOST} DESC, "
                "date DESC NULLS LAST, id LIMIT %s OFFSET %s",
                (q, *sub_params, q, limit, offset),
            )
            page = cursor.fetchall()
            if not page:  # past the last page, or nothing: the count alone
                cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {where}", (q, *sub_params))
                return cursor.fetchone()[0], []
            count, ids = page[0][1], [r[0] for r in page]
            options = f'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
            cursor.execute(
                f"SELECT id, CASE WHEN body = '' THEN '' ELSE "
                f"ts_headline('english', body, websearch_to_tsquery('english', %s), %s) END "
                f"FROM {TABLE} WHERE id = ANY(%s)",
                (q, options, ids),
            )
            snippets = dict(cursor.fetchall())
        return count, _hits([(pk, snippets.get(pk, "")) for pk in ids])


class SqliteBackend:
    # FTS5 first, on its own: the matches and their bm25 (a MATERIALIZED CTE, so that SQLite does not drive
    # the query from the allowed rows and run the MATCH once for each of them: seconds instead of ms)
    MATCHES = (
        "WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(search_fts, 10.0, 1.0) AS score "
        "FROM search_fts WHERE search_fts MATCH %s) "
    )

    def search(
        self, query: Query, within: QuerySet[SearchEntry], offset: int, limit: int
    ) -> tuple[int, list[Hit]]:
        sub, sub_params = _within(within)
        q = query.quoted()
        boost = BOOST.replace("kind", "e.kind")
        with connection.cursor() as cursor:
            cursor.execute(
                f"{self.MATCHES}SELECT e.id, count(*) OVER () FROM m JOIN {TABLE} e ON e.id = m.id "
                f"WHERE e.id IN ({sub}) ORDER BY m.score * {boost}, e.date DESC, e.id LIMIT %s OFFSET %s",
                (q, *sub_params, limit, offset),
            )
            page = cursor.fetchall()
            if page:
                count = page[0][1]
            else:  # past the last page, or nothing: the count alone
                cursor.execute(
                    f"{self.MATCHES}SELECT count(*) FROM m JOIN {TABLE} e ON e.id = m.id WHERE e.id IN ({sub})",
                    (q, *sub_params),
                )
                return cursor.fetchone()[0], []
            ids = [r[0] for r in page]
            # the snippets of the page's rows alone
            cursor.execute(
                f"SELECT rowid, snippet(search_fts, 1, %s, %s, ' … ', 24) FROM search_fts "
                f"WHERE search_fts MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})",
                (START, STOP, q, *ids),
            )
            snippets = dict(cursor.fetchall())
        return count, _hits([(pk, snippets.get(pk, "")) for pk in ids])


def backend() -> Backend:
    """The engine of the database in use."""
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
