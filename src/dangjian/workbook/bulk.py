"""Insert many rows without a model instance each: the writes of a province import.

``Model.objects.bulk_create`` builds an instance per row, then asks every field of every
instance for its database value: at a province's 620,000 rows that was half of an
import's time (each row paid for ``Model.__init__`` and a dozen ``get_db_prep_save``
calls). :func:`insert_rows` takes plain tuples for the named fields and prepares each
column once per kind: Django's own text, number, boolean and foreign-key fields go in as
they are, dates through the backend's adapter, every other field (a subclass, a custom
field) through its own ``get_db_prep_save``, exactly as ``bulk_create`` would. The fields
left out get what a new instance would have: ``auto_now``/``auto_now_add`` stamps and
defaults, computed once per call. Like ``bulk_create`` it sends no signals and skips
``save()``.
"""

import json
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import connection, models
from django.utils import timezone

# Fields whose Python value is already what the database adapter takes (exact classes only:
# a subclass may prepare its values, e.g. an encrypted field).
_AS_IS = {
    models.CharField, models.TextField, models.SlugField, models.EmailField, models.URLField,
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
    models.PositiveBigIntegerField, models.PositiveSmallIntegerField, models.BooleanField,
    models.AutoField, models.BigAutoField,
}
_STATEMENT_ROWS = 2000


def _preparer(field):
    """A function giving ``field``'s database value for a Python value, or None when it is that value."""
    if type(field) in _AS_IS:
        return None
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return _preparer(field.target_field)
    if type(field) is models.DateField:
        # PostgreSQL's rows go as JSON, whose encoder writes a date as ISO text (its adapter changes nothing).
        return None if connection.vendor == "postgresql" else connection.ops.adapt_datefield_value
    if type(field) is models.JSONField and field.encoder is None and connection.vendor == "postgresql":
        return None  # the rows' JSON document carries the value itself
    return lambda value: field.get_db_prep_save(value, connection)


def _pg_type(field):
    kind = field.db_type(connection).split("(")[0]
    if kind not in _JSON_CASTS:
        raise TypeError(f"insert_rows: {field} 的类型 {kind} 不能从 JSON 取值")
    return kind


# PostgreSQL column types a JSON document's values are cast to (the text of a JSON string or number).
_JSON_CASTS = {"bigint", "integer", "smallint", "varchar", "text", "date", "timestamp with time zone",
               "boolean", "jsonb", "double precision", "numeric", "uuid"}


def _encode(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    raise TypeError(f"insert_rows: {type(value).__name__} 不能写入 JSON")


def _json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_encode)


def _document(rows):
    return _json(list(rows))


