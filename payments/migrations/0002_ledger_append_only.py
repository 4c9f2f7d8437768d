"""The database itself refuses UPDATE and DELETE on ledger postings and transactions."""

from django.db import migrations

from atelier.db import VendorRunSQL

TABLES = ("payments_posting", "payments_ledgertransaction")

SQLITE_UP = [
    f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
    BEGIN SELECT RAISE(ABORT, 'ledger is append-only: {table} rows cannot be {verb}'); END;"""
    for table in TABLES
    for op, verb in (("UPDATE", "updated"), ("DELETE", "deleted"))
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {table}_no_{op};" for table in TABLES for op in ("update", "delete")
]

PG_UP = [
    """CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger is append-only: % rows cannot be %', TG_TABLE_NAME, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;""",
    *[
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();"""
        for table in TABLES
    ],
]
PG_DOWN = [
    *[f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES],
    "DROP FUNCTION IF EXISTS payments_ledger_append_only();",
]


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        VendorRunSQL("sqlite", SQLITE_UP, SQLITE_DOWN),
        VendorRunSQL("postgresql", PG_UP, PG_DOWN),
    ]
