-- sfn 0004: the hash-chained audit trail.
--
-- Rows are appended in the transaction of the operation they record, with seq/hash still NULL. A deferred
-- constraint trigger links them at commit: it locks the single chain head, gives the transaction's rows
-- the next sequence numbers in insertion order and sets
--   hash = sha256(prev_hash || convert_to(sfn.audit_entry(row)::text, 'UTF8'))
-- so the chain follows commit order and the head lock is held only while committing.

-- The hashed content of a row: jsonb text is canonical (sorted keys, fixed spacing); time as epoch µs.
CREATE FUNCTION sfn.audit_entry(p sfn.audit_log) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'seq', p.seq, 'at', (extract(epoch FROM p.at) * 1000000)::bigint, 'subject', p.subject,
    'tokenId', p.token_id, 'callId', p.call_id, 'traceId', p.trace_id, 'database', p.database,
    'operation', p.operation, 'collection', p.collection, 'documentId', p.document_id,
    'decision', p.decision, 'reason', p.reason)
$$;

-- Appends one row per document id (one row without a document when p_document_ids is NULL or empty).
CREATE FUNCTION sfn._audit(p_operation text, p_collection text, p_document_ids text[], p_decision text,
                           p_reason text, p_database text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
BEGIN
  INSERT INTO sfn.audit_log (subject, token_id, call_id, trace_id, database, operation, collection,
                             document_id, decision, reason)
  SELECT sfn.current_user_id(), nullif(current_setting('sfn.token_id', true), ''),
         nullif(current_setting('sfn.call_id', true), ''), nullif(current_setting('sfn.trace_id', true), ''),
         coalesce(p_database, sfn.current_database()), p_operation, p_collection, d, p_decision, p_reason
  FROM unnest(CASE WHEN coalesce(cardinality(p_document_ids), 0) = 0 THEN ARRAY[NULL::text]
                   ELSE p_document_ids END) AS d;
  PERFORM set_config('sfn.audit_pending', '1', true);
END
$$;

CREATE FUNCTION sfn._audit_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  head_seq bigint;
  head_hash bytea;
  r sfn.audit_log;
  ids bigint[] := '{}';
  seqs bigint[] := '{}';
  prevs bytea[] := '{}';
  hashes bytea[] := '{}';
BEGIN
  -- One trigger event per row is queued; the first one links them all.
  IF current_setting('sfn.audit_pending', true) IS DISTINCT FROM '1' THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('sfn.audit_pending', '0', true);
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM sfn.audit_head h WHERE h.id = 1 FOR UPDATE;
  FOR r IN SELECT * FROM sfn.audit_log a WHERE a.txid = pg_current_xact_id() AND a.hash IS NULL ORDER BY a.id
  LOOP
    head_seq := head_seq + 1;
    r.seq := head_seq;
    ids := ids || r.id;
    seqs := seqs || head_seq;
    prevs := prevs || head_hash;
    head_hash := sha256(head_hash || convert_to(sfn.audit_entry(r)::text, 'UTF8'));
    hashes := hashes || head_hash;
  END LOOP;
  IF cardinality(ids) > 0 THEN
    UPDATE sfn.audit_log a SET seq = u.seq, prev_hash = u.prev_hash, hash = u.hash
    FROM unnest(ids, seqs, prevs, hashes) AS u(id, seq, prev_hash, hash)
    WHERE a.id = u.id;
    UPDATE sfn.audit_head SET seq = head_seq, hash = head_hash WHERE id = 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_log_link AFTER INSERT ON sfn.audit_log
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sfn._audit_link();

-- Walks the chain. ok = false names the first bad sequence number and what is wrong there.
CREATE FUNCTION sfn.audit_verify()
RETURNS TABLE (ok boolean, checked bigint, first_bad_seq bigint, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
DECLARE
  expected_hash bytea := sha256(convert_to('sfn.audit.genesis', 'UTF8'));
  expected_seq bigint := 0;
  r sfn.audit_log;
  head sfn.audit_head;
  unlinked bigint;
BEGIN
  FOR r IN SELECT * FROM sfn.audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq LOOP
    expected_seq := expected_seq + 1;
    IF r.seq <> expected_seq THEN
      RETURN QUERY SELECT false, expected_seq - 1, expected_seq, 'row missing (sequence gap)';
      RETURN;
    END IF;
    IF r.prev_hash IS DISTINCT FROM expected_hash THEN
      RETURN QUERY SELECT false, expected_seq - 1, r.seq, 'previous hash does not match';
      RETURN;
    END IF;
    expected_hash := sha256(expected_hash || convert_to(sfn.audit_entry(r)::text, 'UTF8'));
    IF r.hash IS DISTINCT FROM expected_hash THEN
      RETURN QUERY SELECT false, expected_seq - 1, r.seq, 'row content does not match its hash';
      RETURN;
    END IF;
  END LOOP;
  SELECT * INTO head FROM sfn.audit_head h WHERE h.id = 1;
  IF head.seq <> expected_seq OR head.hash <> expected_hash THEN
    RETURN QUERY SELECT false, expected_seq, expected_seq + 1,
                        'chain ends before the recorded head (rows removed at the end, or head changed)';
    RETURN;
  END IF;
  SELECT count(*) INTO unlinked FROM sfn.audit_log a WHERE a.seq IS NULL;
  IF unlinked > 0 THEN
    RETURN QUERY SELECT false, expected_seq, NULL::bigint, format('%s rows are outside the chain', unlinked);
    RETURN;
  END IF;
  RETURN QUERY SELECT true, expected_seq, NULL::bigint, NULL::text;
END
$$;

-- The head, to anchor outside the database (a truncated chain is detectable only against an anchor).
CREATE FUNCTION sfn.audit_head() RETURNS TABLE (seq bigint, hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, sfn AS $$
  SELECT h.seq, encode(h.hash, 'hex') FROM sfn.audit_head h WHERE h.id = 1
$$;

REVOKE ALL ON FUNCTION sfn._audit_link() FROM PUBLIC;
