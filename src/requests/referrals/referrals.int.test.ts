// Referrals through HTTP against the real database: what the receiving organisation may do
// before and after accepting, decisions that go into the history and are told to the referrer
// and the citizen, notes that stay with their writer, and access that ends with the agreement
// (expired or revoked) on the very next request, each refusal in the ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrator, demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';

let t: TestContext;
const cookies: Record<string, string> = {};

async function as(roles: string) {
  if (!cookies[roles]) {
    const account = demoAccount((c) => c.roles === roles);
    cookies[roles] = await signIn(t.app, account.email, account.password);
  }
  return cookies[roles];
}

const FIRE = 'manager at fellshire-fire';
const COUNTY = 'staff at fellshire-cc';

const get = async (url: string, roles: string) => t.app.inject({ url, headers: { cookie: await as(roles) } });
const post = async (url: string, roles: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: { cookie: await as(roles) }, payload });

let visits = 0;

/** A home safety visit the fire service holds, referred to the county for safeguarding; its ids. */
async function referred(description: string) {
  // Each far enough from the others not to be joined to one as the same problem.
  const apart = 0.01 * ++visits;
  const visit = await t.services.requests.submit(
    {
      service: 'home-fire-safety-visit',
      lat: demoPoints.ashbyVale[1] + apart,
      lon: demoPoints.ashbyVale[0],
      description,
      email: 'resident@example.com',
      firstName: 'Rose',
      lastName: 'Tyler',
    },
    {},
  );
  const refer = await post(`/api/v1/cases/${visit.id}/referrals`, FIRE, {
    to: 'fellshire-cc',
    purpose: 'safeguarding',
    note: 'Lives alone and struggles with meals',
  });
  expect(refer.statusCode).toBe(204);
  const seen = await get(`/api/v1/cases/${visit.id}`, COUNTY);
  return { ...visit, referral: seen.json().referrals[0].id as string };
}

const outbox = async (reference: string) => {
  const admin = await t.services.identity.actorByEmail(administrator().email);
  return (await t.services.notify.outbox(admin)).rows.filter((r) => r.reference === reference);
};

const accountOf = (roles: string) =>
  t.services.identity.actorByEmail(demoAccount((c) => c.roles === roles).email);

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('a referral before it is decided', () => {
  it('shows the receiving organisation what the referral shares and lets it decide, nothing else', async () => {
    const visit = await referred('Smoke alarm chirping, cannot reach it');
    const seen = await get(`/api/v1/cases/${visit.id}`, COUNTY);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({
      access: 'referral',
      description: 'Smoke alarm chirping, cannot reach it',
      contact: { name: null, email: null, phone: null },
      transitions: [],
      mayUpdate: false,
    });
    expect(seen.body).not.toContain('resident@example.com');
    expect(seen.json().referrals).toHaveLength(1);
    expect(seen.json().referrals[0]).toMatchObject({ status: 'pending', mayDecide: true });
    expect(await t.services.governance.ledger.latest('referral.read')).toMatchObject({ decision: 'allow' });

    const status = await post(`/api/v1/cases/${visit.id}/status`, COUNTY, {
      status: 'in_progress',
      reason: 'Looking into it',
    });
    expect(status.statusCode).toBe(403);
    expect(await t.services.governance.ledger.latest('case.status')).toMatchObject({ decision: 'deny' });
    const note = await post(`/api/v1/cases/${visit.id}/updates`, COUNTY, { kind: 'internal', body: 'Known' });
    expect(note.statusCode).toBe(403);
    const page = await t.app.inject({
      url: `/cases/${visit.id}`,
      headers: { accept: 'text/html', cookie: await as(COUNTY) },
    });
    expect(page.body).toContain('Accept the referral?');
    expect(page.body).not.toContain('Change the status');
    expect(page.body).not.toContain('Add an update or note');
    expect(page.body).not.toContain('resident@example.com');
    const holder = await get(`/api/v1/cases/${visit.id}`, FIRE);
    expect(holder.json()).toMatchObject({ access: 'case', mayUpdate: true });
    expect(holder.json().referrals[0].mayDecide).toBe(false);
  });

  it('refuses a decision from the wrong side (403, in the ledger), without a reason to decline (400), and an unknown one (404)', async () => {
    const visit = await referred('Needs a visit');
    const wrong = await post(`/api/v1/referrals/${visit.referral}/decision`, FIRE, {
      accept: true,
      reason: '',
    });
    expect(wrong.statusCode).toBe(403);
    expect(await t.services.governance.ledger.latest('referral.accept')).toMatchObject({ decision: 'deny' });
    const other = await post(`/api/v1/referrals/${visit.referral}/decision`, 'staff at fellshire-nhs', {
      accept: true,
      reason: '',
    });
    expect(other.statusCode).toBe(403);
    const bare = await post(`/api/v1/referrals/${visit.referral}/decision`, COUNTY, {
      accept: false,
      reason: ' ',
    });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().errors).toEqual([
      { field: 'reason', message: 'Enter the reason for declining the referral' },
    ]);
    const unknown = await post('/api/v1/referrals/00000000-0000-4000-8000-000000000000/decision', COUNTY, {
      accept: true,
      reason: '',
    });
    expect(unknown.statusCode).toBe(404);
    const nonsense = await post('/api/v1/referrals/nonsense/decision', COUNTY, { accept: true, reason: '' });
    expect(nonsense.statusCode).toBe(400); // not a referral's id at all
    expect((await get(`/api/v1/cases/${visit.id}`, FIRE)).json().referrals[0].status).toBe('pending');
  });
});

