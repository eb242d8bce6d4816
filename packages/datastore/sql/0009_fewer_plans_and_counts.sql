-- sfn 0009: the same results with less work: cached plans, and no count when the page tells the total.
--
-- PostgreSQL 15 re-plans the body of a LANGUAGE sql function on every call when it cannot inline it, and
-- it never inlines one that is SECURITY DEFINER, has a SET clause or is called from PL/pgSQL with a row
-- argument. _holds (every permission check) and audit_entry (every audit row at commit) were such
-- functions; as PL/pgSQL they keep their plans for the session. Semantics are unchanged.

CREATE OR REPLACE FUNCTION sfn._holds(p_user text, p_token_roles text[], p_database text, p_collection text,
                                      p_permissions text[])
RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
BEGIN
  RETURN EXISTS (
      SELECT 1 FROM sfn.user_permissions up
      WHERE up.database = p_database AND up.user_id = p_user
        AND up.collection IN ('', coalesce(p_collection, '')) AND up.permission = ANY (p_permissions))
    OR EXISTS (
      SELECT 1 FROM sfn.role_permissions rp
      WHERE rp.database = p_database
        AND rp.collection IN ('', coalesce(p_collection, '')) AND rp.permission = ANY (p_permissions)
        AND (rp.role = ANY (p_token_roles)
             OR EXISTS (SELECT 1 FROM sfn.user_roles ur
                        WHERE ur.database = p_database AND ur.user_id = p_user AND ur.role = rp.role
                          AND ur.collection IN ('', coalesce(p_collection, '')))));
END
$$;

CREATE OR REPLACE FUNCTION sfn.audit_entry(p sfn.audit_log) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN jsonb_build_object(
    'seq', p.seq, 'at', (extract(epoch FROM p.at) * 1000000)::bigint, 'subject', p.subject,
    'tokenId', p.token_id, 'callId', p.call_id, 'traceId', p.trace_id, 'database', p.database,
    'operation', p.operation, 'collection', p.collection, 'documentId', p.document_id,
    'decision', p.decision, 'reason', p.reason);
END
$$;

-- Query: the page first, and the separate count only when the page cannot tell the total. A non-empty
-- page with fewer than pageSize items is the last one, so total = offset + its length; an empty first
-- page means no match at all. Same results as counting, one statement fewer for small result sets.
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
  EXECUTE format('SELECT coalesce(jsonb_agg(x.doc), ''[]'') FROM (SELECT sfn._document_out(d.id, d.owner, '
                 'd.created_at, d.updated_at, d.data, $4) AS doc FROM sfn.documents d WHERE d.database = $2 '
                 'AND d.collection = $3 AND %s ORDER BY %s LIMIT $5 OFFSET $6) x', q.where_sql, q.order_sql)
    INTO items USING q.params, db, coll, q.projection, page_size, (page - 1) * page_size;
  n := jsonb_array_length(items);
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
