-- sfn 0018: the fast query of 0017 entered from sfn.call itself, as 0016 enters the fast insert. Same
-- results, same errors, same audit rows.
--
-- A fast query still went through the general entry first: the sub-transaction of sfn.call's EXCEPTION
-- block, _bind_identity's validations and eight settings, _dispatch and _query, before _query_fast ran
-- (≈ 45 µs of the ≈ 145 µs a fast query took on the server). Now, when the caller context is one that
-- _bind_identity accepts and names a database (sfn._context_ok of 0016, which the fast insert checks too),
-- sfn.call binds the same settings in one expression, switches to sfn_app and asks sfn._query_fast. It
-- answers, or returns NULL having written nothing and raised nothing (another shape, a denial, a
-- collection that audits reads); then the general path answers exactly as before (and its _query asks
-- _query_fast once more, which says NULL again: cheap shape checks first).

-- sfn.call of 0016 with the fast query beside the fast insert. The general path below them is unchanged.
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
  IF (p_op = 'insert' AND sfn._insert_args_ok(p_ctx, p_args)) OR (p_op = 'query' AND sfn._context_ok(p_ctx)) THEN
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
    IF p_op = 'query' THEN
      -- Runs as sfn_app under the row policy, which reads the identity just bound.
      result := sfn._query_fast(p_args, p_ctx ->> 'userId', coalesce(p_ctx -> 'roles', '[]'), p_ctx ->> 'database');
      IF result IS NOT NULL THEN
        PERFORM set_config('role', prev_role, true);
        RETURN result;
      END IF;
    ELSE
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
          SELECT u.id, p_ctx ->> 'database', p_args ->> 'collection', p_ctx ->> 'userId',
                 docs -> (u.ord::integer - 1)
          FROM unnest(ids) WITH ORDINALITY AS u(id, ord);
        END IF;
        -- Last, as _insert did: a call that is its whole transaction holds the chain head from here to commit.
        PERFORM sfn._audit('insert', p_args ->> 'collection', ids::text[], 'allow', NULL);
        PERFORM set_config('role', prev_role, true);
        RETURN jsonb_build_object('ok', to_jsonb(ids));
      END IF;
    END IF;
    -- Not the fast shape, denied, or invalid: nothing was written; the general path answers.
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
