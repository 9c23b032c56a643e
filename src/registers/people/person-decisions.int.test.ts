// A golden person through the API: the records the asker may see (the others counted), each
// link with how it was decided; staff with the right role split a record out or merge two
// people with a reason, in the ledger, and the next linkage run keeps to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
  await t.services.linking.run();
});
afterAll(() => t.close());

const sql = async (text: string, params: unknown[] = []) =>
  (await t.services.database.pool.query(text, params)).rows;
const record = async (org: string, ref: string) =>
  (
    await sql(
      `SELECT r.id, l.person_id FROM local_records r JOIN organisations o ON o.id = r.organisation_id
         LEFT JOIN person_links l ON l.record_id = r.id WHERE o.ref = $1 AND r.local_ref = $2`,
      [org, ref],
    )
  )[0] as { id: string; person_id: string };
const lastEntry = async (action: string) =>
  JSON.parse(
    (
      await sql(`SELECT body FROM audit_ledger WHERE body::jsonb->>'action' = $1 ORDER BY seq DESC LIMIT 1`, [
        action,
      ])
    )[0]?.body ?? 'null',
  );
const count = async (table: string) => Number((await sql(`SELECT count(*) FROM ${table}`))[0].count);

const cookies = new Map<string, string>();
const api = async (roles: string, method: string, url: string, body?: unknown) => {
  const account = demoAccount((c) => c.roles === roles);
  if (!cookies.has(roles)) cookies.set(roles, await signIn(t.app, account.email, account.password));
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { cookie: cookies.get(roles), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: response.statusCode, body: response.json() };
};

describe('a golden person', () => {
  it('shows the records the asker may see, counts the others, and says how each pair was linked', async () => {
    const nhs = await record('fellshire-nhs', 'PT-778120');
    const own = await api('manager at fellshire-nhs', 'GET', `/api/v1/people/${nhs.person_id}`);
    expect(own.status).toBe(200);
    expect(own.body.records.map((r: { localRef: string }) => r.localRef)).toEqual(['PT-778120']);
    expect(own.body.withheld).toBe(2);
    expect(own.body.links.length).toBeGreaterThanOrEqual(1);
    for (const link of own.body.links) {
      expect(link.status).toBe('automatic');
      expect(link.probability).toBeGreaterThanOrEqual(0.95);
      // the other side is withheld: its holder is named, its reference is not
      const other = link.a.visible ? link.b : link.a;
      expect(other).toMatchObject({ visible: false, localRef: null });
    }
    expect(own.body.history[0]).toMatchObject({ event: 'created', decidedBy: null });

    const shared = await api(
      'manager at fellshire-nhs',
      'GET',
      `/api/v1/people/${nhs.person_id}?purpose=direct_care`,
    );
    expect(shared.body.records).toHaveLength(3);
    expect(shared.body.withheld).toBe(0);
    expect(shared.body.records[0].personId).toBe(nhs.person_id);
  });

  it('refuses an unknown purpose, and a person the asker may see nothing of', async () => {
    const nhs = await record('fellshire-nhs', 'PT-778120');
    const bad = await api(
      'manager at fellshire-nhs',
      'GET',
      `/api/v1/people/${nhs.person_id}?purpose=curiosity`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('purpose');
    expect((await api('manager at northmoor-dc', 'GET', `/api/v1/people/${nhs.person_id}`)).status).toBe(404);
  });
});

describe('splitting a record out of a person', () => {
  it('refuses staff without the role, a missing reason and a record not of this person, changing nothing', async () => {
    const nhs = await record('fellshire-nhs', 'PT-778120');
    const fire = await record('fellshire-fire', 'HFSV-2310');
    const before = await count('person_history');
    const staff = await api('staff at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/split`, {
      record: nhs.id,
      reason: 'Different date of birth',
    });
    expect(staff.status).toBe(403);
    expect(staff.body.detail).toBe(
      'Only a manager or information governance officer of the organisation holding the record can split it out',
    );
    expect(await lastEntry('person.split')).toMatchObject({
      actor: { organisation: 'fellshire-nhs', role: 'staff' },
      resource: { type: 'person', id: nhs.person_id },
      decision: 'deny',
      policies: [],
      detail: { record: nhs.id },
    });
    const noReason = await api('manager at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/split`, {
      record: nhs.id,
      reason: '  ',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([
      { field: 'reason', message: 'Say why: it is kept with the decision' },
    ]);
    const elsewhere = await api('manager at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/split`, {
      record: fire.id,
      reason: 'Not this one',
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors[0].field).toBe('record');
    const notTheirs = await api(
      'manager at castlebridge-council',
      'POST',
      `/api/v1/people/${nhs.person_id}/split`,
      {
        record: nhs.id,
        reason: 'Not ours to split',
        purpose: 'direct_care',
      },
    );
    expect(notTheirs.status).toBe(403);
    expect(await lastEntry('person.split')).toMatchObject({
      actor: { organisation: 'castlebridge-council', role: 'manager' },
      decision: 'deny',
    });
    expect(await count('person_history')).toBe(before);
    expect((await record('fellshire-nhs', 'PT-778120')).person_id).toBe(nhs.person_id);
  });

  it('moves the record to a person of its own at once, in the ledger, and the next run keeps it apart', async () => {
    const nhs = await record('fellshire-nhs', 'PT-778120');
    const council = await record('castlebridge-council', 'ASC-10442');
    const split = await api('manager at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/split`, {
      record: nhs.id,
      reason: 'The patient is the daughter: another date of birth on the GP record',
    });
    expect(split.status).toBe(200);
    const moved = await record('fellshire-nhs', 'PT-778120');
    expect(moved.person_id).toBe(split.body.newPerson);
    expect((await record('castlebridge-council', 'ASC-10442')).person_id).toBe(nhs.person_id);
    const entry = await lastEntry('person.split');
    expect(entry).toMatchObject({
      decision: 'allow',
      policies: ['person-split-merge'],
      resource: { type: 'person', id: nhs.person_id },
      reason: 'The patient is the daughter: another date of birth on the GP record',
      detail: { record: nhs.id, newPerson: split.body.newPerson },
    });
    const page = await api('manager at fellshire-nhs', 'GET', `/api/v1/people/${split.body.newPerson}`);
    expect(page.body.history).toMatchObject([
      { event: 'created', decidedBy: 'Rajesh Patel', reason: expect.stringContaining('daughter') },
    ]);
    const rejected = page.body.links.filter((l: { status: string }) => l.status === 'rejected');
    expect(rejected.length).toBe(2);
    expect(rejected[0].decidedBy).toBe('Rajesh Patel');

    await t.services.linking.run();
    expect((await record('fellshire-nhs', 'PT-778120')).person_id).toBe(split.body.newPerson);
    expect((await record('castlebridge-council', 'ASC-10442')).person_id).toBe(council.person_id);
    expect((await t.services.linking.run({ force: true })).split).toBe(0);
    expect((await record('fellshire-nhs', 'PT-778120')).person_id).toBe(split.body.newPerson);
  });
});

