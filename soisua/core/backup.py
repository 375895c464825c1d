# ruff: noqa: S608, S603 - SQL here is built from table and column names (catalogue, _meta) quoted, never from input;
# the commands run are the PostgreSQL tools found by pg_tool, with arguments built here.
"""Backups of the whole installation into one archive, and their restore into an empty installation
(docs/deploy.md, "Backups").

An archive is a tar file (compressed when its name ends in .gz, .tgz, .xz or .bz2) holding:

- `database/postgresql.dump` (`pg_dump --format=custom`) or `database/sqlite3.db` (the sqlite3 online backup);
- `media/<name>`: every file of the default storage (MEDIA_ROOT: evidence, meeting documents, directive files,
  imports and exports);
- `manifest.json`: the format, the time, the database engine, the migrations applied per app, the rows of every
  table and the sha256 and size of every other member; `manifest.json.sha256` guards the manifest itself.

**Consistent while the app runs.** The database is read in one snapshot: pg_dump takes the snapshot exported by a
repeatable-read transaction that also counts the rows and reads the names of the stored files; SQLite's backup API
copies every page under one read lock (pages=-1), and the counts are read from that copy. The files are copied
*after* the snapshot. Every service stores an uploaded or written file before the row naming it commits (a
FileField is saved inside the transaction that inserts or updates its row), so a file named by the snapshot existed
before the snapshot was taken, and one written later is only an extra file nobody names. The one way a named file
can be absent is a deletion (an export past its day, an import that can no longer be applied, a file lost by
hand) between the snapshot and the copy: the backup then fails and names the files, since the restored rows would
point at nothing; `--allow-missing` writes the archive anyway and lists them in the manifest.

The archive is written under a temporary name in the same directory, synced, then renamed: a failed or
interrupted backup never leaves a half-written file under the archive's name.
"""

import datetime
import hashlib
import json
import lzma
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections, models

from .progress import Progress

FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.json.sha256"
DATABASE_MEMBERS = {"postgresql": "database/postgresql.dump", "sqlite": "database/sqlite3.db"}
MEDIA = "media/"
CHUNK = 1024 * 1024
COMPRESSION = {".gz": "gz", ".tgz": "gz", ".xz": "xz", ".bz2": "bz2"}
# libpq reads these from the environment; the keys are those of a DATABASES entry's OPTIONS.
PG_OPTION_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
                 "connect_timeout": "PGCONNECT_TIMEOUT", "options": "PGOPTIONS", "service": "PGSERVICE",
                 "passfile": "PGPASSFILE", "target_session_attrs": "PGTARGETSESSIONATTRS"}
ARCHIVE_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError, UnicodeDecodeError)

ProgressFactory = Callable[..., Progress]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why and what to do."""


def quiet_progress(label: str, total: int | None = None, *, unit: str = "files") -> Progress:
    return Progress(label, total, stream=sys.stderr, mode="none", unit=unit)


@dataclass
class Snapshot:
    """What the database snapshot holds, read from the snapshot itself."""

    server_version: str = ""
    tables: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, list[str]] = field(default_factory=dict)
    referenced: set[str] = field(default_factory=set)  # the storage names the rows point at


@dataclass
class BackupResult:
    path: Path
    engine: str
    tables: int
    rows: int
    files: int
    bytes: int
    missing: list[str]


@dataclass
class RestoreResult:
    engine: str
    tables: int
    rows: int
    files: int
    created_at: str
    pending_migrations: list[str]  # in this code but not in the archive: `migrate` applies them
    unknown_migrations: list[str]  # in the archive but not in this code: the archive is newer than the code


# -- the database ------------------------------------------------------------------------------------------------

def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField of the installed models."""
    return sorted({(model._meta.db_table, model_field.column) for model in apps.get_models()
                   for model_field in model._meta.concrete_fields if isinstance(model_field, models.FileField)})


