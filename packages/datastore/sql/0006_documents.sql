-- sfn 0006: row-level security on documents, the document operations and sfn.call, the one entry point
-- every language calls:  SELECT sfn.call($1::jsonb /* caller context */, $2::text /* op */, $3::jsonb /* args */)
-- It returns {"ok": result} or {"error": {"type", "code", "message", "details"}}.

ALTER TABLE sfn.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE sfn.documents FORCE ROW LEVEL SECURITY;

CREATE POLICY documents_select ON sfn.documents FOR SELECT TO sfn_app
  USING (owner = sfn.current_user_id()
         OR (database, collection) IN (SELECT s.database, s.collection FROM sfn.rls_scopes('read') s));
CREATE POLICY documents_insert ON sfn.documents FOR INSERT TO sfn_app
  WITH CHECK (owner = sfn.current_user_id() AND database = sfn.current_database());
CREATE POLICY documents_update ON sfn.documents FOR UPDATE TO sfn_app
  USING (owner = sfn.current_user_id()
         OR (database, collection) IN (SELECT s.database, s.collection FROM sfn.rls_scopes('write') s))
  WITH CHECK (owner = sfn.current_user_id()
         OR (database, collection) IN (SELECT s.database, s.collection FROM sfn.rls_scopes('write') s));
CREATE POLICY documents_delete ON sfn.documents FOR DELETE TO sfn_app
  USING (owner = sfn.current_user_id()
         OR (database, collection) IN (SELECT s.database, s.collection FROM sfn.rls_scopes('delete') s));

-- Collection configuration (SECURITY DEFINER: the function role cannot write sfn.collections itself).
CREATE FUNCTION sfn._ensure_collection(p_database text, p_collection text) RETURNS sfn.collections
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  c sfn.collections;
BEGIN
  SELECT * INTO c FROM sfn.collections WHERE database = p_database AND name = p_collection;
  IF NOT FOUND THEN
    INSERT INTO sfn.collections (database, name) VALUES (p_database, p_collection) ON CONFLICT DO NOTHING;
    SELECT * INTO c FROM sfn.collections WHERE database = p_database AND name = p_collection;
  END IF;
  RETURN c;
END
$$;

CREATE FUNCTION sfn._collection_config(p_collection text) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
  SELECT jsonb_build_object('ok', coalesce((
    SELECT jsonb_strip_nulls(jsonb_build_object('policy', c.policy, 'jsonSchema', c.json_schema,
                                                'auditReads', c.audit_reads, 'maxDocumentBytes', c.max_document_bytes))
    FROM sfn.collections c WHERE c.database = sfn.current_database() AND c.name = p_collection),
    '{"policy": "owner", "auditReads": false}'))
$$;