describe('merging two people', () => {
  it('refuses a person number that is not another person, and staff who may not see a record of each', async () => {
    const nhs = await record('fellshire-nhs', 'PT-778120');
    const council = await record('castlebridge-council', 'ASC-10442');
    const self = await api('manager at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/merge`, {
      other: nhs.person_id,
      reason: 'Same',
    });
    expect(self.status).toBe(400);
    expect(self.body.errors[0].message).toBe(
      'That is this person: give the person number of the other person',
    );
    const nobody = await api('manager at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/merge`, {
      other: 'not-a-person',
      reason: 'Same',
    });
    expect(nobody.body.errors[0].message).toBe('There is no person with that person number');
    const unseen = await api('manager at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/merge`, {
      other: council.person_id,
      reason: 'Same',
    });
    expect(unseen.status).toBe(403);
    expect(unseen.body.detail).toBe('You can merge two people only when you may see a record of each');
    expect((await record('castlebridge-council', 'ASC-10442')).person_id).toBe(council.person_id);
  });

  it('refuses staff without the role, in the ledger, changing nothing', async () => {
    const nhs = await record('fellshire-nhs', 'PT-778120');
    const council = await record('castlebridge-council', 'ASC-10442');
    const before = await count('person_history');
    const staff = await api('staff at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/merge`, {
      other: council.person_id,
      reason: 'Same',
      purpose: 'direct_care',
    });
    expect(staff.status).toBe(403);
    expect(staff.body.detail).toBe(
      'Only a manager or information governance officer of an organisation holding one of the records can merge people',
    );
    expect(await lastEntry('person.merge')).toMatchObject({
      resource: { type: 'person', id: nhs.person_id },
      decision: 'deny',
      policies: [],
      detail: { merged: council.person_id },
    });
    expect(await count('person_history')).toBe(before);
    expect((await record('castlebridge-council', 'ASC-10442')).person_id).toBe(council.person_id);
  });

  it('joins the other person’s records, retires them, and the next run keeps them together', async () => {
    const nhs = await record('fellshire-nhs', 'PT-778120');
    const council = await record('castlebridge-council', 'ASC-10442');
    const merged = await api('manager at fellshire-nhs', 'POST', `/api/v1/people/${nhs.person_id}/merge`, {
      other: council.person_id,
      reason: 'The GP confirmed it is the same woman',
      purpose: 'direct_care',
    });
    expect(merged.status).toBe(200);
    expect((await record('castlebridge-council', 'ASC-10442')).person_id).toBe(nhs.person_id);
    expect((await record('fellshire-fire', 'HFSV-2291')).person_id).toBe(nhs.person_id);
    expect(await lastEntry('person.merge')).toMatchObject({
      decision: 'allow',
      policies: ['person-split-merge'],
      resource: { type: 'person', id: nhs.person_id },
      detail: { merged: council.person_id },
    });
    const old = await api('manager at fellshire-nhs', 'GET', `/api/v1/people/${council.person_id}`);
    expect(old.body).toMatchObject({ mergedInto: nhs.person_id, records: [] });

    const report = await t.services.linking.run();
    expect(report).toMatchObject({ ran: true, split: 0 });
    for (const [org, ref] of [
      ['castlebridge-council', 'ASC-10442'],
      ['fellshire-fire', 'HFSV-2291'],
    ])
      expect((await record(org as string, ref as string)).person_id).toBe(nhs.person_id);
  });
});
