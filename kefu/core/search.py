"""Search by words (issue 11): Chinese text cut into words with jieba, stored beside the
record (`search_words`) and indexed by the database — PostgreSQL full-text search (the
`simple` configuration over the cut words, a GIN index) and SQLite FTS5 in the embedded
center. Queries are cut the same way and every word must match.

A model searched by words inherits `Searchable` (its `search_words` are refreshed on every
save), gets its index from a migration (`index_operation`: a GIN index on PostgreSQL, an
FTS5 table kept by triggers on SQLite), and is filtered with `matching`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, models
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from kefu.core.inputs import plain

MAX_WORDS = 12  # words of one query that are kept
_SPLIT = re.compile(r"[\W_]+", re.UNICODE)
_jieba: Any = None


def jieba_cutter() -> Any:
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    return _jieba


def _plain(text: str) -> str:
    """What a person meant to type (core.inputs.plain), in lower case."""
    return plain(text or "").lower()


def words_of(*texts: str | None) -> str:
    """The words of `texts` for the index: jieba's search cut (whole words and their parts),
    in order and as often as they occur (how often counts in the ranking)."""
    out: list[str] = []
    for text in texts:
        for word in jieba_cutter().cut_for_search(_plain(text or "")):
            out.extend(part for part in _SPLIT.split(word) if part)
    return " ".join(out)


def query_words(q: str) -> list[str]:
    """The words of a query, as the index holds them (spaces inside a name are ignored:
    "王 阳" is 王阳)."""
    text = _plain(q)
    joined = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)
    out: list[str] = []
    for word in jieba_cutter().cut(joined):
        for part in _SPLIT.split(word):
            if part and part not in out:
                out.append(part)
    return out[:MAX_WORDS]


class Searchable(models.Model):
    """A model searched by words: `SEARCHED` names the text fields whose words are kept in
    `search_words`, refreshed on every save that touches them."""

    SEARCHED: tuple[str, ...] = ()
    search_words = models.TextField(blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or set(fields) & set(self.SEARCHED):
            self.search_words = words_of(*(str(getattr(self, f) or "") for f in self.SEARCHED))
            if fields is not None:
                kwargs["update_fields"] = {*fields, "search_words"}
        super().save(*args, **kwargs)


def index_statements(table: str, vendor: str) -> tuple[list[str], list[str]]:
    """The word index of `table` and how to remove it: PostgreSQL a GIN index on the same
    expression `matching` filters on; SQLite an FTS5 table kept by triggers."""
    if vendor == "postgresql":
        return (
            [
                f"CREATE INDEX IF NOT EXISTS {table}_words ON {table} USING gin "
                f"(to_tsvector('simple'::regconfig, COALESCE(search_words, '')))"
            ],
            [f"DROP INDEX IF EXISTS {table}_words"],
        )
    if vendor != "sqlite":
        return [], []
    fts = f"{table}_fts"
    return (
        [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_words, "
            f"content='{table}', content_rowid='id', tokenize='unicode61')",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, search_words) VALUES (new.id, new.search_words); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_words) "
            f"VALUES ('delete', old.id, old.search_words); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_words ON {table} "
            f"BEGIN INSERT INTO {fts}({fts}, rowid, search_words) "
            f"VALUES ('delete', old.id, old.search_words); "
            f"INSERT INTO {fts}(rowid, search_words) VALUES (new.id, new.search_words); END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ],
        [f"DROP TRIGGER IF EXISTS {fts}_{t}" for t in ("ai", "ad", "au")]
        + [f"DROP TABLE IF EXISTS {fts}"],
    )


def recent_index_operation(table: str, flag: str) -> Any:
    """A migration operation: on PostgreSQL, a second word index holding only the rows whose
    boolean `flag` is true (a large table's recent rows, searched first: their posting lists
    are a fraction of the whole table's). SQLite's one FTS5 table serves both."""
    from django.db import migrations

    name = f"{table}_words_{flag}"

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin "
                f"(to_tsvector('simple'::regconfig, COALESCE(search_words, ''))) WHERE {flag}"
            )
        else:  # adding the flag rebuilt the SQLite table, and its triggers went with it
            for sql in index_statements(table, schema_editor.connection.vendor)[0]:
                schema_editor.execute(sql)

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(forwards, backwards)


def index_operation(app_model: str, table: str, fields: tuple[str, ...]) -> Any:
    """A migration operation: fill `search_words` of the existing rows, then build the
    database's word index."""
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(*app_model.split("."))
        batch = []
        for row in model.objects.only("id", *fields).iterator(chunk_size=2000):
            row.search_words = words_of(*(str(getattr(row, f) or "") for f in fields))
            batch.append(row)
            if len(batch) >= 2000:
                model.objects.bulk_update(batch, ["search_words"])
                batch = []
        model.objects.bulk_update(batch, ["search_words"])
        for sql in index_statements(table, schema_editor.connection.vendor)[0]:
            schema_editor.execute(sql)

    def backwards(apps: Any, schema_editor: Any) -> None:
        for sql in index_statements(table, schema_editor.connection.vendor)[1]:
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)


