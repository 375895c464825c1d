"""`backup` and `restore` (soisua/core/backup.py): an installation backed up and restored into a fresh empty database
and media folder is the same, row for row and byte for byte; a damaged archive or a target that is not empty is
refused before anything is written. On SQLite the restore goes into another database file, on PostgreSQL into a
second database of the same server."""

import datetime
import io
import json
import sqlite3
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from soisua import cli
from soisua.core import backup
from soisua.demo.loader import load_demo
from soisua.documents import services as documents
from soisua.documents.models import ExportJob
from soisua.org.models import CellMembership, Member, MemberStatusChange
from soisua.reviews.models import Feedback
from tests.factories import make_member, make_unit

# The backup reads committed rows, as it does in production; the rows the migrations wrote are put back after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Target:
    """A fresh empty database and media folder to restore into: another SQLite file, or another PostgreSQL
    database on the test server (dropped at the end)."""

    def __init__(self, tmp_path: Path):
        self.opened = []
        self.media = tmp_path / "restored-media"
        self.engine = connection.vendor
        if self.engine == "sqlite":
            self.database = {"NAME": str(tmp_path / "restored.sqlite3")}
        else:
            self.database = {**connection.settings_dict, "NAME": f"{connection.settings_dict['NAME']}_restore_"
                                                                 f"{uuid.uuid4().hex[:8]}"}
            with backup._pg_connect(connection.settings_dict, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.database["NAME"]}"')

    def drop(self) -> None:
        for opened in self.opened:
            opened.close()
        if self.engine == "postgresql":
            with backup._pg_connect(connection.settings_dict, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.database["NAME"]}" WITH (FORCE)')

    def restore(self, archive: Path) -> backup.RestoreResult:
        return backup.restore_backup(archive, database=self.database, engine=self.engine, media=self.media)

    def cursor_of(self):
        """A cursor on the restored database, reading values as the source's cursor does."""
        if self.engine == "sqlite":
            opened = sqlite3.connect(self.database["NAME"], detect_types=sqlite3.PARSE_DECLTYPES
                                     | sqlite3.PARSE_COLNAMES)
        else:
            opened = backup._pg_connect(self.database, autocommit=True)
        self.opened.append(opened)
        return opened.cursor()

    def source_cursor(self):
        """A cursor on the database the tests write to."""
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            return connection.connection.cursor()
        opened = backup._pg_connect(connection.settings_dict, autocommit=True)
        self.opened.append(opened)
        return opened.cursor()


@pytest.fixture
def target(tmp_path):
    made = Target(tmp_path)
    yield made
    made.drop()


def tables_of(cursor) -> dict[str, list[tuple]]:
    """Every table's rows, all columns, ordered by the first column (the primary key) and then by the whole row."""
    names = backup._sqlite_tables(cursor) if connection.vendor == "sqlite" else backup._pg_tables(cursor)
    result = {}
    for name in sorted(names):
        cursor.execute(f'SELECT * FROM "{name}" ORDER BY 1')  # noqa: S608 - table names from the catalogue
        result[name] = sorted(cursor.fetchall(), key=lambda row: (row[0], repr(row)))
    return result


def files_of(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file()}


def new_id(cursor) -> int:
    cursor.execute("INSERT INTO django_content_type (app_label, model) VALUES ('backup', 'check') RETURNING id")
    return cursor.fetchone()[0]


def max_id(cursor) -> int:
    cursor.execute("SELECT MAX(id) FROM django_content_type")
    return cursor.fetchone()[0]


@pytest.fixture
def installation(cast, settings):
    """The cast and a roster export written by the background job (a stored file named by a row)."""
    documents.start_export(kind="documents.roster", object_id=cast.cell.pk, file_format="xlsx", total_rows=2,
                           by=cast.users["secretary"])  # written at once by the tasks backend of the tests
    return settings.MEDIA_ROOT


def test_backup_then_restore_into_an_empty_installation_is_identical(installation, target, tmp_path):
    load_demo()  # members, meetings, reviews with feedback, corrections with evidence files
    archive = tmp_path / "backups" / "soisua.tar.gz"
    archive.parent.mkdir()
    assert Feedback.objects.exists() and ExportJob.objects.exclude(file="").exists()
    assert any(name.startswith("evidence/") for name in files_of(installation))
    source = tables_of(target.source_cursor())

    made = backup.create_backup(archive)
    restored = target.restore(archive)

    assert tables_of(target.cursor_of()) == source
    assert files_of(target.media) == files_of(installation)
    assert (restored.tables, restored.rows, restored.files) == (made.tables, made.rows, made.files)
    assert restored.pending_migrations == restored.unknown_migrations == []
    assert [path.name for path in archive.parent.iterdir()] == ["soisua.tar.gz"]  # no temporary file left
    cursor = target.cursor_of()
    highest = max_id(cursor)
    assert new_id(cursor) > highest  # the ids continue after the restored ones


