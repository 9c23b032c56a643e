// The savings ledger's use-cases: partners record savings, the recorder marks them realised or
// reverses them with a reason, another partner verifies them; each decided by the policies
// (policies/savings.cedar) through the guard, each change and its ledger entry in one
// transaction. Totals by partner and financial year; channel shift's saving computed.
import { readFileSync } from 'node:fs';
import type { Db } from '../../db/index.ts';
import { cedarOrganisation, type GovernanceService } from '../../governance/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, type Clock, Conflict, Invalid, NotFound } from '../../platform/index.ts';
import { checkSaving, moves, type SavingInput, type SavingState } from './saving.ts';
import { type ChannelMonth, channelShiftSavings, financialYear, readUnitCosts } from './shift.ts';
import * as store from './store.ts';

export const unitCosts = readUnitCosts(readFileSync(new URL('unit-costs.yaml', import.meta.url), 'utf8'));

type Places = Pick<PlacesService, 'organisations' | 'organisationIds' | 'organisationsById'>;

/** The organisations (ids) where the person holds the manager role. */
async function managerOf(places: Places, actor: Actor) {
  const refs = actor.roles.filter((r) => r.role === 'manager').map((r) => r.organisation);
  return [...(await places.organisationIds(refs)).values()];
}

/** Channel shift's saving by financial year for each organisation and the place. */
async function channelShift(db: Db) {
  const rows = await store.channelCounts(db);
  const byOrg = new Map<string | null, Map<string, ChannelMonth>>();
  for (const r of rows) {
    const months = byOrg.get(r.organisation_id) ?? new Map<string, ChannelMonth>();
    const m = months.get(r.month) ?? { month: r.month, counts: {} };
    m.counts[r.channel] = r.n;
    months.set(r.month, m);
    byOrg.set(r.organisation_id, months);
  }
  return [...byOrg].map(([organisationId, months]) => ({
    organisationId,
    ...channelShiftSavings([...months.values()], unitCosts),
  }));
}

/** What the policies are asked to move a saving on: the saving in Cedar's terms, the verifier in the context. */
function moveQuestion(row: store.SavingRow, state: SavingState, verifierId: string | undefined) {
  return {
    action: state === 'verified' ? 'verifySaving' : 'changeSaving',
    resource: {
      uid: { type: 'Flagstone::Saving', id: row.id },
      attrs: {
        recordedBy: cedarOrganisation(row.recorded_by_organisation),
        sharedBy: row.shares.map((s) => cedarOrganisation(s.organisation_id)),
      },
    },
    context: verifierId ? { receiver: cedarOrganisation(verifierId) } : {},
  };
}

/** A saving as given, with the organisation recording it and whether it is planned or already realised. */
export type NewSaving = SavingInput & { organisation?: string; state?: string };
interface Deps {
  db: Db;
  clock: Clock;
  governance: GovernanceService;
  places: Places;
}

/** Records a saving for an organisation the person manages: planned, or already realised. */
async function recordSaving(
  { db, clock, governance, places }: Deps,
  actor: Actor | null,
  input: NewSaving,
  requestId?: string,
) {
  const p = await governance.principal(actor);
  const known = new Set((await places.organisations()).map((o) => o.ref));
  const ref = (input.organisation ?? '').trim();
  const id = (await places.organisationIds([ref])).get(ref);
  const entry = await governance.guard.permit(p, {
    action: 'recordSaving',
    resource: { uid: { type: 'Flagstone::Organisation', id: id ?? 'none' }, attrs: {} },
    principalAttrs: { managerOf: (await managerOf(places, p.actor)).map(cedarOrganisation) },
    entry: {
      action: 'saving.record',
      actor: governance.actorOf(p, ref),
      resource: { type: 'saving', id: id ?? ref, organisation: ref },
      requestId: requestId ?? null,
    },
    refusal: 'Only a manager of the organisation can record its savings',
  });
  const { errors, saving } = checkSaving(input, known, financialYear(clock.now().toISOString().slice(0, 10)));
  const state = input.state === 'realised' ? 'realised' : 'planned';
  if (errors.length > 0) throw new Invalid('The saving has errors', errors);
  const ids = await places.organisationIds(saving.shares.map((s) => s.organisation));
  const shares = saving.shares.map((s) => ({
    organisationId: ids.get(s.organisation) as string,
    basisPoints: s.basisPoints,
  }));
  const at = clock.now();
  return db.transaction().execute(async (trx) => {
    const by = { organisationId: id as string, accountId: p.actor.accountId, at };
    const savingId = await store.insertSaving(trx, saving, by, shares);
    await store.insertEntry(trx, { savingId, state, ...by, reason: null });
    const detail = {
      state,
      amountPence: saving.amountPence,
      shares: saving.shares.map((s) => `${s.organisation} ${s.basisPoints / 100}%`).join(', '),
    };
    await governance.guard.write(trx, [
      entry.as({ resource: { type: 'saving', id: savingId, organisation: ref }, detail }),
    ]);
    return savingId;
  });
}

