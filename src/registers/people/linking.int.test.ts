// Linkage over the demo place's records: two organisations' records of one person become one
// golden person, the uncertain pair waits for review, decisions stand on the next run, and
// "do we know this person?" answers only with records the asker may see.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import { linkableRecords } from './store.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const sql = async (text: string, params: unknown[] = []) =>
  (await t.services.database.pool.query(text, params)).rows;
const personOf = async (org: string, ref: string) =>
  (
    await sql(
      `SELECT l.person_id FROM person_links l JOIN local_records r ON r.id = l.record_id
        JOIN organisations o ON o.id = r.organisation_id WHERE o.ref = $1 AND r.local_ref = $2`,
      [org, ref],
    )
  )[0]?.person_id as string;
const recordId = async (org: string, ref: string) =>
  (
    await sql(
      `SELECT r.id FROM local_records r JOIN organisations o ON o.id = r.organisation_id WHERE o.ref = $1 AND r.local_ref = $2`,
      [org, ref],
    )
  )[0]?.id as string;

const api = async (roles: string, method: string, url: string, body?: unknown) => {
  const account = demoAccount((c) => c.roles === roles);
  const cookie = await signIn(t.app, account.email, account.password);
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  const json = String(response.headers['content-type']).includes('json');
  return { status: response.statusCode, body: json ? response.json() : response.body };
};

describe('linking the organisations’ records into people', () => {
  it('reads every record once, in order of id, however small the chunks it reads them in', async () => {
    const ids = async (chunk: number) => {
      const read: string[] = [];
      for await (const rows of linkableRecords(t.services.database.db, chunk)) {
        expect(rows.length).toBeLessThanOrEqual(chunk);
        read.push(...rows.map((r) => r.id));
      }
      return read;
    };
    const all = (await sql('SELECT id FROM local_records ORDER BY id')).map((r) => r.id as string);
    expect(all.length).toBeGreaterThan(7);
    expect(await ids(3)).toEqual(all);
    expect(await ids(all.length)).toEqual(all);
  });

  it('links Amina Khan’s records in three organisations into one person, and Tom Price’s in two', async () => {
    const report = await t.services.linking.run();
    expect(report.ran).toBe(true);
    const amina = await personOf('castlebridge-council', 'ASC-10442');
    expect(await personOf('fellshire-nhs', 'PT-778120')).toBe(amina);
    expect(await personOf('fellshire-fire', 'HFSV-2291')).toBe(amina);
    expect(await personOf('fellshire-police', 'NOM-30077')).toBe(
      await personOf('ashby-vale-dc', 'CT-558812'),
    );
    expect(await personOf('fellshire-police', 'NOM-30077')).not.toBe(amina);
  });

  it('puts Margaret and Peggy Oduya (a nickname, no date of birth on one) in the review queue', async () => {
    const a = await recordId('fellshire-cc', 'ASC-88310');
    const b = await recordId('fellshire-fire', 'HFSV-2310');
    const queue = (await sql(
      `SELECT status, probability FROM link_pairs WHERE status = 'review' AND $1 IN (record_a, record_b)
          AND $2 IN (record_a, record_b)`,
      [a, b],
    )) as { probability: number }[];
    expect(queue).toHaveLength(1);
    expect(queue[0]?.probability).toBeGreaterThanOrEqual(0.5);
    expect(await personOf('fellshire-cc', 'ASC-88310')).not.toBe(
      await personOf('fellshire-fire', 'HFSV-2310'),
    );
  });

  it('does nothing when nothing changed, and keeps everyone’s person id when it runs again', async () => {
    const amina = await personOf('castlebridge-council', 'ASC-10442');
    expect((await t.services.linking.run()).ran).toBe(false);
    const forced = await t.services.linking.run({ force: true });
    expect(forced).toMatchObject({ ran: true, created: 0, merged: 0, split: 0 });
    expect(await personOf('castlebridge-council', 'ASC-10442')).toBe(amina);
  });

  it('merges two people when a reviewer says the pair is the same, and writes the merger down', async () => {
    const a = await recordId('fellshire-cc', 'ASC-88310');
    const b = await recordId('fellshire-fire', 'HFSV-2310');
    const refused = await api('manager at northmoor-dc', 'GET', `/people/review/${a}/${b}`);
    expect(refused.status).toBe(403);
    await t.services.linking.decide(
      await t.services.identity.actorByEmail(
        demoAccount((c) => c.roles === 'manager at fellshire-fire').email,
      ),
      a,
      b,
      'same',
      'safeguarding',
    );
    const entry = JSON.parse(
      (await sql(`SELECT body FROM audit_ledger WHERE action = 'link.decide' ORDER BY seq DESC LIMIT 1`))[0]
        .body,
    );
    expect(entry.detail.decision).toBe('same');
    const report = await t.services.linking.run();
    expect(report).toMatchObject({ ran: true, merged: 1 });
    const person = await personOf('fellshire-cc', 'ASC-88310');
    expect(await personOf('fellshire-fire', 'HFSV-2310')).toBe(person);
    const history = await sql('SELECT event FROM person_history WHERE person_id = $1 ORDER BY id', [person]);
    expect(history.map((h) => h.event)).toContain('merged');
  });

  it('keeps apart a pair a reviewer said are different people, on every later run', async () => {
    const a = await recordId('castlebridge-council', 'ASC-10442');
    const b = await recordId('fellshire-fire', 'HFSV-2291');
    const [x, y] = a < b ? [a, b] : [b, a];
    const reviewer = await t.services.identity.actorByEmail(
      demoAccount((c) => c.roles === 'manager at fellshire-fire').email,
    );
    await sql(
      `UPDATE link_pairs SET status = 'rejected', decided_by = $3, decided_at = now()
        WHERE record_a = $1 AND record_b = $2`,
      [x, y, reviewer?.accountId],
    );
    const report = await t.services.linking.run();
    expect(report.split).toBe(1);
    expect(await personOf('castlebridge-council', 'ASC-10442')).not.toBe(
      await personOf('fellshire-fire', 'HFSV-2291'),
    );
    await t.services.linking.run({ force: true });
    expect(await personOf('castlebridge-council', 'ASC-10442')).not.toBe(
      await personOf('fellshire-fire', 'HFSV-2291'),
    );
  });
});

