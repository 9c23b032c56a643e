// The routemap's API against the real database: scoring and submitting through it, what each bad
// input gets (problem+json, nothing saved), the assessments as JSON and CSV, the place's benchmark
// published as CSV and read back in as another place's, versions of the framework, and the
// OpenAPI document.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import { builtInFramework } from './framework.ts';

let t: TestContext;
const cookies: Record<string, string> = {};
const MANAGER = 'manager at ashby-vale-dc';
const ADMIN = 'admin at fellshire-cc';
const items = builtInFramework.themes.flatMap((theme) => theme.items.map((i) => i.key));

async function as(roles: string) {
  if (!cookies[roles]) {
    const account = demoAccount((c) => c.roles === roles);
    cookies[roles] = await signIn(t.app, account.email, account.password);
  }
  return cookies[roles];
}
const api = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, roles = MANAGER) =>
  t.app.inject({
    method,
    url,
    headers: {
      cookie: await as(roles),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
const count = async (table: 'maturity_scores' | 'routemap_imported_scores' | 'routemap_frameworks') =>
  (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
      t.services.database.db,
    )
  ).rows[0]?.n ?? 0;
const draftItem = (item: string) => `/api/v1/routemap/organisations/ashby-vale-dc/draft/items/${item}`;

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

describe('the routemap API', () => {
  it('gives the framework', async () => {
    const response = await api('GET', '/api/v1/routemap/framework');
    expect(response.statusCode).toBe(200);
    expect(response.json().themes.map((th: { items: unknown[] }) => th.items.length)).toEqual([3, 6, 6]);
  });

  it.each([
    [{ score: 7, reason: 'x' }, 400],
    [{ score: 0, reason: 'x' }, 400],
    [{ score: 'three', reason: 'x' }, 400],
    [{ score: 3, reason: '' }, 400],
    [{ score: 3 }, 400],
  ])('refuses the score %j with problem+json, saving nothing', async (body, status) => {
    const response = await api('PUT', draftItem('leadership'), body);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await count('maturity_scores')).toBe(0);
  });

  it('refuses an item the framework does not have, and a submission with items unanswered', async () => {
    expect((await api('PUT', draftItem('happiness'), { score: 3, reason: 'x' })).statusCode).toBe(404);
    expect((await api('PUT', draftItem('leadership'), { score: 3, reason: 'We lead' })).statusCode).toBe(200);
    const refused = await api('POST', '/api/v1/routemap/organisations/ashby-vale-dc/draft/submit');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toHaveLength(items.length - 1);
    expect(refused.json().errors[0]).toEqual({
      field: 'collaborate-share-reuse',
      message: expect.stringMatching(/^Score /),
    });
  });

  it('submits, and gives the assessments as JSON and CSV', async () => {
    for (const item of items)
      await api('PUT', draftItem(item), { score: 3, reason: `On ${item}`, links: ['https://example.org/a'] });
    const submitted = await api('POST', '/api/v1/routemap/organisations/ashby-vale-dc/draft/submit');
    expect(submitted.statusCode).toBe(200);
    const json = (await api('GET', '/api/v1/routemap/organisations/ashby-vale-dc/assessments')).json();
    expect(json.draft).toBeNull();
    expect(json.submitted[0]).toMatchObject({ status: 'submitted', frameworkId: builtInFramework.id });
    const csv = await api('GET', '/api/v1/routemap/organisations/ashby-vale-dc/assessments.csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe(
      'organisation,assessment,status,framework,submitted_on,theme,item,item_title,score,level,reason,links,files,platform_evidence',
    );
    expect(lines).toHaveLength(items.length + 1);
    expect(csv.body).toContain('Active sharing agreements: 0');
    expect(
      (
        await api(
          'GET',
          '/api/v1/routemap/organisations/ashby-vale-dc/assessments',
          undefined,
          'staff at fellshire-fire',
        )
      ).statusCode,
    ).toBe(403);
  });

  it('refuses an action due in the past', async () => {
    const response = await api('POST', '/api/v1/routemap/organisations/ashby-vale-dc/actions', {
      item: 'leadership',
      title: 'Appoint a lead',
      ownerName: 'A Person',
      ownerEmail: 'a.person@example.org',
      dueOn: '2020-01-01',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { field: 'dueOn', message: 'The due date must be today or in the future' },
    ]);
  });

  it('publishes the benchmark as scores and dates, and reads another place’s back in to compare', async () => {
    const published = await api('GET', '/api/v1/routemap/benchmark.csv');
    expect(published.body.split('\n')[0]).toBe('place,organisation,framework,item,score,assessed_on');
    expect(published.body).not.toMatch(/On leadership|example\.org/);
    const other = published.body.replaceAll('Fellshire', 'Dalesborough').replaceAll(',3,', ',4,');
    expect((await api('POST', '/api/v1/routemap/imported-benchmarks', { csv: other })).statusCode).toBe(403);
    const imported = await api('POST', '/api/v1/routemap/imported-benchmarks', { csv: other }, ADMIN);
    expect(imported.statusCode).toBe(201);
    expect(imported.json()).toMatchObject({ place: 'Dalesborough', scores: items.length });
    const benchmark = (await api('GET', '/api/v1/routemap/benchmark')).json();
    expect(benchmark.otherPlaces[0]).toMatchObject({ place: 'Dalesborough', medians: { leadership: 4 } });
    expect(benchmark.rows.find((r: { key: string }) => r.key === 'leadership').median).toBe(3);
  });

  it.each([
    ['"unclosed', /not CSV/],
    ['place,organisation\nX,Y\n', /needs a header and rows with the columns/],
    [
      `place,organisation,framework,item,score,assessed_on\nX,Y,${builtInFramework.id},leadership,9,2026-01-01\n`,
      /Line 2: the score must be a whole number from 1 to 5/,
    ],
    [
      `place,organisation,framework,item,score,assessed_on\nX,Y,${builtInFramework.id},happiness,3,2026-01-01\n`,
      /Line 2: the framework has no item happiness/,
    ],
    [
      `place,organisation,framework,item,score,assessed_on\nX,Y,other-2020,leadership,3,2026-01-01\n`,
      /is not one this place has/,
    ],
    [
      `place,organisation,framework,item,score,assessed_on\nX,Y,${builtInFramework.id},leadership,3,2026-01-01\nX,Y,${builtInFramework.id},leadership,2,2026-01-01\n`,
      /Line 3: Y is scored on leadership twice/,
    ],
  ])('refuses the benchmark %j saying why, importing nothing', async (csv, message) => {
    const before = await count('routemap_imported_scores');
    const response = await api('POST', '/api/v1/routemap/imported-benchmarks', { csv }, ADMIN);
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().errors)).toMatch(message);
    expect(await count('routemap_imported_scores')).toBe(before);
  });

  it('adds a version of the framework, refusing one that does not fit, and keeps old assessments on theirs', async () => {
    const before = await count('routemap_frameworks');
    const broken = { ...builtInFramework, id: 'fellshire-2027.1', levels: ['One'] };
    const refused = await api('POST', '/api/v1/routemap/frameworks', broken, ADMIN);
    expect(refused.statusCode).toBe(400);
    expect(JSON.stringify(refused.json().errors)).toMatch(/\/levels/);
    expect(
      (await api('POST', '/api/v1/routemap/frameworks', { ...broken, levels: builtInFramework.levels }))
        .statusCode,
    ).toBe(403);
    expect(await count('routemap_frameworks')).toBe(before);
    const added = await api(
      'POST',
      '/api/v1/routemap/frameworks',
      { ...broken, levels: builtInFramework.levels, version: '2027.1' },
      ADMIN,
    );
    expect(added.statusCode).toBe(201);
    expect((await api('GET', '/api/v1/routemap/framework')).json().id).toBe('fellshire-2027.1');
    const again = await api(
      'POST',
      '/api/v1/routemap/frameworks',
      { ...broken, levels: builtInFramework.levels },
      ADMIN,
    );
    expect(again.statusCode).toBe(409);
    const json = (await api('GET', '/api/v1/routemap/organisations/ashby-vale-dc/assessments')).json();
    expect(json.submitted[0].frameworkId).toBe(builtInFramework.id);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    for (const path of [
      '/api/v1/routemap/benchmark',
      '/api/v1/routemap/organisations/{ref}/draft/items/{item}',
    ])
      expect(doc.paths[path]).toBeDefined();
  });
});
