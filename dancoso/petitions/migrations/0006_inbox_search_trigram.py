"""PostgreSQL only: a trigram index backing the inbox's text search.

The inbox (and its export) search with `search_key__contains=…`, which Django writes on PostgreSQL as
`"petitions_petition"."search_key"::text LIKE '%…%'`. `search_key` is already `text`, so the cast is a no-op
that PostgreSQL drops when it parses the query, and a GIN index on the column with `gin_trgm_ops` (pg_trgm) is
the one the planner matches: a search in a province's million petitions reads the few matching rows through the
index instead of scanning the table (EXPLAIN in docs/bench-petitions.md). `tracking_code = …`, the other half
of the search, already has its unique index, so the planner combines both with a BitmapOr.

On SQLite (the embedded default) it does nothing: there the search scans, which is fine at a commune's size.

The index is built CONCURRENTLY (outside a transaction, `atomic = False`) so that creating it on a database
that already holds millions of petitions does not block intake for the minutes it takes. `pg_trgm` is a trusted
extension (PostgreSQL ≥ 13): the database owner may create it without being a superuser.

Numbered 0006, not 0003 as first planned: 0004 and 0005 were written at the same time and are already applied
to existing databases (the petitions benchmark's among them), so this one must come after them; a 0003 placed
before 0004 would make those databases fail `migrate` with an inconsistent history.
"""

from django.db import migrations

INDEX = "petitions_search_trgm_idx"


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
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON petitions_petition USING gin (search_key gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("petitions", "0005_complaint_filing_limit")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