def test_the_manifest_lists_engine_migrations_rows_and_checksums(installation, tmp_path):
    archive = tmp_path / "soisua.tar"

    backup.create_backup(archive)

    with tarfile.open(archive) as opened:
        names = opened.getnames()
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["engine"] == connection.vendor and manifest["format"] == backup.FORMAT
    assert "0001_initial" in manifest["migrations"]["org"]
    assert manifest["tables"]["org_member"] == Member.objects.count()
    assert manifest["tables"]["documents_exportjob"] == 1
    assert sorted(manifest["members"]) == sorted(set(names) - {"manifest.json", "manifest.json.sha256"})
    job = ExportJob.objects.get()
    assert f"media/{job.file.name}" in manifest["members"] and manifest["missing_files"] == []


def damage(archive: Path, member_name: str = "database/") -> None:
    """Change one byte in the middle of a member (the database unless told) of the archive."""
    with tarfile.open(archive) as opened:
        member = next(member for member in opened if member.name.startswith(member_name))
    data = bytearray(archive.read_bytes())
    data[member.offset_data + member.size // 2] ^= 0x01
    archive.write_bytes(bytes(data))


def test_a_changed_byte_is_refused_and_nothing_is_written(installation, target, tmp_path):
    archive = tmp_path / "soisua.tar"
    backup.create_backup(archive)
    damage(archive)

    with pytest.raises(backup.BackupError, match=r"is damaged and was not restored:\n  database/.*: checksum differs"):
        target.restore(archive)

    assert tables_of(target.cursor_of()) == {}
    assert not target.media.exists()


@pytest.mark.parametrize(("member", "problem"), [("media/", r"media/exports/.*: checksum differs"),
                                                  ("manifest.json", "its manifest does not match its checksum")])
def test_a_changed_byte_in_a_file_or_in_the_manifest_is_refused(installation, target, tmp_path, member, problem):
    archive = tmp_path / "soisua.tar"
    backup.create_backup(archive)
    damage(archive, member)

    with pytest.raises(backup.BackupError, match=problem):
        target.restore(archive)

    assert tables_of(target.cursor_of()) == {}
    assert not target.media.exists()


def test_a_backup_that_fails_while_writing_leaves_no_file_behind(installation, tmp_path, monkeypatch):
    archive = tmp_path / "backups" / "soisua.tar.gz"
    archive.parent.mkdir()
    real_add_file = backup._add_file

    def disk_full_at_the_files(opened, name, source):
        if name.startswith("media/"):
            raise OSError(28, "No space left on device")
        return real_add_file(opened, name, source)

    monkeypatch.setattr(backup, "_add_file", disk_full_at_the_files)

    with pytest.raises(backup.BackupError, match=r"tar\.gz failed: .*No space left on device\. Nothing was left"):
        backup.create_backup(archive)

    assert list(archive.parent.iterdir()) == []


def test_the_restore_command_refuses_a_damaged_archive_with_a_clear_message(installation, tmp_path):
    archive = tmp_path / "soisua.tar.gz"
    backup.create_backup(archive)
    archive.write_bytes(archive.read_bytes()[:-200])  # cut short, as by a full disk

    with pytest.raises(CommandError, match=r"soisua\.tar\.gz is damaged and was not restored"):
        call_command("restore", str(archive), stdout=io.StringIO(), stderr=io.StringIO())


def test_restore_into_a_database_that_is_not_empty_is_refused(installation, target, tmp_path):
    archive = tmp_path / "soisua.tar"
    backup.create_backup(archive)
    target.restore(archive)
    before = tables_of(target.cursor_of())
    target.media = tmp_path / "other-media"

    with pytest.raises(backup.BackupError, match=r"is not empty: it holds .* table.*applied migration"):
        target.restore(archive)

    assert tables_of(target.cursor_of()) == before
    assert not target.media.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_restore_command_refuses_the_database_in_use(installation, tmp_path, settings):
    archive = tmp_path / "soisua.tar"
    backup.create_backup(archive)
    members = Member.objects.count()
    settings.MEDIA_ROOT = tmp_path / "empty-media"

    with pytest.raises(CommandError, match=r"is not empty: .*Create an empty one"):
        call_command("restore", str(archive), stdout=io.StringIO(), stderr=io.StringIO())

    assert Member.objects.count() == members


def test_restore_into_media_that_holds_files_is_refused(installation, target, tmp_path):
    archive = tmp_path / "soisua.tar"
    backup.create_backup(archive)
    (target.media / "evidence").mkdir(parents=True)
    (target.media / "evidence" / "old.pdf").write_bytes(b"%PDF-1.4 kept")

    with pytest.raises(backup.BackupError, match="already holds 1 file"):
        target.restore(archive)

    assert tables_of(target.cursor_of()) == {}
    assert files_of(target.media) == {"evidence/old.pdf": b"%PDF-1.4 kept"}


def test_an_archive_of_another_engine_is_refused(installation, target, tmp_path):
    archive = tmp_path / "soisua.tar"
    backup.create_backup(archive)
    other = "postgresql" if target.engine == "sqlite" else "sqlite"

    with pytest.raises(backup.BackupError, match=f"cannot be restored into {other}: a backup restores into the same"):
        backup.restore_backup(archive, database=target.database, engine=other, media=target.media)


def test_backup_fails_when_a_named_file_is_missing_and_leaves_no_archive(installation, tmp_path):
    job = ExportJob.objects.get()
    Path(job.file.path).unlink()
    archive = tmp_path / "soisua.tar"

    with pytest.raises(CommandError, match=f"1 file\\(s\\) named in the database are missing .*\n  {job.file.name}"):
        call_command("backup", str(archive), stdout=io.StringIO(), stderr=io.StringIO())

    assert list(tmp_path.iterdir()) == [Path(installation)]


def test_backup_with_allow_missing_lists_the_missing_files(installation, tmp_path):
    job = ExportJob.objects.get()
    Path(job.file.path).unlink()
    archive = tmp_path / "soisua.tar"
    out, err = io.StringIO(), io.StringIO()

    call_command("backup", str(archive), "--allow-missing", stdout=out, stderr=err)

    with tarfile.open(archive) as opened:
        assert json.load(opened.extractfile("manifest.json"))["missing_files"] == [job.file.name]
    assert f"missing file (listed in the manifest): {job.file.name}" in err.getvalue()
    assert "Backed up the" in out.getvalue()


def test_backup_refuses_to_replace_an_existing_archive(tmp_path):
    archive = tmp_path / "soisua.tar"
    archive.write_bytes(b"yesterday")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=io.StringIO(), stderr=io.StringIO())

    assert archive.read_bytes() == b"yesterday"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_backup_taken_while_members_are_added_restores_consistently(target, tmp_path):
    commune = make_unit(make_unit(None, "province", "Tỉnh"), "commune", "Đảng ủy xã")
    cell = make_unit(commune, "cell", "Chi bộ", code="BK-1")
    stop, written = threading.Event(), []

    def keep_writing():
        try:
            while not stop.is_set():
                written.append(make_member(cell, f"Đảng viên {len(written)}").pk)
        finally:
            connections.close_all()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 5:
            stop.wait(0.05)
        backup.create_backup(tmp_path / "soisua.tar")
    finally:
        stop.set()
        writer.join()
    restored = target.restore(tmp_path / "soisua.tar")

    cursor = target.cursor_of()
    cursor.execute("SELECT COUNT(*) FROM org_member")
    members = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(DISTINCT member_id) FROM org_cellmembership")
    with_membership = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(DISTINCT member_id) FROM org_memberstatuschange")
    with_status = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(*) FROM audit_auditentry WHERE action = 'org.member.create'")
    audited = cursor.fetchone()[0]
    assert 5 <= members < Member.objects.count() + 1 and restored.rows > 0
    assert members == with_membership == with_status == audited  # each member with its rows, none half-written
    assert Member.objects.count() == CellMembership.objects.count() == MemberStatusChange.objects.count()
    assert datetime.datetime.fromisoformat(restored.created_at)


def test_soisua_backup_and_restore_are_short_names_that_exit_non_zero_on_failure(installation, tmp_path, monkeypatch,
                                                                                  capsys):
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)  # keep the test's connection
    archive = tmp_path / "soisua.tar"
    monkeypatch.setattr(cli.sys, "argv", ["soisua", "backup", str(archive), "--verbosity", "0"])
    cli.main()
    damage(archive)
    monkeypatch.setattr(cli.sys, "argv", ["soisua", "restore", str(archive)])

    with pytest.raises(SystemExit) as exit_info:
        cli.main()

    assert exit_info.value.code == 1
    output = capsys.readouterr()
    assert "Backed up the" in output.out and "is damaged and was not restored" in output.err
