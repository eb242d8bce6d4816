-- sfn 0011: the same results with less work per operation (measured with pg_stat_user_functions).
--
-- 1. Helpers called from PL/pgSQL that PostgreSQL cannot inline (their bodies hold a stable function, or
--    they are SECURITY DEFINER) were planned again in every transaction; as PL/pgSQL they keep their plans
--    for the session. The document output is written into the query text instead of calling
--    _document_out per row (to_char is stable, so that IMMUTABLE SQL function was never inlined).
-- 2. _field_path checks segment lengths by counting: the bounded regular expression it used expanded into
--    a large automaton and cost more than the rest of the filter compilation. Same accepted paths.
-- 3. The audit chain: a call that is its whole transaction (the caller says so with "standalone": true in
--    the caller context, as the TypeScript client does for an operation it runs alone) links its audit
--    rows at once; the chain head lock is then held until that statement commits, microseconds later, as
--    the commit-time link held it, instead of inserting the rows unlinked and updating each again at
--    commit. Every other call's rows are still linked at commit (0004). The hashes are the same, and a
--    wrong "standalone" costs only concurrency (the head stays locked until its transaction ends).

CREATE OR REPLACE FUNCTION sfn.current_token_roles() RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce(ARRAY(SELECT jsonb_array_elements_text(nullif(current_setting('sfn.roles', true), '')::jsonb)),
                  '{}');
END
$$;

