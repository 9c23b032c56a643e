// SQL for golden people: linkage runs, people, the person each record is, scored pairs and
// reviewers' decisions, and people's history. Large writes go as JSON batches.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';

const BATCH = 5000;

async function inBatches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
}

export interface LinkableRecord {
  id: string;
  /** the holder, as the source of the record for the engine (which only tells sources apart) */
  organisation_id: string;
  version: number;
  given_names: string;
  family_name: string;
  date_of_birth: string | null;
  address_line: string | null;
  town: string | null;
  postcode: string | null;
  nhs_number: string | null;
  phone: string | null;
  email: string | null;
}

/**
 * Every record, in order of id, a chunk at a time (by keyset: each read starts after the last id
 * of the one before), so that a run over ten million records never holds them all as objects.
 */
export async function* linkableRecords(db: Db, chunk = 20_000): AsyncGenerator<LinkableRecord[]> {
  let after: string | null = null;
  for (;;) {
    const { rows }: { rows: LinkableRecord[] } = await sql<LinkableRecord>`
      SELECT r.id, r.organisation_id, r.version, r.given_names, r.family_name, r.date_of_birth::text,
             r.address_line, r.town, r.postcode, r.nhs_number, r.phone, r.email
        FROM local_records r
       ${after === null ? sql`` : sql`WHERE r.id > ${after}::uuid`}
       ORDER BY r.id
       LIMIT ${chunk}`.execute(db);
    if (rows.length > 0) yield rows;
    if (rows.length < chunk) return;
    after = (rows.at(-1) as LinkableRecord).id;
  }
}

export async function currentLinks(
  db: Db,
): Promise<{ record_id: string; person_id: string; record_version: number }[]> {
  const { rows } = await sql<{ record_id: string; person_id: string; record_version: number }>`
    SELECT record_id, person_id, record_version FROM person_links`.execute(db);
  return rows;
}

export interface PairRow {
  record_a: string;
  record_b: string;
  /** null for a pair staff decided on that no run has scored yet */
  weight: number | null;
  probability: number | null;
  explanation: unknown;
  status: 'automatic' | 'review' | 'not_sure' | 'confirmed' | 'rejected';
  decided_by: string | null;
  decided_at: Date | null;
}

/** A pair a run has scored (every pair waiting for review is one). */
export type ScoredPairRow = PairRow & { weight: number; probability: number };

export async function decidedPairs(db: Db): Promise<PairRow[]> {
  const { rows } = await sql<PairRow>`
    SELECT * FROM link_pairs WHERE status IN ('confirmed', 'rejected')`.execute(db);
  return rows;
}

/** When the last finished run ended, and whether any reviewer decided anything since. */
export async function lastRun(db: Db) {
  const { rows } = await sql<{
    id: string;
    finished_at: Date;
    model: unknown;
    decisions_since: number;
    stored_keys: string | null;
    population: number | null;
  }>`
    SELECT id, finished_at, model, stored_keys, population,
           (SELECT count(*)::int FROM link_pairs p WHERE p.decided_at > r.finished_at) AS decisions_since
      FROM link_runs r WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1`.execute(db);
  return rows[0];
}

export async function insertRun(db: Db): Promise<string> {
  const { rows } = await sql<{ id: string }>`INSERT INTO link_runs DEFAULT VALUES RETURNING id`.execute(db);
  return (rows[0] as { id: string }).id;
}

export async function finishRun(
  db: Db,
  id: string,
  figures: {
    records: number;
    changed: number;
    candidatePairs: number;
    automatic: number;
    review: number;
    people: number;
    model: unknown;
    /** the rules of the blocking keys kept for the next run and the records its names' counts are over */
    storedKeys: string | null;
    population: number | null;
  },
) {
  await sql`UPDATE link_runs SET finished_at = now(), records = ${figures.records},
      stored_keys = ${figures.storedKeys}, population = ${figures.population},
      changed_records = ${figures.changed}, candidate_pairs = ${figures.candidatePairs},
      automatic_links = ${figures.automatic}, review_pairs = ${figures.review}, people = ${figures.people},
      model = ${JSON.stringify(figures.model)}::jsonb
    WHERE id = ${id}`.execute(db);
}

export async function insertPeople(db: Db, ids: string[], runId: string) {
  await inBatches(ids, (batch) =>
    sql`INSERT INTO people (id, created_run) SELECT unnest(${batch}::uuid[]), ${runId}`.execute(db),
  );
}

export async function retirePeople(
  db: Db,
  retired: { id: string; mergedInto: string | null }[],
  runId: string,
) {
  await inBatches(retired, (batch) =>
    sql`UPDATE people p SET retired_run = ${runId}, merged_into = x.merged_into
          FROM jsonb_to_recordset(${JSON.stringify(batch.map((r) => ({ id: r.id, merged_into: r.mergedInto })))}::jsonb)
            AS x(id uuid, merged_into uuid)
         WHERE p.id = x.id`.execute(db),
  );
}

