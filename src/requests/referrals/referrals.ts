// Staff refer a case to another organisation, only under a data-sharing agreement in force
// covering cases and the purpose (decided by the policies, refusals written to the ledger); the
// receiving organisation's managers are told, and they accept or decline it, with a reason
// when they decline. The citizen is told their request was referred.
import type { Db } from '../../db/index.ts';
import { type Decision, type GovernanceService, type Principal, purposes } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { Message, NotifyService } from '../../notify/index.ts';
import type { PlacesService } from '../../places/index.ts';
import {
  type Actor,
  type Clock,
  Conflict,
  type FieldError,
  Forbidden,
  Invalid,
  NotFound,
} from '../../platform/index.ts';
import { caseAsk } from '../access.ts';
import { type CaseRow, citizenMessages, facts, statusNames } from '../case.ts';
import type { CaseGuard } from '../guard.ts';
import { changeCase, insertUpdate } from '../store.ts';
import * as store from './store.ts';

type Purpose = keyof typeof purposes;
const statusOfReferral = { pending: 'Waiting for a decision', accepted: 'Accepted', declined: 'Declined' };

export interface ReferralInput {
  to: string;
  purpose: string;
  note: string;
}

interface Deps {
  db: Db;
  clock: Clock;
  governance: GovernanceService;
  places: PlacesService;
  identity: Pick<IdentityService, 'staffOf'>;
  notify: NotifyService;
  guard: CaseGuard;
}

/** The receiving organisation's id and the note, or Invalid with every problem of the form. */
async function checkReferral(places: PlacesService, row: CaseRow, input: ReferralInput) {
  const errors: FieldError[] = [];
  const receiverId = input.to ? (await places.organisationIds([input.to])).get(input.to) : undefined;
  if (!receiverId) errors.push({ field: 'to', message: 'Choose the organisation to refer to' });
  else if (receiverId === row.organisation_id)
    errors.push({ field: 'to', message: 'Choose another organisation than the one holding the case' });
  if (!Object.hasOwn(purposes, input.purpose))
    errors.push({ field: 'purpose', message: 'Choose the purpose of the referral' });
  const note = input.note.trim();
  if (!note || note.length > 4000)
    errors.push({
      field: 'note',
      message: note ? 'Use 4000 characters or fewer' : 'Say what the other organisation needs to know',
    });
  if (errors.length > 0 || !receiverId) throw new Invalid('The referral has errors', errors);
  return { receiverId, note };
}

/** The referral, the update the citizen sees, the ledger entry and the emails, in one transaction. */
async function storeReferral(
  { db, clock, governance, identity, notify }: Deps,
  p: Principal,
  row: CaseRow,
  referral: { receiverId: string; receiverName: string; purpose: Purpose; note: string; agreementId: string },
  entry: Decision,
) {
  // Asked before the transaction: identity answers on a connection of its own.
  const managers = await identity.staffOf([referral.receiverId], ['manager']);
  await db.transaction().execute(async (trx) => {
    await store.insertReferral(trx, {
      case_id: row.id,
      from_organisation_id: row.organisation_id,
      to_organisation_id: referral.receiverId,
      purpose: referral.purpose,
      agreement_id: referral.agreementId,
      note: referral.note,
      decision_reason: null,
      created_by: p.accountId,
      created_at: clock.now(),
      decided_by: null,
      decided_at: null,
    });
    const told = `We have referred your request to ${referral.receiverName}.`;
    await insertUpdate(trx, {
      case_id: row.id,
      kind: 'public',
      body: told,
      status: null,
      organisation_id: row.organisation_id,
      author_account_id: p.accountId,
      created_at: clock.now(),
    });
    await changeCase(trx, row.id, {}, clock.now());
    await governance.guard.write(trx, [entry]);
    // The receiving organisation's managers: which case, from whom and why; the rest in Flagstone.
    const toManagers = managers.map(
      (m): Message => ({
        channel: 'email',
        recipient: m.email,
        template: 'referral-received',
        personalisation: {
          reference: row.reference,
          from: row.organisation_name,
          purpose: purposes[referral.purpose],
        },
        reference: row.reference,
      }),
    );
    await notify.queue(trx, [
      ...citizenMessages(row, 'request-updated', { status: statusNames[row.status], update: told }),
      ...toManagers,
    ]);
  });
  notify.nudge();
}

