// The catalogue as its readers use it, against the real database: the CKAN Action API driven as
// CKAN's API guide documents it, data.json, DCAT JSON-LD, the Atom feed, the files and their
// hashes in the ledger; publishing and withdrawing through the API by whom the policies allow,
// what each bad input gets, and that nothing changes when refused; the schedule.
import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../test/support.ts';
import { openDataService, openDataSettingFromCommandLine, publishFromCommandLine } from './index.ts';

let t: TestContext;
const cookies: Record<string, string> = {};
async function as(roles: string) {
  if (!cookies[roles]) {
    const account = demoAccount((c) => c.roles === roles);
    cookies[roles] = await signIn(t.app, account.email, account.password);
  }
  return cookies[roles];
}
const IG = 'ig_officer at fellshire-cc';
const MANAGER = 'manager at fellshire-cc';

const get = (url: string) => t.app.inject({ url });
const ckan = async (action: string, query = '') => {
  const response = await get(`/api/3/action/${action}${query}`);
  return { status: response.statusCode, body: response.json() };
};
const post = async (url: string, roles: string | null, body?: object) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { accept: 'application/json', ...(roles ? { cookie: await as(roles) } : {}) },
    ...(body ? { payload: body } : {}),
  });
const releaseCount = async () =>
  Number(
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM open_data_releases`.execute(
        t.services.database.db,
      )
    ).rows[0]?.n,
  );

beforeAll(async () => {
  t = await testApp();
  await t.services.requests.submit({
    service: 'pothole',
    lat: 52.22,
    lon: -2.2,
    description: 'Deep pothole',
    attributes: { size: 'medium' },
  });
  for (const d of t.services.openData.datasets()) await t.services.openData.publish(d.id);
});
afterAll(() => t.close());

describe('the CKAN-compatible Action API, as the CKAN API guide calls it', () => {
  it('lists every dataset (package_list) and reads each one (package_show) with its resources', async () => {
    const list = await ckan('package_list');
    expect(list.status).toBe(200);
    expect(list.body.success).toBe(true);
    expect(list.body.result).toEqual([
      'service-requests',
      'service-statistics',
      'spending-over-500',
      'contracts-over-5000',
      'audit-ledger-heads',
      'outcome-kpis',
      'maturity-benchmark',
    ]);
    for (const id of list.body.result) {
      const shown = await ckan('package_show', `?id=${id}`);
      expect(shown.body.success).toBe(true);
      const pkg = shown.body.result;
      expect(pkg.name).toBe(id);
      expect(pkg.license_id).toBe('OGL-UK-3.0');
      expect(pkg.organization.title).toBe('Fellshire');
      expect(pkg.resources.map((r: { format: string }) => r.format)).toEqual(
        id === 'contracts-over-5000' ? ['CSV', 'OCDS JSON'] : ['CSV', 'JSON'],
      );
      for (const resource of pkg.resources) {
        const file = await get(new URL(resource.url).pathname);
        expect(file.statusCode).toBe(200);
        expect(file.rawPayload.length).toBe(resource.size);
        expect(`sha256:${createHash('sha256').update(file.rawPayload).digest('hex')}`).toBe(resource.hash);
        const again = await ckan('resource_show', `?id=${resource.id}`);
        expect(again.body.result.url).toBe(resource.url);
      }
    }
  });

  it('searches with q, rows and start (package_search), and lists organisations', async () => {
    const all = await ckan('package_search', '?q=*:*&rows=1&start=1');
    expect(all.body.result.count).toBe(7);
    expect(all.body.result.results.map((p: { name: string }) => p.name)).toEqual(['service-statistics']);
    const some = await ckan('package_search', '?q=median');
    expect(some.body.result.results.map((p: { name: string }) => p.name)).toEqual(['service-statistics']);
    expect((await ckan('package_search', '?q=nothing-like-this')).body.result).toMatchObject({
      count: 0,
      results: [],
    });
    const byPost = await t.app.inject({
      method: 'POST',
      url: '/api/3/action/package_search',
      payload: { q: 'requests', rows: 5 },
    });
    expect(byPost.json().result.count).toBe(3); // service requests, their statistics, and the KPIs
    expect((await ckan('organization_list')).body.result).toEqual(['fellshire']);
    expect((await ckan('organization_list', '?all_fields=true')).body.result[0]).toMatchObject({
      name: 'fellshire',
      package_count: 7,
    });
  });

  it("answers bad calls in CKAN's error envelope", async () => {
    expect(await ckan('package_show', '?id=no-such-dataset')).toMatchObject({
      status: 404,
      body: { success: false, error: { __type: 'Not Found Error' } },
    });
    expect(await ckan('package_show')).toMatchObject({
      status: 409,
      body: { success: false, error: { __type: 'Validation Error', id: ['Missing value'] } },
    });
    expect(await ckan('package_search', '?rows=-3')).toMatchObject({
      status: 409,
      body: { success: false, error: { rows: ['Invalid integer'] } },
    });
    expect(await ckan('resource_show', '?id=nope')).toMatchObject({ status: 404, body: { success: false } });
    expect(await ckan('package_create')).toMatchObject({
      status: 400,
      body: { success: false, error: { __type: 'Bad Request' } },
    });
  });
});

describe('the catalogue in DCAT, data.json and Atom', () => {
  it('describes every dataset with its licence, publisher, period, frequency, keywords, contact and files', async () => {
    const data = (await get('/data.json')).json();
    expect(data.conformsTo).toBe('https://project-open-data.cio.gov/v1.1/schema');
    expect(data.dataset).toHaveLength(7);
    for (const d of data.dataset) {
      expect(d).toMatchObject({
        accessLevel: 'public',
        accrualPeriodicity: 'R/P1D',
        publisher: { name: 'Fellshire' },
      });
      expect(d.license).toContain('open-government-licence/version/3');
      expect(d.temporal).toMatch(/^\d{4}-\d\d-\d\d\/\d{4}-\d\d-\d\d$/);
      expect(d.contactPoint.hasEmail).toMatch(/^mailto:/);
      expect(d.distribution.map((x: { mediaType: string }) => x.mediaType)).toEqual([
        'text/csv',
        'application/json',
      ]);
    }
    const response = await get('/data/catalogue.jsonld');
    expect(response.headers['content-type']).toContain('application/ld+json');
    const dcat = response.json();
    expect(dcat['@type']).toBe('dcat:Catalog');
    const first = dcat['dcat:dataset'][0];
    expect(first['dct:temporal']['@type']).toBe('dct:PeriodOfTime');
    expect(first['dcat:distribution'][0]['spdx:checksum']['spdx:checksumValue']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes each release’s hashes to the audit ledger', async () => {
    const [release] = await t.services.openData.releases('service-requests');
    const entry = await t.services.database.db
      .selectFrom('audit_ledger')
      .select('body')
      .where('seq', '=', release?.ledger_seq as number)
      .executeTakeFirstOrThrow();
    const detail = JSON.parse(entry.body).detail;
    expect(detail.csv_sha256).toBe(release?.files.find((f) => f.format === 'csv')?.sha256);
    expect(detail.json_sha256).toBe(release?.files.find((f) => f.format === 'json')?.sha256);
  });

  it('keeps a release as it was: the database refuses to change or delete it', async () => {
    const db = t.services.database.db;
    await expect(sql`UPDATE open_data_releases SET row_count = row_count + 1`.execute(db)).rejects.toThrow(
      /immutable/,
    );
    await expect(sql`DELETE FROM open_data_file_parts`.execute(db)).rejects.toThrow(/immutable/);
    await expect(sql`UPDATE open_data_files SET sha256 = repeat('0', 64)`.execute(db)).rejects.toThrow(
      /immutable/,
    );
  });

  it('has an Atom feed of releases', async () => {
    const response = await get('/data/releases.atom');
    expect(response.headers['content-type']).toContain('application/atom+xml');
    const feed = new XMLParser({ ignoreAttributes: false }).parse(response.body).feed;
    const entries = [feed.entry].flat();
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.map((e: { title: string }) => e.title)).toContain('Service requests: release 1');
  });
});

describe('publishing and withdrawing through the API', () => {
  it('refuses someone not signed in, or without the role, and publishes nothing', async () => {
    const before = await releaseCount();
    expect((await post('/api/v1/datasets/service-requests/releases', null)).statusCode).toBe(401);
    const refused = await post('/api/v1/datasets/service-requests/releases', MANAGER);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(await releaseCount()).toBe(before);
    const denied = await t.services.governance.ledger.latest('opendata.publish');
    expect(denied?.decision).toBe('deny');
  });

  it('says a dataset that does not exist is not found', async () => {
    const response = await get('/api/v1/datasets/no-such-dataset/releases');
    expect(response.statusCode).toBe(404);
    expect(response.json().detail).toBe('There is no dataset called no-such-dataset');
    expect((await post('/api/v1/datasets/no-such-dataset/releases', IG)).statusCode).toBe(404);
  });

  it('publishes a new version for an information governance officer, and withdraws it with a reason', async () => {
    const made = await post('/api/v1/datasets/service-statistics/releases', IG);
    expect(made.statusCode).toBe(201);
    const release = made.json();
    expect(release.version).toBe(2);
    const url = new URL(release.files[0].url).pathname;
    expect((await get(url)).statusCode).toBe(200);

    const empty = await post(`/api/v1/datasets/service-statistics/releases/2/withdrawal`, IG, { reason: '' });
    expect(empty.statusCode).toBe(400);
    const nobody = await post(`/api/v1/datasets/service-statistics/releases/2/withdrawal`, MANAGER, {
      reason: 'Wrong',
    });
    expect(nobody.statusCode).toBe(403);
    expect((await get(url)).statusCode).toBe(200);

    const withdrawn = await post(`/api/v1/datasets/service-statistics/releases/2/withdrawal`, IG, {
      reason: 'A month was counted twice',
    });
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json().withdrawn.reason).toBe('A month was counted twice');
    expect((await get(url)).statusCode).toBe(404);
    const again = await post(`/api/v1/datasets/service-statistics/releases/2/withdrawal`, IG, {
      reason: 'Twice',
    });
    expect(again.statusCode).toBe(400);
    // The catalogue serves the release before it, and the page says why.
    const pkg = (await ckan('package_show', '?id=service-statistics')).body.result;
    expect(pkg.version).toBe('1');
    const page = await t.app.inject({ url: '/data/service-statistics', headers: { accept: 'text/html' } });
    expect(page.body).toContain('A month was counted twice');
    expect(page.body).toContain('application/ld+json');
  });
});

describe('the command line and the OpenAPI document', () => {
  it('publishes one dataset or every one with "flagstone publish", and names an unknown one', async () => {
    const one = await publishFromCommandLine(t.services.openData, 'contracts-over-5000');
    expect(one).toMatch(
      /^Published contracts-over-5000 release \d+: \d+ rows covering \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/,
    );
    expect(one).toContain('ocds');
    const all = await publishFromCommandLine(t.services.openData);
    expect(all.trim().split('\n')).toHaveLength(7);
    await expect(publishFromCommandLine(t.services.openData, 'no-such-dataset')).rejects.toThrow(
      'There is no dataset called no-such-dataset',
    );
  });

  it('sets a schedule and how a service is published, refusing bad values, with the change in the ledger', async () => {
    const od = t.services.openData;
    expect(
      await openDataSettingFromCommandLine(od, { dataset: 'service-statistics', hours: 'weekly' }),
    ).toEqual({
      ok: false,
      message: 'Enter a whole number of hours from 1 to 8784',
    });
    expect(await openDataSettingFromCommandLine(od, { dataset: 'nothing', hours: '24' })).toEqual({
      ok: false,
      message: 'There is no dataset called nothing',
    });
    expect(await openDataSettingFromCommandLine(od, { service: 'graffiti', publication: 'all' })).toEqual({
      ok: false,
      message: 'Choose rows, counts or never',
    });
    expect((await od.publications()).get('noise-complaint')).toBeUndefined();
    expect(
      await openDataSettingFromCommandLine(od, { service: 'noise-complaint', publication: 'never' }),
    ).toEqual({
      ok: true,
      message: 'Requests for noise-complaint are never published from the next release\n',
    });
    expect((await od.publications()).get('noise-complaint')).toBe('never');
    const entry = await t.services.governance.ledger.latest('opendata.service-publication');
    expect(entry?.detail).toEqual({ publication: 'never' });
  });

  it('documents the datasets API in the OpenAPI document', async () => {
    const paths = Object.keys((await get('/api/openapi.json')).json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/datasets',
        '/api/v1/datasets/{id}/releases',
        '/api/v1/datasets/{id}/releases/{version}/withdrawal',
      ]),
    );
  });
});

describe('the schedule', () => {
  it('publishes each dataset when it is due, daily unless its schedule says otherwise', async () => {
    let at = new Date(Date.now() + 2 * 86_400_000);
    const clock = { now: () => at };
    const scheduled = openDataService({
      db: t.services.database.db,
      clock,
      governance: t.services.governance,
      places: t.services.places,
    });
    expect((await scheduled.publishDue()).map((r) => r.dataset)).toEqual([
      'service-requests',
      'service-statistics',
      'spending-over-500',
      'contracts-over-5000',
      'audit-ledger-heads',
    ]);
    at = new Date(at.getTime() + 3_600_000);
    expect(await scheduled.publishDue()).toEqual([]);
    await scheduled.setSchedule('service-statistics', 168);
    at = new Date(at.getTime() + 24 * 3_600_000);
    expect((await scheduled.publishDue()).map((r) => r.dataset)).toEqual([
      'service-requests',
      'spending-over-500',
      'contracts-over-5000',
      'audit-ledger-heads',
    ]);
  });
});
