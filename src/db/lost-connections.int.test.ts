// Losing the database's connections (a failover, a restart, an operator ending sessions) must not
// take the process down: the requests in flight are refused with 503 and nothing of them is kept,
// and the next requests are served on new connections.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postOpen311Request, type TestContext, testApp } from '../../test/support.ts';
import { demoPoints } from '../places/index.ts';
import { UNAVAILABLE_DETAIL } from '../platform/index.ts';

let t: TestContext;
const KEY = 'lost-connections-key';
const [lon, lat] = demoPoints.castlebridge;

beforeAll(async () => {
  t = await testApp();
  await t.services.requests.issueApiKey('Lost connections', KEY);
});
afterAll(() => t?.close());

const report = (i: number) =>
  postOpen311Request(t.app, {
    api_key: KEY,
    service_code: 'pothole',
    lat: String(lat + (i % 100) * 0.0001),
    long: String(lon),
    'attribute[size]': 'medium',
    description: `Lost connections ${i}`,
  });

async function adminClient() {
  // As the owner: the app role may not lock the ledger.
  const admin = new pg.Client({ connectionString: t.ownerUrl });
  await admin.connect();
  return admin;
}

async function storedReports(admin: pg.Client, like: string) {
  const { rows } = await admin.query('SELECT count(*)::int AS n FROM cases WHERE description LIKE $1', [
    like,
  ]);
  return rows[0].n as number;
}

/** Ends every session of the test database but the admin's own, as a failover does. */
async function endSessions(admin: pg.Client) {
  const { rowCount } = await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rowCount ?? 0;
}

/** Waits until some of the app's statements wait for a lock the admin holds. */
async function untilWaiting(admin: pg.Client) {
  for (let waiting = 0; waiting === 0; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    waiting = rows[0].n;
  }
}

describe('losing the database connections', () => {
  it('answers reads in flight 503 problem+json, stays up, and serves again on new connections', async () => {
    const admin = await adminClient();
    try {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE areas IN ACCESS EXCLUSIVE MODE');
      const inFlight = Array.from({ length: 10 }, () => t.app.inject({ url: '/api/v1/areas' }));
      await untilWaiting(admin);
      expect(await endSessions(admin)).toBeGreaterThan(0);
      await admin.query('ROLLBACK');
      // Those waiting on a connection of their own when the sessions ended are refused; those
      // still queued for a connection are served on new ones.
      const answers = await Promise.all(inFlight);
      const refused = answers.filter((answer) => answer.statusCode === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(answers.length - refused.length).toBe(answers.filter((a) => a.statusCode === 200).length);
      for (const answer of refused) {
        expect(answer.headers['content-type']).toContain('application/problem+json');
        expect(answer.json()).toMatchObject({ status: 503, detail: UNAVAILABLE_DETAIL });
      }
      expect((await t.app.inject({ url: '/api/v1/areas' })).statusCode).toBe(200);
    } finally {
      await admin.end();
    }
  });

  it('acknowledges only the reports it stored, refuses the rest with 503, and takes reports again', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => report(i))); // connections of every kind open
    const admin = await adminClient();
    try {
      // Hold the ledger so that the next reports wait inside their transaction, then end the sessions.
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE audit_ledger IN EXCLUSIVE MODE');
      const inFlight = Array.from({ length: 30 }, (_, i) => report(100 + i));
      await untilWaiting(admin);
      expect(await endSessions(admin)).toBeGreaterThan(0);
      await admin.query('ROLLBACK');

      for (const answer of await Promise.all(inFlight)) {
        expect([200, 201, 503], answer.body).toContain(answer.statusCode);
        if (answer.statusCode === 503) {
          expect(answer.json()).toEqual([{ code: 503, description: UNAVAILABLE_DETAIL }]);
        } else {
          const [{ service_request_id: reference }] = answer.json();
          const { rows } = await admin.query('SELECT 1 FROM cases WHERE reference = $1', [reference]);
          expect(rows).toHaveLength(1);
        }
      }
      const after = await report(1000);
      expect([200, 201]).toContain(after.statusCode);
      expect(await storedReports(admin, 'Lost connections 1000')).toBe(1);
    } finally {
      await admin.end();
    }
  });
});
