-- The routemap: versions of the maturity framework, each organisation's self-assessments
-- against one (a draft, then submitted and never changed, only followed by a newer one), their
-- scores and evidence, action plans, and benchmarks other places published.
CREATE TABLE routemap_frameworks (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9.-]{1,62}$'),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  definition jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
  added_at timestamptz NOT NULL DEFAULT now(),
  added_by uuid REFERENCES accounts (id)
);

CREATE TABLE maturity_assessments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  framework_id text NOT NULL REFERENCES routemap_frameworks (id),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
  started_at timestamptz NOT NULL DEFAULT now(),
  started_by uuid REFERENCES accounts (id),
  submitted_at timestamptz,
  submitted_by uuid REFERENCES accounts (id),
  -- What the platform measured of the organisation when it was submitted.
  platform_evidence jsonb,
  CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
);
CREATE UNIQUE INDEX maturity_assessments_one_draft ON maturity_assessments (organisation_id) WHERE status = 'draft';
CREATE INDEX maturity_assessments_submitted ON maturity_assessments (organisation_id, submitted_at) WHERE status = 'submitted';

CREATE TABLE maturity_scores (
  assessment_id uuid NOT NULL REFERENCES maturity_assessments (id),
  item text NOT NULL CHECK (length(item) BETWEEN 1 AND 63),
  score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
  links text[] NOT NULL DEFAULT '{}' CHECK (cardinality(links) <= 10),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES accounts (id),
  PRIMARY KEY (assessment_id, item)
);

CREATE TABLE maturity_evidence_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assessment_id uuid NOT NULL REFERENCES maturity_assessments (id),
  item text NOT NULL CHECK (length(item) BETWEEN 1 AND 63),
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
  media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg', 'text/csv', 'text/plain')),
  size integer NOT NULL CHECK (size BETWEEN 1 AND 5242880),
  content bytea NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  added_by uuid REFERENCES accounts (id)
);
CREATE INDEX maturity_evidence_files_assessment ON maturity_evidence_files (assessment_id, item);

-- A submitted assessment is never changed: the database refuses changes to it, its scores and files.
CREATE FUNCTION maturity_keep_submitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'submitted' THEN
    RAISE EXCEPTION 'a submitted assessment is never changed' USING ERRCODE = 'check_violation';
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;
CREATE TRIGGER maturity_assessments_kept BEFORE UPDATE OR DELETE ON maturity_assessments
  FOR EACH ROW EXECUTE FUNCTION maturity_keep_submitted();

CREATE FUNCTION maturity_keep_submitted_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM maturity_assessments
    WHERE id IN ((to_jsonb(OLD) ->> 'assessment_id')::uuid, (to_jsonb(NEW) ->> 'assessment_id')::uuid)
      AND status = 'submitted'
  ) THEN
    RAISE EXCEPTION 'a submitted assessment is never changed' USING ERRCODE = 'check_violation';
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;
CREATE TRIGGER maturity_scores_kept BEFORE INSERT OR UPDATE OR DELETE ON maturity_scores
  FOR EACH ROW EXECUTE FUNCTION maturity_keep_submitted_parts();
CREATE TRIGGER maturity_evidence_files_kept BEFORE INSERT OR UPDATE OR DELETE ON maturity_evidence_files
  FOR EACH ROW EXECUTE FUNCTION maturity_keep_submitted_parts();

CREATE TABLE routemap_actions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  item text NOT NULL CHECK (length(item) BETWEEN 1 AND 63),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  owner_name text NOT NULL CHECK (length(owner_name) BETWEEN 1 AND 100),
  owner_email text NOT NULL CHECK (owner_email ~ '^[^\s@]+@[^\s@]+\.[^\s@]+$' AND length(owner_email) <= 254),
  due_on date NOT NULL,
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done')),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES accounts (id),
  reminded_at timestamptz
);
CREATE INDEX routemap_actions_organisation ON routemap_actions (organisation_id, due_on);
CREATE INDEX routemap_actions_overdue ON routemap_actions (due_on) WHERE status <> 'done' AND reminded_at IS NULL;

-- The partners of a joint action, besides the organisation that leads it.
CREATE TABLE routemap_action_partners (
  action_id uuid NOT NULL REFERENCES routemap_actions (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  PRIMARY KEY (action_id, organisation_id)
);

-- Another place's published benchmark (scores and dates only), imported to compare place with place.
CREATE TABLE routemap_imported_benchmarks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  place_name text NOT NULL CHECK (length(place_name) BETWEEN 1 AND 200),
  framework_id text NOT NULL REFERENCES routemap_frameworks (id),
  imported_at timestamptz NOT NULL DEFAULT now(),
  imported_by uuid REFERENCES accounts (id)
);
CREATE TABLE routemap_imported_scores (
  benchmark_id uuid NOT NULL REFERENCES routemap_imported_benchmarks (id) ON DELETE CASCADE,
  organisation text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 200),
  item text NOT NULL CHECK (length(item) BETWEEN 1 AND 63),
  score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  assessed_on date NOT NULL,
  PRIMARY KEY (benchmark_id, organisation, item)
);