RANK_AT_MOST = 1000  # matches ranked by relevance; a commoner query lists the newest first


def matching(
    qs: QuerySet[Any],
    q: str,
    *,
    rank: bool = True,
    newest: tuple[str, ...] = ("-id",),
    any_word: bool = False,
) -> QuerySet[Any]:
    """The rows of `qs` whose words hold every word of `q`. With `rank`, the best matches
    first (PostgreSQL ts_rank, SQLite bm25) when there are at most RANK_AT_MOST of them; a
    query that matches more (a common word like 异响) lists the newest first instead —
    ranking tens of thousands of rows would cost a second, and the agent then adds a word.
    `newest` is that order (an index the caller has for it: the recent contacts' time).
    With `any_word`, a row holding any one of the words matches (unranked: the caller
    orders). An empty query matches nothing."""
    words = query_words(q)
    if not words:
        return qs.none()
    table = qs.model._meta.db_table
    if connection.vendor == "postgresql":
        joint = " | " if any_word else " & "
        query = SearchQuery(joint.join(_pg_quote(w) for w in words), config="simple",
                            search_type="raw")  # fmt: skip
        found = qs.annotate(_words=SearchVector("search_words", config="simple")).filter(
            _words=query
        )
        if not rank or any_word:
            return found
        matches = _estimate(found)  # the planner's guess first: no rows are read
        # a guess far below the bound is trusted (even four times too low it stays within
        # RANK_AT_MOST); near it, the matches are counted up to the bound first
        if matches <= RANK_AT_MOST // 4 or (matches <= 2 * RANK_AT_MOST and _few(found)):
            # F(): a bare name would be wrapped in a second to_tsvector and lose the counts
            return found.annotate(_rank=SearchRank(F("_words"), query)).order_by("-_rank", "-id")
        rows = _estimate(qs)  # the rows searched (a table, or its recent part)
        if matches * matches < 300 * rows:
            # rare among many rows: read the matches through the word index and keep the
            # newest (id + 0 keeps the planner off walking the table backwards by id) —
            # only among the newest rows that should hold about twice RANK_AT_MOST of them
            span = int(rows * 2 * RANK_AT_MOST / max(matches, 1))
            if span < rows:
                ids = qs.model._base_manager.order_by("-id").values_list("id", flat=True)
                found = found.filter(id__gt=(ids.first() or 0) - max(span, 20_000))
            return found.order_by((F("id") + 0).desc())
        return found.order_by(*newest)  # a common word: the newest rows soon hold it
    joint = " OR " if any_word else " AND "
    match = joint.join('"' + w.replace('"', '""') + '"' for w in words)
    found = qs.filter(
        id__in=RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [match])
    )
    if rank and not any_word and _few(found):
        ranked = RawSQL(
            f"(SELECT bm25({table}_fts) FROM {table}_fts "
            f"WHERE {table}_fts MATCH %s AND rowid = {table}.id)",
            [match],
        )
        return found.annotate(_rank=ranked).order_by("_rank", "-id")
    return found.order_by("-id") if rank else found


def _estimate(found: QuerySet[Any]) -> int:
    """PostgreSQL's own estimate of how many rows match (EXPLAIN: no rows are read)."""
    sql, params = found.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _few(found: QuerySet[Any]) -> bool:
    """At most RANK_AT_MOST matches (one bounded query)."""
    return len(found.order_by().values_list("id", flat=True)[: RANK_AT_MOST + 1]) <= RANK_AT_MOST


def _pg_quote(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"
