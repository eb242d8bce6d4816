"""Applies packages/datastore/sql/NNNN_name.sql with the protocol of docs/datastore.md: one transaction,
an advisory lock, checksums (SHA-256 of the UTF-8 bytes with LF line endings) in sfn.schema_migrations."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from ..errors import ConflictError

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    checksum: str
    sql: str


@dataclass
class MigrateResult:
    applied: list[int] = field(default_factory=list)
    already_applied: list[int] = field(default_factory=list)


def sql_dir() -> Path:
    """packages/datastore/sql (or ``SFN_DATASTORE_SQL_DIR``)."""
    override = os.environ.get("SFN_DATASTORE_SQL_DIR")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[4] / "packages" / "datastore" / "sql", here.parent / "_sql"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("datastore migrations not found; set SFN_DATASTORE_SQL_DIR")


def load_migrations(folder: Path | None = None) -> list[Migration]:
    migrations = []
    for path in sorted((folder or sql_dir()).iterdir()):
        match = _FILE.match(path.name)
        if match is None:
            continue
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
        migrations.append(Migration(int(match.group(1)), match.group(2), checksum, text))
    return migrations


async def migrate(conninfo: str, *, migrations: list[Migration] | None = None) -> MigrateResult:
    """Applies the pending migrations, all or none; idempotent. Run it as the schema owner."""
    wanted = sorted(migrations if migrations is not None else load_migrations(), key=lambda m: m.version)
    result = MigrateResult()
    async with await psycopg.AsyncConnection.connect(conninfo) as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('sfn.migrate', 0))")
        await conn.execute("CREATE SCHEMA IF NOT EXISTS sfn")
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS sfn.schema_migrations (version integer PRIMARY KEY,"
            " name text NOT NULL, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        cursor = await conn.execute("SELECT version, checksum FROM sfn.schema_migrations ORDER BY version")
        applied = {int(row[0]): str(row[1]) for row in await cursor.fetchall()}
        unknown = sorted(set(applied) - {m.version for m in wanted})
        if unknown:
            raise ConflictError(
                f"the database has migrations {unknown} that this version does not know",
                code="SFN_MIGRATION_UNKNOWN",
                details={"versions": unknown},
            )
        for migration in wanted:
            found = applied.get(migration.version)
            if found is not None:
                if found != migration.checksum:
                    raise ConflictError(
                        f"migration {migration.version}_{migration.name} was changed after it was applied",
                        code="SFN_MIGRATION_CHECKSUM",
                        details={
                            "version": migration.version,
                            "expected": migration.checksum,
                            "found": found,
                        },
                    )
                result.already_applied.append(migration.version)
                continue
            await conn.execute(migration.sql.encode("utf-8"))
            await conn.execute(
                "INSERT INTO sfn.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
            result.applied.append(migration.version)
    return result