/** Refers a case to another organisation: only under an agreement in force covering cases and the purpose. */
async function refer(deps: Deps, actor: Actor | null, id: string, input: ReferralInput, requestId?: string) {
  const { governance, places, guard } = deps;
  const p = await guard.principal(actor);
  if (p.kind !== 'staff') throw new Forbidden('Only staff refer cases');
  const row = await guard.load({ id });
  const { receiverId, note } = await checkReferral(places, row, input);
  const agreements = await governance.agreementsInForce(p.organisations, receiverId);
  const receiver = await places.organisation(input.to);
  const purpose = input.purpose as Purpose;
  // Asked under each agreement in force: the first that allows it is named in the entry.
  const entry = await governance.guard.permit(
    p,
    caseAsk(
      'referCase',
      facts(row),
      guard.entry(p, 'case.refer', row, {
        purpose: input.purpose,
        agreement: null,
        requestId: requestId ?? null,
        detail: { to: input.to },
      }),
      {
        refusal: `No data-sharing agreement in force lets your organisation refer this case to ${receiver.name} for ${purposes[purpose].toLowerCase()}`,
        referral: { receiverId, purpose: input.purpose, agreements },
      },
    ),
  );
  const referral = {
    receiverId,
    receiverName: receiver.name,
    purpose,
    note,
    agreementId: entry.entry.agreement as string,
  };
  await storeReferral(deps, p, row, referral, entry);
}

/** The receiving organisation accepts or declines a referral, with a reason when it declines. */
async function decideReferral(
  { db, clock, governance, guard }: Deps,
  actor: Actor | null,
  referralId: string,
  input: { accept: boolean; reason: string },
  requestId?: string,
) {
  const p = await guard.principal(actor);
  const referral = await store.findReferral(db, referralId);
  if (!referral) throw new NotFound('There is no such referral');
  if (!p.organisations.includes(referral.to_organisation_id))
    throw new Forbidden('Only the organisation the case was referred to can accept or decline it');
  const reason = input.reason.trim();
  if (!input.accept && !reason)
    throw new Invalid('Say why', [
      { field: 'reason', message: 'Enter the reason for declining the referral' },
    ]);
  const row = await guard.load({ id: referral.case_id });
  const e = await guard.check(p, 'updateCase', row, requestId);
  await db.transaction().execute(async (trx) => {
    const decided = await store.decideReferral(trx, referralId, {
      status: input.accept ? 'accepted' : 'declined',
      reason: reason || null,
      by: p.accountId,
      at: clock.now(),
    });
    if (!decided) throw new Conflict('The referral has already been accepted or declined');
    await governance.guard.write(trx, [
      e.as({
        action: input.accept ? 'referral.accept' : 'referral.decline',
        detail: { referral: referralId },
      }),
    ]);
  });
}

export function referrals(
  db: Db,
  clock: Clock,
  governance: GovernanceService,
  places: PlacesService,
  identity: Deps['identity'],
  notify: NotifyService,
  guard: CaseGuard,
) {
  const deps: Deps = { db, clock, governance, places, identity, notify, guard };
  return {
    refer: (actor: Actor | null, id: string, input: ReferralInput, requestId?: string) =>
      refer(deps, actor, id, input, requestId),
    decideReferral: (
      actor: Actor | null,
      referralId: string,
      input: { accept: boolean; reason: string },
      requestId?: string,
    ) => decideReferral(deps, actor, referralId, input, requestId),
  };
}

export type Referrals = ReturnType<typeof referrals>;

/** A case's referrals as staff of these organisations see them: who may decide each. */
export async function referralsOfCase(
  db: Db,
  places: Pick<PlacesService, 'organisationsById'>,
  caseId: string,
  ownIds: Set<string>,
) {
  const rows = await store.referralsOf(db, caseId);
  const organisations = await places.organisationsById(
    rows.flatMap((r) => [r.from_organisation_id, r.to_organisation_id]),
  );
  return rows.flatMap((r) => {
    const from = organisations.get(r.from_organisation_id);
    const to = organisations.get(r.to_organisation_id);
    // Never left out: the foreign keys make places know both (the join this replaced said the same).
    if (!from || !to) return [];
    return [
      {
        id: r.id,
        from: from.ref,
        fromName: from.name,
        to: to.ref,
        toName: to.name,
        purpose: r.purpose,
        purposeName: purposes[r.purpose as Purpose] ?? r.purpose,
        note: r.note,
        status: r.status,
        statusName: statusOfReferral[r.status],
        reason: r.decision_reason,
        mayDecide: r.status === 'pending' && ownIds.has(r.to_organisation_id),
      },
    ];
  });
}
