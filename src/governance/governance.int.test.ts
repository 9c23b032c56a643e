import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  administrator,
  citizen,
  citizenId,
  demoAccount,
  signIn,
  type TestContext,
  testApp,
} from '../../test/support.ts';
import { Forbidden } from '../platform/index.ts';

let t: TestContext;
const cookies: Record<string, string> = {};

const as = async (roles: string) => {
  if (!cookies[roles]) {
    const account = demoAccount(
      (c) => c.roles === roles || (roles === 'amina' && c.email.startsWith('amina')),
    );
    cookies[roles] = await signIn(t.app, account.email, account.password);
  }
  return cookies[roles];
};

const api = async (who: string, method: string, url: string, body?: unknown) => {
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { cookie: await as(who), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: response.statusCode, body: response.body ? response.json() : null };
};

async function lastEntries(n: number) {
  const { rows } = await t.services.database.pool.query(
    'SELECT body FROM audit_ledger ORDER BY seq DESC LIMIT $1',
    [n],
  );
  return rows.map((r) => JSON.parse(r.body));
}

async function ledgerSize() {
  return Number((await t.services.database.pool.query('SELECT count(*) FROM audit_ledger')).rows[0].count);
}

let aminaAtCastlebridge: string;
let aminaAtFire: string;

beforeAll(async () => {
  t = await testApp();
  const found = await api('manager at castlebridge-council', 'GET', '/api/v1/records?name=khan');
  aminaAtCastlebridge = found.body[0].id;
  const fire = await api('manager at fellshire-fire', 'GET', '/api/v1/records?name=khan');
  aminaAtFire = fire.body[0].id;
});
afterAll(() => t.close());