def _read_snapshot(cursor, table_names: Iterable[str]) -> Snapshot:
    """Counts, migrations and stored file names, through a cursor that reads the snapshot."""
    snapshot = Snapshot()
    for table in sorted(table_names):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        snapshot.tables[table] = cursor.fetchone()[0]
    if "django_migrations" in snapshot.tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            snapshot.migrations.setdefault(app, []).append(name)
    for table, column in _file_columns():
        if table in snapshot.tables:
            cursor.execute(f"SELECT {_quote(column)} FROM {_quote(table)} "
                           f"WHERE {_quote(column)} IS NOT NULL AND {_quote(column)} <> ''")
            snapshot.referenced.update(name for (name,) in cursor.fetchall())
    return snapshot


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [name for (name,) in cursor.fetchall()]


def _pg_tables(cursor) -> list[str]:
    """The tables of the current schema; a partitioned table counts its partitions' rows, which are not listed."""
    cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition")
    return [name for (name,) in cursor.fetchall()]


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """The environment that points libpq (pg_dump, pg_restore, psycopg) at the database of `settings_dict`."""
    environment = dict(os.environ)
    values = {"PGHOST": settings_dict.get("HOST"), "PGPORT": settings_dict.get("PORT"),
              "PGUSER": settings_dict.get("USER"), "PGPASSWORD": settings_dict.get("PASSWORD"),
              "PGDATABASE": settings_dict.get("NAME")}
    for key, variable in PG_OPTION_ENV.items():
        values[variable] = (settings_dict.get("OPTIONS") or {}).get(key)
    environment.update({variable: str(value) for variable, value in values.items() if value not in (None, "")})
    return environment


def _pg_connect(settings_dict: dict, *, autocommit: bool = False):
    import psycopg

    environment = _pg_environment(settings_dict)
    parameters = {"dbname": settings_dict.get("NAME"), "host": settings_dict.get("HOST"),
                  "port": settings_dict.get("PORT"), "user": settings_dict.get("USER"),
                  "password": settings_dict.get("PASSWORD")}
    parameters.update({key: value for key, value in (settings_dict.get("OPTIONS") or {}).items()
                       if key in PG_OPTION_ENV and key != "passfile"})
    parameters = {key: value for key, value in parameters.items() if value not in (None, "")}
    if "password" not in parameters and "PGPASSWORD" in environment:
        parameters["password"] = environment["PGPASSWORD"]
    try:
        return psycopg.connect(autocommit=autocommit, **parameters)
    except psycopg.Error as error:
        raise BackupError(f"Cannot connect to the PostgreSQL database {settings_dict.get('NAME')!r}: {error}") \
            from error


def _pg_server_major(cursor) -> int:
    cursor.execute("SHOW server_version_num")
    return int(cursor.fetchone()[0]) // 10000


def pg_tool(name: str, server_major: int) -> str:
    """The path of `name` (pg_dump, pg_restore) of the server's major version: /usr/lib/postgresql/<major>/bin
    first, then PATH. A tool of another major version is refused: dumps are read and written by the version the
    server runs."""
    found = []
    for candidate in (f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name)):
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout.strip()
        match = re.search(r"\)\s*(\d+)", version)
        if match and int(match.group(1)) == server_major:
            return candidate
        found.append(f"{candidate} ({version})")
    also = f"; found only {', '.join(found)}" if found else ""
    raise BackupError(f"{name} of PostgreSQL {server_major} (the server's major version) was not found in "
                      f"/usr/lib/postgresql/{server_major}/bin or on PATH{also}. Install the PostgreSQL "
                      f"{server_major} client tools (Debian: postgresql-client-{server_major}).")


