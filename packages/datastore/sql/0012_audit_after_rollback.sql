-- sfn 0012: denials and Authorizer decisions outlive the rollback of their transaction.
--
-- A denied operation writes nothing but its audit row, in the caller's transaction; when that transaction
-- rolls back (the runtime rolls back a call whose function failed, typically with the very Forbidden
-- error), the audit row went with it. After such a rollback the client calls sfn.audit_after_rollback
-- once per denied operation and per Authorizer question of the lost transaction. It decides again, now,
-- and records the same row the operation records: a denial that still holds (a permission granted in the
-- meantime means nothing is recorded), or the decision of hasPermission / hasRole. It never changes
-- documents or grants, so the function role may call it: it records nothing that calling sfn.call with the
-- same arguments could not record.

CREATE FUNCTION sfn.audit_after_rollback(p_ctx jsonb, p_op text, p_args jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  prev_role text := current_setting('role');
  db text;
  coll text;
  perm text;
  recorded boolean := false;
BEGIN
  BEGIN
    PERFORM sfn._bind_identity(p_ctx);
    IF current_user <> 'sfn_app' THEN
      PERFORM set_config('role', 'sfn_app', true);
    END IF;
    IF jsonb_typeof(p_args) IS DISTINCT FROM 'object' THEN
      PERFORM sfn._invalid('SFN_ARGUMENTS_INVALID', 'arguments must be an object');
    END IF;
    perm := CASE p_op WHEN 'insert' THEN 'write' WHEN 'update' THEN 'write' WHEN 'query' THEN 'read'
                      WHEN 'getById' THEN 'read' WHEN 'delete' THEN 'delete' END;
    IF perm IS NOT NULL THEN
      db := sfn._require_database();
      coll := sfn._collection_arg(p_args);
      IF NOT sfn._caller_holds(perm || ':own', db, coll) THEN
        PERFORM sfn._audit(p_op, coll, NULL, 'deny', 'missing permission ' || perm);
        recorded := true;
      END IF;
    ELSIF p_op = 'configureCollection' THEN
      db := sfn._require_database();
      coll := sfn._collection_arg(p_args);
      IF NOT sfn._caller_holds('admin', db, coll) THEN
        PERFORM sfn._audit('configureCollection', coll, NULL, 'deny', 'missing admin');
        recorded := true;
      END IF;
    ELSIF p_op IN ('assignRoleToUser', 'removeRoleFromUser', 'assignPermissionsToUser',
                   'removePermissionsFromUser', 'grantPermissionsToRole', 'revokePermissionsFromRole') THEN
      db := sfn._check_name('database', p_args ->> 'database');
      coll := CASE WHEN p_args ->> 'collection' IS NULL THEN NULL
                   ELSE sfn._check_name('collection', p_args ->> 'collection') END;
      IF NOT sfn._caller_holds('admin', db, NULL) THEN
        PERFORM sfn._audit(p_op, coll, NULL, 'deny', 'missing admin on database ' || db, db);
        recorded := true;
      END IF;
    ELSIF p_op IN ('hasPermission', 'hasRole') THEN
      PERFORM sfn._authz_check(p_op, p_args);
      recorded := true;
    END IF;
  EXCEPTION WHEN SQLSTATE 'SF400' OR SQLSTATE 'SF403' OR SQLSTATE 'SF404' OR SQLSTATE 'SF409' THEN
    recorded := false;
  END;
  PERFORM set_config('role', prev_role, true);
  RETURN recorded;
END
$$;

GRANT EXECUTE ON FUNCTION sfn.audit_after_rollback(jsonb, text, jsonb) TO sfn_app;