export async function upsertLinks(
  db: Db,
  links: { record_id: string; person_id: string; record_version: number }[],
  runId: string,
) {
  await inBatches(links, (batch) =>
    sql`INSERT INTO person_links (record_id, person_id, record_version, linked_run)
        SELECT x.record_id, x.person_id, x.record_version, ${runId}
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS x(record_id uuid, person_id uuid, record_version int)
        ON CONFLICT (record_id) DO UPDATE SET person_id = EXCLUDED.person_id,
          record_version = EXCLUDED.record_version, linked_run = EXCLUDED.linked_run, linked_at = now()
        WHERE (person_links.person_id, person_links.record_version)
          IS DISTINCT FROM (EXCLUDED.person_id, EXCLUDED.record_version)`.execute(db),
  );
}

/**
 * Stores this run's pairs: the engine's figures are refreshed; a reviewer's decision (confirmed,
 * rejected, not sure) stands; undecided pairs this run no longer scored are forgotten.
 */
type EnginePairRow = {
  record_a: string;
  record_b: string;
  weight: number;
  probability: number;
  /** null for automatic pairs: only pairs waiting for review are explained */
  explanation: unknown | null;
  status: 'automatic' | 'review';
};

async function upsertPairs(db: Db, pairs: EnginePairRow[], runId: string) {
  await inBatches(pairs, (batch) =>
    sql`INSERT INTO link_pairs (record_a, record_b, weight, probability, explanation, status, scored_run)
        SELECT x.record_a, x.record_b, x.weight, x.probability, nullif(x.explanation, 'null'::jsonb), x.status, ${runId}
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
            AS x(record_a uuid, record_b uuid, weight float8, probability float8, explanation jsonb, status text)
        ON CONFLICT (record_a, record_b) DO UPDATE SET weight = EXCLUDED.weight,
          probability = EXCLUDED.probability, scored_run = EXCLUDED.scored_run,
          -- a pair a reviewer was not sure of keeps an explanation to show
          explanation = coalesce(EXCLUDED.explanation, link_pairs.explanation),
          status = CASE WHEN link_pairs.status IN ('automatic', 'review') THEN EXCLUDED.status ELSE link_pairs.status END`.execute(
      db,
    ),
  );
}

/** The engine's pairs of a run over every record: those it no longer gives are dropped. */
export async function storePairs(db: Db, pairs: EnginePairRow[], runId: string) {
  await upsertPairs(db, pairs, runId);
  await sql`DELETE FROM link_pairs WHERE status IN ('automatic', 'review') AND scored_run <> ${runId}`.execute(
    db,
  );
}

/** The engine's pairs of a run over what changed: only the pairs of the changed records are replaced. */
export async function storePairsOfChanged(db: Db, pairs: EnginePairRow[], changed: string[], runId: string) {
  await inBatches(changed, (batch) =>
    sql`DELETE FROM link_pairs WHERE status IN ('automatic', 'review')
          AND (record_a = ANY(${batch}::uuid[]) OR record_b = ANY(${batch}::uuid[]))`.execute(db),
  );
  await upsertPairs(db, pairs, runId);
}

export async function insertHistory(
  db: Db,
  events: { person_id: string; event: string; detail: unknown }[],
  runId: string,
) {
  await inBatches(events, (batch) =>
    sql`INSERT INTO person_history (run_id, person_id, event, detail)
        SELECT ${runId}, x.person_id, x.event, x.detail
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS x(person_id uuid, event text, detail jsonb)`.execute(
      db,
    ),
  );
}

export interface WaitingPair extends ScoredPairRow {
  /** the organisations holding each record (places knows their names) */
  organisation_a_id: string;
  organisation_b_id: string;
}

/** Pairs waiting for a reviewer, most likely first, where one of the records is held by one of `organisations`. */
export async function waitingPairs(db: Db, organisations: string[], limit = 100): Promise<WaitingPair[]> {
  if (organisations.length === 0) return [];
  const { rows } = await sql<WaitingPair>`
    SELECT p.*, a.organisation_id AS organisation_a_id, b.organisation_id AS organisation_b_id
      FROM link_pairs p
      JOIN local_records a ON a.id = p.record_a
      JOIN local_records b ON b.id = p.record_b
     WHERE p.status IN ('review', 'not_sure')
       AND (a.organisation_id = ANY(${organisations}::uuid[]) OR b.organisation_id = ANY(${organisations}::uuid[]))
     ORDER BY p.status = 'not_sure', p.probability DESC, p.record_a, p.record_b
     LIMIT ${limit}`.execute(db);
  return rows;
}

export async function findPair(db: Db, a: string, b: string): Promise<ScoredPairRow | undefined> {
  if (![a, b].every((id) => /^[0-9a-f-]{36}$/i.test(id))) return undefined;
  const [x, y] = a < b ? [a, b] : [b, a];
  const { rows } = await sql<ScoredPairRow>`SELECT * FROM link_pairs WHERE record_a = ${x} AND record_b = ${y}
      AND explanation IS NOT NULL`.execute(db);
  return rows[0];
}

