// The guard against the real policies, with a ledger that only remembers what it was given:
// what is decided, what is written (and when), and what a refused person is told.
import { beforeAll, describe, expect, it } from 'vitest';
import { Forbidden, Invalid } from '../../platform/index.ts';
import type { DecisionEntry } from '../ledger/index.ts';
import { agreementContext, cedarOrganisation } from './entities.ts';
import { type Ask, type Guard, guard } from './guard.ts';
import { loadPolicies } from './pdp.ts';
import type { Principal } from './principal.ts';

const council = 'c0000000-0000-4000-8000-000000000001';
const fire = 'c0000000-0000-4000-8000-000000000002';

const staff = (organisations: string[], options: { admin?: boolean } = {}): Principal => ({
  actor: {
    accountId: 'a0000000-0000-4000-8000-000000000001',
    kind: 'staff',
    name: 'Sam',
    email: 'sam@example.org',
    roles: [
      {
        organisation: 'fellshire-cc',
        organisationName: 'Fellshire',
        role: options.admin ? 'admin' : 'staff',
      },
    ],
  },
  kind: 'staff',
  accountId: 'a0000000-0000-4000-8000-000000000001',
  organisations,
  manages: [],
  clearance: 1,
});

let recorded: DecisionEntry[][];
let appended: { trx: unknown; entries: DecisionEntry[] }[];
let theGuard: Guard;

beforeAll(async () => {
  const pdp = await loadPolicies();
  theGuard = guard(
    pdp,
    {
      record: async (entries) => {
        recorded.push(entries as DecisionEntry[]);
      },
      append: async (trx, entries) => {
        appended.push({ trx, entries: entries as DecisionEntry[] });
        return [];
      },
    },
    {
      principal: async () => staff([council]),
      agreementsInForce: async () => [],
    },
  );
});

const reset = () => {
  recorded = [];
  appended = [];
};

const outbox = (administers: boolean): Ask => ({
  action: 'readOutbox',
  resource: { uid: { type: 'Flagstone::Outbox', id: 'outbox' }, attrs: {} },
  principalAttrs: { administers },
  entry: { action: 'notification.outbox-read', resource: { type: 'notification-outbox', id: 'outbox' } },
  refusal: 'Only an administrator can see the messages waiting to go',
});

const record = (organisation: string) => ({
  uid: { type: 'Flagstone::PersonRecord', id: 'r1' },
  attrs: { organisation: cedarOrganisation(organisation), marking: 1 },
});

const agreement = {
  id: 'g1',
  parties: [council, fire],
  datasets: ['person-records'],
  purposes: ['safeguarding'],
  highestMarking: 2,
};

