// The demo as `flagstone start` loads it into an empty database: alive on a first start, with work
// in every council's inbox (some overdue), a year of closed cases, messages in the outbox, a
// referral waiting and one declined, and the audit ledger intact over all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../test/support.ts';
import { migrateAsOwner, type Services, servicesFor } from './compose.ts';
import { connect, type Database } from './db/index.ts';
import { loadDemo } from './demo.ts';

let database: Database;
let services: Services;
let drop: () => Promise<void>;

beforeAll(async () => {
  const made = await testDatabase({ empty: true });
  drop = made.drop;
  database = connect(made.url, 4);
  await migrateAsOwner(made.ownerUrl, database);
  services = await servicesFor(database);
  await loadDemo(services, { live: true });
}, 120_000);
afterAll(async () => {
  await database.close();
  await drop();
});

const rows = async (text: string) => (await database.pool.query(text)).rows;

describe('the live demo', () => {
  it('gives every organisation open cases, some overdue, and a year of closed ones', async () => {
    const open = await rows(
      `SELECT o.ref, count(*)::int AS open, count(*) FILTER (WHERE c.expected_at < now())::int AS overdue
         FROM cases c JOIN organisations o ON o.id = c.organisation_id
        WHERE c.status = 'open' GROUP BY o.ref ORDER BY o.ref`,
    );
    const organisations = await rows('SELECT ref FROM organisations ORDER BY ref');
    for (const { ref } of organisations)
      expect(open.find((r) => r.ref === ref)?.open, ref).toBeGreaterThan(0);
    expect(open.reduce((n, r) => n + r.overdue, 0)).toBeGreaterThan(0);
    const [closed] = await rows(
      `SELECT count(*)::int AS n, count(DISTINCT date_trunc('month', requested_at))::int AS months
         FROM cases WHERE status = 'closed'`,
    );
    expect(closed.n).toBeGreaterThan(200);
    expect(closed.months).toBeGreaterThanOrEqual(11);
    const [history] = await rows(
      `SELECT count(*)::int AS n FROM case_updates u JOIN cases c ON c.id = u.case_id
        WHERE c.status = 'closed' AND u.status = 'closed' AND u.created_at > c.requested_at`,
    );
    expect(history.n).toBe(closed.n);
  });

  it('has messages in the outbox, a referral waiting and one declined, and an intact ledger', async () => {
    const [outbox] = await rows('SELECT count(*)::int AS n FROM notification_outbox');
    expect(outbox.n).toBeGreaterThan(0);
    const texts = await rows(`SELECT recipient FROM notification_outbox WHERE channel = 'sms'`);
    expect(texts).toContainEqual({ recipient: '07700 900982' }); // the phone-only reporter, among callers taken by phone
    const referrals = await rows(
      `SELECT r.status, o.ref FROM referrals r JOIN organisations o ON o.id = r.to_organisation_id
        ORDER BY r.created_at`,
    );
    expect(referrals).toEqual([
      { status: 'pending', ref: 'castlebridge-council' },
      { status: 'declined', ref: 'fellshire-cc' },
    ]);
    const verified = await services.governance.ledger.verify();
    expect(verified.ok).toBe(true);
  });

  it("has a gazetteer in which the demo's own postcodes find addresses", async () => {
    expect(Number((await rows('SELECT count(*) AS n FROM properties'))[0].n)).toBeGreaterThan(3000);
    const found = await services.properties.search('cb47qd');
    expect(found.map((p) => p.address_lines)).toContain('12 Tanner Row');
    expect((await services.properties.search('AV2 4HT')).length).toBeGreaterThan(5);
  });

  it("has a district's own system set up, a new report's send waiting on it with its error", async () => {
    const sends = await rows(
      `SELECT y.name, d.state, d.last_error FROM outbound_sends d JOIN outbound_systems y ON y.id = d.system_id`,
    );
    expect(sends).toEqual([
      { name: 'Ashby Vale Waste System', state: 'waiting', last_error: 'The system could not be reached' },
    ]);
  });
});
