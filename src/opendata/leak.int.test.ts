// Tries to get personal data and small counts out of the open data, and fails: names, emails,
// phone numbers, NHS numbers and a marker written into requests and records are nowhere in any
// published byte; no suppressed count can be pinned under the threshold by linear programming over
// the published table and its totals; two releases never differ by a few cases; no location is
// finer than the grid. Switched off, the same checks find what disclosure control stops.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../test/support.ts';
import { intervals, type PublishedGrid } from './attack.ts';
import { onGrid } from './disclosure.ts';
import { type OpenDataService, openDataService } from './index.ts';

const MARKER = 'ZQX-LEAK-7731';
const personal = [
  MARKER,
  'Bartholomew',
  'Quennell',
  'bart.quennell@example.com',
  '07700 900461',
  '943 476 5870',
  'Amina',
  'amina.khan@example.com',
  '9434765919',
  'Tanner Row',
];
const THRESHOLD = 10;
const DAY = 86_400_000;

let t: TestContext;
let ids: { organisations: string[]; areas: string[] };

/** Cases straight into the table, every personal column filled, spread over months and areas. */
async function seedCases(now: Date) {
  const db = t.services.database.db;
  const organisations = await db.selectFrom('organisations').select(['id', 'ref']).orderBy('ref').execute();
  const areas = await db.selectFrom('areas').select('id').orderBy('ref').execute();
  ids = { organisations: organisations.map((o) => o.id), areas: areas.map((a) => a.id) };
  const county = organisations.find((o) => o.ref === 'fellshire-cc')?.id as string;
  const district = organisations.find((o) => o.ref === 'ashby-vale-dc')?.id as string;
  const small = organisations.find((o) => o.ref === 'castlebridge-council')?.id as string;
  let seed = 7;
  const random = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const rows = [];
  let n = 0;
  for (let monthsBack = 1; monthsBack <= 5; monthsBack++) {
    for (const [service, organisation] of [
      ['pothole', county],
      ['missed-bin', district],
      ['falls-prevention', county],
      ['noise-complaint', district],
      // A few a month: every KPI of this organisation is from fewer cases than the threshold.
      ['noise-complaint', small],
    ] as const) {
      for (const area of ids.areas) {
        const kind = random();
        const count =
          organisation === small
            ? Math.floor(random() * 3)
            : kind < 0.3
              ? 0
              : kind < 0.6
                ? 1 + Math.floor(random() * 9)
                : 10 + Math.floor(random() * 20);
        for (let i = 0; i < count; i++) {
          const made = new Date(
            Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1 + Math.floor(random() * 27), 10),
          );
          const closed = random() < 0.8 ? new Date(made.getTime() + (1 + random() * 9) * DAY) : null;
          n++;
          rows.push({
            reference: `LK${String(n).padStart(2, '0').slice(-2)}-${String(n).padStart(4, '0')}`,
            service_code: service,
            organisation_id: organisation,
            area_id: area,
            route_basis: 'coverage' as const,
            channel: 'online' as const,
            lat: 52.2 + random() * 0.2,
            lon: -2.2 + random() * 0.5,
            description: `${MARKER} Bartholomew Quennell, NHS 943 476 5870, says the lamp is out`,
            address_string: '12 Tanner Row, Castlebridge',
            email: 'bart.quennell@example.com',
            first_name: 'Bartholomew',
            last_name: 'Quennell',
            phone: '07700 900461',
            status: closed ? ('closed' as const) : ('open' as const),
            status_reason: closed ? `Fixed for Bartholomew ${MARKER}` : null,
            requested_at: made,
            updated_at: closed ?? made,
            expected_at: new Date(made.getTime() + 5 * DAY),
          });
        }
      }
    }
  }
  await db.insertInto('cases').values(rows).execute();
}