def _run_with_progress(command: list[str], environment: dict, output: Path, shown: Progress) -> None:
    """Run a PostgreSQL tool, showing the size of `output` as it grows; raise BackupError with its error text."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=errors)
        while True:
            try:
                status = process.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if output.exists():
                    shown.update(output.stat().st_size // 1_000_000)
        errors.seek(0)
        message = errors.read().decode(errors="replace").strip()
    if status != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {status}): {message}")
    if output.exists():
        shown.update(output.stat().st_size // 1_000_000)


def _dump_postgresql(using: str, target: Path, progress: ProgressFactory) -> Snapshot:
    """pg_dump of one snapshot, exported by a repeatable-read transaction that reads the same rows."""
    import psycopg

    settings_dict = connections[using].settings_dict
    with _pg_connect(settings_dict) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.cursor() as cursor:
            major = _pg_server_major(cursor)
            tool = pg_tool("pg_dump", major)
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot_id, server_version = cursor.fetchone()
            with progress("Dumping the database", None, unit="MB") as shown:
                _run_with_progress([tool, "--format=custom", f"--snapshot={snapshot_id}", "--no-password",
                                    f"--file={target}"], _pg_environment(settings_dict), target, shown)
            snapshot = _read_snapshot(cursor, _pg_tables(cursor))
        connection.rollback()
    snapshot.server_version = server_version
    return snapshot


def _copy_sqlite(using: str, target: Path, progress: ProgressFactory) -> Snapshot:
    """The sqlite3 online backup of the whole database in one step (one read lock, so one snapshot even while
    others write), then the counts read from the copy."""
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        with progress("Copying the database", None, unit="pages") as shown:
            connection.connection.backup(copy, progress=lambda _status, remaining, total: shown.update(
                total - remaining, total))
        snapshot = _read_snapshot(copy.cursor(), _sqlite_tables(copy.cursor()))
        snapshot.server_version = sqlite3.sqlite_version
    finally:
        copy.close()
    return snapshot


# -- the files ---------------------------------------------------------------------------------------------------

def media_root() -> Path:
    """The folder of the default storage; refused when files are kept elsewhere (an object store has its own
    versioning and copies, outside these archives)."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise BackupError(f"The default storage is {type(storage).__name__}: only files on the file system "
                          "(FileSystemStorage, MEDIA_ROOT) are backed up and restored by this command.")
    return Path(storage.location)


def _stored_files(root: Path) -> list[str]:
    """The storage names (relative, with /) of every regular file under `root`."""
    if not root.is_dir():
        return []
    names = []
    for folder, _folders, files in os.walk(root):
        for file_name in files:
            path = Path(folder, file_name)
            if path.is_file() and not path.is_symlink():
                names.append(path.relative_to(root).as_posix())
    return sorted(names)


# -- the archive -------------------------------------------------------------------------------------------------

class _Hashing:
    """A file read through sha256 (tarfile reads what it adds through this)."""

    def __init__(self, stream):
        self.stream, self.digest, self.size = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(archive: tarfile.TarFile, name: str, source: Path) -> dict:
    with source.open("rb") as stream:
        status = os.fstat(stream.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
        reader = _Hashing(stream)
        archive.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": reader.size}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(mtime), 0o600
    archive.addfile(info, _Hashing(_BytesReader(data)))


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset:end], min(end, len(self.data))
        return chunk


