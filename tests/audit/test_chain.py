"""The tamper-evident audit trail: entries written by the services, then tampered with in the database itself."""

import datetime
import io
import itertools
import threading
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection, transaction

from soisua.audit import jobs, services
from soisua.audit.chain import GENESIS, NATIONAL, hash_of
from soisua.audit.models import AuditAnchor, AuditChain, AuditEntry
from soisua.core.actors import SYSTEM
from soisua.notifications.scheduling import run_due
from soisua.org import services as org
from soisua.org.enums import MemberStatus
from soisua.org.models import Member, Unit

from ..factories import make_member, make_unit

POSTGRES = "connection.vendor != 'postgresql'"
# Forged rows: copies of a real row with a few values changed.
FORGE_AT_END = ("INSERT INTO audit_auditentry (at, actor_id, actor_label, action, object_type, object_id, "
                "object_label, changes, chain, seq, previous_hash, hash) SELECT at, actor_id, actor_label, "
                "'org.member.delete', object_type, object_id, object_label, changes, chain, %s, previous_hash, hash "
                "FROM audit_auditentry WHERE id = %s")
FORGE_ON_CHAIN = ("INSERT INTO audit_auditentry (at, actor_id, actor_label, action, object_type, object_id, "
                  "object_label, changes, chain, seq, previous_hash, hash) SELECT at, actor_id, actor_label, action, "
                  "object_type, object_id, object_label, changes, %s, 1, previous_hash, hash "
                  "FROM audit_auditentry WHERE id = %s")


