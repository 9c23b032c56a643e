-- Appending to the ledger in one statement. It takes the lock that appending holds to the commit,
-- reads the last entry and, for each new one in order, gives it the next number, makes its body
-- (the canonical JSON the application made around the number: `before`, the number, `after`) and
-- chains its hash on the one before: sha256(previous hash || body as UTF-8), from 32 zero bytes.
-- The application makes no round trip between reading the last entry and inserting the new ones,
-- and spends no time of its own holding the lock. As a VOLATILE function its queries take a new
-- snapshot once the lock is held, so it sees an append committed while this one waited.
CREATE FUNCTION audit_ledger_append(lock_key bigint, entries_at timestamptz, entries jsonb)
  RETURNS SETOF bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  last_seq bigint;
  previous bytea;
  entry jsonb;
  seqs bigint[] := '{}';
  bodies text[] := '{}';
  hashes bytea[] := '{}';
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  SELECT l.seq, l.hash INTO last_seq, previous FROM audit_ledger l ORDER BY l.seq DESC LIMIT 1;
  last_seq := coalesce(last_seq, 0);
  previous := coalesce(previous, decode(repeat('00', 32), 'hex'));
  FOR entry IN SELECT e FROM jsonb_array_elements(entries) WITH ORDINALITY AS x(e, n) ORDER BY n LOOP
    last_seq := last_seq + 1;
    seqs := seqs || last_seq;
    bodies := bodies || ((entry->>'before') || last_seq::text || (entry->>'after'));
    previous := sha256(previous || convert_to(bodies[cardinality(bodies)], 'UTF8'));
    hashes := hashes || previous;
  END LOOP;
  RETURN QUERY
    INSERT INTO audit_ledger (seq, at, action, actor_account_id, subject_account_id, decision, break_glass, body, hash)
    SELECT s.seq, entries_at, e->>'action', (e->>'actor')::uuid, (e->>'subject')::uuid, e->>'decision',
           (e->>'breakGlass')::boolean, s.body, s.hash
      FROM unnest(seqs, bodies, hashes) WITH ORDINALITY AS s(seq, body, hash, n)
      JOIN jsonb_array_elements(entries) WITH ORDINALITY AS j(e, n) USING (n)
    RETURNING audit_ledger.seq;
END
$$;

DROP FUNCTION audit_ledger_tail(bigint);
