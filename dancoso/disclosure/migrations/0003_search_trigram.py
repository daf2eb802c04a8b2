"""PostgreSQL only: a trigram index backing the public full-text search of disclosures.

The public search (`public_views.search_publications`) filters `search_key__contains=…` once per word of the
query, which Django writes on PostgreSQL as `"disclosure_publication"."search_key"::text LIKE '%…%'`.
`search_key` (core.text.search_key of title, number and body: lower case, no diacritics) is already `text`, so
the cast is a no-op PostgreSQL drops when it parses the query, and a GIN index on the column with
`gin_trgm_ops` (pg_trgm) is the one the planner matches: a search among a province's publications reads the
few matching rows through the index (a BitmapAnd of one index scan per word) instead of scanning the table.
Words shorter than three letters are searched together with their neighbour so each piece has a trigram.

On SQLite (the embedded default) it does nothing: there the search scans, which is fine at a commune's size.

The index is built CONCURRENTLY (outside a transaction, `atomic = False`) so that creating it on a database
that already holds many publications does not block publishing while it builds; an interrupted build leaves an
invalid index, which is dropped and built again. `pg_trgm` is a trusted extension (PostgreSQL ≥ 13): the
database owner may create it without being a superuser. Same shape as petitions 0006.
"""

from django.db import migrations

INDEX = "disclosure_search_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [INDEX])
        found = cursor.fetchone()
    if found and not found[0]:  # a concurrent build that was interrupted leaves an invalid index behind
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
        "ON disclosure_publication USING gin (search_key gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("disclosure", "0002_seed_categories_and_rules")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
