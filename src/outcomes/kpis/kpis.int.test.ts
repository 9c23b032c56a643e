// The KPIs computed from live data against the real database: requests taken by each channel
// move the channel-shift KPI, resolved requests give the resolution KPIs, and the values reach the
// API and the pages (with a chart and its table). A KPI whose query does not run is refused with its file.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import { demoPoints } from '../../places/index.ts';
import { readKpi } from './definition.ts';
import { kpisService } from './service.ts';

let t: TestContext;
const STAFF = 'grace.okafor@fellshire-cc.example.org';
const [lon, lat] = demoPoints.castlebridge;
const thisMonth = () => `${new Date().toISOString().slice(0, 7)}`;
const month = (
  kpis: Awaited<ReturnType<TestContext['services']['outcomes']['kpis']['published']>>,
  id: string,
  org: string | null,
) =>
  kpis.kpis
    .find((k) => k.kpi.id === id)
    ?.values.find((v) => v.organisation === org && v.month === thisMonth());

beforeAll(async () => {
  t = await testApp();
  const staff = await t.services.identity.actorByEmail(STAFF);
  // Three online, one by phone: 75% self-service in Castlebridge this month.
  for (const [i, by] of [{}, {}, {}, { actor: staff, assisted: 'phone' as const }].entries())
    await t.services.requests.submit({ service: 'graffiti', lat: lat + i * 0.001, lon }, by);
});
afterAll(() => t?.close());