describe('an incremental run', () => {
  it('counts only the new and changed records, and rewrites only their links', async () => {
    await t.services.linking.run({ force: true });
    const csv = [
      'local_ref,given_names,family_name,date_of_birth,address_line,town,postcode,phone,marking',
      'HFSV-2291,Amina,Khan,,12 Tanner Row,Castlebridge,CB4 7QD,01632 960123,OFFICIAL',
      'HFSV-3001,Amina,Khan,1958-06-14,12 Tanner Row,Castlebridge,CB4 7QD,,OFFICIAL',
    ].join('\n');
    const imported = await t.services.importing.importPeople({
      organisation: 'fellshire-fire',
      csv: Readable.from([csv]),
    });
    expect(imported).toMatchObject({ inserted: 1, updated: 1 });
    const report = await t.services.linking.run();
    expect(report).toMatchObject({ ran: true, changed: 2 });
    const [run] = await sql(
      'SELECT id FROM link_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1',
    );
    const rewritten = await sql(
      `SELECT r.local_ref FROM person_links l JOIN local_records r ON r.id = l.record_id
        WHERE l.linked_run = $1 ORDER BY r.local_ref`,
      [run.id],
    );
    expect(rewritten.map((r) => r.local_ref)).toEqual(['HFSV-2291', 'HFSV-3001']);
    // the new record joins Amina Khan's other records (not the one a reviewer set apart earlier)
    expect(await personOf('fellshire-fire', 'HFSV-3001')).toBe(await personOf('fellshire-nhs', 'PT-778120'));
    expect((await t.services.linking.run()).ran).toBe(false);
  });
});

describe('do we already know this person?', () => {
  it('finds Amina Khan with the probability and the explanation, and records the read', async () => {
    const found = await api('manager at fellshire-nhs', 'POST', '/api/v1/people/match', {
      givenNames: 'Amina',
      familyName: 'Khan',
      dateOfBirth: '1958-06-14',
      postcode: 'cb4 7qd',
    });
    expect(found.status).toBe(200);
    const best = found.body.matches[0];
    expect(best.probability).toBeGreaterThan(0.9);
    expect(best.records.map((r: { organisation: string }) => r.organisation)).toEqual(['fellshire-nhs']);
    expect(best.explanation.steps.length).toBeGreaterThan(3);
    const entry = JSON.parse((await sql(`SELECT body FROM audit_ledger ORDER BY seq DESC LIMIT 1`))[0].body);
    expect(entry.action).toBe('person-record.match');
  });

  it('shows other organisations’ records only for a purpose an agreement covers', async () => {
    const found = await api('manager at fellshire-nhs', 'POST', '/api/v1/people/match', {
      givenNames: 'Amina',
      familyName: 'Khan',
      dateOfBirth: '1958-06-14',
      purpose: 'direct_care',
    });
    const orgs = found.body.matches.flatMap((m: { records: { organisation: string }[] }) =>
      m.records.map((r) => r.organisation),
    );
    expect(orgs).toContain('castlebridge-council');
    const police = await api('manager at northmoor-dc', 'POST', '/api/v1/people/match', {
      givenNames: 'Thomas',
      familyName: 'Price',
      dateOfBirth: '1990-11-02',
    });
    expect(police.body.matches).toEqual([]);
  });

  it('reads a golden person’s records the asker may see', async () => {
    const person = await personOf('fellshire-nhs', 'PT-778120');
    const read = await api('manager at fellshire-nhs', 'GET', `/api/v1/people/${person}`);
    expect(read.status).toBe(200);
    expect(read.body.records.map((r: { organisation: string }) => r.organisation)).toEqual(['fellshire-nhs']);
    const other = await api('manager at northmoor-dc', 'GET', `/api/v1/people/${person}`);
    expect(other.status).toBe(404);
  });

  it('asks for linkage to run again when the last model was learnt by an earlier version', async () => {
    const [run] = await sql(
      'SELECT id, model FROM link_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1',
    );
    const earlier = structuredClone(run.model);
    earlier.comparisons[0].levels = earlier.comparisons[0].levels.slice(1);
    await sql('UPDATE link_runs SET model = $1 WHERE id = $2', [JSON.stringify(earlier), run.id]);
    try {
      const found = await api('manager at fellshire-nhs', 'POST', '/api/v1/people/match', {
        givenNames: 'Amina',
        familyName: 'Khan',
      });
      expect(found.status).toBe(409);
      expect(found.body.detail).toContain('run "flagstone link" again');
      // The next run (the job's, every ten minutes and at start) relinks though nothing changed.
      expect((await t.services.linking.run()).ran).toBe(true);
      expect(
        (
          await api('manager at fellshire-nhs', 'POST', '/api/v1/people/match', {
            givenNames: 'Amina',
            familyName: 'Khan',
          })
        ).status,
      ).toBe(200);
    } finally {
      await sql('UPDATE link_runs SET model = $1 WHERE id = $2', [JSON.stringify(run.model), run.id]);
    }
  });
});
