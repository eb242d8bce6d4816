"""DataStore and Authorizer clients of the shared SQL (``sfn.call``), the migration runner and the
exactly-once records of the runtime. See docs/datastore.md."""

from ._data._errors import error_from_driver, error_from_sql
from ._data._lazy import LazyTransaction
from ._data._migrate import MigrateResult, Migration, load_migrations, migrate
from ._data._processed_calls import (
    CLAIM_SQL,
    RECORD_REFUSED,
    RECORD_SQL,
    RECORD_STRICT_SQL,
    claim_processed_call,
    find_processed_call,
    purge_expired_calls,
    record_params,
    record_processed_call,
)
from ._data._sfn_call import SFN_CALL_SQL, call_sfn, caller_context
from ._data._store import PostgresAuthorizer, PostgresDataStore, PostgresDataStoreFactory

__all__ = [
    "CLAIM_SQL",
    "RECORD_REFUSED",
    "RECORD_SQL",
    "RECORD_STRICT_SQL",
    "SFN_CALL_SQL",
    "LazyTransaction",
    "MigrateResult",
    "Migration",
    "PostgresAuthorizer",
    "PostgresDataStore",
    "PostgresDataStoreFactory",
    "call_sfn",
    "caller_context",
    "claim_processed_call",
    "error_from_driver",
    "error_from_sql",
    "find_processed_call",
    "load_migrations",
    "migrate",
    "purge_expired_calls",
    "record_params",
    "record_processed_call",
]
