-- sfn 0016: faster writes (issue #5, goal b). Same results, same errors, same audit rows, same hashes.
--
-- 1. A fast path for insert. sfn.call ran every operation as about 25 PL/pgSQL statements in a dozen
--    functions, inside a sub-transaction (its EXCEPTION block) and through three SECURITY DEFINER calls.
--    Now one expression first asks whether the call is an insert whose context and arguments the general
--    path would accept; then sfn.call binds the identity as _bind_identity does, and one SECURITY DEFINER
--    function decides the permission, reads the collection's size limit and checks the documents (one
--    statement), creates the collection on its first write and makes the ids; sfn.call inserts the
--    documents as sfn_app, under row-level security, and then the audit rows (_audit, last as before, so
--    that a standalone call holds the chain head only from there to its commit). The fast path writes
--    nothing before it knows that the insert succeeds, so it needs no sub-transaction.
--    Everything else — other operations, any invalid input, a denial — takes the general path of 0006,
--    which decides, audits and answers exactly as before.
-- 2. The audit rows' hashed content, sfn.audit_entry(row)::text, is written out as text (jsonb's key order
--    and to_json's escaping) instead of building a jsonb per row, and a batch is chained in one statement
--    instead of a PL/pgSQL loop. _audit keeps its signature and rows; sfn.audit_verify is unchanged and
--    still hashes sfn.audit_entry(row), so the two must agree (write-paths.integration.test.ts checks
--    that on random values).

