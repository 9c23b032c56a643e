import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('"Your data" for someone acting on a citizen’s behalf', () => {
  it('shows a carer the citizen’s data under a delegation, and the ledger names both people', async () => {
    const amina = demoAccount((c) => c.email === 'amina.khan@example.com');
    const tom = demoAccount((c) => c.email === 'tom.price@example.com');
    const aminaActor = await t.services.identity.actorByEmail(amina.email);
    const tomActor = await t.services.identity.actorByEmail(tom.email);
    const endsOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const id = await t.services.identity.delegations.grant(aminaActor, {
      to: 'person',
      email: tom.email,
      services: ['your-data'],
      endsOn,
    });
    const cookie = await signIn(t.app, tom.email, tom.password);
    const own = await t.app.inject({ url: '/your-data', headers: { accept: 'text/html', cookie } });
    expect(own.body).not.toContain('Tanner Row');

    const acting = `${cookie}; flagstone_acting_for=${id}`;
    const theirs = await t.app.inject({
      url: '/your-data',
      headers: { accept: 'text/html', cookie: acting },
    });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).toContain('Acting for Amina Khan');
    expect(theirs.body).toContain('Tanner Row');
    const { rows } = await t.services.database.pool.query(
      `SELECT body FROM audit_ledger WHERE action = 'person-record.read' ORDER BY seq DESC LIMIT 1`,
    );
    expect(JSON.parse(rows[0].body)).toMatchObject({
      actor: { account: tomActor?.accountId },
      actingFor: aminaActor?.accountId,
      subject: aminaActor?.accountId,
    });

    await t.services.identity.delegations.revoke(aminaActor, id);
    const after = await t.app.inject({ url: '/your-data', headers: { accept: 'text/html', cookie: acting } });
    expect(after.body).not.toContain('Tanner Row');
  });
});