describe('person records under governance', () => {
  it('lets staff create and read their own organisation’s records, each recorded in the ledger', async () => {
    const created = await api('manager at northmoor-dc', 'POST', '/api/v1/records', {
      organisation: 'northmoor-dc',
      localRef: 'HB-1001',
      givenNames: 'Ravi',
      familyName: 'Sharma',
      dateOfBirth: '1977-01-09',
      postcode: 'nm2 5bb',
      nhsNumber: '943 476 5919',
      marking: 'official',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ postcode: 'NM2 5BB', nhsNumber: '9434765919', marking: 'OFFICIAL' });
    const read = await api('staff at northmoor-dc', 'GET', `/api/v1/records/${created.body.id}`);
    expect(read.status).toBe(200);
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({
      action: 'person-record.read',
      decision: 'allow',
      policies: ['own-organisation'],
      resource: { type: 'person-record', id: created.body.id, organisation: 'northmoor-dc' },
      actor: { kind: 'staff', organisation: 'northmoor-dc', role: 'staff' },
    });
  });

  it('refuses SECRET and TOP SECRET, an unknown marking and a bad NHS number, saving nothing', async () => {
    const base = { organisation: 'northmoor-dc', localRef: 'X-1', givenNames: 'A', familyName: 'B' };
    const secret = await api('manager at northmoor-dc', 'POST', '/api/v1/records', {
      ...base,
      marking: 'SECRET',
    });
    expect(secret.status).toBe(400);
    expect(secret.body.errors[0].message).toMatch(/SECRET material must not be held on Flagstone/);
    const topSecret = await api('manager at northmoor-dc', 'POST', '/api/v1/records', {
      ...base,
      marking: 'TOP SECRET',
    });
    expect(topSecret.status).toBe(400);
    const unknown = await api('manager at northmoor-dc', 'POST', '/api/v1/records', {
      ...base,
      marking: 'RESTRICTED',
    });
    expect(unknown.body.errors).toContainEqual({
      field: 'marking',
      message: 'The marking must be OFFICIAL or OFFICIAL-SENSITIVE',
    });
    const nhs = await api('manager at northmoor-dc', 'POST', '/api/v1/records', {
      ...base,
      marking: 'OFFICIAL',
      nhsNumber: '1234567890',
    });
    expect(nhs.body.errors).toContainEqual({
      field: 'nhsNumber',
      message: 'Enter a valid 10-digit NHS number',
    });
    expect((await api('manager at northmoor-dc', 'GET', '/api/v1/records?identifier=X-1')).body).toEqual([]);
  });

  it('keeps OFFICIAL-SENSITIVE records from staff cleared only to OFFICIAL', async () => {
    const refused = await api(
      'staff at castlebridge-council',
      'GET',
      `/api/v1/records/${aminaAtCastlebridge}`,
    );
    expect(refused.status).toBe(403);
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({ decision: 'deny', resource: { id: aminaAtCastlebridge } });
  });

  it('needs a purpose to read another organisation’s record, and records the refusal', async () => {
    const before = await ledgerSize();
    const response = await api('manager at fellshire-fire', 'GET', `/api/v1/records/${aminaAtCastlebridge}`);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('purpose');
    expect(await ledgerSize()).toBe(before + 1);
    expect((await lastEntries(1))[0]).toMatchObject({ decision: 'deny', purpose: null });
  });

  it('refuses an unknown purpose and a purpose the agreement does not cover', async () => {
    const unknown = await api(
      'manager at fellshire-fire',
      'GET',
      `/api/v1/records/${aminaAtCastlebridge}?purpose=curiosity`,
    );
    expect(unknown.status).toBe(400);
    expect((await lastEntries(1))[0]).toMatchObject({ decision: 'deny', purpose: 'curiosity' });
    const uncovered = await api(
      'manager at fellshire-fire',
      'GET',
      `/api/v1/records/${aminaAtCastlebridge}?purpose=statistics`,
    );
    expect(uncovered.status).toBe(403);
  });

  it('reads another organisation’s record for a purpose an active agreement covers, naming the agreement', async () => {
    const agreements = await api('ig_officer at fellshire-fire', 'GET', '/api/v1/agreements');
    const agreement = agreements.body.find((a: { state: string }) => a.state === 'active');
    const read = await api(
      'manager at fellshire-fire',
      'GET',
      `/api/v1/records/${aminaAtCastlebridge}?purpose=safeguarding`,
    );
    expect(read.status).toBe(200);
    expect(read.body.familyName).toBe('Khan');
    expect((await lastEntries(1))[0]).toMatchObject({
      decision: 'allow',
      policies: ['sharing-agreement'],
      agreement: agreement.id,
      purpose: 'safeguarding',
      actor: { organisation: 'fellshire-fire' },
    });
  });

  it('finds only what a search may see: another organisation’s records only with a covered purpose', async () => {
    const mine = await api('manager at fellshire-fire', 'GET', '/api/v1/records?name=khan');
    expect(mine.body.map((r: { organisation: string }) => r.organisation)).toEqual(['fellshire-fire']);
    const shared = await api(
      'manager at fellshire-fire',
      'GET',
      '/api/v1/records?name=khan&purpose=safeguarding',
    );
    expect(shared.body.map((r: { organisation: string }) => r.organisation).sort()).toEqual([
      'castlebridge-council',
      'fellshire-fire',
      'fellshire-nhs',
    ]);
    const noFilter = await api('manager at fellshire-fire', 'GET', '/api/v1/records');
    expect(noFilter.status).toBe(400);
  });

  it('allows break-glass reads with a reason, flagged, and shows them to the citizen', async () => {
    const police = await api('manager at fellshire-police', 'GET', '/api/v1/records?name=price');
    const tomAtPolice = police.body[0];
    const glass = await api(
      'manager at ashby-vale-dc',
      'GET',
      `/api/v1/records/${tomAtPolice.id}?breakGlassReason=${encodeURIComponent('Person found unconscious at the council office')}`,
    );
    expect(glass.status).toBe(200);
    const [entry] = await lastEntries(1);
    expect(entry).toMatchObject({
      breakGlass: true,
      policies: ['break-glass'],
      reason: 'Person found unconscious at the council office',
    });
    const tom = await citizenId(t, 'tom.price@example.com');
    expect(entry.subject).toBe(tom);
  });

  it('lets only managers and IG officers change a marking, within their clearance, and audits it', async () => {
    const refused = await api('staff at fellshire-fire', 'PUT', `/api/v1/records/${aminaAtFire}/marking`, {
      marking: 'OFFICIAL-SENSITIVE',
    });
    expect(refused.status).toBe(403);
    const raised = await api('manager at fellshire-fire', 'PUT', `/api/v1/records/${aminaAtFire}/marking`, {
      marking: 'OFFICIAL-SENSITIVE',
      handling: 'PERSONAL',
    });
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({ marking: 'OFFICIAL-SENSITIVE', handling: 'PERSONAL' });
    expect((await lastEntries(1))[0]).toMatchObject({
      action: 'person-record.changeMarking',
      detail: { from: 'OFFICIAL', to: 'OFFICIAL-SENSITIVE PERSONAL' },
    });
    const lowered = await api('manager at fellshire-fire', 'PUT', `/api/v1/records/${aminaAtFire}/marking`, {
      marking: 'OFFICIAL',
    });
    expect(lowered.status).toBe(200);
  });
});