-- True when _bind_identity accepts p_ctx and it names a database, so that the general path would raise
-- nothing before the operation itself. Never raises.
CREATE FUNCTION sfn._context_ok(p_ctx jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN jsonb_typeof(p_ctx) IS DISTINCT FROM 'object'
      OR jsonb_typeof(p_ctx -> 'userId') IS DISTINCT FROM 'string'
      OR jsonb_typeof(coalesce(p_ctx -> 'roles', '[]')) <> 'array' THEN false
    ELSE length(p_ctx ->> 'userId') BETWEEN 1 AND 255 AND (p_ctx ->> 'userId') !~ '[[:cntrl:]]'
     AND NOT jsonb_path_exists(coalesce(p_ctx -> 'roles', '[]'), 'strict $[*] ? (@.type() != "string")')
     AND coalesce((p_ctx ->> 'database') ~ '^[A-Za-z_][A-Za-z0-9_]{0,62}$', false)
     AND (NOT p_ctx ? 'maxDocumentBytes'
          OR (jsonb_typeof(p_ctx -> 'maxDocumentBytes') = 'number' AND (p_ctx -> 'maxDocumentBytes')::numeric >= 1))
  END
$$;

-- True when the caller context passes _context_ok and the arguments are an object with a valid collection
-- name and 1 to 10000 documents: then the general path raises nothing before its permission check. Never
-- raises itself.
CREATE FUNCTION sfn._insert_args_ok(p_ctx jsonb, p_args jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN jsonb_typeof(p_args) IS DISTINCT FROM 'object'
      OR jsonb_typeof(p_args -> 'documents') IS DISTINCT FROM 'array' THEN false
    ELSE sfn._context_ok(p_ctx)
     AND coalesce((p_args ->> 'collection') ~ '^[A-Za-z_][A-Za-z0-9_]{0,62}$', false)
     AND jsonb_array_length(p_args -> 'documents') BETWEEN 1 AND 10000
  END
$$;

-- Whether p_user, with the token roles p_roles (a jsonb array), holds one of p_permissions on p_collection
-- of p_database: the rule of _holds (0009), for the fast paths' definer functions (_insert_prepare,
-- _reads_quietly of 0017), which pass the permissions _satisfying gives. Not a definer itself.
CREATE FUNCTION sfn._grants_reach(p_user text, p_roles jsonb, p_database text, p_collection text,
                                  p_permissions text[])
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (
      SELECT 1 FROM sfn.user_permissions up
      WHERE up.database = p_database AND up.user_id = p_user AND up.collection IN ('', p_collection)
        AND up.permission = ANY (p_permissions))
    OR EXISTS (
      SELECT 1 FROM sfn.role_permissions rp
      WHERE rp.database = p_database AND rp.collection IN ('', p_collection)
        AND rp.permission = ANY (p_permissions)
        AND (p_roles ? rp.role
             OR EXISTS (SELECT 1 FROM sfn.user_roles ur
                        WHERE ur.database = p_database AND ur.user_id = p_user AND ur.role = rp.role
                          AND ur.collection IN ('', p_collection))));
END
$$;
REVOKE ALL ON FUNCTION sfn._grants_reach(text, jsonb, text, text, text[]) FROM PUBLIC;

-- sfn.audit_entry(row)::text (0009), the hashed content of an audit row, written out as text instead of
-- built as jsonb per row: jsonb prints the keys by length, then bytewise, with ": " and ", ", and strings
-- with the escaping of to_json. _audit_entry_middle holds what one call's rows share; per row only at, seq
-- and documentId differ. audit_verify still hashes sfn.audit_entry(row), so any difference would show.
CREATE FUNCTION sfn._audit_entry_middle(p_subject text, p_token_id text, p_call_id text, p_trace_id text,
                                        p_database text, p_operation text, p_collection text, p_decision text,
                                        p_reason text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT ', "callId": ' || coalesce(to_json(p_call_id)::text, 'null')
      || ', "reason": ' || coalesce(to_json(p_reason)::text, 'null')
      || ', "subject": ' || coalesce(to_json(p_subject)::text, 'null')
      || ', "tokenId": ' || coalesce(to_json(p_token_id)::text, 'null')
      || ', "traceId": ' || coalesce(to_json(p_trace_id)::text, 'null')
      || ', "database": ' || coalesce(to_json(p_database)::text, 'null')
      || ', "decision": ' || coalesce(to_json(p_decision)::text, 'null')
      || ', "operation": ' || coalesce(to_json(p_operation)::text, 'null')
      || ', "collection": ' || coalesce(to_json(p_collection)::text, 'null')
$$;

CREATE FUNCTION sfn._audit_entry_text(p_seq bigint, p_at timestamptz, p_middle text, p_document_id text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT '{"at": ' || (extract(epoch FROM p_at) * 1000000)::bigint || ', "seq": ' || p_seq || p_middle
      || ', "documentId": ' || coalesce(to_json(p_document_id)::text, 'null') || '}'
$$;

-- Appends one row per document id (one row without a document when p_document_ids is NULL or empty), as
-- _audit of 0011 did: inside a longer transaction unlinked, for sfn._audit_link at commit (0004); as the
-- whole transaction linked at once, the head locked until commit. Same rows, same hashes, fewer
-- statements: one INSERT for a single row, one statement chaining a batch row after row (each row's time
-- taken, after the lock, in the step before it). Called from SECURITY DEFINER functions only.
CREATE FUNCTION sfn._audit_append(p_subject text, p_token_id text, p_call_id text, p_trace_id text,
                                  p_database text, p_operation text, p_collection text, p_document_ids text[],
                                  p_decision text, p_reason text, p_standalone boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  docs text[] := CASE WHEN coalesce(cardinality(p_document_ids), 0) = 0 THEN ARRAY[NULL::text]
                      ELSE p_document_ids END;
  n integer := cardinality(docs);
  middle text;
  head_seq bigint;
  head_hash bytea;
  at timestamptz;
BEGIN
  IF NOT p_standalone THEN
    INSERT INTO sfn.audit_log (subject, token_id, call_id, trace_id, database, operation, collection,
                               document_id, decision, reason)
    SELECT p_subject, p_token_id, p_call_id, p_trace_id, p_database, p_operation, p_collection, d, p_decision,
           p_reason
    FROM unnest(docs) AS d;
    PERFORM set_config('sfn.audit_pending', '1', true);
    RETURN;
  END IF;
  middle := sfn._audit_entry_middle(p_subject, p_token_id, p_call_id, p_trace_id, p_database, p_operation,
                                    p_collection, p_decision, p_reason);
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM sfn.audit_head h WHERE h.id = 1 FOR UPDATE;
  IF n = 1 THEN
    at := clock_timestamp();
    INSERT INTO sfn.audit_log (seq, at, subject, token_id, call_id, trace_id, database, operation, collection,
                               document_id, decision, reason, prev_hash, hash)
    VALUES (head_seq + 1, at, p_subject, p_token_id, p_call_id, p_trace_id, p_database, p_operation,
            p_collection, docs[1], p_decision, p_reason, head_hash,
            sha256(head_hash || convert_to(sfn._audit_entry_text(head_seq + 1, at, middle, docs[1]), 'UTF8')))
    RETURNING hash INTO head_hash;
  ELSE
    WITH RECURSIVE chain (i, at, prev, hash, next_at) AS (
      SELECT 0, NULL::timestamptz, NULL::bytea, head_hash, clock_timestamp()
      UNION ALL
      SELECT c.i + 1, c.next_at, c.hash,
             sha256(c.hash || convert_to(sfn._audit_entry_text(head_seq + c.i + 1, c.next_at, middle, docs[c.i + 1]),
                                         'UTF8')),
             clock_timestamp()
      FROM chain c WHERE c.i < n
    ), appended AS (
      INSERT INTO sfn.audit_log (seq, at, subject, token_id, call_id, trace_id, database, operation, collection,
                                 document_id, decision, reason, prev_hash, hash)
      SELECT head_seq + c.i, c.at, p_subject, p_token_id, p_call_id, p_trace_id, p_database, p_operation,
             p_collection, docs[c.i], p_decision, p_reason, c.prev, c.hash
      FROM chain c WHERE c.i > 0 ORDER BY c.i
      RETURNING 1
    )
    SELECT c.hash INTO head_hash FROM chain c WHERE c.i = n;
  END IF;
  UPDATE sfn.audit_head SET seq = head_seq + n, hash = head_hash WHERE id = 1;
END
$$;
REVOKE ALL ON FUNCTION sfn._audit_append(text, text, text, text, text, text, text, text[], text, text, boolean)
  FROM PUBLIC;

-- _audit of 0011, on _audit_append.
CREATE OR REPLACE FUNCTION sfn._audit(p_operation text, p_collection text, p_document_ids text[], p_decision text,
                                      p_reason text, p_database text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
BEGIN
  PERFORM sfn._audit_append(sfn.current_user_id(), nullif(current_setting('sfn.token_id', true), ''),
                            nullif(current_setting('sfn.call_id', true), ''),
                            nullif(current_setting('sfn.trace_id', true), ''),
                            coalesce(p_database, sfn.current_database()), p_operation, p_collection,
                            p_document_ids, p_decision, p_reason,
                            current_setting('sfn.standalone', true) IS NOT DISTINCT FROM '1');
END
$$;

-- The decision of a fast insert. Returns the new ids, or NULL — having written nothing — when the general
-- path must answer (the caller lacks write:own, or a document is invalid). Same decision as
-- _gate('insert', 'write', …) (the rule of _holds with _satisfying('write:own')), same checks and limit
-- as _insert, same collection row as _ensure_collection.
CREATE FUNCTION sfn._insert_prepare(p_user text, p_roles jsonb, p_database text, p_collection text,
                                    p_docs jsonb, p_max_bytes bigint)
RETURNS uuid[] LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  acceptable boolean;
  found_collection boolean;
  n integer := jsonb_array_length(p_docs);
  ids uuid[];
BEGIN
  -- sfn.call passes the identity it has just bound; called directly, it acts for no one else.
  IF p_user IS DISTINCT FROM sfn.current_user_id() OR p_database IS DISTINCT FROM sfn.current_database()
     OR p_collection !~ '^[A-Za-z_][A-Za-z0-9_]{0,62}$' THEN
    RETURN NULL;
  END IF;
  -- The decision, the collection's size limit and the documents' checks in one statement; the documents
  -- are checked only when the caller may write.
  SELECT sfn._grants_reach(p_user, p_roles, p_database, p_collection, ARRAY['write:own', 'write', 'admin'])
         AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements(p_docs) e
           WHERE jsonb_typeof(e) <> 'object' OR e ?| ARRAY['id', 'owner', 'createdAt', 'updatedAt']
              OR octet_length(e::text) > least(p_max_bytes, coalesce(c.max_document_bytes, 9223372036854775807))),
         c.name IS NOT NULL
    INTO acceptable, found_collection
  FROM (VALUES (1)) one LEFT JOIN sfn.collections c ON c.database = p_database AND c.name = p_collection;
  IF NOT acceptable THEN
    RETURN NULL;
  END IF;
  IF NOT found_collection THEN
    INSERT INTO sfn.collections (database, name) VALUES (p_database, p_collection) ON CONFLICT DO NOTHING;
  END IF;
  -- Sorted, so that ids (the default order) follow the input order within a batch.
  IF n = 1 THEN
    ids := ARRAY[sfn.uuid_v7()];
  ELSE
    ids := ARRAY(SELECT sfn.uuid_v7() AS id FROM generate_series(1, n) ORDER BY id);
  END IF;
  RETURN ids;
END
$$;
REVOKE ALL ON FUNCTION sfn._insert_prepare(text, jsonb, text, text, jsonb, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sfn._insert_prepare(text, jsonb, text, text, jsonb, bigint) TO sfn_app;

-- sfn.call of 0006/0013 with the fast insert in front. The general path below it is unchanged.
CREATE OR REPLACE FUNCTION sfn.call(p_ctx jsonb, p_op text, p_args jsonb) RETURNS jsonb
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  prev_role text := current_setting('role');
  result jsonb;
  detail text;
  message text;
  info jsonb;
  ids uuid[];
  docs jsonb;
BEGIN
  IF p_op = 'insert' AND sfn._insert_args_ok(p_ctx, p_args) THEN
    -- The settings of _bind_identity, in the same order, in one expression (PL/pgSQL evaluates a single
    -- expression without starting the executor).
    PERFORM set_config('sfn.user_id', p_ctx ->> 'userId', true)
            || set_config('sfn.roles', coalesce(p_ctx -> 'roles', '[]')::text, true)
            || set_config('sfn.database', p_ctx ->> 'database', true)
            || set_config('sfn.token_id', coalesce(left(p_ctx ->> 'tokenId', 255), ''), true)
            || set_config('sfn.call_id', coalesce(left(p_ctx ->> 'callId', 255), ''), true)
            || set_config('sfn.trace_id', coalesce(left(p_ctx ->> 'traceId', 255), ''), true)
            || set_config('sfn.max_document_bytes',
                          coalesce((p_ctx -> 'maxDocumentBytes')::numeric::bigint::text, '1048576'), true)
            || set_config('sfn.standalone', CASE WHEN p_ctx -> 'standalone' = 'true' THEN '1' ELSE '' END, true);
    IF current_user <> 'sfn_app' THEN
      PERFORM set_config('role', 'sfn_app', true);
    END IF;
    docs := p_args -> 'documents';
    ids := sfn._insert_prepare(p_ctx ->> 'userId', coalesce(p_ctx -> 'roles', '[]'), p_ctx ->> 'database',
                               p_args ->> 'collection', docs,
                               coalesce((p_ctx -> 'maxDocumentBytes')::numeric::bigint, 1048576));
    IF ids IS NOT NULL THEN
      IF cardinality(ids) = 1 THEN
        INSERT INTO sfn.documents (id, database, collection, owner, data)
        VALUES (ids[1], p_ctx ->> 'database', p_args ->> 'collection', p_ctx ->> 'userId', docs -> 0);
      ELSE
        INSERT INTO sfn.documents (id, database, collection, owner, data)
        SELECT u.id, p_ctx ->> 'database', p_args ->> 'collection', p_ctx ->> 'userId', docs -> (u.ord::integer - 1)
        FROM unnest(ids) WITH ORDINALITY AS u(id, ord);
      END IF;
      -- Last, as _insert did: a call that is its whole transaction holds the chain head from here to commit.
      PERFORM sfn._audit('insert', p_args ->> 'collection', ids::text[], 'allow', NULL);
      PERFORM set_config('role', prev_role, true);
      RETURN jsonb_build_object('ok', to_jsonb(ids));
    END IF;
    -- Denied, or a document is invalid: nothing was written; the general path answers.
    PERFORM set_config('role', prev_role, true);
  END IF;

  BEGIN
    PERFORM sfn._bind_identity(p_ctx);
    IF current_user <> 'sfn_app' THEN
      PERFORM set_config('role', 'sfn_app', true);
    END IF;
    result := sfn._dispatch(p_op, p_args);
  EXCEPTION WHEN SQLSTATE 'SF400' OR SQLSTATE 'SF403' OR SQLSTATE 'SF404' OR SQLSTATE 'SF409' THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, message = MESSAGE_TEXT;
    info := detail::jsonb;
    result := jsonb_build_object('error', jsonb_strip_nulls(jsonb_build_object(
      'type', info ->> 'type', 'code', info ->> 'code', 'message', message, 'details', info -> 'details')));
  END;
  PERFORM set_config('role', prev_role, true);
  RETURN result;
END
$$;
