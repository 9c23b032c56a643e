// Lists and searches filter in SQL (`guard.list`) with the same meaning as the guard's
// decisions: for random organisations, agreements, markings, records and principals, a search
// returns exactly the records that the guard allows one by one.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { systemClock } from '../../platform/index.ts';
import { recordAsk, recordsForTesting } from '../../registers/index.ts';
import * as store from '../agreements/index.ts';
import { governanceService } from '../service.ts';
import type { Principal } from './principal.ts';

let t: TestContext;
let organisations: string[];
let creator: string;

beforeAll(async () => {
  t = await testApp();
  organisations = [
    ...(
      await t.services.places.organisationIds([
        'fellshire-cc',
        'ashby-vale-dc',
        'fellshire-fire',
        'fellshire-nhs',
      ])
    ).values(),
  ];
  const { rows } = await t.services.database.pool.query(
    `SELECT id FROM accounts WHERE kind = 'staff' LIMIT 1`,
  );
  creator = rows[0].id;
});
afterAll(() => t.close());

const purposeList = ['safeguarding', 'direct_care', 'statistics'] as const;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const world = fc.record({
  records: fc.array(
    fc.record({
      org: fc.nat(3),
      level: fc.integer({ min: 1, max: 2 }),
      locsen: fc.boolean(),
      aboutCitizen: fc.boolean(),
    }),
    {
      minLength: 1,
      maxLength: 12,
    },
  ),
  agreements: fc.array(
    fc.record({
      parties: fc.uniqueArray(fc.nat(3), { minLength: 2, maxLength: 4 }),
      purposes: fc.subarray([...purposeList], { minLength: 1 }),
      highest: fc.integer({ min: 1, max: 2 }),
      status: fc.constantFrom('active', 'active', 'active', 'draft', 'revoked'),
      when: fc.constantFrom('current', 'current', 'current', 'expired', 'future'),
    }),
    { maxLength: 4 },
  ),
  principal: fc.record({
    citizen: fc.constantFrom(false, false, false, true),
    orgs: fc.uniqueArray(fc.nat(3), { maxLength: 2 }),
    clearance: fc.integer({ min: 1, max: 2 }),
  }),
  purpose: fc.option(fc.constantFrom(...purposeList), { nil: null, freq: 4 }),
});

class Rollback extends Error {}

describe('search and authorize agree', () => {
  it('returns exactly the records authorize allows, for random worlds', async () => {
    const pdp = t.services.governance.pdp;
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await t.services.database.db
          .transaction()
          .execute(async (trx) => {
            const governance = governanceService(trx, systemClock, pdp, t.services.places);
            const citizen = (
              await trx
                .selectFrom('accounts')
                .select('id')
                .where('kind', '=', 'citizen')
                .executeTakeFirstOrThrow()
            ).id;
            await trx.deleteFrom('local_records').execute();
            await trx.deleteFrom('correction_requests').execute();
            await trx.deleteFrom('sharing_agreements').execute();
            for (const [i, r] of w.records.entries()) {
              await recordsForTesting.insert(trx, {
                organisationId: organisations[r.org] as string,
                localRef: `P-${i}`,
                marking: r.level === 2 ? 'OFFICIAL-SENSITIVE' : 'OFFICIAL',
                handling: r.level === 2 && r.locsen ? 'LOCSEN' : null,
                subjectAccountId: r.aboutCitizen ? citizen : null,
              });
            }
            for (const a of w.agreements) {
              const [startsOn, endsOn] =
                a.when === 'current'
                  ? [day(-5), day(5)]
                  : a.when === 'expired'
                    ? [day(-20), day(-10)]
                    : [day(10), day(20)];
              const id = await store.insertAgreement(
                trx,
                {
                  title: 'A',
                  datasets: ['person-records'],
                  purposes: a.purposes,
                  lawfulBasis: 'public_task',
                  specialCategoryBasis: null,
                  highestMarking: a.highest,
                  startsOn,
                  endsOn,
                  createdBy: creator,
                },
                a.parties.map((p) => organisations[p] as string),
              );
              if (a.status !== 'draft') {
                await store.setAgreementStatus(
                  trx,
                  id,
                  a.status as 'active' | 'revoked',
                  a.status === 'revoked' ? { by: creator, at: new Date(), reason: 'r' } : undefined,
                );
              }
            }
            const principal: Principal = w.principal.citizen
              ? {
                  actor: { accountId: citizen, kind: 'citizen', name: 'c', email: 'c@x.org', roles: [] },
                  kind: 'citizen',
                  accountId: citizen,
                  organisations: [],
                  manages: [],
                  clearance: 0,
                }
              : {
                  actor: { accountId: creator, kind: 'staff', name: 'x', email: 'x@x.org', roles: [] },
                  kind: 'staff',
                  accountId: creator,
                  organisations: w.principal.orgs.map((o) => organisations[o] as string),
                  manages: [],
                  clearance: w.principal.clearance,
                };
            const scope = await governance.guard.list(principal, w.purpose);
            const found = (await recordsForTesting.search(trx, scope)).map((r) => r.id).sort();
            const allowed: string[] = [];
            for (const row of await recordsForTesting.all(trx)) {
              const read = governance.guard.decide(
                principal,
                await recordAsk(governance, principal, 'read', row, { purpose: w.purpose }),
              );
              if (read.allowed) allowed.push(row.id);
            }
            expect(found).toEqual(allowed.sort());
            throw new Rollback();
          })
          .catch((error) => {
            if (!(error instanceof Rollback)) throw error;
          });
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
