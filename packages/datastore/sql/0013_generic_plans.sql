-- sfn 0013: the same results without re-planning the hot paths on every call (found with perf on the
-- backend and auto_explain; figures in docs/datastore.md).
--
-- 1. PostgreSQL keeps a cached plan of every PL/pgSQL statement, but for a statement with parameters it
--    builds a new custom plan on each execution as long as the custom plans look cheaper than the generic
--    one. The sfn functions pass arrays they just built (ids, the audit rows' hashes) to unnest() and
--    generate_series(); with the real values the planner knows a call has one document and estimates
--    less than the generic plan, so it planned those statements again on every insert (a fifth of the
--    backend's time in an insert). sfn.call now runs with plan_cache_mode = force_generic_plan, so every
--    statement under it is planned once per session. The filter queries of query/update/delete are
--    EXECUTEd: one-shot statements always get a plan for their actual values, so equality filters keep
--    the GIN index. The SET clause restores plan_cache_mode when sfn.call returns; the identity it binds
--    with set_config(…, true) stays for the transaction, as before.
-- 2. _insert checks a batch in one statement instead of one _check_document call (and one _size_limit
--    plan) per document; the first rejected document gets the same error from _check_document as before.
-- 3. documents_owner is dropped: no plan can use it. Every read runs under the row policy, whose
--    "owner = caller OR (database, collection) IN (allowed scopes)" cannot become an index condition, and
--    filters on owner compile to to_jsonb(d.owner) = …; each insert paid a third B-tree for nothing.

ALTER FUNCTION sfn.call(jsonb, text, jsonb) SET plan_cache_mode = force_generic_plan;

CREATE OR REPLACE FUNCTION sfn._insert(p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  db text := sfn._require_database();
  coll text := sfn._collection_arg(p_args);
  docs jsonb := p_args -> 'documents';
  denied jsonb;
  c sfn.collections;
  lim bigint;
  bad integer;
  ids uuid[];
  n integer;
BEGIN
  IF jsonb_typeof(docs) IS DISTINCT FROM 'array' OR jsonb_array_length(docs) NOT BETWEEN 1 AND 10000 THEN
    PERFORM sfn._invalid('SFN_DOCUMENT_INVALID', 'documents must be an array of 1 to 10000 documents');
  END IF;
  denied := sfn._gate('insert', 'write', coll);
  IF denied IS NOT NULL THEN
    RETURN denied;
  END IF;
  c := sfn._ensure_collection(db, coll);
  lim := sfn._size_limit(c);
  n := jsonb_array_length(docs);
  -- The first document _check_document rejects (not an object, a reserved field, too large); it raises.
  SELECT e.ord::integer - 1 INTO bad
  FROM jsonb_array_elements(docs) WITH ORDINALITY AS e(doc, ord)
  WHERE jsonb_typeof(e.doc) <> 'object' OR e.doc ?| ARRAY['id', 'owner', 'createdAt', 'updatedAt']
     OR octet_length(e.doc::text) > lim
  ORDER BY e.ord
  LIMIT 1;
  IF bad IS NOT NULL THEN
    PERFORM sfn._check_document(docs -> bad, bad, lim);
  END IF;
  -- Sorted, so that ids (the default order) follow the input order within a batch.
  ids := ARRAY(SELECT sfn.uuid_v7() AS id FROM generate_series(1, n) ORDER BY id);
  INSERT INTO sfn.documents (id, database, collection, owner, data)
  SELECT u.id, db, coll, sfn.current_user_id(), docs -> (u.ord::integer - 1)
  FROM unnest(ids) WITH ORDINALITY AS u(id, ord);
  PERFORM sfn._audit('insert', coll, ids::text[], 'allow', NULL);
  RETURN jsonb_build_object('ok', to_jsonb(ids));
END
$$;

DROP INDEX IF EXISTS sfn.documents_owner;