describe('a decision on a referral', () => {
  it('puts a decline in the history with who and when, tells the referrer and the citizen, and leaves the receiver its own decision', async () => {
    const visit = await referred('Worried about my neighbour');
    const declined = await post(`/api/v1/referrals/${visit.referral}/decision`, COUNTY, {
      accept: false,
      reason: 'Already known to our reablement team',
    });
    expect(declined.statusCode).toBe(204);
    const county = await accountOf(COUNTY);
    const entry = await t.services.governance.ledger.latest('referral.decline');
    expect(entry).toMatchObject({ decision: 'allow', actor: { account: county?.accountId } });
    const { rows } = await t.services.database.pool.query(
      'SELECT agreement_id FROM referrals WHERE id = $1',
      [visit.referral],
    );
    expect(entry?.agreement).toBe(rows[0].agreement_id); // the agreement the referral was made under

    const holder = (await get(`/api/v1/cases/${visit.id}`, FIRE)).json();
    expect(holder.referrals[0]).toMatchObject({
      status: 'declined',
      reason: 'Already known to our reablement team',
      decidedBy: demoAccount((c) => c.roles === COUNTY).name,
    });
    expect(holder.referrals[0].decidedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const history = holder.updates.map((u: { kind: string; body: string }) => `${u.kind}: ${u.body}`);
    expect(history).toContain('referral: Referred to Fellshire County Council for safeguarding');
    expect(history).toContain(
      'referral: Declined by Fellshire County Council: Already known to our reablement team',
    );
    const told =
      'Fellshire County Council cannot help with your request. Fellshire and Castlebridge Fire and Rescue Service is still dealing with it and will keep you updated.';
    expect(history).toContain(`public: ${told}`);

    const followed = await t.services.requests.follow(visit.reference);
    expect(followed.updates.map((u) => u.body)).toContain(told);
    expect(JSON.stringify(followed)).not.toContain('reablement');
    const messages = await outbox(visit.reference);
    expect(messages.find((m) => m.template === 'referral-decided')).toMatchObject({
      recipient: demoAccount((c) => c.roles === FIRE).email,
      personalisation: { reference: visit.reference, to: 'Fellshire County Council', decision: 'declined' },
    });
    expect(
      messages.find((m) => m.template === 'request-updated' && m.personalisation.update === told),
    ).toMatchObject({ recipient: 'resident@example.com' });

    const after = await get(`/api/v1/cases/${visit.id}`, COUNTY);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ access: 'referral', description: null, mayUpdate: false });
    expect(after.json().referrals[0]).toMatchObject({ status: 'declined', mayDecide: false });
    expect(after.body).not.toContain('Worried about my neighbour');
    const inbox = await get('/api/v1/cases', COUNTY);
    expect(inbox.body).not.toContain(visit.reference);
    const again = await post(`/api/v1/referrals/${visit.referral}/decision`, COUNTY, {
      accept: true,
      reason: '',
    });
    expect(again.statusCode).toBe(409);
    const list = (await get('/api/v1/referrals', COUNTY)).json();
    expect(list.find((r: { id: string }) => r.id === visit.referral)).toMatchObject({
      reference: visit.reference,
      status: 'declined',
      outgoing: false,
      decidedBy: demoAccount((c) => c.roles === COUNTY).name,
    });
    expect(await t.services.governance.ledger.latest('referral.list')).toMatchObject({ decision: 'allow' });
  });

  it('puts an acceptance in the history, tells both, and lets the receiver work on its part; notes stay with their writer', async () => {
    const visit = await referred('Please check my smoke alarms');
    expect(
      (await post(`/api/v1/cases/${visit.id}/updates`, FIRE, { kind: 'internal', body: 'Fire crew note' }))
        .statusCode,
    ).toBe(204);
    const accepted = await post(`/api/v1/referrals/${visit.referral}/decision`, COUNTY, {
      accept: true,
      reason: '',
    });
    expect(accepted.statusCode).toBe(204);
    const messages = await outbox(visit.reference);
    expect(messages.find((m) => m.template === 'referral-decided')?.personalisation.decision).toBe(
      'accepted',
    );
    const told =
      'Fellshire County Council has agreed to help with your request and may contact you about it.';
    expect((await t.services.requests.follow(visit.reference)).updates.map((u) => u.body)).toContain(told);

    const county = await get(`/api/v1/cases/${visit.id}`, COUNTY);
    expect(county.json()).toMatchObject({
      access: 'case',
      mayUpdate: true,
      transitions: [],
      contact: { email: 'resident@example.com' },
    });
    expect(
      (
        await post(`/api/v1/cases/${visit.id}/updates`, COUNTY, {
          kind: 'internal',
          body: 'Social care note',
        })
      ).statusCode,
    ).toBe(204);
    const status = await post(`/api/v1/cases/${visit.id}/status`, COUNTY, {
      status: 'in_progress',
      reason: 'Working on it',
    });
    expect(status.statusCode).toBe(403);
    const bodies = (roles: string) =>
      get(`/api/v1/cases/${visit.id}`, roles).then((r) =>
        r.json().updates.map((u: { body: string }) => u.body),
      );
    expect(await bodies(COUNTY)).toContain('Social care note');
    expect(await bodies(COUNTY)).not.toContain('Fire crew note');
    expect(await bodies(FIRE)).toContain('Fire crew note');
    expect(await bodies(FIRE)).not.toContain('Social care note');
    expect(await bodies(FIRE)).toContain('Accepted by Fellshire County Council');
  });
});

