-- sfn 0002: errors, names, ids, identity and JSON helpers.

-- Every error the sfn functions raise on purpose: SQLSTATE class SF, the sfn error in DETAIL as JSON.
-- SF400 ValidationError, SF403 Forbidden, SF404 NotFound, SF409 Conflict.
CREATE FUNCTION sfn._raise(p_type text, p_code text, p_message text, p_details jsonb DEFAULT NULL)
RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = CASE p_type WHEN 'ValidationError' THEN 'SF400' WHEN 'Forbidden' THEN 'SF403'
                          WHEN 'NotFound' THEN 'SF404' WHEN 'Conflict' THEN 'SF409' ELSE 'SF500' END,
    MESSAGE = p_message,
    DETAIL = jsonb_strip_nulls(jsonb_build_object('type', p_type, 'code', p_code, 'details', p_details))::text;
END
$$;

CREATE FUNCTION sfn._invalid(p_code text, p_message text, p_details jsonb DEFAULT NULL)
RETURNS void LANGUAGE sql IMMUTABLE AS $$ SELECT sfn._raise('ValidationError', p_code, p_message, p_details) $$;

-- Names that end up in SQL text or in grants. Collections and databases are identifier-like; field
-- path segments too (they are quoted with %L as well, and values never enter SQL text at all).
CREATE FUNCTION sfn._check_name(p_kind text, p_value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_value IS NULL OR p_value !~ '^[A-Za-z_][A-Za-z0-9_]{0,62}$' THEN
    PERFORM sfn._invalid('SFN_NAME_INVALID',
      format('%s must match ^[A-Za-z_][A-Za-z0-9_]{0,62}$', p_kind),
      jsonb_build_object('field', p_kind));
  END IF;
  RETURN p_value;
END
$$;

CREATE FUNCTION sfn._check_principal(p_kind text, p_value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_value IS NULL OR length(p_value) NOT BETWEEN 1 AND 255 OR p_value ~ '[[:cntrl:]]' THEN
    PERFORM sfn._invalid('SFN_NAME_INVALID',
      format('%s must be 1 to 255 characters without control characters', p_kind),
      jsonb_build_object('field', p_kind));
  END IF;
  RETURN p_value;
END
$$;

-- Permissions: read, write, delete, admin, their ':own' forms and application-defined names.
CREATE FUNCTION sfn._check_permission(p_value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_value IS NULL OR p_value !~ '^[a-z][a-z0-9_.-]{0,62}(:own)?$' THEN
    PERFORM sfn._invalid('SFN_PERMISSION_INVALID',
      'permission must match ^[a-z][a-z0-9_.-]{0,62}(:own)?$', jsonb_build_object('field', 'permission'));
  END IF;
  RETURN p_value;
END
$$;

-- A dot path ('address.city') as text[]; at most 8 segments of identifier characters.
CREATE FUNCTION sfn._field_path(p_path text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_path IS NULL OR p_path !~ '^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,7}$' THEN
    PERFORM sfn._invalid('SFN_FIELD_INVALID',
      'field paths are 1 to 8 dot-separated names matching ^[A-Za-z_][A-Za-z0-9_]{0,62}$',
      jsonb_build_object('field', left(p_path, 200)));
  END IF;
  RETURN string_to_array(p_path, '.');
END
$$;

-- UUID version 7: 48-bit Unix milliseconds, then random bits; sorts by creation time.
CREATE FUNCTION sfn.uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
      52, 1), 53, 1), 'hex')::uuid
$$;

-- RFC 3339 in UTC with microseconds, independent of the session's TimeZone and DateStyle.
CREATE FUNCTION sfn._ts(p timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(p AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- RFC 7396 JSON merge patch.
CREATE FUNCTION sfn.merge_patch(p_target jsonb, p_patch jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  result jsonb;
  k text;
  v jsonb;
BEGIN
  IF p_patch IS NULL OR jsonb_typeof(p_patch) <> 'object' THEN
    RETURN p_patch;
  END IF;
  result := CASE WHEN jsonb_typeof(p_target) = 'object' THEN p_target ELSE '{}'::jsonb END;
  FOR k, v IN SELECT key, value FROM jsonb_each(p_patch) LOOP
    IF jsonb_typeof(v) = 'null' THEN
      result := result - k;
    ELSE
      result := jsonb_set(result, ARRAY[k], sfn.merge_patch(result -> k, v), true);
    END IF;
  END LOOP;
  RETURN result;
END
$$;

-- The selected paths of a document, nested as in the document; absent paths stay absent.
CREATE FUNCTION sfn._project(p_data jsonb, p_paths jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  result jsonb := '{}';
  path text[];
  v jsonb;
  i integer;
BEGIN
  IF p_paths IS NULL THEN
    RETURN p_data;
  END IF;
  FOR path IN SELECT ARRAY(SELECT jsonb_array_elements_text(e)) FROM jsonb_array_elements(p_paths) e LOOP
    v := p_data #> path;
    CONTINUE WHEN v IS NULL;
    FOR i IN 1 .. array_length(path, 1) - 1 LOOP
      IF jsonb_typeof(result #> path[1:i]) IS DISTINCT FROM 'object' THEN
        result := jsonb_set(result, path[1:i], '{}', true);
      END IF;
    END LOOP;
    result := jsonb_set(result, path, v, true);
  END LOOP;
  RETURN result;
END
$$;

-- The identity of the current operation, set per transaction by sfn.call (0006). '' counts as unset:
-- a pooled connection reports '' after the transaction that set a value has ended.
CREATE FUNCTION sfn.current_user_id() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('sfn.user_id', true), '')
$$;

CREATE FUNCTION sfn.current_token_roles() RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(ARRAY(SELECT jsonb_array_elements_text(nullif(current_setting('sfn.roles', true), '')::jsonb)),
                  '{}')
$$;

CREATE FUNCTION sfn.current_database() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('sfn.database', true), '')
$$;

-- Validates the caller context and binds it to the transaction.
CREATE FUNCTION sfn._bind_identity(p_ctx jsonb) RETURNS void
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
          set_config('sfn.max_document_bytes', coalesce((limit_bytes)::numeric::bigint::text, '1048576'), true);
END
$$;
