// Staff separating a report wrongly joined to another case, through the page and the API
// against the real database: the report becomes a case of its own (open, its own target),
// both histories say why, the person who made it is told, a later repeat does not join it
// back; and what each bad input gets, changing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  administrator,
  citizen,
  demoAccount,
  signIn,
  type TestContext,
  testApp,
} from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';
import { handledOnItsOwn } from './separate.ts';

let t: TestContext;
const cookies: Record<string, string> = {};
const STAFF = 'staff at fellshire-cc';
type Created = { id: string; reference: string; duplicateOf: string | null };
let original: Created;
let repeat: Created;
let other: Created;

async function as(roles: string) {
  if (!cookies[roles]) {
    const account = demoAccount((c) => c.roles === roles);
    cookies[roles] = await signIn(t.app, account.email, account.password);
  }
  return cookies[roles];
}

const page = async (url: string, roles = STAFF) =>
  t.app.inject({ url, headers: { accept: 'text/html', cookie: await as(roles) } });

async function post(id: string, reason: string, csrf?: string, roles = STAFF) {
  const token =
    csrf ??
    (/name="_csrf" value="([^"]+)"/.exec((await page(`/cases/${original.id}`, roles)).body)?.[1] as string);
  return t.app.inject({
    method: 'POST',
    url: `/cases/${id}/separate`,
    headers: {
      accept: 'text/html',
      cookie: await as(roles),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ _csrf: token, reason }).toString(),
  });
}

