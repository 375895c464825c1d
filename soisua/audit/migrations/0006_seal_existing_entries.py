"""Seal the entries written before the chains: all of them, in id order, on the national chain 0.

The append-only trigger is set aside on PostgreSQL for this one update (the migration runs as the table's owner).
Entries are read and written in slices, so a large trail does not have to fit in memory.
"""

from django.db import migrations

from soisua.audit.chain import GENESIS, NATIONAL, entry_hash

SLICE = 2000
FIELDS = ("id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_label", "changes")


def seal(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChain = apps.get_model("audit", "AuditChain")
    using = schema_editor.connection.alias
    postgres = schema_editor.connection.vendor == "postgresql"
    entries = AuditEntry.objects.using(using).filter(seq__isnull=True).order_by("id")
    if not entries.exists():
        return
    head = AuditChain.objects.using(using).filter(chain=NATIONAL).first()
    seq, previous = (head.seq, head.hash) if head else (0, GENESIS)
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
    last = 0
    while True:
        rows = list(entries.filter(id__gt=last).only(*FIELDS)[:SLICE])
        if not rows:
            break
        for row in rows:
            seq += 1
            row.chain, row.seq, row.previous_hash = NATIONAL, seq, previous
            row.hash = previous = entry_hash(NATIONAL, seq, previous, row.at, row.actor_id, row.actor_label,
                                             row.action, row.object_type, row.object_id, row.object_label,
                                             row.changes)
        AuditEntry.objects.using(using).bulk_update(rows, ["chain", "seq", "previous_hash", "hash"])
        last = rows[-1].id
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
    AuditChain.objects.using(using).update_or_create(chain=NATIONAL, defaults={"seq": seq, "hash": previous})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_chain_columns"),
    ]

    operations = [
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
