// The place's maturity benchmark as open data, against the real database with the demo's
// assessments: each organisation's latest submitted score on each item and its date, no reason,
// link or person, in the CSV another place's Flagstone imports to compare place with place.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';
import type { Actor } from '../../platform/index.ts';
import { parseBenchmarkCsv } from './exports.ts';
import { loadDemoRoutemap } from './index.ts';

let t: TestContext;

async function published(id: string, format: string) {
  const release = await t.services.openData.publish(id);
  const { bytes } = await t.services.openData.file(id, release.version, format);
  const parts: Buffer[] = [];
  for await (const part of bytes) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

beforeAll(async () => {
  t = await testApp();
  const actor = async (email: string) => (await t.services.identity.actorByEmail(email)) as Actor;
  await loadDemoRoutemap(t.services.routemap, actor, t.clock.now());
});
afterAll(() => t?.close());

describe('the maturity benchmark as open data', () => {
  it('publishes each organisation’s latest score on each item with its date, and nothing of the reasons or evidence', async () => {
    const csv = await published('maturity-benchmark', 'csv');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'place',
      'organisation',
      'organisation_ref',
      'framework',
      'item',
      'item_title',
      'score',
      'assessed_on',
    ]);
    const db = t.services.database.db;
    const latest = await db
      .selectFrom('maturity_assessments as a')
      .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
      .innerJoin('maturity_scores as s', 's.assessment_id', 'a.id')
      .select(['o.ref', 's.item', 's.score', 's.reason', 'a.submitted_at'])
      .where('a.status', '=', 'submitted')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('maturity_assessments as b')
              .select('b.id')
              .whereRef('b.organisation_id', '=', 'a.organisation_id')
              .where('b.status', '=', 'submitted')
              .whereRef('b.submitted_at', '>', 'a.submitted_at'),
          ),
        ),
      )
      .execute();
    expect(rows).toHaveLength(latest.length);
    for (const s of latest) {
      const row = rows.find((r) => r.organisation_ref === s.ref && r.item === s.item);
      expect(row, `${s.ref} ${s.item}`).toMatchObject({
        score: String(s.score),
        assessed_on: s.submitted_at?.toISOString().slice(0, 10),
        place: 'Fellshire',
      });
      if (s.reason) expect(csv).not.toContain(s.reason.slice(-40));
    }
    expect(csv).not.toMatch(/https?:\/\/|@/);
    // Another place imports it as it is, to compare place with place.
    const imported = parseBenchmarkCsv(csv, [await t.services.routemap.currentFramework()]);
    expect(imported).toMatchObject({ place: 'Fellshire', scores: expect.any(Array) });
    expect(imported.scores).toHaveLength(rows.length);
    // The place's benchmark page says where anyone finds it.
    const staff = demoAccount((c) => c.roles === 'staff at ashby-vale-dc');
    const cookie = await signIn(t.app, staff.email, staff.password);
    const page = await t.app.inject({ url: '/routemap/benchmark', headers: { accept: 'text/html', cookie } });
    expect(page.body).toContain('href="/data/maturity-benchmark"');
  });
});

describe('the platform’s own measures beside the scores', () => {
  it('shows the open datasets published and how the outcome KPIs move, beside the items that name them', async () => {
    await t.services.openData.publish('spending-over-500');
    await t.services.outcomes.kpis.recompute();
    const published = new Set((await t.services.openData.allReleases()).map((r) => r.dataset));
    const manager = demoAccount((c) => c.roles === 'manager at fellshire-fire');
    const actor = await t.services.identity.actorByEmail(manager.email);
    const { measures } = await t.services.routemap.overview(actor, 'fellshire-fire');
    expect(measures.find((m) => m.key === 'openDatasets')).toMatchObject({
      value: String(published.size),
      label: 'Open datasets published',
    });
    const trends = measures.find((m) => m.key === 'kpiTrends');
    expect(trends?.detail).toContain(`${t.services.outcomes.kpis.kpis.length} with too little history`);
    // Beside the score of an item that names them.
    const cookie = await signIn(t.app, manager.email, manager.password);
    const item = await t.app.inject({
      url: '/routemap/fellshire-fire/items/leadership',
      headers: { accept: 'text/html', cookie },
    });
    expect(item.statusCode).toBe(200);
    expect(item.body).toContain('Outcome KPIs getting better');
    const transparency = await t.app.inject({
      url: '/routemap/fellshire-fire/items/information-management',
      headers: { accept: 'text/html', cookie },
    });
    expect(transparency.body).toContain('Open datasets published');
  });
});