describe('the KPIs', () => {
  it('computes channel shift for each organisation and the place from the requests made', async () => {
    const run = await t.services.outcomes.kpis.recompute();
    expect(run.kpis).toBe(9);
    const published = await t.services.outcomes.kpis.published();
    expect(month(published, 'channel-shift', 'castlebridge-council')).toMatchObject({
      numerator: 3,
      denominator: 4,
      value: 75,
      tooFewCases: true,
    });
    expect(month(published, 'channel-shift', null)).toMatchObject({ value: 75, denominator: 4 });
  });

  it('moves when a caller’s request is taken and a citizen reports online', async () => {
    const staff = await t.services.identity.actorByEmail(STAFF);
    await t.services.requests.submit(
      { service: 'graffiti', lat: lat + 0.01, lon },
      { actor: staff, assisted: 'letter' },
    );
    await t.services.outcomes.kpis.recompute();
    expect(month(await t.services.outcomes.kpis.published(), 'channel-shift', null)?.value).toBe(60);
    await t.services.requests.submit({ service: 'graffiti', lat: lat + 0.02, lon }, {});
    await t.services.outcomes.kpis.recompute();
    expect(month(await t.services.outcomes.kpis.published(), 'channel-shift', null)?.value).toBeCloseTo(
      66.67,
      1,
    );
  });

  it('counts a resolved request, its days to resolve and a reopened one', async () => {
    const created = await t.services.requests.submit({ service: 'graffiti', lat: lat + 0.03, lon }, {});
    const db = t.services.database.db;
    await sql`INSERT INTO case_updates (case_id, kind, body, status, created_at)
      VALUES (${created.id}, 'public', 'Cleaned', 'closed', now() + interval '2 days'),
             (${created.id}, 'public', 'Back again', 'open', now() + interval '3 days')`.execute(db);
    await t.services.outcomes.kpis.recompute();
    const published = await t.services.outcomes.kpis.published();
    expect(month(published, 'days-to-resolve', null)?.value).toBeCloseTo(2, 1);
    expect(month(published, 'reopened', null)).toMatchObject({ numerator: 1, denominator: 1, value: 100 });
    expect(month(published, 'resolved-on-time', null)).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('works out again only the requests that changed, giving what working out every request gives', async () => {
    const db = t.services.database.db;
    const facts = async () =>
      (
        await sql<Record<string, unknown>>`SELECT * FROM kpi_requests
          ORDER BY organisation_id, month, resolved_at NULLS FIRST, days_to_resolve, channel, joined, reopened`.execute(
          db,
        )
      ).rows;
    await t.services.outcomes.kpis.recompute();
    // Changes of every kind after a run: a new request, a status update that resolves one, a
    // case changed in place (joined to another), and one resolved then reopened.
    const [a, b, c] = [
      await t.services.requests.submit({ service: 'graffiti', lat: lat + 0.06, lon }, {}),
      await t.services.requests.submit({ service: 'graffiti', lat: lat + 0.07, lon }, {}),
      await t.services.requests.submit({ service: 'graffiti', lat: lat + 0.08, lon }, {}),
    ];
    await t.services.outcomes.kpis.recompute();
    await sql`INSERT INTO case_updates (case_id, kind, body, status, created_at)
      VALUES (${a.id}, 'public', 'Cleaned', 'closed', now() + interval '1 day'),
             (${c.id}, 'public', 'Cleaned', 'closed', now() + interval '1 day'),
             (${c.id}, 'public', 'Back again', 'open', now() + interval '2 days')`.execute(db);
    await sql`UPDATE cases SET duplicate_of = ${a.id} WHERE id = ${b.id}`.execute(db);
    const stale = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kpi_stale_cases`.execute(db);
    expect(stale.rows[0]?.n).toBe(3);
    await t.services.outcomes.kpis.recompute();
    const incremental = await facts();
    expect(incremental.filter((f) => f.reopened)).not.toHaveLength(0);
    expect(incremental.filter((f) => f.joined)).not.toHaveLength(0);
    // Every request worked out again from the start gives the same facts.
    await sql`INSERT INTO kpi_stale_cases SELECT id FROM cases`.execute(db);
    await t.services.outcomes.kpis.recompute();
    expect(await facts()).toEqual(incremental);
  });

  it('lets a case change while the KPI job is working out its facts, without waiting for the job', async () => {
    const db = t.services.database.db;
    const pool = t.services.database.pool;
    const [changed] = (await sql<{ id: string }>`SELECT id FROM cases LIMIT 1`.execute(db)).rows;
    await sql`UPDATE cases SET updated_at = now() WHERE id = ${changed?.id}`.execute(db);
    const job = await pool.connect();
    try {
      // The job has taken the stale cases and not yet committed.
      await job.query('BEGIN');
      await job.query('SELECT refresh_kpi_requests()');
      const change = await pool.connect();
      try {
        await change.query('BEGIN');
        await change.query("SET LOCAL lock_timeout = '2s'");
        await change.query('UPDATE cases SET updated_at = now() WHERE id = $1', [changed?.id]);
        await change.query('COMMIT');
      } finally {
        change.release();
      }
      await job.query('COMMIT');
    } finally {
      job.release();
    }
    // Marked stale again, for the next run.
    const stale = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM kpi_stale_cases WHERE case_id = ${changed?.id}`.execute(db);
    expect(stale.rows[0]?.n).toBe(1);
  });

  it('answers GET /api/v1/kpis with the definitions and values', async () => {
    const response = await t.app.inject({ url: '/api/v1/kpis' });
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    const shift = body.kpis.find((k: { id: string }) => k.id === 'channel-shift');
    expect(shift).toMatchObject({
      name: 'Requests made online or through apps',
      direction: 'higher',
      unit: 'percent',
      target: 80,
    });
    expect(shift.values.length).toBeGreaterThan(0);
    expect(body.kpis).toHaveLength(9);
  });

  it('shows the outcomes page and a KPI page with a server-drawn chart and its data table', async () => {
    const cookie = await signIn(t.app, STAFF, demoAccount((c) => c.email === STAFF).password);
    const page = await t.app.inject({ url: '/outcomes', headers: { accept: 'text/html', cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('Requests made online or through apps');
    expect(page.body).toContain('href="/data/outcome-kpis"');
    const one = await t.app.inject({
      url: '/outcomes/kpis/channel-shift?organisation=castlebridge-council',
      headers: { accept: 'text/html', cookie },
    });
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain('<svg');
    expect(one.body).toContain('The data of the chart');
    expect(one.body).toContain('too few cases');
    const missing = await t.app.inject({
      url: '/outcomes/kpis/nothing',
      headers: { accept: 'text/html', cookie },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses a KPI whose query does not run, naming its file', async () => {
    const bad = readKpi(
      'broken.yaml',
      'name: Broken\nmeasures: x\nwhy: y\nfacts: requests\nnumerator: count(*) FILTER (WHERE no_such_column)\ndenominator: count(*)\ndirection: higher\ntarget: 5\nunit: percent\n',
    );
    const service = kpisService(t.services.database.db, t.clock, t.services.places, [bad]);
    await expect(service.check()).rejects.toThrow(
      /^broken\.yaml: the query does not run: column "no_such_column" does not exist/,
    );
    await expect(t.services.outcomes.kpis.check()).resolves.toBeUndefined();
  });

  it('counts the answers to "has it been fixed?" as the share who said it was', async () => {
    const db = t.services.database.db;
    const made = [];
    for (const i of [0, 1, 2])
      made.push(
        await t.services.requests.submit({ service: 'graffiti', lat: lat + 0.04 + i * 0.001, lon }, {}),
      );
    // Two answered (yes, no), one asked and not answered yet: 50% of those who answered.
    for (const [i, fixed] of [true, false, null].entries())
      await sql`INSERT INTO questionnaires (case_id, token_hash, sent_at, expires_at, answered_at, fixed)
        VALUES (${made[i]?.id}, ${`hash-${i}`}, now(), now() + interval '8 weeks',
                ${fixed === null ? null : new Date()}, ${fixed})`.execute(db);
    await t.services.outcomes.kpis.recompute();
    const published = await t.services.outcomes.kpis.published();
    expect(month(published, 'said-fixed', 'castlebridge-council')).toMatchObject({
      numerator: 1,
      denominator: 2,
      value: 50,
      tooFewCases: true,
    });
  });

  it('keeps a closed month’s values as first computed, and publishes those, whatever happens after', async () => {
    const db = t.services.database.db;
    const now = new Date();
    // Two months on, this month and the one after it have ended: its values are kept.
    const later = { now: () => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 3)) };
    const kpis = t.services.outcomes.kpis;
    await kpisService(db, later, t.services.places, kpis.kpis).recompute();
    const key = `${thisMonth()}-01`;
    const keptShift = () =>
      kpis
        .kept()
        .then((all) =>
          all.find((v) => v.kpi === 'channel-shift' && v.organisation_id === null && v.month === key),
        );
    const before = await keptShift();
    expect(before?.denominator).toBeGreaterThan(0);
    // A caller's request taken late in the month moves the live value, not the kept one.
    const staff = await t.services.identity.actorByEmail(STAFF);
    await t.services.requests.submit(
      { service: 'graffiti', lat: lat + 0.05, lon },
      { actor: staff, assisted: 'phone' },
    );
    await kpisService(db, later, t.services.places, kpis.kpis).recompute();
    const live = month(await kpis.published(), 'channel-shift', null);
    expect(live?.denominator).toBe((before?.denominator ?? 0) + 1);
    expect(await keptShift()).toEqual(before);
    await expect(sql`UPDATE kpi_snapshots SET value = 0`.execute(db)).rejects.toThrow(/never changed/);
    // The open dataset publishes the kept values.
    const release = await t.services.openData.publish('outcome-kpis');
    const { bytes } = await t.services.openData.file('outcome-kpis', release.version, 'json');
    const parts: Buffer[] = [];
    for await (const part of bytes) parts.push(part);
    const rows = JSON.parse(Buffer.concat(parts).toString('utf8'));
    const place = rows.find(
      (r: { kpi: string; organisation: string; month: string }) =>
        r.kpi === 'channel-shift' && r.organisation === 'all' && r.month === thisMonth(),
    );
    expect(place).toMatchObject({
      denominator: before?.denominator,
      unit: 'percent',
      target: 80,
      direction: 'higher',
    });
  });
});