def verify_audit(*anchors: str) -> tuple[bool, str]:
    """(clean, what the command printed)."""
    out = io.StringIO()
    arguments = [f"--anchor={digest}" for digest in anchors]
    try:
        call_command("verify_audit", *arguments, stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


@contextmanager
def tampering():
    """A cursor that may change audit rows, as the table's owner could (the append-only trigger set aside)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


def some_history(cast) -> Member:
    member = make_member(cast.cell, "Huỳnh Thị Mai")
    org.update_member(member, phone="0987654321", by=cast.users["secretary"])
    org.transfer_member(member, to_cell=cast.sibling_cell, reason="Chuyển nơi cư trú", by=cast.users["parent_staff"])
    org.change_member_status(member, status=MemberStatus.EXEMPT, reason="Tuổi cao", by=cast.users["parent_staff"])
    return member


def longest_chain() -> list[AuditEntry]:
    chain = AuditChain.objects.order_by("-seq").first().chain
    return list(AuditEntry.objects.filter(chain=chain).order_by("seq"))


def test_an_untouched_trail_verifies_clean(cast):
    some_history(cast)

    clean, printed = verify_audit()

    assert clean, printed
    entries = AuditEntry.objects.count()
    assert f"{entries:,} entries" in printed
    assert "The audit trail is intact" in printed


def test_each_entry_links_to_the_one_before_it(cast):
    some_history(cast)

    entries = longest_chain()

    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
    assert entries[0].previous_hash == GENESIS
    assert all(later.previous_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    assert all(entry.hash == hash_of(entry) for entry in entries)
    head = AuditChain.objects.get(chain=entries[0].chain)
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)


def test_values_read_back_hash_as_written(cast):
    # Whole floats come back from PostgreSQL as integers, keys sorted, tuples as lists, times in UTC.
    changes = {"z": [1.0, 1e100, 0.1, -0.0], "tên": "Nguyễn Văn Ánh ✓", "nested": {"b": (1, 2), "a": None},
               "flag": True, 7: "seven"}
    with transaction.atomic():
        services.record(SYSTEM, "org.member.update", cast.members["member"], changes)
    at = datetime.datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    services.record_many(SYSTEM, "org.member.update", [(cast.members["other"], {"n": 2.5})], at=at)

    clean, printed = verify_audit()

    assert clean, printed


def test_an_edited_field_is_named(cast):
    some_history(cast)
    entries = longest_chain()
    target = entries[len(entries) // 2]
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["someone else", target.pk])

    clean, printed = verify_audit()

    assert not clean
    assert f"entry {target.pk} (chain {target.chain}, seq {target.seq}) was edited" in printed
    assert "1 problem(s)" in printed


def test_an_edited_change_is_named(cast):
    member = some_history(cast)
    target = AuditEntry.objects.filter(object_id=str(member.pk), action="org.member.status").get()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET changes = %s WHERE id = %s",
                       ['{"status": ["official", "official"]}', target.pk])

    clean, printed = verify_audit()

    assert not clean
    assert f"entry {target.pk} (chain {target.chain}, seq {target.seq}) was edited" in printed


def test_a_deleted_middle_entry_is_named(cast):
    some_history(cast)
    entries = longest_chain()
    before, deleted, after = entries[4], entries[5], entries[6]
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [deleted.pk])

    clean, printed = verify_audit()

    assert not clean
    assert (f"entries after seq {before.seq} in chain {before.chain} are missing (deleted): next found is seq "
            f"{after.seq} / id {after.pk}") in printed
    assert "1 problem(s)" in printed


def test_a_deleted_last_entry_is_caught_by_the_head(cast):
    some_history(cast)
    entries = longest_chain()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])

    clean, printed = verify_audit()

    assert not clean
    assert f"chain {entries[-1].chain} ends at seq {entries[-2].seq} but its head says {entries[-1].seq}" in printed


def test_a_deleted_last_entry_with_its_head_edited_is_caught_by_the_anchor(cast):
    some_history(cast)
    anchor = jobs.anchor()
    entries = longest_chain()
    last, kept = entries[-1], entries[-2]
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
        cursor.execute("UPDATE audit_auditchain SET seq = %s, hash = %s WHERE chain = %s",
                       [kept.seq, kept.hash, kept.chain])

    clean, printed = verify_audit(anchor.digest)

    assert not clean
    assert (f"chain {last.chain} has no entry at seq {last.seq}, which the anchor of {anchor.period} holds"
            in printed)
    assert "head says" not in printed


def test_a_truncation_after_the_last_anchor_with_its_head_edited_goes_unseen(cast):
    # What the anchors cannot catch (docs/security.md): the entries written since the last anchor.
    some_history(cast)
    jobs.anchor()
    org.update_member(cast.members["other"], phone="0911111111", by=SYSTEM)
    entries = longest_chain()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
        cursor.execute("UPDATE audit_auditchain SET seq = %s, hash = %s WHERE chain = %s",
                       [entries[-2].seq, entries[-2].hash, entries[-2].chain])

    clean, printed = verify_audit()

    assert clean, printed


def test_a_forged_entry_is_named(cast):
    some_history(cast)
    entries = longest_chain()
    copied, last = entries[3], entries[-1]
    with tampering() as cursor:
        # A copy of an older entry appended at the end, with the head moved to it.
        cursor.execute(FORGE_AT_END, [last.seq + 1, copied.pk])
        cursor.execute("UPDATE audit_auditchain SET seq = %s, hash = %s WHERE chain = %s",
                       [last.seq + 1, copied.hash, last.chain])
    forged = AuditEntry.objects.get(chain=last.chain, seq=last.seq + 1)

    clean, printed = verify_audit()

    assert not clean
    assert f"entry {forged.pk} (chain {last.chain}, seq {last.seq + 1}) was inserted (does not link)" in printed
    assert "1 problem(s)" in printed


def test_an_entry_forged_on_a_chain_of_its_own_is_named(cast):
    some_history(cast)
    copied = longest_chain()[2]
    with tampering() as cursor:
        cursor.execute(FORGE_ON_CHAIN, [987654, copied.pk])
    forged = AuditEntry.objects.get(chain=987654)

    clean, printed = verify_audit()

    assert not clean
    assert f"entry {forged.pk} (chain 987654, seq 1) was inserted: chain 987654 has no head" in printed


def test_an_edited_anchor_is_named(cast):
    some_history(cast)
    anchor = jobs.anchor(period="2026-11-19")
    jobs.anchor(period="2026-11-20")
    AuditAnchor.objects.filter(pk=anchor.pk).update(heads={})

    clean, printed = verify_audit()

    assert not clean
    assert "anchor 2026-11-19 was edited" in printed


def test_a_deleted_anchor_kept_off_site_is_named(cast):
    some_history(cast)
    kept = jobs.anchor(period="2026-11-19").digest
    AuditAnchor.objects.all().delete()

    clean, printed = verify_audit(kept)

    assert not clean
    assert f"no anchor has the digest {kept} kept off-site" in printed


def test_the_anchor_job_writes_one_anchor_per_period(cast):
    some_history(cast)

    first = run_due(only="audit.anchor")
    again = run_due(only="audit.anchor")
    twice = jobs.anchor()

    assert len(first) == 1 and again == []
    anchor = AuditAnchor.objects.get()
    assert twice.pk == anchor.pk
    assert anchor.digest in first[0][2]
    heads = {str(chain): [seq, hash_] for chain, seq, hash_ in AuditChain.objects.values_list("chain", "seq", "hash")}
    assert anchor.heads == heads and anchor.previous_digest == GENESIS


def test_each_anchor_carries_the_digest_of_the_one_before(cast):
    earlier = jobs.anchor(period="2026-11-19")
    org.update_member(cast.members["other"], phone="0911111111", by=SYSTEM)

    later = jobs.anchor(period="2026-11-20")

    assert later.previous_digest == earlier.digest
    assert later.heads != earlier.heads
    clean, printed = verify_audit(earlier.digest, later.digest)
    assert clean, printed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_entries_go_to_their_provinces_chain(cast):
    # Each service call is its own transaction here: its entries join the chain of its object's province.
    second = make_unit(None, "province", "Tỉnh ủy Thứ hai", code="T2")
    commune = make_unit(second, "commune", "Đảng ủy xã Một", code="T2-M")
    cell = make_unit(commune, "cell", "Chi bộ Một", code="T2-M-1")

    far = make_member(cell, "Đỗ Văn Xa")
    near = make_member(cast.cell, "Võ Thị Gần")

    assert AuditEntry.objects.filter(object_id=str(far.pk), object_type="org.member").get().chain == second.pk
    assert AuditEntry.objects.filter(object_id=str(near.pk), object_type="org.member").get().chain == cast.province.pk
    assert AuditEntry.objects.filter(object_type="accounts.user").exclude(chain=NATIONAL).count() == 0
    clean, printed = verify_audit()
    assert clean, printed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_many_chains_every_entry_with_one_head_update(cast, django_assert_max_num_queries):
    members = list(Member.objects.filter(province=cast.province))
    items = [(members[i % len(members)], {"row": [None, i]}) for i in range(5000)]
    head = AuditChain.objects.get(chain=cast.province.pk)

    with django_assert_max_num_queries(10), transaction.atomic():
        written = services.record_many(SYSTEM, "org.member.import", items)

    assert written == 5000
    entries = list(AuditEntry.objects.filter(action="org.member.import").order_by("seq"))
    assert {entry.chain for entry in entries} == {cast.province.pk}
    assert [entry.seq for entry in entries] == list(range(head.seq + 1, head.seq + 5001))
    assert entries[0].previous_hash == head.hash
    assert AuditChain.objects.get(chain=cast.province.pk).hash == entries[-1].hash
    clean, printed = verify_audit()
    assert clean, printed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_writes_to_the_chain_of_its_first_entry(cast):
    with transaction.atomic():
        services.record(SYSTEM, "org.unit.update", cast.cell, {})
        services.record(SYSTEM, "accounts.user.update", cast.users["member"], {})
    services.record(SYSTEM, "accounts.user.update", cast.users["member"], {})

    inside, after = AuditEntry.objects.filter(action="accounts.user.update").order_by("id")

    assert inside.chain == cast.province.pk
    assert after.chain == NATIONAL


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_savepoint_gives_its_chain_back(cast):
    with transaction.atomic():
        try:
            with transaction.atomic():
                services.record(SYSTEM, "org.unit.update", cast.cell, {})
                raise RuntimeError
        except RuntimeError:
            pass
        services.record(SYSTEM, "accounts.user.update", cast.users["member"], {})

    entry = AuditEntry.objects.get(action="accounts.user.update")
    assert entry.chain == NATIONAL
    assert not AuditEntry.objects.filter(action="org.unit.update").exists()
    clean, printed = verify_audit()
    assert clean, printed


@pytest.mark.skipif(POSTGRES, reason="row locks across connections need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_provinces_written_at_once_in_opposite_orders_do_not_deadlock(cast):
    # Each thread writes about both provinces in one transaction, in opposite orders, each pausing after its
    # first entry until the other has written its own: locking one head per entry would deadlock here.
    second = make_unit(None, "province", "Tỉnh ủy Thứ hai", code="T2")
    first = Unit.objects.get(pk=cast.province.pk)
    both_started = threading.Barrier(2, timeout=10)
    failures = []

    def write(one: Unit, other: Unit, rounds: int) -> None:
        try:
            for number in range(rounds):
                with transaction.atomic():
                    services.record(SYSTEM, "org.unit.update", one, {"round": [None, number]})
                    if number == 0:
                        both_started.wait()
                    services.record(SYSTEM, "org.unit.update", other, {"round": [None, number]})
        except Exception as error:  # reported by the assertion below
            failures.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(first, second, 20)),
               threading.Thread(target=write, args=(second, first, 20))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert AuditEntry.objects.filter(action="org.unit.update").count() == 80
    assert AuditEntry.objects.filter(action="org.unit.update", chain=second.pk).count() == 40
    assert AuditEntry.objects.filter(action="org.unit.update", chain=first.pk).count() == 40
    clean, printed = verify_audit()
    assert clean, printed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_entries_written_before_the_chains_are_sealed_on_upgrade(cast):
    some_history(cast)
    call_command("migrate", "audit", "0004_actor_newest", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_auditentry (at, actor_id, actor_label, action, object_type, object_id, "
                       "object_label, changes) VALUES (%s, NULL, 'system', 'org.unit.update', 'org.unit', %s, "
                       "'Chi bộ Thôn 1', %s)",
                       [datetime.datetime(2025, 3, 1, 8, 30, 15, 250000, tzinfo=datetime.UTC), str(cast.cell.pk),
                        '{"name": ["Chi bộ 1", "Chi bộ Thôn 1"], "size": 1.0}'])
        cursor.execute("SELECT COUNT(*) FROM audit_auditentry")
        written = cursor.fetchone()[0]

    call_command("migrate", "audit", verbosity=0)

    entries = list(AuditEntry.objects.order_by("id"))
    assert len(entries) == written
    assert [(entry.chain, entry.seq) for entry in entries] == [(NATIONAL, seq) for seq in range(1, written + 1)]
    assert AuditChain.objects.get(chain=NATIONAL).hash == entries[-1].hash
    clean, printed = verify_audit()
    assert clean, printed
    services.record(SYSTEM, "org.unit.update", cast.cell, {})
    clean, printed = verify_audit()
    assert clean, printed
