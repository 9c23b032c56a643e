// What probing found (#18): a citizen trying another citizen's case left no trace in the ledger,
// any member of staff could read the policies (and anyone their API), and the demo's police
// force had nobody to sign an agreement for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenId, demoAccount, signIn, type TestContext, testApp } from '../../test/support.ts';
import { demoPoints } from '../places/index.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const as = async (email: string) => {
  const account = demoAccount((c) => c.email === email);
  return signIn(t.app, account.email, account.password);
};

describe('refused reads and who reads the policies', () => {
  it("writes a citizen's refused read of another citizen's case to the ledger, through the API and the page", async () => {
    const tom = await t.services.identity.actorByEmail('tom.price@example.com');
    const [lon, lat] = demoPoints.ashbyVale;
    const toms = await t.services.requests.submit(
      { service: 'noise-complaint', lat, lon, description: 'Loud music every night' },
      { actor: tom },
    );
    const amina = await citizenId(t, 'amina.khan@example.com');
    const cookie = await as('amina.khan@example.com');
    const denials = async () =>
      Number(
        (
          await t.services.database.pool.query(
            `SELECT count(*) FROM audit_ledger WHERE action = 'case.read' AND decision = 'deny'
                AND actor_account_id = $1 AND body::jsonb #>> '{resource,id}' = $2`,
            [amina, toms.id],
          )
        ).rows[0].count,
      );
    for (const [url, accept] of [
      [`/api/v1/cases/${toms.id}`, 'application/json'],
      [`/cases/${toms.id}`, 'text/html'],
    ] as const) {
      const before = await denials();
      const response = await t.app.inject({ url, headers: { cookie, accept } });
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain('Loud music');
      expect(await denials()).toBe(before + 1);
    }
  });

  it('shows the policies to information governance officers, auditors and administrators only', async () => {
    const staff = await as(demoAccount((c) => c.roles === 'staff at fellshire-cc').email);
    const officer = await as(demoAccount((c) => c.roles === 'ig_officer at fellshire-cc').email);
    const page = (cookie?: string) =>
      t.app.inject({
        url: '/governance/policies',
        headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
      });
    const api = (cookie?: string) =>
      t.app.inject({ url: '/api/v1/governance/policies', headers: cookie ? { cookie } : {} });
    expect((await page(staff)).statusCode).toBe(403);
    expect((await page(officer)).statusCode).toBe(200);
    expect((await api()).statusCode).toBe(401);
    expect((await api(staff)).statusCode).toBe(403);
    expect((await api(officer)).statusCode).toBe(200);
  });

  it("gives the demo's police force an information governance officer, so it can sign agreements", () => {
    expect(demoAccount((c) => c.roles === 'ig_officer at fellshire-police').email).toContain(
      '@fellshire-police.example.org',
    );
  });
});

describe('unusual access', () => {
  it('names each member of staff and their organisations, not an account id', async () => {
    const reader = demoAccount((c) => c.roles === 'staff at northmoor-dc');
    const actor = await t.services.identity.actorByEmail(reader.email);
    const castlebridge = (await t.services.places.organisationIds(['castlebridge-council'])).get(
      'castlebridge-council',
    ) as string;
    const { rows } = await t.services.database.pool.query(
      'SELECT id FROM local_records WHERE organisation_id = $1 LIMIT 1',
      [castlebridge],
    );
    for (let i = 0; i < 3; i++) {
      await expect(t.services.records.read(actor, rows[0].id, { purpose: 'safeguarding' })).rejects.toThrow();
    }
    const officer = await as(demoAccount((c) => c.roles === 'ig_officer at fellshire-cc').email);
    const page = await t.app.inject({
      url: '/governance/unusual-access',
      headers: { accept: 'text/html', cookie: officer },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(actor?.name as string);
    expect(page.body).toContain('Northmoor District Council');
    expect(page.body).not.toContain(actor?.accountId as string);
  });
});
