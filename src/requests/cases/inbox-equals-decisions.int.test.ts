// The inbox filters in SQL with the same meaning as the policies decide one case at a time:
// for random cases, referrals in every state and agreements active, draft, revoked, expired or
// not yet in force, covering cases or not, the inbox lists exactly the cases the guard lets the
// person read, or decide a referral of; and still does once one of the agreements is revoked
// or expires under the referrals made with it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { governanceService, type Principal } from '../../governance/index.ts';
import { systemClock } from '../../platform/index.ts';
import { caseGuard } from '../guard.ts';
import { findCase } from '../store.ts';
import * as store from './store.ts';

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
const span = { current: [day(-5), day(5)], expired: [day(-20), day(-10)], future: [day(10), day(20)] };

const world = fc.record({
  cases: fc.array(fc.record({ org: fc.nat(3), level: fc.integer({ min: 1, max: 2 }) }), {
    minLength: 1,
    maxLength: 6,
  }),
  agreements: fc.array(
    fc.record({
      parties: fc.uniqueArray(fc.nat(3), { minLength: 2, maxLength: 4 }),
      datasets: fc.constantFrom(['cases'], ['cases', 'person-records'], ['person-records']),
      purposes: fc.subarray([...purposeList], { minLength: 2 }),
      highest: fc.integer({ min: 1, max: 2 }),
      // Mostly in force, so that what else decides (purposes, parties, markings) is tried often.
      status: fc.constantFrom('active', 'active', 'active', 'active', 'draft', 'revoked'),
      when: fc.constantFrom('current', 'current', 'current', 'current', 'expired', 'future'),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  referrals: fc.array(
    fc.record({
      case: fc.nat(5),
      to: fc.nat(3),
      status: fc.constantFrom('pending', 'accepted', 'declined'),
      purpose: fc.constantFrom(...purposeList),
      agreement: fc.nat(2),
    }),
    { maxLength: 8 },
  ),
  change: fc.record({ agreement: fc.nat(2), to: fc.constantFrom('revoked', 'expired') }),
  principal: fc.record({
    orgs: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 2 }),
    clearance: fc.integer({ min: 1, max: 2 }),
  }),
});

type World = typeof world extends fc.Arbitrary<infer W> ? W : never;
type Trx = TestContext['services']['database']['db'];

class Rollback extends Error {}

async function insertAgreements(trx: Trx, w: World): Promise<string[]> {
  const ids: string[] = [];
  for (const a of w.agreements) {
    const [startsOn, endsOn] = span[a.when];
    const { id } = await trx
      .insertInto('sharing_agreements')
      .values({
        title: 'A',
        datasets: [...a.datasets],
        purposes: a.purposes,
        lawful_basis: 'public_task',
        highest_marking: a.highest,
        starts_on: startsOn as string,
        ends_on: endsOn as string,
        status: a.status,
        created_by: creator,
        ...(a.status === 'revoked'
          ? { revoked_by: creator, revoked_at: new Date(), revocation_reason: 'r' }
          : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('agreement_parties')
      .values(a.parties.map((p) => ({ agreement_id: id, organisation_id: organisations[p] as string })))
      .execute();
    ids.push(id);
  }
  return ids;
}

async function insertCases(trx: Trx, w: World, agreements: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, c] of w.cases.entries()) {
    const { id } = await trx
      .insertInto('cases')
      .values({
        reference: `TEST-${String(i).padStart(4, '0')}`,
        service_code: 'home-fire-safety-visit',
        organisation_id: organisations[c.org] as string,
        route_basis: 'coverage',
        lat: 54.6,
        lon: -2.9,
        marking_level: c.level,
        channel: 'online',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(id);
  }
  for (const r of w.referrals) {
    const held = w.cases[r.case % w.cases.length];
    if (!held || held.org === r.to) continue;
    await trx
      .insertInto('referrals')
      .values({
        case_id: ids[r.case % ids.length] as string,
        from_organisation_id: organisations[held.org] as string,
        to_organisation_id: organisations[r.to] as string,
        purpose: r.purpose,
        agreement_id: agreements[r.agreement % agreements.length] as string,
        note: 'n',
        status: r.status,
        decision_reason: r.status === 'declined' ? 'no' : null,
        created_by: creator,
        decided_by: r.status === 'pending' ? null : creator,
        decided_at: r.status === 'pending' ? null : new Date(),
      })
      .execute();
  }
  return ids;
}

describe('the inbox and the decisions agree', () => {
  it('lists exactly the cases the guard allows, for random referrals and agreements in every state', async () => {
    const pdp = t.services.governance.pdp;
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await t.services.database.db
          .transaction()
          .execute(async (trx) => {
            const governance = governanceService(trx, systemClock, pdp, t.services.places);
            const guard = caseGuard(trx, governance);
            const agreements = await insertAgreements(trx, w);
            const ids = await insertCases(trx, w, agreements);
            const principal: Principal = {
              actor: { accountId: creator, kind: 'staff', name: 'x', email: 'x@x.org', roles: [] },
              kind: 'staff',
              accountId: creator,
              organisations: w.principal.orgs.map((o) => organisations[o] as string),
              manages: [],
              clearance: w.principal.clearance,
            };
            const agree = async () => {
              const inForce = await governance.agreementsInForce(principal.organisations, null);
              const scope = {
                organisationIds: principal.organisations,
                clearance: principal.clearance,
                inForce,
              };
              const listed = (await store.inbox(trx, scope, {}, new Date()))
                .map((r) => r.id)
                .filter((id) => ids.includes(id))
                .sort();
              const allowed: string[] = [];
              for (const id of ids) {
                const row = await findCase(trx, { id });
                if (row && guard.listed(principal, row, inForce).allowed) allowed.push(id);
              }
              expect(listed).toEqual(allowed.sort());
            };
            await agree();
            // Then an agreement changes state under the referrals made with it, and they agree still.
            const changed = agreements[w.change.agreement % agreements.length] as string;
            if (w.change.to === 'revoked')
              await trx
                .updateTable('sharing_agreements')
                .set({
                  status: 'revoked',
                  revoked_by: creator,
                  revoked_at: new Date(),
                  revocation_reason: 'r',
                })
                .where('id', '=', changed)
                .where('status', '!=', 'revoked')
                .execute();
            else
              await trx
                .updateTable('sharing_agreements')
                .set({ ends_on: day(-1), starts_on: day(-30) })
                .where('id', '=', changed)
                .execute();
            await agree();
            throw new Rollback();
          })
          .catch((error) => {
            if (!(error instanceof Rollback)) throw error;
          });
      }),
      { numRuns: 200 },
    );
  }, 180_000);
});
