-- Two roles (decision 0022): the owner, who runs the migrations and owns every table, the ledger's
-- triggers and its checkpoints; and the app role that `flagstone start` serves requests as. The
-- app role may read and write the tables of the modules, but may only add to the ledger through
-- audit_ledger_append, and only add checkpoints and public keys: it owns nothing here, so it can
-- neither disable a trigger nor change, delete or truncate an entry.

-- Appending runs with the owner's rights: the app role has no INSERT on the ledger of its own, so
-- every entry is numbered and chained by the database, never written by hand.
ALTER FUNCTION audit_ledger_append(bigint, timestamptz, jsonb)
  SECURITY DEFINER SET search_path = public, pg_temp;

-- Refreshing a materialised view needs its owner: the KPI job asks the owner's function to.
CREATE FUNCTION refresh_kpi_requests() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  REFRESH MATERIALIZED VIEW kpi_requests;
END
$$;

-- The job queue's schema, made here as the app role may not make schemas (pg-boss fills it).
CREATE SCHEMA IF NOT EXISTS pgboss;

-- What the app role may do with the tables that are not simply the modules' own: all it may do,
-- instead of reading and writing. A migration that adds an append-only table adds it here.
CREATE TABLE app_role_limits (
  table_name regclass PRIMARY KEY,
  privileges text NOT NULL CHECK (privileges ~ '^(none|[A-Z]+(, [A-Z]+)*)$')
);
INSERT INTO app_role_limits (table_name, privileges) VALUES
  ('audit_ledger', 'SELECT'),           -- added to through audit_ledger_append alone
  ('audit_checkpoints', 'SELECT, INSERT'),
  ('audit_signing_keys', 'SELECT, INSERT'),
  ('schema_migrations', 'SELECT'),
  ('app_role_limits', 'none');

-- Gives the app role what it may do, run by `migrate` as the owner after every migration (so the
-- tables of migrations to come are granted too, by default privileges as well). The job queue's
-- schema (pg-boss, which changes its own tables as it runs) belongs to the app role.
CREATE FUNCTION flagstone_grant_app(app name) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  o record;
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app);
  EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', app);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', app);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', app);
  FOR o IN SELECT table_name, privileges FROM app_role_limits LOOP
    EXECUTE format('REVOKE ALL ON %s FROM %I', o.table_name, app);
    IF o.privileges <> 'none' THEN
      EXECUTE format('GRANT %s ON %s TO %I', o.privileges, o.table_name, app);
    END IF;
  END LOOP;
  -- The job queue: its schema and everything in it, including what was made before this role.
  EXECUTE format('ALTER SCHEMA pgboss OWNER TO %I', app);
  FOR o IN
    SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
     WHERE c.relnamespace = 'pgboss'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
       AND c.relowner <> app::regrole
       AND NOT (c.relkind = 'S' AND EXISTS (
         SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I',
      CASE o.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        ELSE 'TABLE' END, o.name, app);
  END LOOP;
  FOR o IN
    SELECT p.oid::regprocedure AS name FROM pg_proc p
     WHERE p.pronamespace = 'pgboss'::regnamespace AND p.proowner <> app::regrole
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.name, app);
  END LOOP;
  FOR o IN
    SELECT t.oid::regtype AS name FROM pg_type t
     WHERE t.typnamespace = 'pgboss'::regnamespace AND t.typowner <> app::regrole
       AND t.typtype IN ('e', 'd') -- enums and domains; a table's own row type goes with it
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO %I', o.name, app);
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION flagstone_grant_app(name) FROM PUBLIC;