def _write_mode(path: Path) -> str:
    compression = next((kind for suffix, kind in COMPRESSION.items() if path.name.endswith(suffix)), "")
    return f"w:{compression}" if compression else "w"


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def create_backup(path: Path, *, using: str = "default", allow_missing: bool = False,
                  progress: ProgressFactory = quiet_progress) -> BackupResult:
    """Write the archive `path` (refused if it exists): the database snapshot, then the stored files, then the
    manifest. Raises BackupError on any failure, leaving nothing under `path`."""
    path = Path(path).absolute()
    if path.exists():
        raise BackupError(f"{path} already exists; give the new archive another name (e.g. with the date).")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    engine = connections[using].vendor
    if engine not in DATABASE_MEMBERS:
        raise BackupError(f"The {engine} database engine is not supported; only PostgreSQL and SQLite are.")
    root = media_root()
    started = datetime.datetime.now(datetime.UTC)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as work:
        database_file = Path(work, "database")
        if engine == "postgresql":
            snapshot = _dump_postgresql(using, database_file, progress)
        else:
            snapshot = _copy_sqlite(using, database_file, progress)
        stored = _stored_files(root)  # after the snapshot: every file it names was written before it
        missing = sorted(snapshot.referenced - set(stored))
        if missing and not allow_missing:
            shown = "\n  ".join(missing[:20]) + ("\n  …" if len(missing) > 20 else "")
            raise BackupError(f"{len(missing)} file(s) named in the database are missing from {root}:\n  {shown}\n"
                              "No archive was written. If they were deleted while the backup ran (an expired "
                              "export), run the backup again; if they are lost, --allow-missing writes the archive "
                              "and lists them in its manifest.")
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        try:
            with os.fdopen(descriptor, "wb") as raw:
                with tarfile.open(fileobj=raw, mode=_write_mode(path)) as archive:
                    members = {DATABASE_MEMBERS[engine]: _add_file(archive, DATABASE_MEMBERS[engine], database_file)}
                    with progress("Copying files", len(stored), unit="files") as shown:
                        for name in shown.iterate(stored):
                            members[MEDIA + name] = _add_file(archive, MEDIA + name, root / name)
                    manifest = {
                        "format": FORMAT, "application": "soisua",
                        "created_at": started.isoformat(timespec="seconds"),
                        "engine": engine, "server_version": snapshot.server_version,
                        "database": DATABASE_MEMBERS[engine],
                        "migrations": snapshot.migrations, "tables": snapshot.tables,
                        "files": len(stored), "missing_files": missing, "members": members,
                    }
                    data = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()
                    _add_bytes(archive, MANIFEST, data, started.timestamp())
                    _add_bytes(archive, MANIFEST_SUM, hashlib.sha256(data).hexdigest().encode() + b"\n",
                               started.timestamp())
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
        except BaseException as error:
            Path(partial).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise BackupError(f"Writing {path} failed: {error}. Nothing was left under that name.") from error
            raise
    _fsync_folder(path.parent)
    return BackupResult(path=path, engine=engine, tables=len(snapshot.tables), rows=sum(snapshot.tables.values()),
                        files=len(stored), bytes=path.stat().st_size, missing=missing)


# -- reading an archive ------------------------------------------------------------------------------------------

def _safe_member_name(name: str) -> bool:
    """A database member, or a relative path below media/ without '..' or empty parts."""
    if name in (MANIFEST, MANIFEST_SUM) or name in DATABASE_MEMBERS.values():
        return True
    if not name.startswith(MEDIA) or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name[len(MEDIA):]).parts
    return bool(parts) and not any(part in ("", ".", "..") for part in parts) and not name.endswith("/")


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except ARCHIVE_ERRORS as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error


