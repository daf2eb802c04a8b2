"""Two indexes for the staff inbox (docs/bench-petitions.md, "The inbox after session 3").

- `petitions_unit_id_idx` on (unit_id, id): the "all" list is ordered latest first (by id). Without it
  PostgreSQL walks the primary key backwards from the newest row of the whole table, past every other unit's
  rows, until it has a page of the scope's: ~51 × (units in the database) rows for a commune's short list.
  With it, a single unit's list is one backward range scan, and a scope of several units takes each unit's
  newest rows (`views._latest_by_unit`, index-only): the cost depends on the scope, not on the table.
- `petitions_open_due_idx` on (unit_id, due_on) for open petitions only (a few % of the rows): the overdue and
  due-soon counts scan it instead of (unit_id, state, due_on), where every unit × open state is a separate
  descent (a province: ~140 × 4); on 10^6 rows the two counts went from ~2.9 ms to ~0.9 ms.

Both are declared in `Petition.Meta.indexes`. On PostgreSQL they are built CONCURRENTLY (outside a
transaction, `atomic = False`) so that a database holding millions of petitions keeps taking intake while they
are built; an interrupted concurrent build leaves an invalid index, which is dropped and built again. Other
databases (SQLite) create them the ordinary way.
"""

from django.db import migrations, models

OPEN_STATES = ["accepted", "classified", "received", "verifying"]  # petitions.models.OPEN_STATES, sorted

INDEXES = [
    models.Index(fields=["unit", "id"], name="petitions_unit_id_idx"),
    models.Index(
        fields=["unit", "due_on"], condition=models.Q(state__in=OPEN_STATES), name="petitions_open_due_idx"
    ),
]


def _postgresql_index_sql(schema_editor, model, index) -> str:
    sql = str(index.create_sql(model, schema_editor, concurrently=True))
    return sql.replace("CREATE INDEX CONCURRENTLY", "CREATE INDEX CONCURRENTLY IF NOT EXISTS", 1)


def create_indexes(apps, schema_editor):
    model = apps.get_model("petitions", "Petition")
    if schema_editor.connection.vendor != "postgresql":
        for index in INDEXES:
            schema_editor.add_index(model, index)
        return
    for index in INDEXES:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [index.name])
            found = cursor.fetchone()
        if found and not found[0]:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")
        schema_editor.execute(_postgresql_index_sql(schema_editor, model, index))


def drop_indexes(apps, schema_editor):
    model = apps.get_model("petitions", "Petition")
    for index in INDEXES:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")
        else:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("petitions", "0006_inbox_search_trigram")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create_indexes, drop_indexes, elidable=False)],
            state_operations=[migrations.AddIndex(model_name="petition", index=index) for index in INDEXES],
        )
    ]
