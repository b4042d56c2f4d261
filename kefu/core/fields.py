"""Model fields shared by apps."""

from django.db import models


class KeyField(models.CharField):
    """A search key compared byte-wise, so prefix ranges use a plain b-tree index.

    On PostgreSQL the column gets the "C" collation whatever the database's locale
    (zh_CN.UTF-8 would sort by pinyin and break `key >= q AND key < q || U+10FFFF`);
    SQLite's default BINARY collation already compares byte-wise.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            # Spelled out so Django skips its extra varchar_pattern_ops "_like" index: with
            # the C collation the plain b-tree index already answers prefix ranges.
            return f"character varying({self.max_length})"
        return super().db_type(connection)

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


PREFIX_END = "\U0010ffff"


def prefix_range(field: str, prefix: str) -> dict:
    """ORM filter kwargs for "starts with `prefix`" that an index on `field` answers."""
    return {f"{field}__gte": prefix, f"{field}__lt": prefix + PREFIX_END}