def verify_archive(path: Path, *, progress: ProgressFactory = quiet_progress) -> dict:
    """Read the whole archive and check every member against the manifest (and the manifest against its sum);
    return the manifest. Nothing is written. Raises BackupError naming what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    seen: dict[str, dict] = {}
    names: set[str] = set()
    manifest_data = manifest_sum = None
    try:
        with _open_archive(path) as archive, progress("Checking the archive", None, unit="files") as shown:
            for member in archive:
                if not member.isreg() or not _safe_member_name(member.name):
                    raise BackupError(f"{path} holds an unexpected member {member.name!r}: not a soisua backup.")
                if member.name in names:
                    raise BackupError(f"{path} holds {member.name!r} twice: not a soisua backup.")
                names.add(member.name)
                stream = archive.extractfile(member)
                if member.name == MANIFEST:
                    manifest_data = stream.read()
                elif member.name == MANIFEST_SUM:
                    manifest_sum = stream.read().decode("ascii").strip()
                else:
                    reader = _Hashing(stream)
                    while reader.read(CHUNK):
                        pass
                    seen[member.name] = {"sha256": reader.digest.hexdigest(), "size": reader.size}
                shown.advance()
    except ARCHIVE_ERRORS as error:
        raise BackupError(f"{path} is damaged and was not restored: {error}") from error
    if manifest_data is None or manifest_sum is None:
        raise BackupError(f"{path} has no manifest: it is not a soisua backup, or it was cut short.")
    if hashlib.sha256(manifest_data).hexdigest() != manifest_sum:
        raise BackupError(f"{path} is damaged and was not restored: its manifest does not match its checksum.")
    manifest = json.loads(manifest_data)
    if manifest.get("format") != FORMAT or manifest.get("application") != "soisua":
        raise BackupError(f"{path} is a backup of format {manifest.get('format')!r}; this version of soisua "
                          f"restores format {FORMAT} only.")
    expected = manifest["members"]
    damaged = sorted(name for name in expected.keys() & seen.keys() if expected[name] != seen[name])
    absent = sorted(expected.keys() - seen.keys())
    extra = sorted(seen.keys() - expected.keys())
    if damaged or absent or extra:
        problems = [f"{name}: checksum differs" for name in damaged] + [f"{name}: missing" for name in absent] \
            + [f"{name}: not in the manifest" for name in extra]
        raise BackupError(f"{path} is damaged and was not restored:\n  " + "\n  ".join(problems[:20]))
    if manifest["database"] not in seen:
        raise BackupError(f"{path} holds no database.")
    return manifest


# -- restoring ---------------------------------------------------------------------------------------------------

def _sqlite_target_contents(name: str) -> tuple[int, int, int]:
    """(tables, rows, migrations applied) of the SQLite file `name`; nothing if it does not exist."""
    if name in ("", ":memory:") or not Path(name).exists() or Path(name).stat().st_size == 0:
        return 0, 0, 0
    connection = sqlite3.connect(name)
    try:
        return _contents(connection.cursor(), _sqlite_tables(connection.cursor()))
    finally:
        connection.close()


def _contents(cursor, tables: list[str]) -> tuple[int, int, int]:
    rows = migrations = 0
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        count = cursor.fetchone()[0]
        rows += count
        if table == "django_migrations":
            migrations = count
    return len(tables), rows, migrations


def _refuse_non_empty(database: str, contents: tuple[int, int, int], how: str) -> None:
    tables, rows, migrations = contents
    if tables:
        raise BackupError(f"The database {database} is not empty: it holds {tables} table(s), {rows} row(s) and "
                          f"{migrations} applied migration(s). A backup is restored only into an empty database "
                          f"(never over data, and not after `migrate`). {how}")


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path, expected: dict) -> None:
    """Write a member to `target` (which must not exist), checking its sum again as it is written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = _Hashing(archive.extractfile(member))
    with target.open("xb") as output:
        while chunk := reader.read(CHUNK):
            output.write(chunk)
        output.flush()
        os.fsync(output.fileno())
    if {"sha256": reader.digest.hexdigest(), "size": reader.size} != expected:
        raise BackupError(f"{member.name} changed while it was restored; the archive was modified during the "
                          "restore.")