/** The ledger as the API gives it: organisations by reference, amounts in pounds. */
async function publishedSavings(db: Db, places: Places) {
  const rows = await store.savings(db);
  const ids = rows.flatMap((r) => [
    r.recorded_by_organisation,
    ...r.shares.map((s) => s.organisation_id),
    ...r.entries.map((e) => e.organisation_id),
  ]);
  const named = await places.organisationsById(ids);
  const ref = (id: string) => named.get(id)?.ref ?? id;
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    evidence: r.evidence,
    cashable: r.cashable,
    recurring: r.recurring,
    amount: Number(r.amount_pence) / 100,
    financialYear: r.financial_year,
    recordedBy: ref(r.recorded_by_organisation),
    state: r.state,
    shares: r.shares.map((s) => ({
      organisation: ref(s.organisation_id),
      percent: s.share_basis_points / 100,
    })),
    entries: r.entries.map((e) => ({
      state: e.state,
      organisation: ref(e.organisation_id),
      reason: e.reason,
      at: new Date(e.at).toISOString(),
    })),
  }));
}

export function savingsService(db: Db, clock: Clock, governance: GovernanceService, places: Places) {
  let shift: { run: number; result: ReturnType<typeof channelShift> } | null = null;
  const thisYear = () => financialYear(clock.now().toISOString().slice(0, 10));

  async function one(id: string) {
    const [row] = /^[0-9a-f-]{36}$/.test(id) ? await store.savings(db, id) : [];
    if (!row) throw new NotFound('There is no saving with that reference');
    return row;
  }

  return {
    record: (actor: Actor | null, input: NewSaving, requestId?: string) =>
      recordSaving({ db, clock, governance, places }, actor, input, requestId),

    /** Moves a saving on: realised or reversed (with a reason) by its recorder, verified by another partner. */
    async move(
      actor: Actor | null,
      id: string,
      change: { state?: string; organisation?: string; reason?: string },
      requestId?: string,
    ) {
      const p = await governance.principal(actor);
      const row = await one(id);
      const state = change.state as SavingState;
      if (!moves[row.state].includes(state))
        throw new Conflict(`A saving that is ${row.state} cannot be marked ${change.state ?? 'nothing'}`);
      const reason = (change.reason ?? '').trim();
      if (state === 'reversed' && !reason)
        throw new Invalid('Say why', [{ field: 'reason', message: 'Say why the saving is reversed' }]);
      if (reason.length > 1000)
        throw new Invalid('Too long', [{ field: 'reason', message: 'Use 1000 characters or fewer' }]);
      const named = await places.organisationsById([row.recorded_by_organisation]);
      const recorder = named.get(row.recorded_by_organisation)?.ref as string;
      const verifier = state === 'verified' ? (change.organisation ?? '').trim() : recorder;
      const verifierId = (await places.organisationIds([verifier])).get(verifier);
      const entry = await governance.guard.permit(p, {
        ...moveQuestion(row, state, verifierId),
        principalAttrs: { managerOf: (await managerOf(places, p.actor)).map(cedarOrganisation) },
        entry: {
          action: `saving.${state}`,
          actor: governance.actorOf(p, verifier),
          resource: { type: 'saving', id, organisation: recorder },
          requestId: requestId ?? null,
        },
        refusal:
          state === 'verified'
            ? 'A saving is verified by a manager of another partner, not of the organisation that recorded it'
            : 'Only a manager of the organisation that recorded the saving can change it',
      });
      await db.transaction().execute(async (trx) => {
        const by = { organisationId: verifierId as string, accountId: p.actor.accountId, at: clock.now() };
        await store.insertEntry(trx, { savingId: id, state, ...by, reason: reason || null });
        await governance.guard.write(trx, [entry.as({ detail: { state, ...(reason ? { reason } : {}) } })]);
      });
    },

    one,
    list: () => store.savings(db),

    published: () => publishedSavings(db, places),
    thisYear,
    unitCosts,

    /** Channel shift's saving, worked out once each time the KPI job refreshes the requests' facts. */
    async channelShift() {
      const run = await store.factsRun(db);
      if (!shift || shift.run !== run)
        shift = {
          run,
          result: channelShift(db).catch((error) => {
            shift = null; // not kept: tried again next time
            throw error;
          }),
        };
      return shift.result;
    },
  };
}

export type SavingsService = ReturnType<typeof savingsService>;