export async function decidePair(
  db: Db,
  a: string,
  b: string,
  status: 'confirmed' | 'rejected' | 'not_sure',
  accountId: string,
): Promise<boolean> {
  const result =
    await sql`UPDATE link_pairs SET status = ${status}, decided_by = ${accountId}, decided_at = now()
     WHERE record_a = ${a} AND record_b = ${b}`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

/** The person a record is, and every record of that person. */
export async function personRecords(db: Db, personId: string): Promise<string[]> {
  if (!/^[0-9a-f-]{36}$/i.test(personId)) return [];
  const { rows } = await sql<{ record_id: string }>`
    SELECT record_id FROM person_links WHERE person_id = ${personId} ORDER BY record_id`.execute(db);
  return rows.map((r) => r.record_id);
}

export async function personOf(db: Db, recordIds: string[]): Promise<Map<string, string>> {
  if (recordIds.length === 0) return new Map();
  const { rows } = await sql<{ record_id: string; person_id: string }>`
    SELECT record_id, person_id FROM person_links WHERE record_id = ANY(${recordIds}::uuid[])`.execute(db);
  return new Map(rows.map((r) => [r.record_id, r.person_id]));
}

/** What happened to a person, oldest first: by which run, or by whom (an account id) and why. */
export async function personHistory(db: Db, personId: string) {
  const { rows } = await sql<{
    event: string;
    detail: Record<string, unknown>;
    at: Date;
    decided_by: string | null;
    reason: string | null;
  }>`
    SELECT event, detail, at, decided_by, reason FROM person_history
     WHERE person_id = ${personId} ORDER BY id`.execute(db);
  return rows;
}

/** The advisory lock a linkage run holds while it runs (any constant shared by every instance). */
export const LINK_LOCK = 5_210_447_093;

/** Takes the linkage lock for this transaction, unless a run holds it: then false. */
export async function tryLinkLock(trx: Db): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_xact_lock(${LINK_LOCK}) AS locked`.execute(trx);
  return rows[0]?.locked === true;
}

export interface LinkOfPerson {
  record_a: string;
  record_b: string;
  weight: number | null;
  probability: number | null;
  status: PairRow['status'];
  /** the account that decided the pair (identity knows its name) */
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}

/** Every scored or decided pair with one of these records in it, strongest first. */
export async function pairsOf(db: Db, recordIds: string[]): Promise<LinkOfPerson[]> {
  if (recordIds.length === 0) return [];
  const { rows } = await sql<LinkOfPerson>`
    SELECT record_a, record_b, weight, probability, status, decided_by, decided_at, decision_note
      FROM link_pairs
     WHERE record_a = ANY(${recordIds}::uuid[]) OR record_b = ANY(${recordIds}::uuid[])
     ORDER BY weight DESC NULLS LAST, record_a, record_b`.execute(db);
  return rows;
}

/** Staff say these pairs are the same person (confirmed) or not (rejected): stands on every later run. */
export async function decidePairsAs(
  db: Db,
  pairs: (readonly [string, string])[],
  status: 'confirmed' | 'rejected',
  accountId: string,
  reason: string,
) {
  const unique = new Map(
    pairs.map(([a, b]) => (a < b ? [`${a} ${b}`, { a, b }] : [`${b} ${a}`, { a: b, b: a }])),
  );
  const ordered = [...unique.values()];
  await inBatches(ordered, (batch) =>
    sql`INSERT INTO link_pairs (record_a, record_b, status, decided_by, decided_at, decision_note)
        SELECT x.a, x.b, ${status}, ${accountId}, now(), ${reason}
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS x(a uuid, b uuid)
        ON CONFLICT (record_a, record_b) DO UPDATE SET status = EXCLUDED.status,
          decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at,
          decision_note = EXCLUDED.decision_note`.execute(db),
  );
}

/** A person made by a decision of staff (not by a run). */
export async function createPerson(db: Db, id: string) {
  await sql`INSERT INTO people (id) VALUES (${id})`.execute(db);
}

export async function moveLinks(db: Db, recordIds: string[], personId: string) {
  await sql`UPDATE person_links SET person_id = ${personId}, linked_at = now()
     WHERE record_id = ANY(${recordIds}::uuid[])`.execute(db);
}

export async function retireInto(db: Db, personId: string, mergedInto: string) {
  await sql`UPDATE people SET retired_at = now(), merged_into = ${mergedInto} WHERE id = ${personId}`.execute(
    db,
  );
}

export async function insertDecisionHistory(
  db: Db,
  events: { person_id: string; event: string; detail: unknown }[],
  accountId: string,
  reason: string,
) {
  await sql`INSERT INTO person_history (person_id, event, detail, decided_by, reason)
      SELECT x.person_id, x.event, x.detail, ${accountId}, ${reason}
        FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS x(person_id uuid, event text, detail jsonb)`.execute(
    db,
  );
}

export async function personExists(db: Db, personId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(personId)) return undefined;
  const { rows } = await sql<{ id: string; merged_into: string | null; retired: boolean }>`
    SELECT id, merged_into, (retired_run IS NOT NULL OR retired_at IS NOT NULL) AS retired
      FROM people WHERE id = ${personId}`.execute(db);
  return rows[0];
}
