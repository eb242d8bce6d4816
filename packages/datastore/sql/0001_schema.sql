-- sfn 0001: the schema, the function role and the tables.
-- Applied by the migration runner inside one transaction under an advisory lock (see docs/datastore.md).

-- The role every data operation runs as. It never logs in by itself: production logins are members of it;
-- superuser connections (development, PGlite) switch to it per operation. Roles are cluster-wide, so
-- another database of the same cluster may have created it already, possibly at this very moment.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sfn_app') THEN
    CREATE ROLE sfn_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

CREATE SCHEMA IF NOT EXISTS sfn;
REVOKE ALL ON SCHEMA sfn FROM PUBLIC;
GRANT USAGE ON SCHEMA sfn TO sfn_app;

-- One row per collection of a logical database: its row-level policy and optional validation.
CREATE TABLE sfn.collections (
  database            text        NOT NULL,
  name                text        NOT NULL,
  policy              text        NOT NULL DEFAULT 'owner' CHECK (policy IN ('owner', 'shared', 'private')),
  json_schema         jsonb,
  audit_reads         boolean     NOT NULL DEFAULT false,
  max_document_bytes  integer     CHECK (max_document_bytes > 0),
  created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (database, name)
);

-- All documents of all collections in one table, so that one set of RLS policies and indexes covers
-- every collection and creating a collection needs no DDL (the function role has none).
CREATE TABLE sfn.documents (
  id          uuid        PRIMARY KEY,
  database    text        NOT NULL,
  collection  text        NOT NULL,
  owner       text        NOT NULL CHECK (owner <> ''),
  data        jsonb       NOT NULL CHECK (jsonb_typeof(data) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (database, collection) REFERENCES sfn.collections (database, name) ON DELETE CASCADE
);
CREATE INDEX documents_collection_id ON sfn.documents (database, collection, id);
CREATE INDEX documents_owner ON sfn.documents (database, collection, owner);
-- jsonb_path_ops: the compact GIN operator class for containment (@>), which equality filters compile to.
CREATE INDEX documents_data ON sfn.documents USING gin (data jsonb_path_ops);

-- Grants. collection '' means the whole database.
CREATE TABLE sfn.user_permissions (
  database    text        NOT NULL,
  collection  text        NOT NULL DEFAULT '',
  user_id     text        NOT NULL,
  permission  text        NOT NULL,
  granted_by  text        NOT NULL,
  granted_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (database, user_id, collection, permission)
);

CREATE TABLE sfn.user_roles (
  database    text        NOT NULL,
  collection  text        NOT NULL DEFAULT '',
  user_id     text        NOT NULL,
  role        text        NOT NULL,
  granted_by  text        NOT NULL,
  granted_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (database, user_id, collection, role)
);

CREATE TABLE sfn.role_permissions (
  database    text        NOT NULL,
  collection  text        NOT NULL DEFAULT '',
  role        text        NOT NULL,
  permission  text        NOT NULL,
  granted_by  text        NOT NULL,
  granted_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (database, role, collection, permission)
);

-- The audit trail. seq/prev_hash/hash are filled at commit by a deferred trigger (0004), which keeps
-- the chain's single lock for microseconds instead of for the whole transaction.
CREATE TABLE sfn.audit_log (
  id           bigserial   PRIMARY KEY,
  seq          bigint      UNIQUE,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  subject      text,
  token_id     text,
  call_id      text,
  trace_id     text,
  database     text,
  operation    text        NOT NULL,
  collection   text,
  document_id  text,
  decision     text        NOT NULL CHECK (decision IN ('allow', 'deny')),
  reason       text,
  txid         xid8        NOT NULL DEFAULT pg_current_xact_id(),
  prev_hash    bytea,
  hash         bytea
);
CREATE INDEX audit_log_unlinked ON sfn.audit_log (txid) WHERE hash IS NULL;
CREATE INDEX audit_log_document ON sfn.audit_log (database, collection, document_id);

CREATE TABLE sfn.audit_head (
  id    integer PRIMARY KEY CHECK (id = 1),
  seq   bigint  NOT NULL,
  hash  bytea   NOT NULL
);
INSERT INTO sfn.audit_head (id, seq, hash) VALUES (1, 0, sha256(convert_to('sfn.audit.genesis', 'UTF8')));

-- Exactly-once effects of the runtime: a call's reply stored in the transaction of its writes.
CREATE TABLE sfn.processed_calls (
  service     text        NOT NULL,
  call_id     text        NOT NULL,
  reply       jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (service, call_id)
);
CREATE INDEX processed_calls_expiry ON sfn.processed_calls (expires_at);

-- The function role reads and writes documents (row-level secured, 0006); everything else it reaches
-- only through SECURITY DEFINER functions. It can never change id, owner, database or collection.
GRANT SELECT, INSERT, DELETE ON sfn.documents TO sfn_app;
GRANT UPDATE (data, updated_at) ON sfn.documents TO sfn_app;
