// A new case's reference is drawn at random before the batch holding it is stored; one already
// taken rolls the batch back, and it is drawn and stored again, once.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postOpen311Request, type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';

// The draws of a reference's characters (from 32) can be set; every other draw is random.
const draws = vi.hoisted(() => [] as number[]);
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const randomInt = ((...args: [number]) =>
    args.length === 1 && args[0] === 32 && draws.length > 0
      ? draws.shift()
      : (real.randomInt as (...a: unknown[]) => number)(...args)) as typeof real.randomInt;
  return { ...real, default: { ...real, randomInt }, randomInt };
});

let t: TestContext;
const KEY = 'test-open311-key';

async function report(point: readonly number[]) {
  const response = await postOpen311Request(t.app, {
    api_key: KEY,
    service_code: 'pothole',
    lat: String(point[1]),
    long: String(point[0]),
    'attribute[size]': 'large',
    email: 'resident@example.com',
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json()[0].service_request_id as string;
}

beforeAll(async () => {
  t = await testApp();
  await t.services.requests.issueApiKey('Test client', KEY);
});
afterAll(() => t?.close());

describe('a reference drawn that is already taken', () => {
  it('is drawn again, and the case, its message and its ledger entry are stored once', async () => {
    const [lon, lat] = demoPoints.ashbyVale as [number, number];
    // Eight draws of 10 make the reference AAAA-AAAA (the fifth character is the dash).
    draws.push(...Array(8).fill(10));
    expect(await report([lon, lat])).toBe('AAAA-AAAA');
    // The next report, a kilometre away (a case of its own), draws the same reference first.
    draws.push(...Array(8).fill(10));
    const second = await report([lon + 0.015, lat]);
    expect(draws).toEqual([]);
    expect(second).not.toBe('AAAA-AAAA');
    expect(second).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const { db } = t.services.database;
    const cases = await sql<{ id: string; reference: string }>`
      SELECT id, reference FROM cases WHERE reference IN ('AAAA-AAAA', ${second})`.execute(db);
    expect(cases.rows.map((c) => c.reference).sort()).toEqual(['AAAA-AAAA', second].sort());
    // Nothing of the attempt rolled back remains: one message and one ledger entry each.
    const messages = await sql<{ reference: string }>`
      SELECT reference FROM notification_outbox WHERE reference IN ('AAAA-AAAA', ${second})`.execute(db);
    expect(messages.rows.map((m) => m.reference).sort()).toEqual(['AAAA-AAAA', second].sort());
    const entries = await sql<{ id: string }>`
      SELECT body::jsonb #>> '{resource,id}' AS id FROM audit_ledger WHERE action = 'case.create'`.execute(
      db,
    );
    expect(entries.rows.map((e) => e.id).sort()).toEqual(cases.rows.map((c) => c.id).sort());
    expect(await t.services.governance.ledger.verify()).toMatchObject({ ok: true });
  });
});
