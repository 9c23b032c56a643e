// Staff refer a case to another organisation, only under a data-sharing agreement in force
// covering cases and the purpose (decided by the policies, refusals written to the ledger); the
// receiving organisation's managers are told, and they accept or decline it, with a reason
// when they decline. The citizen is told their request was referred, and what happens next once
// it is decided; the person who referred it is told of the decision.
import type { Db } from '../../db/index.ts';
import {
  type ActiveAgreement,
  type Decision,
  type GovernanceService,
  type Principal,
  purposes,
} from '../../governance/index.ts';
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
import { type CaseRow, citizenMessages, facts, looksLikeId, statusNames } from '../case.ts';
import type { CaseGuard } from '../guard.ts';
import { changeCase, insertUpdate } from '../store.ts';
import { referralList } from './list.ts';
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
  identity: Pick<IdentityService, 'staffOf' | 'accountNames'>;
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
  const id = await db.transaction().execute(async (trx) => {
    const id = await store.insertReferral(trx, {
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
    return id;
  });
  notify.nudge();
  return id;
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
  return { id: await storeReferral(deps, p, row, referral, entry) };
}

/** What the citizen is told of a decision: what happens next, never the reason (it may be about others). */
export const toldOfDecision = (accepted: boolean, receiver: string, holder: string) =>
  accepted
    ? `${receiver} has agreed to help with your request and may contact you about it.`
    : `${receiver} cannot help with your request. ${holder} is still dealing with it and will keep you updated.`;

/**
 * The receiving organisation accepts or declines a referral, with a reason when it declines: the
 * decision is in the case's history, the citizen is told what happens next (a public update) and
 * the person who referred it is told by email, in the transaction of the decision.
 */
async function decideReferral(
  { db, clock, governance, places, identity, notify, guard }: Deps,
  actor: Actor | null,
  referralId: string,
  input: { accept: boolean; reason: string },
  requestId?: string,
) {
  const p = await guard.principal(actor);
  const referral = looksLikeId(referralId) ? await store.findReferral(db, referralId) : null;
  if (!referral) throw new NotFound('There is no such referral');
  const row = await guard.load({ id: referral.case_id });
  const action = input.accept ? 'referral.accept' : 'referral.decline';
  const e = await guard.check(p, 'decideReferral', row, { only: referralId, as: action, requestId });
  const reason = input.reason.trim();
  if (!input.accept && !reason)
    throw new Invalid('Say why', [
      { field: 'reason', message: 'Enter the reason for declining the referral' },
    ]);
  // Asked before the transaction: places and identity answer on connections of their own.
  const names = await places.organisationsById([referral.to_organisation_id]);
  const receiver = names.get(referral.to_organisation_id)?.name ?? 'The organisation we referred it to';
  const referrer = (await identity.staffOf([referral.from_organisation_id])).find(
    (s) => s.id === referral.created_by,
  );
  const told = toldOfDecision(input.accept, receiver, row.organisation_name);
  await db.transaction().execute(async (trx) => {
    const decided = await store.decideReferral(trx, referralId, {
      status: input.accept ? 'accepted' : 'declined',
      reason: reason || null,
      by: p.accountId,
      at: clock.now(),
    });
    if (!decided) throw new Conflict('The referral has already been accepted or declined');
    await insertUpdate(trx, {
      case_id: row.id,
      kind: 'public',
      body: told,
      status: null,
      organisation_id: referral.to_organisation_id,
      author_account_id: p.accountId,
      created_at: clock.now(),
    });
    await changeCase(trx, row.id, {}, clock.now());
    await governance.guard.write(trx, [e.as({ detail: { referral: referralId } })]);
    const toReferrer: Message[] = referrer
      ? [
          {
            channel: 'email',
            recipient: referrer.email,
            template: 'referral-decided',
            personalisation: {
              reference: row.reference,
              to: receiver,
              decision: input.accept ? 'accepted' : 'declined',
            },
            reference: row.reference,
          },
        ]
      : [];
    await notify.queue(trx, [
      ...citizenMessages(row, 'request-updated', { status: statusNames[row.status], update: told }),
      ...toReferrer,
    ]);
  });
  notify.nudge();
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
    /** The referrals made to and by the person's organisations, as far as they may see each. */
    referralList: (actor: Actor | null, requestId?: string) => referralList(deps, actor, requestId),
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

/** A referral as staff see it on a case. */
export type ReferralView = Awaited<ReturnType<typeof referralsOfCase>>[number];

/**
 * A case's referrals as this person sees them: every one for the organisation holding the case,
 * the one made to their organisation otherwise; who made and decided each and when, and whether
 * they may decide it now (asked of the policies, with the agreements in force given).
 */
export async function referralsOfCase(
  {
    db,
    places,
    identity,
    guard,
  }: {
    db: Db;
    places: Pick<PlacesService, 'organisationsById'>;
    identity: Pick<IdentityService, 'accountNames'>;
    guard: CaseGuard;
  },
  row: CaseRow,
  p: Principal,
  inForce: ActiveAgreement[],
) {
  const holder = p.organisations.includes(row.organisation_id);
  const rows = (await store.referralsOf(db, row.id)).filter(
    (r) => holder || p.organisations.includes(r.to_organisation_id),
  );
  const [organisations, people] = await Promise.all([
    places.organisationsById(rows.flatMap((r) => [r.from_organisation_id, r.to_organisation_id])),
    identity.accountNames(rows.flatMap((r) => [r.created_by, ...(r.decided_by ? [r.decided_by] : [])])),
  ]);
  return rows.flatMap((r) => {
    const from = organisations.get(r.from_organisation_id);
    const to = organisations.get(r.to_organisation_id);
    // Never left out: the foreign keys make places know both (the join this replaced said the same).
    if (!from || !to) return [];
    const mayDecide =
      r.status === 'pending' && guard.decideOn(p, 'decideReferral', row, inForce, { only: r.id }).allowed;
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
        referredAt: r.created_at.toISOString(),
        referredBy: people.get(r.created_by) ?? null,
        decidedAt: r.decided_at?.toISOString() ?? null,
        decidedBy: r.decided_by ? (people.get(r.decided_by) ?? null) : null,
        mayDecide,
      },
    ];
  });
}

interface HistoryEntry {
  kind: 'public' | 'internal' | 'referral';
  at: string;
  body: string;
  status: string | null;
  author: string | null;
  organisationName: string | null;
}

/** A case's history with its referrals and their decisions in it, oldest first. */
export function withReferrals(updates: HistoryEntry[], referrals: ReferralView[]): HistoryEntry[] {
  const events = referrals.flatMap((r): HistoryEntry[] => [
    {
      kind: 'referral',
      at: r.referredAt,
      body: `Referred to ${r.toName} for ${r.purposeName.toLowerCase()}`,
      status: null,
      author: r.referredBy,
      organisationName: r.fromName,
    },
    ...(r.decidedAt
      ? [
          {
            kind: 'referral' as const,
            at: r.decidedAt,
            body: `${r.statusName} by ${r.toName}${r.reason ? `: ${r.reason}` : ''}`,
            status: null,
            author: r.decidedBy,
            organisationName: r.toName,
          },
        ]
      : []),
  ]);
  return [...updates, ...events].sort((a, b) => a.at.localeCompare(b.at));
}
