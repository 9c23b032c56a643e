// SQL for what a run over every record keeps for a run over what changed: each record's blocking
// keys (hashed, see storedKeys in src/linkage) and how many records hold each first and last
// name; and the reads a run over what changed makes instead of loading every record.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { FrequencyField, ValueCounts } from '../../linkage/index.ts';
import type { LinkableRecord } from './store.ts';

const BATCH = 5000;

async function inBatches<T>(rows: readonly T[], write: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
}

/** Records' blocking keys: `keys` holds `width` keys a record, in the order of `ids` (0: none). */
export type KeptKeys = { ids: readonly string[]; keys: Int32Array; width: number };

const CHUNK = 50_000;

/** A run over every record: every record's keys replace those kept. */
export async function replaceKeys(db: Db, kept: KeptKeys) {
  await sql`DELETE FROM link_kept_keys`.execute(db);
  await addKeys(db, kept);
}

/** A run over what changed: the changed records' keys, after those kept (a record may be in both). */
export async function addKeys(db: Db, { ids, keys, width }: KeptKeys) {
  for (let from = 0; from < ids.length; from += CHUNK) {
    const to = Math.min(ids.length, from + CHUNK);
    const bytes = Buffer.from(keys.buffer, keys.byteOffset + from * width * 4, (to - from) * width * 4);
    await sql`INSERT INTO link_kept_keys (record_ids, keys, rules)
        VALUES (${ids.slice(from, to)}::uuid[], ${bytes}, ${width})`.execute(db);
  }
}

/**
 * The records with any of these keys, by reading every kept key: a key kept from an earlier
 * version of a record may bring in a record that no longer shares it, which blocking then leaves
 * unpaired.
 */
export async function recordsSharingKeys(db: Db, wanted: ReadonlySet<number>): Promise<string[]> {
  if (wanted.size === 0) return [];
  const { rows } = await sql<{ ids: string; keys: Buffer; rules: number }>`
    SELECT array_to_string(record_ids, ',') AS ids, keys, rules FROM link_kept_keys ORDER BY id`.execute(db);
  const found = new Set<string>();
  for (const row of rows) {
    const ids = row.ids.split(',');
    const keys = new Int32Array(new Uint8Array(row.keys).buffer);
    for (let i = 0; i < ids.length; i++) {
      for (let r = 0; r < row.rules; r++) {
        const key = keys[i * row.rules + r] as number;
        if (key !== 0 && wanted.has(key)) {
          found.add(ids[i] as string);
          break;
        }
      }
    }
  }
  return [...found];
}

export async function replaceNameCounts(db: Db, counts: ValueCounts) {
  await sql`DELETE FROM link_name_counts`.execute(db);
  for (const [field, values] of Object.entries(counts.counts)) {
    const rows = [...values].filter(([, n]) => n > 0);
    await inBatches(rows, (batch) =>
      sql`INSERT INTO link_name_counts (field, value, records)
          SELECT ${field}, x.value, x.records
            FROM unnest(${batch.map(([v]) => v)}::text[], ${batch.map(([, n]) => n)}::int[]) AS x(value, records)`.execute(
        db,
      ),
    );
  }
}

/** The names' counts kept by the last run over every record, over its `population` records. */
export async function nameCounts(db: Db, population: number): Promise<ValueCounts> {
  const { rows } = await sql<{ field: FrequencyField; value: string; records: number }>`
    SELECT field, value, records FROM link_name_counts`.execute(db);
  const counts: ValueCounts['counts'] = { firstName: new Map(), lastName: new Map() };
  for (const row of rows) (counts[row.field] as Map<string, number>).set(row.value, row.records);
  return { population, counts };
}

/** The records new or changed since they were last linked, by id. */
export async function changedRecordIds(db: Db): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT r.id FROM local_records r LEFT JOIN person_links l ON l.record_id = r.id
     WHERE l.record_version IS DISTINCT FROM r.version ORDER BY r.id`.execute(db);
  return rows.map((r) => r.id);
}

/** How many records' keys are kept, counting a record again for each run over what changed it. */
export async function keptEntries(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT coalesce(sum(cardinality(record_ids)), 0)::int AS n FROM link_kept_keys`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function recordCount(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM local_records`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function peopleCount(db: Db): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`SELECT count(DISTINCT person_id)::int AS n FROM person_links`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function recordsById(db: Db, ids: readonly string[]): Promise<LinkableRecord[]> {
  const records: LinkableRecord[] = [];
  await inBatches(ids, async (batch) => {
    const { rows } = await sql<LinkableRecord>`
      SELECT r.id, r.organisation_id, r.version, r.given_names, r.family_name, r.date_of_birth::text,
             r.address_line, r.town, r.postcode, r.nhs_number, r.phone, r.email
        FROM local_records r WHERE r.id = ANY(${batch}::uuid[])`.execute(db);
    records.push(...rows);
  });
  return records;
}

/** Every record of the people these records are (as last linked), with its person and linked version. */
export async function recordsOfPeopleOf(
  db: Db,
  recordIds: readonly string[],
): Promise<{ record_id: string; person_id: string; record_version: number }[]> {
  const { rows } = await sql<{ record_id: string; person_id: string; record_version: number }>`
    SELECT l.record_id, l.person_id, l.record_version FROM person_links l
     WHERE l.person_id IN (SELECT person_id FROM person_links WHERE record_id = ANY(${recordIds}::uuid[]))`.execute(
    db,
  );
  return rows;
}

/** The automatic and decided pairs with a record among these. */
export async function pairsAmong(db: Db, recordIds: readonly string[]) {
  const { rows } = await sql<{
    record_a: string;
    record_b: string;
    weight: number | null;
    status: 'automatic' | 'confirmed' | 'rejected';
  }>`
    SELECT record_a, record_b, weight, status FROM link_pairs
     WHERE status IN ('automatic', 'confirmed', 'rejected')
       AND (record_a = ANY(${recordIds}::uuid[]) OR record_b = ANY(${recordIds}::uuid[]))`.execute(db);
  return rows;
}

/** The records of the pairs a reviewer or staff decided since the last run finished. */
export async function recordsDecidedSince(db: Db, since: Date): Promise<string[]> {
  const { rows } = await sql<{ record_a: string; record_b: string }>`
    SELECT record_a, record_b FROM link_pairs WHERE decided_at > ${since}`.execute(db);
  return rows.flatMap((r) => [r.record_a, r.record_b]);
}