CREATE FUNCTION sfn._configure_collection(p_collection text, p_config jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  db text := sfn.current_database();
BEGIN
  IF jsonb_typeof(p_config) IS DISTINCT FROM 'object'
     OR EXISTS (SELECT 1 FROM jsonb_object_keys(p_config) k
                WHERE k NOT IN ('policy', 'jsonSchema', 'auditReads', 'maxDocumentBytes')) THEN
    PERFORM sfn._invalid('SFN_COLLECTION_CONFIG_INVALID',
                         'config holds policy, jsonSchema, auditReads and maxDocumentBytes');
  END IF;
  IF p_config ? 'policy' AND coalesce(p_config ->> 'policy', '') NOT IN ('owner', 'shared', 'private') THEN
    PERFORM sfn._invalid('SFN_COLLECTION_CONFIG_INVALID', 'policy is owner, shared or private');
  END IF;
  IF p_config ? 'jsonSchema' AND jsonb_typeof(p_config -> 'jsonSchema') NOT IN ('object', 'boolean', 'null') THEN
    PERFORM sfn._invalid('SFN_COLLECTION_CONFIG_INVALID', 'jsonSchema is a JSON Schema or null');
  END IF;
  IF p_config ? 'auditReads' AND jsonb_typeof(p_config -> 'auditReads') <> 'boolean' THEN
    PERFORM sfn._invalid('SFN_COLLECTION_CONFIG_INVALID', 'auditReads is a boolean');
  END IF;
  IF p_config ? 'maxDocumentBytes' AND jsonb_typeof(p_config -> 'maxDocumentBytes') <> 'null'
     AND (jsonb_typeof(p_config -> 'maxDocumentBytes') <> 'number'
          OR (p_config ->> 'maxDocumentBytes')::numeric NOT BETWEEN 1 AND 268435455) THEN
    PERFORM sfn._invalid('SFN_COLLECTION_CONFIG_INVALID', 'maxDocumentBytes is a positive integer');
  END IF;
  IF NOT sfn._caller_holds('admin', db, p_collection) THEN
    PERFORM sfn._audit('configureCollection', p_collection, NULL, 'deny', 'missing admin');
    RETURN sfn._forbidden('configuring a collection needs the admin permission',
                          jsonb_build_object('permission', 'admin', 'database', db, 'collection', p_collection));
  END IF;
  PERFORM sfn._ensure_collection(db, p_collection);
  UPDATE sfn.collections c SET
    policy = coalesce(p_config ->> 'policy', c.policy),
    json_schema = CASE WHEN p_config ? 'jsonSchema' THEN nullif(p_config -> 'jsonSchema', 'null') ELSE c.json_schema END,
    audit_reads = coalesce((p_config ->> 'auditReads')::boolean, c.audit_reads),
    max_document_bytes = CASE WHEN p_config ? 'maxDocumentBytes'
                              THEN (p_config ->> 'maxDocumentBytes')::numeric::integer ELSE c.max_document_bytes END,
    updated_at = clock_timestamp()
  WHERE c.database = db AND c.name = p_collection;
  PERFORM sfn._audit('configureCollection', p_collection, NULL, 'allow', p_config::text);
  RETURN sfn._collection_config(p_collection);
END
$$;

-- The document as the API returns it: (projected) application fields plus the metadata.
CREATE FUNCTION sfn._document_out(p_id uuid, p_owner text, p_created timestamptz, p_updated timestamptz,
                                  p_data jsonb, p_projection jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT sfn._project(p_data, p_projection)
      || jsonb_build_object('id', p_id, 'createdAt', sfn._ts(p_created), 'updatedAt', sfn._ts(p_updated),
                            'owner', p_owner)
$$;

-- Effective size limit: the caller's, lowered by the collection's.
CREATE FUNCTION sfn._size_limit(c sfn.collections) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT least(coalesce(nullif(current_setting('sfn.max_document_bytes', true), '')::bigint, 1048576),
               coalesce(c.max_document_bytes, 9223372036854775807))
$$;

-- Application content must be an object without the reserved metadata names, within the size limit.
CREATE FUNCTION sfn._check_document(p_doc jsonb, p_index integer, p_limit bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
  size bigint;
BEGIN
  IF jsonb_typeof(p_doc) IS DISTINCT FROM 'object' THEN
    PERFORM sfn._invalid('SFN_DOCUMENT_INVALID', 'a document must be a JSON object',
                         jsonb_build_object('index', p_index));
  END IF;
  IF p_doc ?| ARRAY['id', 'owner', 'createdAt', 'updatedAt'] THEN
    PERFORM sfn._invalid('SFN_DOCUMENT_RESERVED_FIELD',
                         'id, owner, createdAt and updatedAt are managed by the store',
                         jsonb_build_object('index', p_index));
  END IF;
  size := octet_length(p_doc::text);
  IF size > p_limit THEN
    PERFORM sfn._invalid('SFN_DOCUMENT_TOO_LARGE', format('the document has %s bytes, the limit is %s', size, p_limit),
                         jsonb_build_object('index', p_index, 'bytes', size, 'limit', p_limit));
  END IF;
END
$$;

CREATE FUNCTION sfn._collection_arg(p_args jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT sfn._check_name('collection', p_args ->> 'collection')
$$;

CREATE FUNCTION sfn._require_database() RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF sfn.current_database() IS NULL THEN
    PERFORM sfn._invalid('SFN_CONTEXT_INVALID', 'document operations need a database in the caller context');
  END IF;
  RETURN sfn.current_database();
END
$$;

CREATE FUNCTION sfn._insert(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  db text := sfn._require_database();
  coll text := sfn._collection_arg(p_args);
  docs jsonb := p_args -> 'documents';
  denied jsonb;
  c sfn.collections;
  ids uuid[];
  n integer;
  i integer;
BEGIN
  IF jsonb_typeof(docs) IS DISTINCT FROM 'array' OR jsonb_array_length(docs) NOT BETWEEN 1 AND 10000 THEN
    PERFORM sfn._invalid('SFN_DOCUMENT_INVALID', 'documents must be an array of 1 to 10000 documents');
  END IF;
  denied := sfn._gate('insert', 'write', coll);
  IF denied IS NOT NULL THEN
    RETURN denied;
  END IF;
  c := sfn._ensure_collection(db, coll);
  n := jsonb_array_length(docs);
  FOR i IN 0 .. n - 1 LOOP
    PERFORM sfn._check_document(docs -> i, i, sfn._size_limit(c));
  END LOOP;
  -- Sorted, so that ids (the default order) follow the input order within a batch.
  ids := ARRAY(SELECT sfn.uuid_v7() AS id FROM generate_series(1, n) ORDER BY id);
  INSERT INTO sfn.documents (id, database, collection, owner, data)
  SELECT u.id, db, coll, sfn.current_user_id(), docs -> (u.ord::integer - 1)
  FROM unnest(ids) WITH ORDINALITY AS u(id, ord);
  PERFORM sfn._audit('insert', coll, ids::text[], 'allow', NULL);
  RETURN jsonb_build_object('ok', to_jsonb(ids));
END
$$;

CREATE FUNCTION sfn._get_by_id(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
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
  SELECT sfn._document_out(d.id, d.owner, d.created_at, d.updated_at, d.data, NULL) INTO doc
  FROM sfn.documents d WHERE d.id = id_text::uuid AND d.database = db AND d.collection = coll;
  RETURN jsonb_build_object('ok', coalesce(doc, 'null'::jsonb));
END
$$;

CREATE FUNCTION sfn._page_arg(p_args jsonb, p_name text, p_max bigint) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v jsonb := p_args -> p_name;
BEGIN
  IF jsonb_typeof(v) IS DISTINCT FROM 'number' OR (v)::numeric <> trunc((v)::numeric)
     OR (v)::numeric NOT BETWEEN 1 AND p_max THEN
    PERFORM sfn._invalid('SFN_PAGE_INVALID', format('%s must be an integer from 1 to %s', p_name, p_max),
                         jsonb_build_object('field', p_name));
  END IF;
  RETURN (v)::numeric::bigint;
END
$$;

CREATE FUNCTION sfn._query(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  db text := sfn._require_database();
  coll text := sfn._collection_arg(p_args);
  page bigint := sfn._page_arg(p_args, 'page', 1000000);
  page_size bigint := sfn._page_arg(p_args, 'pageSize', 1000);
  q record;
  denied jsonb;
  total bigint;
  items jsonb;
BEGIN
  SELECT * INTO q FROM sfn._compile_query(p_args -> 'query');
  denied := sfn._gate('query', 'read', coll);
  IF denied IS NOT NULL THEN
    RETURN denied;
  END IF;
  EXECUTE format('SELECT count(*) FROM sfn.documents d WHERE d.database = $2 AND d.collection = $3 AND %s',
                 q.where_sql)
    INTO total USING q.params, db, coll;
  EXECUTE format('SELECT coalesce(jsonb_agg(x.doc), ''[]'') FROM (SELECT sfn._document_out(d.id, d.owner, '
                 'd.created_at, d.updated_at, d.data, $4) AS doc FROM sfn.documents d WHERE d.database = $2 '
                 'AND d.collection = $3 AND %s ORDER BY %s LIMIT $5 OFFSET $6) x', q.where_sql, q.order_sql)
    INTO items USING q.params, db, coll, q.projection, page_size, (page - 1) * page_size;
  RETURN jsonb_build_object('ok', jsonb_build_object('items', items, 'total', total, 'page', page,
                                                     'pageSize', page_size));
END
$$;

-- p_args.returnDocuments = true adds the changed documents, so a client can validate them against the
-- collection's JSON Schema before its transaction commits.
CREATE FUNCTION sfn._update(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  db text := sfn._require_database();
  coll text := sfn._collection_arg(p_args);
  doc jsonb := p_args -> 'document';
  mode text := coalesce(p_args ->> 'mode', 'merge');
  q record;
  denied jsonb;
  c sfn.collections;
  ids uuid[];
  sizes bigint[];
  changed jsonb;
  lim bigint;
  i integer;
BEGIN
  IF mode NOT IN ('merge', 'replace') THEN
    PERFORM sfn._invalid('SFN_UPDATE_MODE_INVALID', 'mode is merge or replace');
  END IF;
  SELECT * INTO q FROM sfn._compile_query(p_args -> 'query');
  denied := sfn._gate('update', 'write', coll);
  IF denied IS NOT NULL THEN
    RETURN denied;
  END IF;
  c := sfn._ensure_collection(db, coll);
  lim := sfn._size_limit(c);
  PERFORM sfn._check_document(doc, 0, lim);
  EXECUTE format('WITH u AS (UPDATE sfn.documents d SET data = %s, updated_at = clock_timestamp() '
                 'WHERE d.database = $2 AND d.collection = $3 AND %s RETURNING d.id, d.owner, d.created_at, '
                 'd.updated_at, d.data) SELECT coalesce(array_agg(u.id ORDER BY u.id), ''{}''), '
                 'coalesce(array_agg(octet_length(u.data::text) ORDER BY u.id), ''{}''), '
                 'CASE WHEN $5 THEN coalesce(jsonb_agg(sfn._document_out(u.id, u.owner, u.created_at, '
                 'u.updated_at, u.data, NULL) ORDER BY u.id), ''[]'') END FROM u',
                 CASE mode WHEN 'merge' THEN 'sfn.merge_patch(d.data, $4)' ELSE '$4' END, q.where_sql)
    INTO ids, sizes, changed
    USING q.params, db, coll, doc, coalesce((p_args ->> 'returnDocuments')::boolean, false);
  FOR i IN 1 .. coalesce(cardinality(sizes), 0) LOOP
    IF sizes[i] > lim THEN
      PERFORM sfn._invalid('SFN_DOCUMENT_TOO_LARGE',
                           format('the updated document has %s bytes, the limit is %s', sizes[i], lim),
                           jsonb_build_object('id', ids[i], 'bytes', sizes[i], 'limit', lim));
    END IF;
  END LOOP;
  IF cardinality(ids) > 0 THEN
    PERFORM sfn._audit('update', coll, ids::text[], 'allow', mode);
  END IF;
  RETURN jsonb_build_object('ok', cardinality(ids)) || CASE WHEN changed IS NULL THEN '{}'::jsonb
                                                            ELSE jsonb_build_object('documents', changed) END;
END
$$;

CREATE FUNCTION sfn._delete(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  db text := sfn._require_database();
  coll text := sfn._collection_arg(p_args);
  q record;
  denied jsonb;
  ids uuid[];
BEGIN
  SELECT * INTO q FROM sfn._compile_query(p_args -> 'query');
  denied := sfn._gate('delete', 'delete', coll);
  IF denied IS NOT NULL THEN
    RETURN denied;
  END IF;
  EXECUTE format('WITH x AS (DELETE FROM sfn.documents d WHERE d.database = $2 AND d.collection = $3 AND %s '
                 'RETURNING d.id) SELECT coalesce(array_agg(x.id ORDER BY x.id), ''{}'') FROM x', q.where_sql)
    INTO ids USING q.params, db, coll;
  IF cardinality(ids) > 0 THEN
    PERFORM sfn._audit('delete', coll, ids::text[], 'allow', NULL);
  END IF;
  RETURN jsonb_build_object('ok', cardinality(ids));
END
$$;

CREATE FUNCTION sfn._dispatch(p_op text, p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  IF jsonb_typeof(p_args) IS DISTINCT FROM 'object' THEN
    PERFORM sfn._invalid('SFN_ARGUMENTS_INVALID', 'arguments must be an object');
  END IF;
  IF p_op IS NULL OR p_op NOT IN ('insert', 'getById', 'query', 'update', 'delete', 'collectionConfig',
      'configureCollection', 'assignRoleToUser', 'removeRoleFromUser', 'assignPermissionsToUser',
      'removePermissionsFromUser', 'grantPermissionsToRole', 'revokePermissionsFromRole', 'hasPermission',
      'hasRole') THEN
    PERFORM sfn._invalid('SFN_OPERATION_UNKNOWN', 'unknown operation');
  END IF;
  RETURN CASE p_op
    WHEN 'insert' THEN sfn._insert(p_args)
    WHEN 'getById' THEN sfn._get_by_id(p_args)
    WHEN 'query' THEN sfn._query(p_args)
    WHEN 'update' THEN sfn._update(p_args)
    WHEN 'delete' THEN sfn._delete(p_args)
    WHEN 'collectionConfig' THEN sfn._collection_config(sfn._collection_arg(p_args))
    WHEN 'configureCollection' THEN sfn._configure_collection(sfn._collection_arg(p_args), p_args -> 'config')
    WHEN 'assignRoleToUser' THEN sfn._authz_change(p_op, p_args)
    WHEN 'removeRoleFromUser' THEN sfn._authz_change(p_op, p_args)
    WHEN 'assignPermissionsToUser' THEN sfn._authz_change(p_op, p_args)
    WHEN 'removePermissionsFromUser' THEN sfn._authz_change(p_op, p_args)
    WHEN 'grantPermissionsToRole' THEN sfn._authz_change(p_op, p_args)
    WHEN 'revokePermissionsFromRole' THEN sfn._authz_change(p_op, p_args)
    WHEN 'hasPermission' THEN sfn._authz_check(p_op, p_args)
    ELSE sfn._authz_check(p_op, p_args)
  END;
END
$$;

-- The entry point. Binds the caller to the transaction, drops to the function role (so row-level
-- security applies even on a superuser connection), runs the operation in a sub-transaction (an sfn
-- error undoes everything it wrote and leaves an outer transaction usable) and restores the role.
CREATE FUNCTION sfn.call(p_ctx jsonb, p_op text, p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  prev_role text := current_setting('role');
  result jsonb;
  detail text;
  message text;
  info jsonb;
BEGIN
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

GRANT EXECUTE ON FUNCTION sfn.call(jsonb, text, jsonb) TO sfn_app;