async function published(openData: OpenDataService, id: string, format: string) {
  const [latest] = await openData.releases(id);
  const { bytes } = await openData.file(id, latest?.version as number, format);
  const parts: Buffer[] = [];
  for await (const part of bytes) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

type Stat = { month: string; organisation: string; service: string; area: string; requests: string };

/** The published statistics as one grid (services down, areas across, totals last) per organisation and month. */
function grids(rows: Stat[]) {
  const byTable = new Map<string, Stat[]>();
  for (const r of rows)
    byTable.set(`${r.organisation} ${r.month}`, [...(byTable.get(`${r.organisation} ${r.month}`) ?? []), r]);
  return [...byTable.entries()].map(([key, cells]) => {
    const services = [...new Set(cells.map((c) => c.service).filter((s) => s !== 'all'))].sort();
    const areas = [...new Set(cells.map((c) => c.area).filter((a) => a !== 'all'))].sort();
    const value = (s: string, a: string) => {
      const cell = cells.find((c) => c.service === s && c.area === a);
      if (!cell) return 0;
      return cell.requests === '' ? null : Number(cell.requests);
    };
    const grid: PublishedGrid = [...services, 'all'].map((s) => [...areas, 'all'].map((a) => value(s, a)));
    return { key, grid };
  });
}

const deps = () => ({
  db: t.services.database.db,
  clock: t.clock,
  governance: t.services.governance,
  places: t.services.places,
});

beforeAll(async () => {
  t = await testApp();
  await seedCases(new Date());
  // The KPIs worked out and the closed months kept, as the KPI job does, before publishing.
  await t.services.outcomes.kpis.recompute();
  for (const d of t.services.openData.datasets()) await t.services.openData.publish(d.id);
});
afterAll(() => t.close());

describe('open data lets nothing personal out', () => {
  it('has no name, email, phone number, NHS number or marker in any published byte', async () => {
    const seeded = await t.services.database.db
      .selectFrom('cases')
      .select('description')
      .where('description', 'like', `%${MARKER}%`)
      .execute();
    expect(seeded.length).toBeGreaterThan(50);
    const everything: string[] = [];
    for (const d of t.services.openData.datasets()) {
      const [latest] = await t.services.openData.releases(d.id);
      for (const file of latest?.files ?? [])
        everything.push(await published(t.services.openData, d.id, file.format));
    }
    expect(everything).toHaveLength(2 * t.services.openData.datasets().length);
    const all = everything.join('\n');
    expect(all).toContain('fellshire-cc'); // the search does find what is there
    for (const secret of personal) expect(all, secret).not.toContain(secret);
    expect(all).not.toMatch(/[\w.]+@[\w.]+\.\w+/);
  });

  it('publishes no location finer than the grid', async () => {
    const rows = JSON.parse(await published(t.services.openData, 'service-requests', 'json'));
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      const { easting, northing } = onGrid(row.latitude, row.longitude);
      const size = t.services.openData.settings.gridMetres;
      expect(row.grid_metres).toBe(size);
      expect(Math.abs(easting - (row.grid_easting + size / 2))).toBeLessThan(1);
      expect(Math.abs(northing - (row.grid_northing + size / 2))).toBeLessThan(1);
    }
  });

  it('publishes no request of a service published only as counts or never', async () => {
    const rows = JSON.parse(await published(t.services.openData, 'service-requests', 'json'));
    const services = new Set(rows.map((r: { service: string }) => r.service));
    expect([...services].sort()).toEqual(['missed-bin', 'pothole']);
    const stats = parse(await published(t.services.openData, 'service-statistics', 'csv'), {
      columns: true,
    }) as Stat[];
    expect(stats.some((s) => s.service === 'noise-complaint')).toBe(true);
    expect(stats.some((s) => s.service === 'falls-prevention')).toBe(false);
  });

  it('leaves no suppressed count that linear programming over the published table pins under the threshold', async () => {
    const stats = parse(await published(t.services.openData, 'service-statistics', 'csv'), {
      columns: true,
    }) as Stat[];
    const truth = openDataService({ ...deps(), unsafeWithoutDisclosureControl: true });
    await truth.publish('service-statistics');
    const actual = new Map(
      grids(parse(await published(truth, 'service-statistics', 'csv'), { columns: true }) as Stat[]).map(
        (g) => [g.key, g.grid],
      ),
    );
    let suppressed = 0;
    for (const { key, grid } of grids(stats)) {
      for (const { row, column, max } of intervals(grid)) {
        suppressed++;
        const value = actual.get(key)?.[row]?.[column] as number;
        if (value > 0 && value < THRESHOLD)
          expect(max, `${key} ${row},${column}`).toBeGreaterThanOrEqual(THRESHOLD);
      }
    }
    expect(suppressed).toBeGreaterThan(5);
    // Without disclosure control, the same audit finds the small counts in the open.
    const exposed = [...actual.values()].flat(2).filter((v) => v !== null && v > 0 && v < THRESHOLD);
    expect(exposed.length).toBeGreaterThan(0);
  });

  it('publishes each month once: two consecutive releases never differ by a few cases', async () => {
    const now = new Date();
    let at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    const clock = { now: () => at };
    const later = openDataService({ ...deps(), clock });
    await later.publish('service-statistics');
    const first = parse(await published(later, 'service-statistics', 'csv'), { columns: true }) as Stat[];
    at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 15));
    await later.publish('service-statistics');
    const second = parse(await published(later, 'service-statistics', 'csv'), { columns: true }) as Stat[];
    const key = (s: Stat) => `${s.month} ${s.organisation} ${s.service} ${s.area}`;
    const before = new Map(first.map((s) => [key(s), s.requests]));
    let shared = 0;
    for (const s of second) {
      if (!before.has(key(s))) continue;
      shared++;
      expect(s.requests, key(s)).toBe(before.get(key(s)));
    }
    expect(shared).toBeGreaterThan(10);
    // The second adds the month that closed in between, and changes none before it.
    expect(new Set(second.map((s) => s.month)).size).toBe(new Set(first.map((s) => s.month)).size + 1);
  });

  it('leaves no KPI figure from fewer cases than the threshold that the place’s total gives away', async () => {
    type KpiRow = Record<string, string>;
    const rows = parse(await published(t.services.openData, 'outcome-kpis', 'csv'), {
      columns: true,
    }) as KpiRow[];
    const organisations = await t.services.database.db
      .selectFrom('organisations')
      .select(['id', 'ref'])
      .execute();
    const refs = new Map(organisations.map((o) => [o.id, o.ref]));
    const truth = new Map(
      (await t.services.outcomes.kpis.kept()).map((v) => [
        `${v.kpi} ${v.month.slice(0, 7)} ${v.organisation_id ? refs.get(v.organisation_id) : 'all'}`,
        v,
      ]),
    );
    expect(rows.length).toBeGreaterThan(20);
    const lines = Map.groupBy(rows, (r) => `${r.kpi} ${r.month}`);
    let suppressed = 0;
    for (const [key, line] of lines) {
      for (const field of ['denominator', 'numerator'] as const) {
        if (field === 'numerator' && line[0]?.unit !== 'percent') continue;
        // One organisation a column, the place's total last: a row of a table with its total.
        const figures = line.map((r) => (r[field] === '' ? null : Number(r[field])));
        for (const { row, column, max } of intervals([figures, figures])) {
          if (row !== 0) continue;
          suppressed++;
          const actual = truth.get(`${key} ${line[column]?.organisation}`)?.[field] ?? 0;
          if (actual > 0 && actual < THRESHOLD)
            expect(max, `${key} ${line[column]?.organisation} ${field}`).toBeGreaterThanOrEqual(THRESHOLD);
        }
      }
      for (const r of line) {
        if (r.suppressed === 'yes') expect(r.too_few_cases, key).toBe('yes');
        else expect(Number(r.denominator) === 0 || Number(r.denominator) >= THRESHOLD, key).toBe(true);
      }
    }
    expect(suppressed).toBeGreaterThan(5);
    // Without disclosure control, the same figures are there in the open.
    const exposed = [...truth.values()].filter((v) => v.denominator > 0 && v.denominator < THRESHOLD);
    expect(exposed.length).toBeGreaterThan(0);
  });

  it('publishes each KPI month once: cases added to a closed month change no published figure', async () => {
    type KpiRow = Record<string, string>;
    const before = parse(await published(t.services.openData, 'outcome-kpis', 'csv'), {
      columns: true,
    }) as KpiRow[];
    const now = new Date();
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 10));
    const db = t.services.database.db;
    const [county] = await db
      .selectFrom('organisations')
      .select('id')
      .where('ref', '=', 'fellshire-cc')
      .execute();
    await db
      .insertInto('cases')
      .values(
        Array.from({ length: 25 }, (_, i) => ({
          reference: `LL${String(i).padStart(2, '0')}-LATE`,
          service_code: 'pothole',
          organisation_id: county?.id as string,
          route_basis: 'coverage' as const,
          channel: 'online' as const,
          lat: 52.25,
          lon: -2.1,
          description: 'Late',
          status: 'open' as const,
          requested_at: month,
          updated_at: month,
          expected_at: new Date(month.getTime() + 5 * DAY),
        })),
      )
      .execute();
    await t.services.outcomes.kpis.recompute();
    const live = (await t.services.outcomes.kpis.published()).kpis
      .find((k) => k.kpi.id === 'channel-shift')
      ?.values.find((v) => v.organisation === 'fellshire-cc' && v.month === month.toISOString().slice(0, 7));
    const after = parse(await published(t.services.openData, 'outcome-kpis', 'csv'), {
      columns: true,
    }) as KpiRow[];
    const kept = (await t.services.outcomes.kpis.kept()).find(
      (v) =>
        v.kpi === 'channel-shift' &&
        v.organisation_id === county?.id &&
        v.month === `${month.toISOString().slice(0, 7)}-01`,
    );
    // The live value counts the late cases; the kept and published month is as it was.
    expect(live?.denominator).toBe((kept?.denominator ?? 0) + 25);
    expect(after).toEqual(before);
  });
});
