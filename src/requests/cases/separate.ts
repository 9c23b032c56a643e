// Staff separate a report that was joined to another case but is not the same problem: it
// becomes a case of its own again (open, with its own target), both histories say why, and
// the person who made it is told it is now handled on its own. Reports are joined only when
// they arrive, so a separated report is never joined again by itself.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Decision, GovernanceService, Principal } from '../../governance/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import { type Actor, type Clock, Conflict, Invalid, NotFound } from '../../platform/index.ts';
import { caseAsk } from '../access.ts';
import { type CaseRow, facts, statusNames } from '../case.ts';
import { definitionOf } from '../service-definitions.ts';
import { findCase, insertUpdate } from '../store.ts';
import { authorOf } from './updates.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = 86_400_000;

/** What the person who made the report is told. */
export const handledOnItsOwn = (original: string) =>
  `We have looked again: your report is not about the same problem as ${original}, so it is now being handled on its own.`;

interface Deps {
  db: Db;
  clock: Clock;
  governance: GovernanceService;
  notify: NotifyService;
}

/** Only staff of the organisation holding a case, allowed to update it, separate it: a refusal is in the ledger. */
async function check(
  { governance }: Deps,
  p: Principal,
  row: CaseRow,
  requestId?: string,
): Promise<Decision> {
  const ask = caseAsk('updateCase', facts(row), {
    action: 'case.separate',
    actor: governance.actorOf(p, row.organisation),
    resource: { type: 'case', id: row.id, organisation: row.organisation },
    subject: row.citizen_account_id,
    requestId: requestId ?? null,
  });
  // A citizen is refused without asking; staff the policies let update a case referred to
  // them are refused too (only the holder separates), the entry naming those policies.
  const decision = governance.guard.decide(p, p.kind === 'staff' ? ask : { ...ask, grounds: [] });
  const holder = p.organisations.includes(row.organisation_id);
  const decided = decision.allowed && holder ? decision : decision.refused({ keepPolicies: true });
  if (!decided.allowed)
    await governance.guard.refuse(
      [decided],
      'Only staff of the organisation holding the case can separate it',
    );
  return decided;
}

async function load(db: Db, id: string) {
  const row = uuid.test(id) ? await findCase(db, { id }) : null;
  if (!row) throw new NotFound('There is no such case');
  return row;
}

/** The report on its own again, both histories saying why, the ledger and the citizen told: one transaction. */
async function storeSeparation(
  { db, clock, governance, notify }: Deps,
  p: Principal,
  { row, original, entry, reason }: { row: CaseRow; original: CaseRow; entry: Decision; reason: string },
) {
  const now = clock.now();
  const told = handledOnItsOwn(original.reference);
  const note = (body: string, caseId: string) => ({
    case_id: caseId,
    kind: 'internal' as const,
    body,
    status: null,
    organisation_id: row.organisation_id,
    ...authorOf(p),
    created_at: now,
  });
  await db.transaction().execute(async (trx) => {
    if (!(await separateStored(trx, row, original.id, targetOf(row), now)))
      throw new Conflict('The case was changed by someone else: reload it and try again');
    await insertUpdate(trx, { ...note(told, row.id), kind: 'public', status: 'open' });
    await insertUpdate(trx, note(`Not the same problem as ${original.reference}: ${reason}`, row.id));
    await insertUpdate(
      trx,
      note(`${row.reference} is not the same problem, and was separated: ${reason}`, original.id),
    );
    await governance.guard.write(trx, [
      entry.as({ detail: { from: original.reference } }),
      entry.as({
        resource: { type: 'case', id: original.id, organisation: original.organisation },
        subject: original.citizen_account_id,
        detail: { separated: row.reference },
      }),
    ]);
    if (row.email)
      await notify.queue(trx, [
        {
          channel: 'email',
          recipient: row.email,
          template: 'request-updated',
          personalisation: { reference: row.reference, status: statusNames.open, update: told },
          reference: row.reference,
        },
      ]);
  });
  notify.nudge();
}

export function separationService(
  db: Db,
  clock: Clock,
  governance: GovernanceService,
  notify: NotifyService,
) {
  const deps: Deps = { db, clock, governance, notify };
  return {
    /** The report and the case it is joined to, for the page that asks why (the read is in the ledger). */
    async joined(actor: Actor | null, id: string, requestId?: string) {
      const p = await governance.principal(actor);
      const row = await load(db, id);
      const entry = await check(deps, p, row, requestId);
      await governance.guard.record([entry.as({ action: 'case.read' })]);
      if (!row.duplicate_of) throw notJoined(row.reference);
      const original = await load(db, row.duplicate_of);
      return {
        id: row.id,
        reference: row.reference,
        serviceName: row.service_name,
        joinedTo: { id: original.id, reference: original.reference },
        target: targetOf(row),
      };
    },

    async separate(actor: Actor | null, id: string, input: { reason: string }, requestId?: string) {
      const p = await governance.principal(actor);
      const row = await load(db, id);
      const entry = await check(deps, p, row, requestId);
      if (!row.duplicate_of) throw notJoined(row.reference);
      const reason = input.reason.trim();
      if (!reason || reason.length > 1000)
        throw new Invalid('Say why', [
          {
            field: 'reason',
            message: reason ? 'Use 1000 characters or fewer' : 'Enter why this is not the same problem',
          },
        ]);
      const original = await load(db, row.duplicate_of);
      await check(deps, p, original, requestId);
      await storeSeparation(deps, p, { row, original, entry, reason });
    },
  };
}

export type SeparationService = ReturnType<typeof separationService>;

const notJoined = (reference: string) =>
  new Conflict(`Case ${reference} is not joined to another case: there is nothing to separate`);

/** The target of a report on its own: the service's target time, counted from when it was made. */
const targetOf = (row: CaseRow) =>
  new Date(row.requested_at.getTime() + definitionOf(row.service_code).targetDays * DAY);

/** The report, open on its own again, if it is still as it was read (joined to that case, same version). */
async function separateStored(trx: Db, row: CaseRow, originalId: string, target: Date, now: Date) {
  const result = await trx
    .updateTable('cases')
    .set({
      duplicate_of: null,
      status: 'open',
      status_reason: null,
      expected_at: target,
      escalated: 0,
      reminded_at: null,
      updated_at: now,
      version: sql`version + 1`,
    })
    .where('id', '=', row.id)
    .where('duplicate_of', '=', originalId)
    .where('version', '=', row.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
