-- sfn 0007: exactly-once effects for the runtime. In the transaction of a call's writes the runtime looks
-- for a stored reply (a redelivered call), and otherwise records the reply before it commits.

-- The stored reply of a call, or NULL (unknown or expired).
CREATE FUNCTION sfn.processed_call_find(p_service text, p_call_id text) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
  SELECT pc.reply FROM sfn.processed_calls pc
  WHERE pc.service = p_service AND pc.call_id = p_call_id AND pc.expires_at > clock_timestamp()
$$;

-- Records a call's reply; false when the call was already recorded (a concurrent duplicate, which then
-- waits for the first transaction and must roll back its own effects).
CREATE FUNCTION sfn.processed_call_record(p_service text, p_call_id text, p_reply jsonb, p_ttl_seconds integer)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  n integer;
BEGIN
  IF p_service IS NULL OR p_call_id IS NULL OR p_reply IS NULL OR coalesce(p_ttl_seconds, 0) < 1 THEN
    PERFORM sfn._invalid('SFN_ARGUMENTS_INVALID', 'service, callId, reply and a positive ttl are required');
  END IF;
  DELETE FROM sfn.processed_calls
  WHERE service = p_service AND call_id = p_call_id AND expires_at <= clock_timestamp();
  INSERT INTO sfn.processed_calls (service, call_id, reply, expires_at)
  VALUES (p_service, p_call_id, p_reply, clock_timestamp() + make_interval(secs => p_ttl_seconds))
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n > 0;
END
$$;

-- Removes up to p_limit expired records; returns how many.
CREATE FUNCTION sfn.processed_calls_purge(p_limit integer DEFAULT 10000) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM sfn.processed_calls
  WHERE ctid = ANY (ARRAY(SELECT ctid FROM sfn.processed_calls WHERE expires_at <= clock_timestamp()
                          ORDER BY expires_at LIMIT p_limit));
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

GRANT EXECUTE ON FUNCTION sfn.processed_call_find(text, text) TO sfn_app;
GRANT EXECUTE ON FUNCTION sfn.processed_call_record(text, text, jsonb, integer) TO sfn_app;
GRANT EXECUTE ON FUNCTION sfn.processed_calls_purge(integer) TO sfn_app;