describe('a referral whose agreement ends', () => {
  it('ends the receiving organisation’s reads and writes on the next request once the agreement expires or is revoked, each refusal in the ledger', async () => {
    const visit = await referred('Lives alone with oxygen at home');
    expect(
      (await post(`/api/v1/referrals/${visit.referral}/decision`, COUNTY, { accept: true, reason: '' }))
        .statusCode,
    ).toBe(204);
    const county = await accountOf(COUNTY);
    expect((await get(`/api/v1/cases/${visit.id}`, COUNTY)).statusCode).toBe(200);
    const inboxHas = async () => (await get('/api/v1/cases', COUNTY)).body.includes(visit.reference);
    expect(await inboxHas()).toBe(true);
    const { rows } = await t.services.database.pool.query(
      'SELECT agreement_id, ends_on::text FROM referrals r JOIN sharing_agreements a ON a.id = r.agreement_id WHERE r.id = $1',
      [visit.referral],
    );
    const { agreement_id: agreementId, ends_on: endsOn } = rows[0];

    const refusedNow = async (what: string) => {
      const read = await get(`/api/v1/cases/${visit.id}`, COUNTY);
      expect(read.statusCode, what).toBe(403);
      expect(read.headers['content-type']).toContain('application/problem+json');
      expect(read.body).not.toContain('resident@example.com');
      expect(await t.services.governance.ledger.latest('case.read')).toMatchObject({
        decision: 'deny',
        actor: { account: county?.accountId },
        resource: { type: 'case', id: visit.id },
      });
      const note = await post(`/api/v1/cases/${visit.id}/updates`, COUNTY, {
        kind: 'internal',
        body: 'Late',
      });
      expect(note.statusCode, what).toBe(403);
      expect(await t.services.governance.ledger.latest('case.update')).toMatchObject({
        decision: 'deny',
        actor: { account: county?.accountId },
      });
      expect(await inboxHas(), what).toBe(false);
      expect((await get(`/api/v1/cases/${visit.id}`, FIRE)).statusCode).toBe(200);
    };

    // The end date passes (set in the past, as the calendar would).
    await t.services.database.pool.query(
      'UPDATE sharing_agreements SET ends_on = current_date - 2 WHERE id = $1',
      [agreementId],
    );
    await refusedNow('expired');
    await t.services.database.pool.query('UPDATE sharing_agreements SET ends_on = $2 WHERE id = $1', [
      agreementId,
      endsOn,
    ]);
    expect((await get(`/api/v1/cases/${visit.id}`, COUNTY)).statusCode).toBe(200);

    const officer = await accountOf('ig_officer at fellshire-fire');
    await t.services.agreements.revoke(officer, agreementId, 'Replaced by a county-wide agreement');
    await refusedNow('revoked');
    const listed = async (roles: string) =>
      (await get('/api/v1/referrals', roles)).json().map((r: { id: string }) => r.id);
    expect(await listed(COUNTY)).not.toContain(visit.referral);
    expect(await listed(FIRE)).toContain(visit.referral);
  });
});