def _count(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def restore_backup(path: Path, *, database: dict, engine: str, media: Path,
                   progress: ProgressFactory = quiet_progress) -> RestoreResult:
    """Restore the archive `path` into the empty database `database` (a DATABASES entry of engine `engine`) and
    the empty folder `media`: verify every checksum, check the target is empty, restore the database, write the
    files, then compare every table's rows with the manifest. Raises BackupError; nothing is written when the
    archive is damaged or the target is not empty."""
    path, media = Path(path), Path(media)
    manifest = verify_archive(path, progress=progress)
    if manifest["engine"] != engine:
        raise BackupError(f"{path} is a backup of a {manifest['engine']} database and cannot be restored into "
                          f"{engine}: a backup restores into the same engine only (PostgreSQL into PostgreSQL, "
                          "SQLite into SQLite).")
    name = database.get("NAME") or ""
    if engine == "postgresql":
        with _pg_connect(database, autocommit=True) as connection, connection.cursor() as cursor:
            tool = pg_tool("pg_restore", _pg_server_major(cursor))
            _refuse_non_empty(repr(name), _contents(cursor, _pg_tables(cursor)),
                              f"Create an empty one (e.g. `dropdb {name}; createdb -O <owner> {name}`, or "
                              "CREATE DATABASE with another name and point DATABASE_URL at it), then restore.")
    elif engine == "sqlite":
        if name in ("", ":memory:") or "mode=memory" in name:
            raise BackupError("The SQLite database is kept in memory: there is no file (SQLITE_PATH) to restore "
                              "into.")
        _refuse_non_empty(name, _sqlite_target_contents(name),
                          "Move the file away (and its -wal and -shm files), or set SQLITE_PATH to a new file, then "
                          "restore.")
    else:
        raise BackupError(f"The {engine} database engine is not supported; only PostgreSQL and SQLite are.")
    present = _stored_files(media)
    if present:
        raise BackupError(f"{media} (MEDIA_ROOT) already holds {len(present)} file(s), e.g. {present[0]}. Files are "
                          "restored only into an empty folder: move them away or point MEDIA_ROOT at a new folder.")
    members = manifest["members"]
    restored_files = 0
    files_shown = None
    with tempfile.TemporaryDirectory(prefix="soisua-restore-") as work, _open_archive(path) as archive:
        try:
            for member in archive:  # the database comes first, then the files
                if member.name == manifest["database"]:
                    dump = Path(work, "database")
                    _extract(archive, member, dump, members[member.name])
                    with progress("Restoring the database", None, unit="MB") as shown:
                        if engine == "postgresql":
                            _run_with_progress([tool, "--no-owner", "--single-transaction", "--exit-on-error",
                                                "--no-password", f"--dbname={name}", str(dump)],
                                               _pg_environment(database), dump, shown)
                        else:
                            _restore_sqlite(dump, name)
                elif member.name.startswith(MEDIA):
                    files_shown = files_shown or progress("Restoring files", manifest["files"], unit="files")
                    _extract(archive, member, media / member.name[len(MEDIA):], members[member.name])
                    restored_files += 1
                    files_shown.advance()
        except ARCHIVE_ERRORS as error:
            raise BackupError(f"The restore of {path} failed: {error}") from error
        finally:
            if files_shown is not None:
                files_shown.close()
    if engine == "postgresql":
        with _pg_connect(database, autocommit=True) as connection, connection.cursor() as cursor:
            counts = _count(cursor, _pg_tables(cursor))
    else:
        connection = sqlite3.connect(name)
        try:
            counts = _count(connection.cursor(), _sqlite_tables(connection.cursor()))
        finally:
            connection.close()
    if counts != manifest["tables"]:
        differ = sorted(table for table in counts.keys() | manifest["tables"].keys()
                        if counts.get(table) != manifest["tables"].get(table))
        raise BackupError("The restored database differs from the archive's manifest in "
                          + ", ".join(f"{table} ({counts.get(table)} rows, manifest {manifest['tables'].get(table)})"
                                      for table in differ[:20]))
    return RestoreResult(engine=engine, tables=len(counts), rows=sum(counts.values()), files=restored_files,
                         created_at=manifest["created_at"], **_migration_differences(manifest["migrations"]))


def _restore_sqlite(source: Path, target: str) -> None:
    """Write the database file through the backup API (the pages and their header as one copy)."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    archived, restored = sqlite3.connect(source), sqlite3.connect(target)
    try:
        archived.backup(restored)
    finally:
        restored.close()
        archived.close()


def _migration_differences(archived: dict[str, list[str]]) -> dict[str, list[str]]:
    from django.db.migrations.loader import MigrationLoader

    in_code = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_archive = {(app, name) for app, names in archived.items() for name in names}
    return {"pending_migrations": sorted(f"{app}.{name}" for app, name in in_code - in_archive),
            "unknown_migrations": sorted(f"{app}.{name}" for app, name in in_archive - in_code)}