const api = async (id: string, body: object, roles = STAFF) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${id}/separation`,
    headers: { cookie: await as(roles), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

const stored = async (id: string) =>
  t.services.database.db
    .selectFrom('cases')
    .select(['duplicate_of', 'status', 'expected_at', 'requested_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const report = async (point: readonly number[], by: 'citizen' | 'anonymous', description: string) =>
  t.services.requests.submit(
    {
      service: 'pothole',
      lat: point[1],
      lon: point[0],
      description,
      attributes: { size: 'large' },
      email: by === 'anonymous' ? 'other@example.com' : null,
    },
    by === 'citizen' ? { actor: await t.services.identity.actorByEmail(citizen().email) } : {},
  );

beforeAll(async () => {
  t = await testApp();
  original = await report(demoPoints.northmoor, 'anonymous', 'Deep pothole outside the school');
  repeat = await report(demoPoints.northmoor, 'citizen', 'The drain is blocked and the road floods');
  other = await report(demoPoints.ashbyVale, 'anonymous', 'Pothole by the bus stop');
  await report(demoPoints.ashbyVale, 'anonymous', 'Cracked kerb by the bus stop');
});
afterAll(() => t?.close());

describe('separating a report joined to another case', () => {
  it('offers staff of the organisation holding it the action on the case page of a joined report', async () => {
    expect(repeat.duplicateOf).toBe(original.reference);
    const view = await page(`/cases/${repeat.id}`);
    expect(view.body).toContain('This is not the same problem');
    expect(view.body).toContain(`href="/cases/${repeat.id}/separate"`);
    expect((await page(`/cases/${original.id}`)).body).not.toContain('This is not the same problem');
    const form = await page(`/cases/${repeat.id}/separate`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`Is ${repeat.reference} not the same problem as ${original.reference}?`);
  });

  it('shows the error summary when no reason is given, changing nothing', async () => {
    const response = await post(repeat.id, '   ');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain('Enter why this is not the same problem');
    expect(await stored(repeat.id)).toMatchObject({ duplicate_of: original.id, status: 'closed' });
    const problem = await api(repeat.id, { reason: '' });
    expect(problem.statusCode).toBe(400);
    expect(problem.headers['content-type']).toContain('application/problem+json');
    expect(problem.json().errors).toEqual([
      { field: 'reason', message: 'Enter why this is not the same problem' },
    ]);
  });

  it('shows the error summary for an expired or forged form, keeping the reason and changing nothing', async () => {
    const response = await post(repeat.id, 'A blocked drain, not a pothole', 'stale');
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain('The form has expired: reload the page and try again');
    expect(response.body).toContain('A blocked drain, not a pothole</textarea>');
    expect(await stored(repeat.id)).toMatchObject({ duplicate_of: original.id, status: 'closed' });
  });

  it("refuses another organisation's staff, in the ledger, changing nothing", async () => {
    const district = 'staff at ashby-vale-dc';
    const refused = await page(`/cases/${repeat.id}/separate`, district);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Only staff of the organisation holding the case can separate it');
    const problem = await api(repeat.id, { reason: 'Not ours to say' }, district);
    expect(problem.statusCode).toBe(403);
    expect(problem.headers['content-type']).toContain('application/problem+json');
    expect(await t.services.governance.ledger.latest('case.separate')).toMatchObject({
      decision: 'deny',
      resource: { id: repeat.id },
    });
    expect(await stored(repeat.id)).toMatchObject({ duplicate_of: original.id, status: 'closed' });
  });

  it('answers 409 for a report that is not joined to another case', async () => {
    const page409 = await post(original.id, 'Not the same');
    expect(page409.statusCode).toBe(409);
    expect(page409.body).toContain(
      `Case ${original.reference} is not joined to another case: there is nothing to separate`,
    );
    const problem = await api(original.id, { reason: 'Not the same' });
    expect(problem.statusCode).toBe(409);
    expect(problem.headers['content-type']).toContain('application/problem+json');
    expect((await stored(original.id)).status).toBe('open');
  });

  it('makes the report a case of its own, with its own target, both histories saying why and the citizen told', async () => {
    const response = await post(repeat.id, 'A blocked drain, not a pothole');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/cases/${repeat.id}?done=separated`);

    const row = await stored(repeat.id);
    expect(row).toMatchObject({ duplicate_of: null, status: 'open' });
    expect((row.expected_at as Date).getTime() - row.requested_at.getTime()).toBe(5 * 86_400_000);

    const own = await page(`/cases/${repeat.id}`);
    expect(own.body).not.toContain('This is not the same problem');
    expect(own.body).toContain(
      `Not the same problem as ${original.reference}: A blocked drain, not a pothole`,
    );
    expect(own.body).toContain(handledOnItsOwn(original.reference));
    const first = await page(`/cases/${original.id}`);
    expect(first.body).toContain(
      `${repeat.reference} is not the same problem, and was separated: A blocked drain, not a pothole`,
    );
    expect(first.body).not.toContain('Reports joined to this case');

    expect(await t.services.governance.ledger.latest('case.separate')).toMatchObject({
      decision: 'allow',
      policies: ['case-own-organisation'],
      detail: { separated: repeat.reference },
    });

    // The citizen follows it under its own reference, and is told.
    const followed = await t.services.requests.follow(repeat.reference);
    expect(followed.joined).toBeNull();
    expect(followed.request).toMatchObject({ reference: repeat.reference, status: 'open' });
    expect(followed.updates.map((u) => u.body)).toContain(handledOnItsOwn(original.reference));
    expect(JSON.stringify(followed)).not.toContain('blocked drain, not');
    const admin = await t.services.identity.actorByEmail(administrator().email);
    const told = (await t.services.notify.outbox(admin)).rows.filter(
      (r) => r.reference === repeat.reference && r.template === 'request-updated',
    );
    expect(told.map((r) => r.recipient)).toEqual([citizen().email]);
  });

  it('is not joined again: a later report there leaves it on its own', async () => {
    await report(demoPoints.northmoor, 'anonymous', 'Another pothole report');
    expect(await stored(repeat.id)).toMatchObject({ duplicate_of: null, status: 'open' });
  });

  it('separates through the API', async () => {
    const joined = (await t.services.database.db
      .selectFrom('cases')
      .select('id')
      .where('duplicate_of', '=', other.id)
      .executeTakeFirstOrThrow()) as { id: string };
    expect((await api(joined.id, { reason: 'The kerb, not the road' })).statusCode).toBe(204);
    expect(await stored(joined.id)).toMatchObject({ duplicate_of: null, status: 'open' });
  });
});
