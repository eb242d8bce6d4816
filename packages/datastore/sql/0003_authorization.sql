-- sfn 0003: permissions, roles and the decisions built on them.
--
-- The rule (docs/datastore.md): a grant at database level (collection '') applies to every collection of
-- that database; a grant at collection level adds to it for that collection only. Grants only add, there
-- are no denials. A user holds a permission when it is granted to the user directly, or to a role the user
-- has: a role from the token (the caller only) or a role assigned at database level or at that collection.
-- 'admin' implies every permission; 'read' implies 'read:own' (likewise write, delete).

-- Whether a user holds any of p_permissions on (database, collection); p_collection NULL = database level.
CREATE FUNCTION sfn._holds(p_user text, p_token_roles text[], p_database text, p_collection text,
                           p_permissions text[])
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
  SELECT EXISTS (
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
                          AND ur.collection IN ('', coalesce(p_collection, '')))))
$$;

-- The permission names that satisfy a request for p_permission: itself, its ':own' widening and admin.
CREATE FUNCTION sfn._satisfying(p_permission text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_permission = 'admin' THEN ARRAY['admin']
    WHEN p_permission LIKE '%:own' THEN ARRAY[p_permission, left(p_permission, -4), 'admin']
    ELSE ARRAY[p_permission, 'admin'] END
$$;

-- Whether the caller (the identity bound to the transaction) holds p_permission.
CREATE FUNCTION sfn._caller_holds(p_permission text, p_database text, p_collection text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT sfn.current_user_id() IS NOT NULL
     AND sfn._holds(sfn.current_user_id(), sfn.current_token_roles(), p_database, p_collection,
                    sfn._satisfying(p_permission))
$$;

-- The collections of the current database whose documents the caller may reach beyond its own, for
-- 'read', 'write' or 'delete'. Row-level policies (0006) use it as one uncorrelated (hashed) sub-plan.
--   owner   (default) others' documents need the full permission (not ':own') or admin
--   shared  everyone who may run the operation reaches every document
--   private others' documents need admin
CREATE FUNCTION sfn.rls_scopes(p_permission text) RETURNS TABLE (database text, collection text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
  SELECT c.database, c.name
  FROM sfn.collections c
  WHERE c.database = sfn.current_database()
    AND sfn.current_user_id() IS NOT NULL
    AND sfn._holds(sfn.current_user_id(), sfn.current_token_roles(), c.database, c.name,
                   CASE c.policy
                     WHEN 'shared' THEN ARRAY[p_permission, p_permission || ':own', 'admin']
                     WHEN 'owner' THEN ARRAY[p_permission, 'admin']
                     ELSE ARRAY['admin'] END)
$$;

CREATE FUNCTION sfn._forbidden(p_message text, p_details jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('error', jsonb_strip_nulls(jsonb_build_object(
    'type', 'Forbidden', 'code', 'SFN_FORBIDDEN', 'message', p_message, 'details', p_details)))
$$;

CREATE FUNCTION sfn._audits_reads(p_database text, p_collection text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
  SELECT coalesce((SELECT c.audit_reads FROM sfn.collections c
                   WHERE c.database = p_database AND c.name = p_collection), false)
$$;

-- The gate of every document operation: NULL when the caller may run it, else the Forbidden reply.
-- Denials are audited here; allowed reads only when the collection asks for it (allowed writes are
-- audited per document by the write itself).
CREATE FUNCTION sfn._gate(p_operation text, p_permission text, p_collection text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  db text := sfn.current_database();
  allowed boolean := sfn._caller_holds(p_permission || ':own', db, p_collection);
BEGIN
  IF NOT allowed THEN
    PERFORM sfn._audit(p_operation, p_collection, NULL, 'deny', 'missing permission ' || p_permission);
    RETURN sfn._forbidden(format('%s on %s.%s needs the %s permission', p_operation, db, p_collection,
                                 p_permission),
                          jsonb_build_object('permission', p_permission, 'database', db,
                                             'collection', p_collection));
  END IF;
  IF p_permission = 'read' AND sfn._audits_reads(db, p_collection) THEN
    PERFORM sfn._audit(p_operation, p_collection, NULL, 'allow', NULL);
  END IF;
  RETURN NULL;
END
$$;

-- Grant management needs admin on the whole database, so a function cannot grant itself rights.
CREATE FUNCTION sfn._require_database_admin(p_operation text, p_database text, p_collection text)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  IF sfn._caller_holds('admin', p_database, NULL) THEN
    RETURN NULL;
  END IF;
  PERFORM sfn._audit(p_operation, p_collection, NULL, 'deny', 'missing admin on database ' || p_database,
                     p_database);
  RETURN sfn._forbidden(format('%s needs the admin permission on database %s', p_operation, p_database),
                        jsonb_build_object('permission', 'admin', 'database', p_database));
END
$$;

-- Grant changes. Each returns {"ok": changed} or a Forbidden reply, and is audited.
CREATE FUNCTION sfn._authz_change(p_operation text, p_args jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  db text := sfn._check_name('database', p_args ->> 'database');
  coll text := CASE WHEN p_args ->> 'collection' IS NULL THEN ''
                    ELSE sfn._check_name('collection', p_args ->> 'collection') END;
  who text;
  role_name text;
  perms text[];
  denied jsonb;
  n integer := 0;
  caller text := sfn.current_user_id();
BEGIN
  IF p_operation IN ('assignRoleToUser', 'removeRoleFromUser', 'assignPermissionsToUser',
                     'removePermissionsFromUser') THEN
    who := sfn._check_principal('user', p_args ->> 'user');
  END IF;
  IF p_operation IN ('assignRoleToUser', 'removeRoleFromUser', 'grantPermissionsToRole',
                     'revokePermissionsFromRole') THEN
    role_name := sfn._check_principal('role', p_args ->> 'role');
  END IF;
  IF p_operation IN ('assignPermissionsToUser', 'removePermissionsFromUser', 'grantPermissionsToRole',
                     'revokePermissionsFromRole') THEN
    IF jsonb_typeof(p_args -> 'permissions') IS DISTINCT FROM 'array'
       OR jsonb_array_length(p_args -> 'permissions') NOT BETWEEN 1 AND 64 THEN
      PERFORM sfn._invalid('SFN_PERMISSION_INVALID', 'permissions must be an array of 1 to 64 names');
    END IF;
    SELECT array_agg(DISTINCT sfn._check_permission(CASE WHEN jsonb_typeof(e) = 'string' THEN e #>> '{}' END))
      INTO perms FROM jsonb_array_elements(p_args -> 'permissions') e;
  END IF;

  denied := sfn._require_database_admin(p_operation, db, nullif(coll, ''));
  IF denied IS NOT NULL THEN
    RETURN denied;
  END IF;

  CASE p_operation
    WHEN 'assignRoleToUser' THEN
      INSERT INTO sfn.user_roles (database, collection, user_id, role, granted_by)
      VALUES (db, coll, who, role_name, caller) ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'removeRoleFromUser' THEN
      DELETE FROM sfn.user_roles
      WHERE database = db AND collection = coll AND user_id = who AND role = role_name;
      GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'assignPermissionsToUser' THEN
      INSERT INTO sfn.user_permissions (database, collection, user_id, permission, granted_by)
      SELECT db, coll, who, p, caller FROM unnest(perms) p ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'removePermissionsFromUser' THEN
      DELETE FROM sfn.user_permissions
      WHERE database = db AND collection = coll AND user_id = who AND permission = ANY (perms);
      GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'grantPermissionsToRole' THEN
      INSERT INTO sfn.role_permissions (database, collection, role, permission, granted_by)
      SELECT db, coll, role_name, p, caller FROM unnest(perms) p ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'revokePermissionsFromRole' THEN
      DELETE FROM sfn.role_permissions
      WHERE database = db AND collection = coll AND role = role_name AND permission = ANY (perms);
      GET DIAGNOSTICS n = ROW_COUNT;
  END CASE;

  PERFORM sfn._audit(p_operation, nullif(coll, ''), NULL, 'allow',
                     jsonb_strip_nulls(jsonb_build_object('user', who, 'role', role_name, 'permissions',
                                                          to_jsonb(perms), 'changed', n))::text, db);
  RETURN jsonb_build_object('ok', n > 0);
END
$$;

-- Questions about grants; every decision is audited (the client caches them per call).
CREATE FUNCTION sfn._authz_check(p_operation text, p_args jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  db text := sfn._check_name('database', p_args ->> 'database');
  coll text := CASE WHEN p_args ->> 'collection' IS NULL THEN NULL
                    ELSE sfn._check_name('collection', p_args ->> 'collection') END;
  who text := sfn._check_principal('user', p_args ->> 'user');
  -- Token roles are known for the caller only; other users are judged by their stored grants.
  token_roles text[] := CASE WHEN who = sfn.current_user_id() THEN sfn.current_token_roles() ELSE '{}' END;
  result boolean;
  subject text;
BEGIN
  IF p_operation = 'hasPermission' THEN
    subject := sfn._check_permission(p_args ->> 'permission');
    result := sfn._holds(who, token_roles, db, coll, sfn._satisfying(subject));
  ELSE
    subject := sfn._check_principal('role', p_args ->> 'role');
    result := EXISTS (SELECT 1 FROM sfn.user_roles ur
                      WHERE ur.database = db AND ur.user_id = who AND ur.role = subject
                        AND ur.collection IN ('', coalesce(coll, '')));
  END IF;
  PERFORM sfn._audit(p_operation, coll, NULL, CASE WHEN result THEN 'allow' ELSE 'deny' END,
                     jsonb_build_object('user', who, CASE WHEN p_operation = 'hasPermission'
                                                          THEN 'permission' ELSE 'role' END, subject)::text,
                     db);
  RETURN jsonb_build_object('ok', result);
END
$$;

-- First administrator of a database. Only the migration owner may run it (the CLI: sfn-db grant-admin).
CREATE FUNCTION sfn.bootstrap_admin(p_database text, p_user text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  n integer;
BEGIN
  INSERT INTO sfn.user_permissions (database, collection, user_id, permission, granted_by)
  VALUES (sfn._check_name('database', p_database), '', sfn._check_principal('user', p_user), 'admin',
          'sfn:bootstrap')
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO sfn.audit_log (subject, database, operation, decision, reason)
  VALUES ('sfn:bootstrap', p_database, 'bootstrapAdmin', 'allow', 'user ' || p_user);
  PERFORM set_config('sfn.audit_pending', '1', true);
  RETURN n > 0;
END
$$;
REVOKE ALL ON FUNCTION sfn.bootstrap_admin(text, text) FROM PUBLIC;
