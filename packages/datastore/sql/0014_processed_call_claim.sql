-- sfn 0014: one round trip fewer per de-duplicated call (the runtime's exactly-once path).
--
-- Before, the runtime sent two statements at the start of a call's transaction: the advisory lock that
-- serialises concurrent duplicates of one callId, then the lookup of a stored reply. They could not share
-- a plain SQL statement: its snapshot would predate the lock wait, so a duplicate that waited for the
-- first transaction would not see the reply that transaction committed. In a VOLATILE PL/pgSQL function
-- each statement takes a fresh snapshot (READ COMMITTED), so the lookup after PERFORM sees it. The lock key
-- is the one the runtime used before, so replicas of both versions serialise against each other.

-- Takes the call's transaction-scoped advisory lock, then returns the stored reply or NULL.
CREATE FUNCTION sfn.processed_call_claim(p_service text, p_call_id text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
BEGIN
  IF p_service IS NULL OR p_call_id IS NULL THEN
    PERFORM sfn._invalid('SFN_ARGUMENTS_INVALID', 'service and callId are required');
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(p_service || '/' || p_call_id, 0));
  RETURN (SELECT pc.reply FROM sfn.processed_calls pc
          WHERE pc.service = p_service AND pc.call_id = p_call_id AND pc.expires_at > clock_timestamp());
END
$$;

GRANT EXECUTE ON FUNCTION sfn.processed_call_claim(text, text) TO sfn_app;