describe('the guard', () => {
  it('gives an allowed decision, naming its policies, and writes it only when told to', async () => {
    reset();
    const permit = await theGuard.permit(staff([council], { admin: true }), outbox(true));
    expect(permit.allowed).toBe(true);
    expect(permit.entry).toEqual({
      action: 'notification.outbox-read',
      resource: { type: 'notification-outbox', id: 'outbox' },
      decision: 'allow',
      policies: ['outbox-administrators'],
    });
    expect(recorded).toEqual([]);
    await theGuard.write('the transaction' as never, [permit.as({ detail: { shown: 3 } })]);
    expect(appended).toEqual([
      { trx: 'the transaction', entries: [{ ...permit.entry, detail: { shown: 3 } }] },
    ]);
    expect(recorded).toEqual([]);
  });

  it('writes a refusal after the refused reads that led to it, then throws what the person is told', async () => {
    reset();
    const read = theGuard.decide(staff([council]), {
      ...outbox(false),
      entry: { action: 'person-record.read' },
    });
    expect(read.allowed).toBe(false);
    const refusal = await theGuard.permit(staff([council]), outbox(false), [read]).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Forbidden);
    expect(refusal).toHaveProperty('message', 'Only an administrator can see the messages waiting to go');
    expect(recorded).toEqual([
      [
        { action: 'person-record.read', decision: 'deny', policies: [] },
        {
          action: 'notification.outbox-read',
          resource: { type: 'notification-outbox', id: 'outbox' },
          decision: 'deny',
          policies: [],
        },
      ],
    ]);
  });

  it('throws the error a refusal names, made only when refused', async () => {
    reset();
    let made = 0;
    const invalid = () => {
      made++;
      return new Invalid('Unknown purpose', []);
    };
    await theGuard.permit(staff([council], { admin: true }), { ...outbox(true), refusal: invalid });
    expect(made).toBe(0);
    await expect(
      theGuard.permit(staff([council]), { ...outbox(false), refusal: invalid }),
    ).rejects.toBeInstanceOf(Invalid);
    expect(made).toBe(1);
  });

  it('tries the grounds in turn and writes the one that allowed it; refuses when none does', () => {
    const ask: Ask = {
      action: 'read',
      resource: record(fire),
      context: { purpose: 'safeguarding' },
      grounds: [
        {},
        { context: { agreement: agreementContext(agreement) }, entry: { agreement: 'g1' } },
        { context: { breakGlassReason: 'fire' }, entry: { breakGlass: true, reason: 'fire' } },
      ],
      entry: { action: 'person-record.read', agreement: null, breakGlass: false, reason: null },
      refusal: 'You may not see this record',
    };
    expect(theGuard.decide(staff([council]), ask).entry).toEqual({
      action: 'person-record.read',
      agreement: 'g1',
      breakGlass: false,
      reason: null,
      decision: 'allow',
      policies: ['sharing-agreement'],
    });
    expect(theGuard.decide(staff([council]), { ...ask, context: { purpose: 'statistics' } }).entry).toEqual({
      action: 'person-record.read',
      agreement: null,
      breakGlass: false,
      reason: null,
      decision: 'deny',
      policies: [],
    });
    expect(theGuard.decide(staff([fire]), { ...ask, grounds: [] }).allowed).toBe(false);
    expect(theGuard.decide(staff([fire]), ask).entry).toMatchObject({ decision: 'allow', agreement: null });
  });

  it('reads in one call: a refused read loads nothing; an allowed one is written with what it loaded', async () => {
    reset();
    let loads = 0;
    const load = () => {
      loads++;
      return ['a', 'b'];
    };
    await expect(theGuard.read(staff([council]), outbox(false), load)).rejects.toBeInstanceOf(Forbidden);
    expect(loads).toBe(0);
    const rows = await theGuard.read(staff([council], { admin: true }), outbox(true), load, (shown) => ({
      detail: { shown: shown.length },
    }));
    expect(rows).toEqual(['a', 'b']);
    expect(recorded.at(-1)).toEqual([
      {
        action: 'notification.outbox-read',
        resource: { type: 'notification-outbox', id: 'outbox' },
        decision: 'allow',
        policies: ['outbox-administrators'],
        detail: { shown: 2 },
      },
    ]);
  });

  it('lets a module refuse what the policies allow, and never changes a decision by changing its entry', () => {
    const permit = theGuard.decide(staff([council], { admin: true }), outbox(true));
    expect(permit.as({ action: 'case.read' }).entry).toMatchObject({
      action: 'case.read',
      decision: 'allow',
    });
    expect(permit.refused().entry).toMatchObject({ decision: 'deny', policies: [] });
    expect(permit.refused({ keepPolicies: true }).entry).toMatchObject({
      decision: 'deny',
      policies: ['outbox-administrators'],
    });
    expect(permit.allowed).toBe(true);
    expect(Object.isFrozen(permit.entry)).toBe(true);
  });

  it('says whether the policies would allow something without writing it', () => {
    reset();
    expect(theGuard.allows(staff([council], { admin: true }), outbox(true))).toBe(true);
    expect(theGuard.allows(staff([council]), outbox(false))).toBe(false);
    expect(recorded).toEqual([]);
    expect(appended).toEqual([]);
  });

  it('refuses a list for an unknown purpose', async () => {
    await expect(theGuard.list(staff([council]), 'curiosity')).rejects.toBeInstanceOf(Invalid);
    expect(await theGuard.list(staff([council]), null)).toEqual({
      citizenAccountId: null,
      withheldFromCitizen: [],
      organisations: [[council, 1]],
    });
  });
});
