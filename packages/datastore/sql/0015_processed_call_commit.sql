-- sfn 0015: the record of a de-duplicated call can travel in the same round trip as its COMMIT.
--
-- processed_call_record returns false when a concurrent duplicate recorded the call first; the runtime
-- then rolls its own effects back. Sent together with COMMIT ("SELECT …; COMMIT" in one simple-protocol
-- query), a false could not stop the COMMIT. This variant raises instead (Conflict SFN_CALL_RECORDED,
-- SQLSTATE SF409): the error skips the rest of the query string, the transaction is aborted, and the
-- runtime answers with the reply the duplicate stored.

CREATE FUNCTION sfn.processed_call_record_strict(
  p_service text, p_call_id text, p_reply jsonb, p_ttl_seconds integer
) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
BEGIN
  IF NOT sfn.processed_call_record(p_service, p_call_id, p_reply, p_ttl_seconds) THEN
    PERFORM sfn._raise('Conflict', 'SFN_CALL_RECORDED', 'a duplicate of this call committed first',
                       jsonb_build_object('service', p_service, 'callId', p_call_id));
  END IF;
END
$$;

GRANT EXECUTE ON FUNCTION sfn.processed_call_record_strict(text, text, jsonb, integer) TO sfn_app;
