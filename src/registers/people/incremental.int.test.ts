// Linking only what changed, on synthetic people whose truth is known: after a few records
// arrive and a few are edited, a run compares only pairs with those records, with the last
// run's model, and puts every record in the person a full run puts it in.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { type LinkageRecord, normaliseRecord, syntheticPeople } from '../../linkage/index.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const ORGANISATIONS = ['fellshire-cc', 'fellshire-nhs', 'fellshire-fire', 'castlebridge-council'];
const COLUMNS =
  'local_ref,given_names,family_name,date_of_birth,address_line,town,postcode,phone,email,marking';
const csvValue = (value: string) => (/[",]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function rowOf(record: LinkageRecord): string {
  const n = normaliseRecord(record);
  return [
    record.id,
    [n.firstName, n.middleName].filter(Boolean).join(' ') || 'unknown',
    n.lastName || 'unknown',
    n.dateOfBirth,
    n.addressLine,
    n.town,
    n.postcode.toUpperCase(),
    n.phone,
    n.email,
    'OFFICIAL',
  ]
    .map(csvValue)
    .join(',');
}

/** Imports the records into the organisations that hold them; how many were inserted or updated. */
async function importRecords(records: readonly LinkageRecord[]): Promise<number> {
  let stored = 0;
  for (const [o, organisation] of ORGANISATIONS.entries()) {
    const rows = records.filter((r) => r.source === `org-${o + 1}`).map(rowOf);
    if (rows.length === 0) continue;
    const report = await t.services.importing.importPeople({
      organisation,
      csv: Readable.from([[COLUMNS, ...rows].join('\n')]),
    });
    stored += report.inserted + report.updated;
  }
  return stored;
}

/** Each synthetic record's fellow records in its golden person, as one sorted line. */
async function peopleByRecord(): Promise<Map<string, string>> {
  const { rows } = await t.services.database.pool.query<{ ref: string; person: string }>(
    `SELECT r.local_ref AS ref, l.person_id AS person FROM person_links l
       JOIN local_records r ON r.id = l.record_id WHERE r.local_ref LIKE 'r%'`,
  );
  const members = new Map<string, string[]>();
  for (const row of rows) members.set(row.person, [...(members.get(row.person) ?? []), row.ref]);
  return new Map(rows.map((row) => [row.ref, (members.get(row.person) ?? []).sort().join(' ')]));
}

describe('linking only what changed', () => {
  const data = syntheticPeople({ records: 600, seed: 31 });
  // three records of people who have another record, arriving last; three others edited (moved)
  const seen = new Map<number, number>();
  for (const p of data.person) seen.set(p, (seen.get(p) ?? 0) + 1);
  const arrivingAt = data.records.flatMap((_, i) =>
    (seen.get(data.person[i] as number) ?? 0) > 1 ? [i] : [],
  );
  const arriving = arrivingAt.slice(0, 3).map((i) => data.records[i] as LinkageRecord);
  const rest = data.records.filter((r) => !arriving.includes(r));
  const edited = data.records
    .slice(3, 6)
    .map((r) => ({ ...r, addressLine: '41 Quarry Bank', postcode: 'NM1 9ZZ' }));

  it('links the new and edited records against the people, as a run over everything would', async () => {
    await importRecords(rest);
    const first = await t.services.linking.run();
    expect(first).toMatchObject({ ran: true, incremental: false });

    const changed = await importRecords([...arriving, ...edited]);
    expect(changed).toBeGreaterThanOrEqual(4);
    const run = await t.services.linking.run();
    expect(run).toMatchObject({ ran: true, incremental: true, changed });
    expect(run.candidatePairs).toBeLessThan(first.candidatePairs / 10);
    const incremental = await peopleByRecord();
    // the synthetic truth: the new records join records of the same person
    const joined = arriving.filter((r) => (incremental.get(r.id) ?? '').includes(' '));
    expect(joined.length).toBeGreaterThan(0);
    for (const record of joined) {
      const person = data.person[data.records.indexOf(record)];
      for (const fellow of (incremental.get(record.id) ?? '').split(' ')) {
        expect(data.person[data.records.findIndex((r) => r.id === fellow)]).toBe(person);
      }
    }

    const full = await t.services.linking.run({ force: true });
    expect(full).toMatchObject({ ran: true, incremental: false });
    const everything = await peopleByRecord();
    const differing = [...everything].filter(([ref, fellows]) => incremental.get(ref) !== fellows);
    expect(differing).toEqual([]);
    // three full runs of a few thousand records (the synthetic training population among them)
  }, 120_000);
});