-- _bind_identity (0002) plus the "standalone" flag.
CREATE OR REPLACE FUNCTION sfn._bind_identity(p_ctx jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  roles jsonb := coalesce(p_ctx -> 'roles', '[]');
  limit_bytes jsonb := p_ctx -> 'maxDocumentBytes';
BEGIN
  IF p_ctx IS NULL OR jsonb_typeof(p_ctx) <> 'object' THEN
    PERFORM sfn._invalid('SFN_CONTEXT_INVALID', 'the caller context must be an object');
  END IF;
  IF jsonb_typeof(p_ctx -> 'userId') IS DISTINCT FROM 'string' THEN
    PERFORM sfn._invalid('SFN_CONTEXT_INVALID', 'the caller context needs a userId');
  END IF;
  PERFORM sfn._check_principal('userId', p_ctx ->> 'userId');
  IF jsonb_typeof(roles) <> 'array'
     OR EXISTS (SELECT 1 FROM jsonb_array_elements(roles) r WHERE jsonb_typeof(r) <> 'string') THEN
    PERFORM sfn._invalid('SFN_CONTEXT_INVALID', 'roles must be an array of strings');
  END IF;
  IF p_ctx ? 'database' THEN
    PERFORM sfn._check_name('database', p_ctx ->> 'database');
  END IF;
  IF limit_bytes IS NOT NULL AND (jsonb_typeof(limit_bytes) <> 'number' OR (limit_bytes)::numeric < 1) THEN
    PERFORM sfn._invalid('SFN_CONTEXT_INVALID', 'maxDocumentBytes must be a positive number');
  END IF;
  PERFORM set_config('sfn.user_id', p_ctx ->> 'userId', true),
          set_config('sfn.roles', roles::text, true),
          set_config('sfn.database', coalesce(p_ctx ->> 'database', ''), true),
          set_config('sfn.token_id', coalesce(left(p_ctx ->> 'tokenId', 255), ''), true),
          set_config('sfn.call_id', coalesce(left(p_ctx ->> 'callId', 255), ''), true),
          set_config('sfn.trace_id', coalesce(left(p_ctx ->> 'traceId', 255), ''), true),
          set_config('sfn.max_document_bytes', coalesce((limit_bytes)::numeric::bigint::text, '1048576'), true),
          set_config('sfn.standalone', CASE WHEN p_ctx -> 'standalone' = 'true' THEN '1' ELSE '' END, true);
END
$$;

CREATE OR REPLACE FUNCTION sfn._audits_reads(p_database text, p_collection text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
BEGIN
  RETURN coalesce((SELECT c.audit_reads FROM sfn.collections c
                   WHERE c.database = p_database AND c.name = p_collection), false);
END
$$;

CREATE OR REPLACE FUNCTION sfn._value_sql(p_path text[]) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF NOT sfn._is_metadata(p_path) THEN
    RETURN format('(d.data #> %L::text[])', p_path::text);
  END IF;
  RETURN CASE p_path[1]
    WHEN 'id' THEN 'to_jsonb(d.id::text)'
    WHEN 'owner' THEN 'to_jsonb(d.owner)'
    WHEN 'createdAt' THEN 'to_jsonb(sfn._ts(d.created_at))'
    ELSE 'to_jsonb(sfn._ts(d.updated_at))' END;
END
$$;

CREATE OR REPLACE FUNCTION sfn._field_path(p_path text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  parts text[];
BEGIN
  IF p_path IS NOT NULL AND length(p_path) <= 511
     AND p_path ~ '^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$' THEN
    parts := string_to_array(p_path, '.');
    IF cardinality(parts) <= 8 AND NOT EXISTS (SELECT 1 FROM unnest(parts) s WHERE length(s) > 63) THEN
      RETURN parts;
    END IF;
  END IF;
  PERFORM sfn._invalid('SFN_FIELD_INVALID',
    'field paths are 1 to 8 dot-separated names matching ^[A-Za-z_][A-Za-z0-9_]{0,62}$',
    jsonb_build_object('field', left(p_path, 200)));
  RETURN NULL;
END
$$;

-- SQL text of a document as the API returns it (the expression of _document_out), over table alias
-- p_alias, with the projection in the parameter p_projection_param.
CREATE FUNCTION sfn._document_sql(p_alias text, p_projection_param text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN format('(CASE WHEN %2$s IS NULL THEN %1$s.data ELSE sfn._project(%1$s.data, %2$s) END'
                ' || jsonb_build_object(''id'', %1$s.id,'
                ' ''createdAt'', to_char(%1$s.created_at AT TIME ZONE ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.US"Z"''),'
                ' ''updatedAt'', to_char(%1$s.updated_at AT TIME ZONE ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.US"Z"''),'
                ' ''owner'', %1$s.owner))',
                p_alias, p_projection_param);
END
$$;

CREATE OR REPLACE FUNCTION sfn._get_by_id(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  db text := sfn._require_database();
  coll text := sfn._collection_arg(p_args);
  id_text text := p_args ->> 'id';
  denied jsonb;
  doc jsonb;
BEGIN
  IF id_text IS NULL OR id_text !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    PERFORM sfn._invalid('SFN_ID_INVALID', 'a document id is a UUID');
  END IF;
  denied := sfn._gate('getById', 'read', coll);
  IF denied IS NOT NULL THEN
    RETURN denied;
  END IF;
  SELECT d.data || jsonb_build_object(
           'id', d.id,
           'createdAt', to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'updatedAt', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'owner', d.owner)
    INTO doc
  FROM sfn.documents d WHERE d.id = id_text::uuid AND d.database = db AND d.collection = coll;
  RETURN jsonb_build_object('ok', coalesce(doc, 'null'::jsonb));
END
$$;

CREATE OR REPLACE FUNCTION sfn._query(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  db text := sfn._require_database();
  coll text := sfn._collection_arg(p_args);
  page bigint := sfn._page_arg(p_args, 'page', 1000000);
  page_size bigint := sfn._page_arg(p_args, 'pageSize', 1000);
  q record;
  denied jsonb;
  total bigint;
  items jsonb;
  n bigint;
BEGIN
  SELECT * INTO q FROM sfn._compile_query(p_args -> 'query');
  denied := sfn._gate('query', 'read', coll);
  IF denied IS NOT NULL THEN
    RETURN denied;
  END IF;
  EXECUTE format('SELECT coalesce(jsonb_agg(x.doc), ''[]'') FROM (SELECT %s AS doc FROM sfn.documents d '
                 'WHERE d.database = $2 AND d.collection = $3 AND %s ORDER BY %s LIMIT $5 OFFSET $6) x',
                 sfn._document_sql('d', '$4::jsonb'), q.where_sql, q.order_sql)
    INTO items USING q.params, db, coll, q.projection, page_size, (page - 1) * page_size;
  n := jsonb_array_length(items);
  -- A non-empty page shorter than pageSize is the last one; an empty first page means no match (0009).
  IF (n > 0 AND n < page_size) OR (n = 0 AND page = 1) THEN
    total := (page - 1) * page_size + n;
  ELSE
    EXECUTE format('SELECT count(*) FROM sfn.documents d WHERE d.database = $2 AND d.collection = $3 AND %s',
                   q.where_sql)
      INTO total USING q.params, db, coll;
  END IF;
  RETURN jsonb_build_object('ok', jsonb_build_object('items', items, 'total', total, 'page', page,
                                                     'pageSize', page_size));
END
$$;

CREATE OR REPLACE FUNCTION sfn._audit(p_operation text, p_collection text, p_document_ids text[], p_decision text,
                                      p_reason text, p_database text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  r sfn.audit_log;
  docs text[] := CASE WHEN coalesce(cardinality(p_document_ids), 0) = 0 THEN ARRAY[NULL::text]
                      ELSE p_document_ids END;
  n integer := cardinality(docs);
  ats timestamptz[] := '{}';
  prevs bytea[] := '{}';
  hashes bytea[] := '{}';
  head_seq bigint;
  head_hash bytea;
  i integer;
BEGIN
  r.subject := sfn.current_user_id();
  r.token_id := nullif(current_setting('sfn.token_id', true), '');
  r.call_id := nullif(current_setting('sfn.call_id', true), '');
  r.trace_id := nullif(current_setting('sfn.trace_id', true), '');
  r.database := coalesce(p_database, sfn.current_database());
  r.operation := p_operation;
  r.collection := p_collection;
  r.decision := p_decision;
  r.reason := p_reason;
  IF current_setting('sfn.standalone', true) IS DISTINCT FROM '1' THEN
    -- Part of a longer transaction: linked at commit by sfn._audit_link (0004).
    INSERT INTO sfn.audit_log (subject, token_id, call_id, trace_id, database, operation, collection,
                               document_id, decision, reason)
    SELECT r.subject, r.token_id, r.call_id, r.trace_id, r.database, r.operation, r.collection, d, r.decision,
           r.reason
    FROM unnest(docs) AS d;
    PERFORM set_config('sfn.audit_pending', '1', true);
    RETURN;
  END IF;
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM sfn.audit_head h WHERE h.id = 1 FOR UPDATE;
  FOR i IN 1 .. n LOOP
    r.at := clock_timestamp();
    r.document_id := docs[i];
    r.seq := head_seq + i;
    ats := ats || r.at;
    prevs := prevs || head_hash;
    head_hash := sha256(head_hash || convert_to(sfn.audit_entry(r)::text, 'UTF8'));
    hashes := hashes || head_hash;
  END LOOP;
  INSERT INTO sfn.audit_log (seq, at, subject, token_id, call_id, trace_id, database, operation, collection,
                             document_id, decision, reason, prev_hash, hash)
  SELECT head_seq + u.ord, u.at, r.subject, r.token_id, r.call_id, r.trace_id, r.database, r.operation,
         r.collection, u.d, r.decision, r.reason, u.prev, u.hash
  FROM unnest(docs, ats, prevs, hashes) WITH ORDINALITY AS u(d, at, prev, hash, ord)
  ORDER BY u.ord;
  UPDATE sfn.audit_head SET seq = head_seq + n, hash = head_hash WHERE id = 1;
END
$$;

-- Rows linked on insert queue no commit-time trigger event.
DROP TRIGGER audit_log_link ON sfn.audit_log;
CREATE CONSTRAINT TRIGGER audit_log_link AFTER INSERT ON sfn.audit_log
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.hash IS NULL) EXECUTE FUNCTION sfn._audit_link();