describe('data-sharing agreements', () => {
  const draft = {
    title: 'Northmoor housing and fire',
    parties: ['northmoor-dc', 'fellshire-fire'],
    datasets: ['person-records'],
    purposes: ['housing_support'],
    lawfulBasis: 'public_task',
    highestMarking: 'OFFICIAL',
    startsOn: '2026-01-01',
    endsOn: '2030-12-31',
  };

  it('refuses an agreement that ends before it starts, or names an unknown purpose or SECRET, saving nothing', async () => {
    const before = (await api('ig_officer at northmoor-dc', 'GET', '/api/v1/agreements')).body.length;
    const backwards = await api('ig_officer at northmoor-dc', 'POST', '/api/v1/agreements', {
      ...draft,
      endsOn: '2025-12-31',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toContainEqual({
      field: 'endsOn',
      message: 'The end date must be the same as or after the start date',
    });
    const purpose = await api('ig_officer at northmoor-dc', 'POST', '/api/v1/agreements', {
      ...draft,
      purposes: ['marketing'],
    });
    expect(purpose.body.errors).toContainEqual({ field: 'purposes', message: 'Unknown purpose marketing' });
    const secret = await api('ig_officer at northmoor-dc', 'POST', '/api/v1/agreements', {
      ...draft,
      highestMarking: 'SECRET',
    });
    expect(secret.status).toBe(400);
    expect((await api('ig_officer at northmoor-dc', 'GET', '/api/v1/agreements')).body.length).toBe(before);
  });

  it('goes from draft to active only when an IG officer of every party has signed', async () => {
    const created = await api('ig_officer at northmoor-dc', 'POST', '/api/v1/agreements', draft);
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('draft');
    const wrongOfficer = await api(
      'ig_officer at northmoor-dc',
      'POST',
      `/api/v1/agreements/${created.body.id}/signatures`,
      {
        organisation: 'fellshire-fire',
      },
    );
    expect(wrongOfficer.status).toBe(403);
    const first = await api(
      'ig_officer at northmoor-dc',
      'POST',
      `/api/v1/agreements/${created.body.id}/signatures`,
      {
        organisation: 'northmoor-dc',
      },
    );
    expect(first.body.state).toBe('draft');
    const twice = await api(
      'ig_officer at northmoor-dc',
      'POST',
      `/api/v1/agreements/${created.body.id}/signatures`,
      {
        organisation: 'northmoor-dc',
      },
    );
    expect(twice.status).toBe(409);
    const second = await api(
      'ig_officer at fellshire-fire',
      'POST',
      `/api/v1/agreements/${created.body.id}/signatures`,
      {
        organisation: 'fellshire-fire',
      },
    );
    expect(second.body.state).toBe('active');
    const actions = (await lastEntries(2)).map((e) => e.action);
    expect(actions).toEqual(['agreement.activate', 'agreement.sign']);
  });

  it('stops applying on the very next request once revoked', async () => {
    const agreements = await api('ig_officer at castlebridge-council', 'GET', '/api/v1/agreements');
    const safeguarding = agreements.body.find((a: { title: string }) => a.title.includes('safeguarding'));
    const url = `/api/v1/records/${aminaAtCastlebridge}?purpose=direct_care`;
    expect((await api('manager at fellshire-fire', 'GET', url)).status).toBe(200);
    const revoked = await api(
      'ig_officer at castlebridge-council',
      'POST',
      `/api/v1/agreements/${safeguarding.id}/revocation`,
      {
        reason: 'Replaced by a new agreement',
      },
    );
    expect(revoked.body.state).toBe('revoked');
    expect((await api('manager at fellshire-fire', 'GET', url)).status).toBe(403);
    expect((await lastEntries(1))[0]).toMatchObject({ decision: 'deny', purpose: 'direct_care' });
  });

  it('does not apply once expired', async () => {
    const expired = await api('ig_officer at northmoor-dc', 'POST', '/api/v1/agreements', {
      ...draft,
      title: 'Old arrangement',
      purposes: ['fraud_prevention'],
      startsOn: '2020-01-01',
      endsOn: '2021-01-01',
    });
    await api('ig_officer at northmoor-dc', 'POST', `/api/v1/agreements/${expired.body.id}/signatures`, {
      organisation: 'northmoor-dc',
    });
    const signed = await api(
      'ig_officer at fellshire-fire',
      'POST',
      `/api/v1/agreements/${expired.body.id}/signatures`,
      {
        organisation: 'fellshire-fire',
      },
    );
    expect(signed.body.state).toBe('expired');
    const record = (await api('manager at northmoor-dc', 'GET', '/api/v1/records?name=sharma')).body[0];
    const read = await api(
      'manager at fellshire-fire',
      'GET',
      `/api/v1/records/${record.id}?purpose=fraud_prevention`,
    );
    expect(read.status).toBe(403);
  });
});

describe('clearances', () => {
  it('lets an IG officer raise and lower a member of staff’s clearance, audited, at once, and refuses SECRET and other roles', async () => {
    const staff = demoAccount((c) => c.roles === 'staff at castlebridge-council');
    const { rows } = await t.services.database.pool.query('SELECT id FROM accounts WHERE email = $1', [
      staff.email,
    ]);
    const url = `/api/v1/clearances/${rows[0].id}`;
    const fresh = await signIn(t.app, staff.email, staff.password);
    const readSensitive = () =>
      t.app.inject({ url: `/api/v1/records/${aminaAtCastlebridge}`, headers: { cookie: fresh } });
    // Read before the change, so that the instance keeps the clearance it read (OFFICIAL).
    expect((await readSensitive()).statusCode).toBe(403);
    expect(
      (await api('staff at castlebridge-council', 'PUT', url, { clearance: 'OFFICIAL-SENSITIVE' })).status,
    ).toBe(403);
    expect(
      (await api('ig_officer at castlebridge-council', 'PUT', url, { clearance: 'SECRET' })).status,
    ).toBe(400);
    const raised = await api('ig_officer at castlebridge-council', 'PUT', url, {
      clearance: 'OFFICIAL-SENSITIVE',
    });
    expect(raised.body).toEqual({ accountId: rows[0].id, clearance: 'OFFICIAL-SENSITIVE' });
    expect((await lastEntries(1))[0]).toMatchObject({
      action: 'clearance.set',
      detail: { account: rows[0].id, level: 2 },
    });
    // A change applies at once in the instance it was made through, kept clearance or not.
    expect((await readSensitive()).statusCode).toBe(200);
    const lowered = await api('ig_officer at castlebridge-council', 'PUT', url, { clearance: 'OFFICIAL' });
    expect(lowered.status).toBe(200);
    expect((await readSensitive()).statusCode).toBe(403);
  });
});

describe('deciding by the policies on something other than a record', () => {
  const outbox = { uid: { type: 'Flagstone::Outbox', id: 'outbox' }, attrs: {} };
  const ask = (administers: boolean) => ({
    action: 'readOutbox',
    resource: outbox,
    principalAttrs: { administers },
    entry: { action: 'notification.outbox-read', resource: { type: 'notification-outbox', id: 'outbox' } },
    refusal: 'Only an administrator can see the messages waiting to go',
  });
  const principalOf = async (email: string) =>
    t.services.governance.principal(await t.services.identity.actorByEmail(email));

  it('resolves the person asking once for each actor (each request has its own)', async () => {
    const actor = await t.services.identity.actorByEmail(administrator().email);
    const first = await t.services.governance.principal(actor);
    expect(await t.services.governance.principal(actor)).toBe(first);
    const again = await t.services.governance.principal(
      await t.services.identity.actorByEmail(administrator().email),
    );
    expect(again).not.toBe(first);
    expect(again).toEqual({ ...first, actor: again.actor });
  });

  it('gives an allowed decision its ledger entry, for the caller to write with its change', async () => {
    const before = await ledgerSize();
    const permit = await t.services.governance.guard.permit(
      await principalOf(administrator().email),
      ask(true),
    );
    expect(permit.entry).toEqual({
      action: 'notification.outbox-read',
      resource: { type: 'notification-outbox', id: 'outbox' },
      decision: 'allow',
      policies: ['outbox-administrators'],
    });
    expect(await ledgerSize()).toBe(before);
  });

  it('writes a refusal to the ledger after the refused reads that led to it, then throws it', async () => {
    const refusedRead = { action: 'person-record.read', decision: 'deny' as const, policies: [] };
    const before = await ledgerSize();
    const staff = await principalOf(demoAccount((c) => c.roles === 'manager at fellshire-cc').email);
    const { guard } = t.services.governance;
    const read = guard.decide(staff, { ...ask(false), entry: { action: 'person-record.read' } });
    const refusal = await guard.permit(staff, ask(false), [read]).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Forbidden);
    expect(refusal).toHaveProperty('message', 'Only an administrator can see the messages waiting to go');
    expect(await ledgerSize()).toBe(before + 2);
    expect(await lastEntries(2)).toMatchObject([
      { action: 'notification.outbox-read', decision: 'deny', policies: [] },
      refusedRead,
    ]);
  });

  it('refuses a citizen an action the policies give to staff alone, in the ledger', async () => {
    const before = await ledgerSize();
    await expect(
      t.services.governance.guard.permit(await principalOf(citizen().email), ask(true)),
    ).rejects.toBeInstanceOf(Forbidden);
    expect(await ledgerSize()).toBe(before + 1);
    expect((await lastEntries(1))[0]).toMatchObject({ action: 'notification.outbox-read', decision: 'deny' });
  });
});
