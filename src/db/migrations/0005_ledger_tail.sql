-- The ledger's last entry, read after taking the lock that appending holds to the commit, in one
-- round trip: as a VOLATILE function its query takes a new snapshot once the lock is held, so it
-- sees an append committed while this one waited.
CREATE FUNCTION audit_ledger_tail(lock_key bigint) RETURNS TABLE (seq bigint, hash bytea)
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  RETURN QUERY SELECT l.seq, l.hash FROM audit_ledger l ORDER BY l.seq DESC LIMIT 1;
END
$$;
