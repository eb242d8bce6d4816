-- sfn 0017: faster queries (issue #5, goal b). Same results, same order, same errors, same audit rows.
--
-- A query planned its filter statement on every call (it was EXECUTEd so that a plan for the actual
-- values would use the GIN index; under sfn.call's force_generic_plan a cached plan walks the id index),
-- with the row policy inside it, after compiling the filter through a dozen PL/pgSQL helpers. Now the
-- common query — a filter that is a conjunction of equalities of fields with scalar values (or no
-- filter), the default sort (by id), no projection — takes a fast path:
--
-- 1. Such a filter IS a jsonb containment: for a string, number, boolean or null v, data @> {"f": v}
--    holds exactly when the field f is present and JSON-equal to v (containment is looser only for
--    arrays and objects, and a nested array does not contain a scalar: {"f": ["x"]} @> {"f": "x"} is
--    false). So the filter object itself is the containment argument: nothing to compile (dotted paths
--    are nested first, {"a.b": v} being {"a": {"b": v}}).
-- 2. The statements are static PL/pgSQL, planned once per session (generic plans). The containment sits
--    in a subquery behind OFFSET 0, without the collection condition, so that even the generic plan
--    answers it from the GIN index (with the collection condition beside it the planner may AND the
--    GIN bitmap with a scan of the whole collection's b-tree, 1 ms instead of 50 µs with 300
--    collections); the collection condition, ORDER BY id and LIMIT apply to the few matching rows. Where
--    containment is not LEAKPROOF (0008 needs a superuser) no plan can use the GIN index under the row
--    policy, and the filter runs beside the collection condition, on its b-tree, as before.
-- 3. The permission check and the collection's auditReads are one SECURITY DEFINER call (the rule of
--    _holds with _satisfying('read:own'), as _insert_prepare of 0016 decides writes). A denial, or a
--    collection that audits reads, takes the general path, which decides again, audits and answers
--    exactly as before: the fast path writes nothing and raises nothing.
-- Every other query takes the general path of 0011 unchanged. sfn._query_fast takes the identity as
-- arguments so that an entry which binds the identity itself can call it directly.
--
-- rls_scopes, which the row policies ask for the collections whose other documents the caller may reach,
-- becomes PL/pgSQL (as a SECURITY DEFINER SQL function it was planned again on every execution of every
-- statement whose policy needed it) and decides for all collections in one statement. getById uses the
-- one-call permission check of the fast query.

-- The collections of the current database whose documents the caller may reach beyond its own (0003),
-- with the rule of _holds decided once for all collections instead of once per collection (a reader with
-- the full read permission in a database of 300 collections paid 300 _holds calls, 4 ms, per query). A
-- grant reaches collection c when its scopes do: a permission granted to the user, or to a token role, at
-- collection X reaches X ('' reaches all); a role's permission at collection X through a role assignment
-- at collection Y reaches c when X and Y are each '' or c.
CREATE OR REPLACE FUNCTION sfn.rls_scopes(p_permission text) RETURNS TABLE (database text, collection text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  db text := sfn.current_database();
  uid text := sfn.current_user_id();
  roles text[] := sfn.current_token_roles();
BEGIN
  IF db IS NULL OR uid IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
  WITH held (target, permission) AS MATERIALIZED (
    SELECT up.collection, up.permission FROM sfn.user_permissions up
    WHERE up.database = db AND up.user_id = uid
    UNION ALL
    SELECT rp.collection, rp.permission FROM sfn.role_permissions rp
    WHERE rp.database = db AND rp.role = ANY (roles)
    UNION ALL
    SELECT CASE WHEN rp.collection = '' THEN ur.collection ELSE rp.collection END, rp.permission
    FROM sfn.user_roles ur JOIN sfn.role_permissions rp ON rp.database = ur.database AND rp.role = ur.role
    WHERE ur.database = db AND ur.user_id = uid
      AND (ur.collection = '' OR rp.collection = '' OR ur.collection = rp.collection)
  )
  SELECT c.database, c.name
  FROM sfn.collections c
  WHERE c.database = db
    AND EXISTS (SELECT 1 FROM held h
                WHERE (h.target = '' OR h.target = c.name)
                  AND h.permission = ANY (CASE c.policy
                                            WHEN 'shared' THEN ARRAY[p_permission, p_permission || ':own', 'admin']
                                            WHEN 'owner' THEN ARRAY[p_permission, 'admin']
                                            ELSE ARRAY['admin'] END));
END
$$;

-- Whether p_user (with token roles p_roles, a jsonb array) may read p_collection without an audit row:
-- holds read:own, read or admin there (the rule of _holds) and the collection does not audit reads.
CREATE FUNCTION sfn._reads_quietly(p_user text, p_roles jsonb, p_database text, p_collection text)
RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
BEGIN
  RETURN sfn._grants_reach(p_user, p_roles, p_database, p_collection, ARRAY['read:own', 'read', 'admin'])
     AND NOT coalesce((SELECT c.audit_reads FROM sfn.collections c
                       WHERE c.database = p_database AND c.name = p_collection), false);
END
$$;
REVOKE ALL ON FUNCTION sfn._reads_quietly(text, jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sfn._reads_quietly(text, jsonb, text, text) TO sfn_app;

-- The containment form of a filter whose keys are field paths, some with dots, each equal to a scalar:
-- {"a.b": 1, "a.c": 2, "d": 3} is {"a": {"b": 1, "c": 2}, "d": 3} (a path navigates objects only, as a
-- nested containment does). NULL when a key is not a valid data path (_field_path, not metadata), a value
-- is an array or an object, or one path runs through another ({"a": 1, "a.b": 2} can never hold; the
-- general path answers it).
CREATE FUNCTION sfn._nested_containment(p_filter jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  result jsonb := '{}';
  k text;
  v jsonb;
  parts text[];
  cur jsonb;
  i integer;
BEGIN
  FOR k, v IN SELECT e.key, e.value FROM jsonb_each(p_filter) e LOOP
    IF jsonb_typeof(v) IN ('object', 'array') OR k IN ('id', 'owner', 'createdAt', 'updatedAt')
       OR length(k) > 511 OR k !~ '^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$' THEN
      RETURN NULL;
    END IF;
    parts := string_to_array(k, '.');
    IF cardinality(parts) > 8 OR EXISTS (SELECT 1 FROM unnest(parts) s WHERE length(s) > 63) THEN
      RETURN NULL;
    END IF;
    FOR i IN 1 .. cardinality(parts) - 1 LOOP
      cur := result #> parts[1:i];
      IF cur IS NULL THEN
        result := jsonb_set(result, parts[1:i], '{}');
      ELSIF jsonb_typeof(cur) <> 'object' THEN
        RETURN NULL;
      END IF;
    END LOOP;
    IF result #> parts IS NOT NULL THEN
      RETURN NULL;
    END IF;
    result := jsonb_set(result, parts, v);
  END LOOP;
  RETURN result;
END
$$;

-- The fast query: its reply, or NULL — having written nothing — when the general path must answer: the
-- arguments are not of the fast shape (or _query would raise for them), there is no database, the caller
-- lacks read:own, or the collection audits reads. Runs as the caller (sfn_app), so the row policy
-- applies; the identity must be bound to the transaction as well (the policy reads it). The fast shape:
-- a valid collection, page and pageSize (as _check_name and _page_arg accept them), no projection (absent
-- or null), the default sort (absent, null or []) and a filter that is absent or an object of field paths
-- (not metadata) with scalar values; top-level names need no work, dotted paths are nested.
CREATE FUNCTION sfn._query_fast(p_args jsonb, p_user text, p_roles jsonb, p_database text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  coll text := p_args ->> 'collection';
  query jsonb := p_args -> 'query';
  filter jsonb := query -> 'filter';
  page_arg jsonb := p_args -> 'page';
  size_arg jsonb := p_args -> 'pageSize';
  page bigint;
  page_size bigint;
  items jsonb;
  n bigint;
  total bigint;
  use_gin boolean;
BEGIN
  -- Cheap tests first, each guarding the next; a bounded regular expression costs 2 µs, so the name is
  -- tested with * and its length.
  IF p_database IS NULL OR p_user IS NULL OR jsonb_typeof(p_args) IS DISTINCT FROM 'object'
     OR NOT coalesce(coll ~ '^[A-Za-z_][A-Za-z0-9_]*$' AND length(coll) <= 63, false)
     OR jsonb_typeof(page_arg) IS DISTINCT FROM 'number' OR jsonb_typeof(size_arg) IS DISTINCT FROM 'number' THEN
    RETURN NULL;
  END IF;
  IF (page_arg)::numeric NOT BETWEEN 1 AND 1000000 OR (page_arg)::numeric <> trunc((page_arg)::numeric)
     OR (size_arg)::numeric NOT BETWEEN 1 AND 1000 OR (size_arg)::numeric <> trunc((size_arg)::numeric) THEN
    RETURN NULL;
  END IF;
  IF query IS NOT NULL AND jsonb_typeof(query) <> 'null' THEN
    IF jsonb_typeof(query) <> 'object' OR query - 'filter' - 'sort' - 'projection' <> '{}'
       OR NOT (coalesce(jsonb_typeof(query -> 'sort'), 'null') = 'null' OR query -> 'sort' = '[]')
       OR coalesce(jsonb_typeof(query -> 'projection'), 'null') <> 'null'
       OR (filter IS NOT NULL AND jsonb_typeof(filter) <> 'object') THEN
      RETURN NULL;
    END IF;
    IF filter IS NOT NULL AND jsonb_path_exists(filter, 'strict $.keyvalue() ? (
         @.value.type() == "object" || @.value.type() == "array"
         || !(@.key like_regex "^[A-Za-z_][A-Za-z0-9_]{0,62}$")
         || @.key == "id" || @.key == "owner" || @.key == "createdAt" || @.key == "updatedAt")') THEN
      filter := sfn._nested_containment(filter);
      IF filter IS NULL THEN
        RETURN NULL;
      END IF;
    END IF;
  END IF;
  IF NOT sfn._reads_quietly(p_user, coalesce(p_roles, '[]'), p_database, coll) THEN
    RETURN NULL;
  END IF;
  filter := nullif(filter, '{}');
  page := (page_arg)::numeric::bigint;
  page_size := (size_arg)::numeric::bigint;
  -- The containment behind an OFFSET 0 fence, without the collection condition, so that even the generic
  -- plan answers it from the GIN index; that needs containment to be LEAKPROOF (0008) under the row policy.
  -- Otherwise (and without a filter) the (database, collection, id) b-tree with the filter beside it.
  use_gin := filter IS NOT NULL
             AND (SELECT p.proleakproof FROM pg_catalog.pg_proc p
                  WHERE p.oid = 'pg_catalog.jsonb_contains(jsonb, jsonb)'::pg_catalog.regprocedure);
  IF use_gin THEN
    SELECT coalesce(jsonb_agg(x.doc), '[]') INTO items FROM (
      SELECT d.data || jsonb_build_object('id', d.id,
               'createdAt', to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'updatedAt', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'owner', d.owner) AS doc
      FROM (SELECT * FROM sfn.documents m WHERE m.data @> filter OFFSET 0) d
      WHERE d.database = p_database AND d.collection = coll
      ORDER BY d.id LIMIT page_size OFFSET (page - 1) * page_size) x;
  ELSE
    SELECT coalesce(jsonb_agg(x.doc), '[]') INTO items FROM (
      SELECT d.data || jsonb_build_object('id', d.id,
               'createdAt', to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'updatedAt', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'owner', d.owner) AS doc
      FROM sfn.documents d
      WHERE d.database = p_database AND d.collection = coll AND (filter IS NULL OR d.data @> filter)
      ORDER BY d.id LIMIT page_size OFFSET (page - 1) * page_size) x;
  END IF;
  n := jsonb_array_length(items);
  -- A non-empty page shorter than pageSize is the last one; an empty first page means no match (0009).
  IF (n > 0 AND n < page_size) OR (n = 0 AND page = 1) THEN
    total := (page - 1) * page_size + n;
  ELSIF use_gin THEN
    SELECT count(*) INTO total FROM (SELECT m.database, m.collection FROM sfn.documents m
                                     WHERE m.data @> filter OFFSET 0) d
    WHERE d.database = p_database AND d.collection = coll;
  ELSE
    SELECT count(*) INTO total FROM sfn.documents d
    WHERE d.database = p_database AND d.collection = coll AND (filter IS NULL OR d.data @> filter);
  END IF;
  RETURN jsonb_build_object('ok', jsonb_build_object('items', items, 'total', total, 'page', page,
                                                     'pageSize', page_size));
END
$$;

-- _query of 0011 with the fast path in front; the general path below it is unchanged.
CREATE OR REPLACE FUNCTION sfn._query(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  db text;
  coll text;
  page bigint;
  page_size bigint;
  q record;
  denied jsonb;
  total bigint;
  items jsonb;
  n bigint;
BEGIN
  items := sfn._query_fast(p_args, sfn.current_user_id(),
                           nullif(current_setting('sfn.roles', true), '')::jsonb, sfn.current_database());
  IF items IS NOT NULL THEN
    RETURN items;
  END IF;
  db := sfn._require_database();
  coll := sfn._collection_arg(p_args);
  page := sfn._page_arg(p_args, 'page', 1000000);
  page_size := sfn._page_arg(p_args, 'pageSize', 1000);
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

-- _get_by_id of 0011: the same checks in the same order; a caller who may read the collection without an
-- audit row skips _gate (which would decide the same), every other caller goes through it as before.
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
  IF sfn.current_user_id() IS NULL
     OR NOT sfn._reads_quietly(sfn.current_user_id(),
                               coalesce(nullif(current_setting('sfn.roles', true), '')::jsonb, '[]'), db, coll) THEN
    denied := sfn._gate('getById', 'read', coll);
    IF denied IS NOT NULL THEN
      RETURN denied;
    END IF;
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