def among(column, values):
    """A condition for ``WHERE``: the SQL ``column`` is one of ``values`` (ids), as one parameter
    however many they are (an array on PostgreSQL, a JSON text on SQLite, whose placeholders are
    limited): a :class:`~django.db.models.expressions.RawSQL`, for ``filter()``. ``column`` is
    pasted into the SQL as it is: the code's own ``table.column``, never anything a user typed."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    values = sorted(set(values))
    if connection.vendor == "postgresql":
        return RawSQL(f"{column} = ANY(%s::bigint[])", [values], output_field=BooleanField())
    return RawSQL(f"{column} IN (SELECT value FROM json_each(%s))", [_json(values)], output_field=BooleanField())


def rows_table(columns, rows):
    """(FROM-clause SQL, params): ``rows`` (sequences in the order of ``columns`` = [(name, PostgreSQL
    type)]) as a table ``v``, for an ``INSERT … SELECT`` of thousands of rows (to change rows, see
    :func:`update_rows`: a join with such a table can be planned badly).

    The rows travel as one JSON text, taken apart by ``jsonb_array_elements`` (PostgreSQL) or
    ``json_each`` (SQLite): two parameters per statement, not one per value.
    """
    if connection.vendor == "postgresql":
        picks = ", ".join(f"NULLIF(e -> {i}, 'null'::jsonb) AS {name}" if kind == "jsonb" else
                          f"(e ->> {i})::{kind} AS {name}" for i, (name, kind) in enumerate(columns))
        return f"(SELECT {picks} FROM jsonb_array_elements(%s::jsonb) AS e) AS v", [_document(rows)]
    picks = ", ".join(f"json_extract(value, '$[{i}]') AS {name}" for i, (name, _) in enumerate(columns))
    return f"(SELECT {picks} FROM json_each(%s)) AS v", [_document(rows)]


def update_rows(model, fields, rows, key=None, where="", where_params=()):
    """Set ``fields`` (attribute names) of the rows of ``model`` whose ``key`` (an attribute name, the
    primary key by default) is in ``rows``: {key value: values in the order of ``fields``}. Returns
    how many rows changed. ``where``: more SQL conditions on the table (``"kind = %s"``).

    One statement however many rows. On PostgreSQL the values travel as one JSON object keyed by the
    key, which each row looks its values up in, the rows found by the key's index (``= ANY``): no
    join, so no plan to go wrong (an ``UPDATE … FROM`` a table of values let PostgreSQL, when the
    target's statistics said it was small, rows written moments ago, rescan the values for every
    row: a second for 2,000 notices).
    """
    if not rows:
        return 0
    opts = model._meta
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    key_field = opts.pk if key is None else opts.get_field(key)
    key_column = f"{table}.{quote(key_field.column)}"
    targets = [opts.get_field(name) for name in fields]
    preparers = [_preparer(f) for f in targets]
    doc = {str(k): [v if p is None else p(v) for p, v in zip(preparers, values)] for k, values in rows.items()}
    keys = list(rows)
    if connection.vendor == "postgresql":
        sets = ", ".join(
            f"{quote(f.column)} = NULLIF(d.doc -> {key_column}::text -> {i}, 'null'::jsonb)" if _pg_type(f) == "jsonb"
            else f"{quote(f.column)} = (d.doc -> {key_column}::text ->> {i})::{_pg_type(f)}"
            for i, f in enumerate(targets))
        sql = (f"UPDATE {table} SET {sets} FROM (SELECT %s::jsonb AS doc) AS d "
               f"WHERE {key_column} = ANY(%s::{_pg_type(key_field.target_field if key_field.is_relation else key_field)}[])")
        params = [_json(doc), keys]
    else:
        # SQLite before 3.45 parses a JSON text anew at each json_extract: the rows go as a table
        # (json_each, once), joined on the key, which SQLite's planner indexes on the fly.
        source, params = rows_table([("k", "")] + [(f"c{i}", "") for i in range(len(targets))],
                                    [(k, *v) for k, v in zip(keys, doc.values())])
        sets = ", ".join(f"{quote(f.column)} = v.c{i}" for i, f in enumerate(targets))
        sql = f"UPDATE {table} SET {sets} FROM {source} WHERE {key_column} = v.k"
    if where:
        sql += f" AND ({where})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *where_params])
        return cursor.rowcount


def _max_params():
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535  # PostgreSQL's wire protocol: a statement's parameters are counted in 16 bits


def insert_rows(model, fields, rows, returning=False):
    """Insert ``rows`` (sequences of values for ``fields``, attribute names such as
    ``organization_id``) into ``model``'s table; with ``returning``, return the new primary
    keys (``RETURNING``, on SQLite ≥ 3.35 and PostgreSQL alike; as a list in no promised order)."""
    if not rows:
        return []
    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    given_names = {f.attname for f in given}
    now = timezone.now()
    # The other concrete fields, as a new instance would have them (the key is the database's).
    fixed, per_row = [], []  # (field, its one value); fields whose default is a callable
    for field in opts.concrete_fields:
        if field.primary_key or field.attname in given_names:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now.date() if type(field) is models.DateField else now
        elif field.has_default() and callable(field.default):
            per_row.append(field)
            continue
        else:
            value = field.get_default()
        fixed.append((field, field.get_db_prep_save(value, connection)))
    varying = [*given, *per_row]  # a value per row
    preparers = [_preparer(f) for f in given]
    plain = all(p is None for p in preparers)
    tail = [v for _, v in fixed]  # the same for every row

    def prepared(row):
        values = tuple(row) if plain else tuple(v if p is None else p(v) for p, v in zip(preparers, row))
        if per_row:
            return (*values, *(f.get_db_prep_save(f.get_default(), connection) for f in per_row))
        return values

    quote = connection.ops.quote_name
    columns = [*varying, *(f for f, _ in fixed)]
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
    back = f" RETURNING {quote(opts.pk.column)}" if returning else ""
    if connection.vendor == "postgresql":
        # The rows as one JSON document per statement, taken apart by jsonb_array_elements: a statement of
        # a few parameters whatever the rows, encoded by the json module's C code (an array per column, as
        # Django's bulk_create sends, is dumped element by element in Python: twice as slow for wide rows).
        types = [_pg_type(f) for f in varying]
        source, _ = rows_table([(f"c{i}", t) for i, t in enumerate(types)], [])
        sql = (head + f"SELECT {', '.join([f'v.c{i}' for i in range(len(varying))] + ['%s'] * len(tail))} "
               f"FROM {source}" + back)
        per_statement = _STATEMENT_ROWS * 5
        statements = ((sql, [*tail, _document(map(prepared, rows[start:start + per_statement]))])
                      for start in range(0, len(rows), per_statement))
    else:
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, min(_STATEMENT_ROWS, _max_params() // len(columns)))

        def statement(chunk):
            return (head + "VALUES " + ", ".join([one] * len(chunk)) + back,
                    [value for row in chunk for value in (*prepared(row), *tail)])
        statements = (statement(rows[start:start + per_statement]) for start in range(0, len(rows), per_statement))
    ids = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids
