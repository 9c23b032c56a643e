// Staff work on cases: their organisations' inbox, one case with everything they are entitled
// to, a change of status with the reason the citizen is told, public updates and internal
// notes, and assigning a case to a team and a person. Every read and change is decided by the
// policies and written to the ledger; each change is one transaction with its entry and emails.
import type { Db } from '../../db/index.ts';
import type { ActiveAgreement, Decision, GovernanceService, Principal } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { NotifyService } from '../../notify/index.ts';
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
import {
  type CaseRow,
  type CaseStatus,
  citizenMessages,
  looksLikeId,
  normalReference,
  statusNames,
  toPublic,
  transitions,
} from '../case.ts';
import type { CaseGuard } from '../guard.ts';
import { casePhotos } from '../photos/index.ts';
import { referralsOfCase, withReferrals } from '../referrals/index.ts';
import { changeCase, findCase, insertUpdate, joinedTo, updatesOf } from '../store.ts';
import { assigneeName, checkAssignment } from './assignment.ts';
import * as store from './store.ts';
import { authorOf, authors, writers } from './updates.ts';

const trimmed = (v: string | null | undefined) => (v ?? '').trim() || null;

interface Deps {
  db: Db;
  clock: Clock;
  governance: GovernanceService;
  places: Pick<PlacesService, 'organisationsById'>;
  identity: Pick<IdentityService, 'accountNames' | 'staffOf'>;
  notify: NotifyService;
  guard: CaseGuard;
}

/** A case and the reports joined to it: everyone to tell when it changes, of this case's reference. */
const withJoined = async ({ db, guard }: Deps, row: CaseRow) => [
  row,
  ...(await Promise.all((await joinedTo(db, row.id)).map((id) => guard.load({ id })))).map((joined) => ({
    ...joined,
    reference: row.reference,
  })),
];

/** For staff: the case a report was joined to, and the reports joined to it (each read in the ledger). */
async function joinedReports(
  { db, governance, guard }: Deps,
  p: Principal,
  row: CaseRow,
  requestId?: string,
) {
  const original = row.duplicate_of ? await guard.load({ id: row.duplicate_of }) : null;
  const reports = [];
  for (const id of await joinedTo(db, row.id)) {
    const other = await guard.load({ id });
    const read = guard.readOf(p, other, 'case.read', requestId);
    if (!read.allowed) continue;
    await governance.guard.record([read]);
    reports.push({
      id: other.id,
      reference: other.reference,
      requestedAt: other.requested_at.toISOString(),
      description: other.description,
      contact: [[other.first_name, other.last_name].filter(Boolean).join(' '), other.email, other.phone]
        .filter(Boolean)
        .join(', '),
    });
  }
  return { joinedTo: original && { id: original.id, reference: original.reference }, joined: reports };
}

/** An organisation's inbox (and cases referred to it); each case listed is a read in the ledger. */
async function inbox(
  { db, clock, governance, guard }: Deps,
  actor: Actor | null,
  filter: store.InboxFilter,
  requestId?: string,
) {
  const p = await guard.principal(actor);
  if (p.kind !== 'staff') throw new Forbidden('The inbox is for staff');
  const inForce = await governance.agreementsInForce(p.organisations, null);
  const scope = { organisationIds: p.organisations, clearance: p.clearance, inForce };
  const rows = await store.inbox(db, scope, filter, clock.now());
  const entries: Decision[] = [];
  const shown = [];
  for (const row of rows) {
    const read = guard.listed(p, row, inForce, requestId);
    if (!read.allowed) continue;
    entries.push(read);
    shown.push({
      ...toPublic(row),
      id: row.id,
      area: row.area,
      team: row.team,
      assignee: row.assignee_account_id,
      overdue:
        !!row.expected_at &&
        row.expected_at < clock.now() &&
        (row.status === 'open' || row.status === 'in_progress'),
      referredIn: !p.organisations.includes(row.organisation_id),
    });
  }
  await governance.guard.record(entries);
  return shown;
}

/**
 * One case for staff: everything they are entitled to, the read written to the ledger. Staff of
 * an organisation the case was referred to see, until they accept it, what the referral shares.
 */
async function caseFor(deps: Deps, actor: Actor | null, id: string, requestId?: string) {
  const { db, governance, places, identity, guard } = deps;
  const p = await guard.principal(actor);
  if (!looksLikeId(id)) throw new NotFound('There is no such case');
  const row = await guard.load({ id });
  const inForce = await guard.inForce(p, [row]);
  // Decided for citizens too, so that one trying another's case is refused in the ledger.
  const read = guard.decideOn(p, 'readCase', row, inForce, { requestId });
  if (!read.allowed && p.kind === 'staff') {
    const referred = guard.decideOn(p, 'readReferral', row, inForce, { requestId });
    if (referred.allowed) {
      await governance.guard.record([referred]);
      return referralView(deps, p, row, inForce);
    }
  }
  if (!read.allowed) await governance.guard.refuse([read], 'You may not see or work on this case');
  if (p.kind !== 'staff') throw new Forbidden('This is for staff');
  await governance.guard.record([read]);
  const holder = p.organisations.includes(row.organisation_id);
  const updates = (await updatesOf(db, row.id, ['public', 'internal'])).filter(
    (u) => u.kind === 'public' || (u.organisation_id ? guard.seesNotesOf(p, row, u.organisation_id) : holder),
  );
  const [writer, author] = await Promise.all([writers(places, updates), authors(identity, updates)]);
  const may = (action: 'updateCase' | 'changeCaseStatus') => guard.decideOn(p, action, row, inForce).allowed;
  const referrals = await referralsOfCase(deps, row, p, inForce);
  return {
    id: row.id,
    access: 'case' as const,
    request: toPublic(row),
    holder,
    area: row.area,
    description: row.description,
    attributes: row.attributes as Record<string, unknown>,
    contact: {
      name: [row.first_name, row.last_name].filter(Boolean).join(' ') || null,
      email: row.email,
      phone: row.phone,
    },
    photos: await casePhotos(db, row.id),
    ...(await joinedReports(deps, p, row, requestId)),
    version: row.version,
    assignee: row.assignee_account_id,
    assigneeName: await assigneeName(identity, row),
    team: row.team,
    mayUpdate: may('updateCase'),
    transitions: may('changeCaseStatus') ? transitions[row.status] : [],
    updates: withReferrals(
      updates.map((u) => ({
        kind: u.kind as 'public' | 'internal' | 'referral',
        at: u.created_at.toISOString(),
        body: u.body,
        status: u.status,
        author: author(u),
        organisationName: writer(u),
      })),
      referrals,
    ),
    referrals,
  };
}

/**
 * A case referred to the person's organisation, not (or no longer) accepted: its public face
 * and its referrals to them, with what the citizen wrote while the referral waits for a
 * decision; never the contact details, notes, photos or other reports.
 */
async function referralView(deps: Deps, p: Principal, row: CaseRow, inForce: ActiveAgreement[]) {
  const referrals = await referralsOfCase(deps, row, p, inForce);
  const waiting = referrals.some((r) => r.status === 'pending');
  return {
    id: row.id,
    access: 'referral' as const,
    request: toPublic(row),
    holder: false,
    area: row.area,
    description: waiting ? row.description : null,
    attributes: {},
    contact: { name: null, email: null, phone: null },
    photos: [],
    joinedTo: null,
    joined: [],
    version: row.version,
    assignee: null,
    assigneeName: null,
    team: null,
    mayUpdate: false,
    transitions: [],
    updates: withReferrals([], referrals),
    referrals,
  };
}

/** A change of status, with the reason the citizen is told. */
async function changeStatus(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: { status: string; reason: string; version?: number },
  requestId?: string,
) {
  const { db, clock, governance, notify, guard } = deps;
  const p = await guard.principal(actor);
  const row = await guard.load({ id });
  const status = input.status as CaseStatus;
  const reason = input.reason.trim();
  const errors: FieldError[] = [];
  if (!transitions[row.status]?.includes(status))
    errors.push({
      field: 'status',
      message: `A ${statusNames[row.status].toLowerCase()} request cannot become ${input.status}`,
    });
  if (!reason)
    errors.push({
      field: 'reason',
      message: 'Enter the reason: the person who made the request will see it',
    });
  if (reason.length > 1000) errors.push({ field: 'reason', message: 'Use 1000 characters or fewer' });
  if (errors.length > 0) throw new Invalid('The change has errors', errors);
  const e = await guard.check(p, 'changeCaseStatus', row, requestId);
  await db.transaction().execute(async (trx) => {
    if (!(await changeCase(trx, id, { status, status_reason: reason }, clock.now(), input.version)))
      throw new Conflict('The case was changed by someone else: reload it and try again');
    await insertUpdate(trx, {
      case_id: id,
      kind: 'public',
      body: reason,
      status,
      organisation_id: p.organisations[0] ?? null,
      ...authorOf(p),
      created_at: clock.now(),
    });
    await governance.guard.write(trx, [
      e.as({ action: 'case.status', detail: { from: row.status, to: status } }),
    ]);
    await notify.queue(
      trx,
      (await withJoined(deps, row)).flatMap((r) =>
        citizenMessages(r, 'request-updated', { status: statusNames[status], update: reason }),
      ),
    );
  });
  notify.nudge();
}

/** A public update (sent to the citizen) or an internal note (never public). */
async function addUpdate(
  deps: Deps,
  actor: Actor | null,
  id: string,
  input: { kind: string; body: string },
  requestId?: string,
) {
  const { db, clock, governance, notify, guard } = deps;
  const p = await guard.principal(actor);
  const row = await guard.load({ id });
  const body = input.body.trim();
  if (input.kind !== 'public' && input.kind !== 'internal')
    throw new Invalid('Choose the kind of update', [
      { field: 'kind', message: 'Choose a public update or an internal note' },
    ]);
  if (!body || body.length > 4000)
    throw new Invalid('The update has errors', [
      { field: 'body', message: body ? 'Use 4000 characters or fewer' : 'Enter the update' },
    ]);
  const e = await guard.check(p, 'updateCase', row, requestId);
  const ownHere = p.organisations.includes(row.organisation_id)
    ? row.organisation_id
    : (p.organisations.find((o) => row.referrals.some((r) => r.to === o && r.status === 'accepted')) ?? null);
  await db.transaction().execute(async (trx) => {
    await insertUpdate(trx, {
      case_id: id,
      kind: input.kind as 'public' | 'internal',
      body,
      status: null,
      organisation_id: ownHere,
      ...authorOf(p),
      created_at: clock.now(),
    });
    await changeCase(trx, id, {}, clock.now());
    await governance.guard.write(trx, [
      e.as({ action: input.kind === 'public' ? 'case.update' : 'case.note' }),
    ]);
    if (input.kind === 'public')
      await notify.queue(
        trx,
        (await withJoined(deps, row)).flatMap((r) =>
          citizenMessages(r, 'request-updated', { status: statusNames[row.status], update: body }),
        ),
      );
  });
  notify.nudge();
}

/** Assigns a case to a team and a person of the organisation holding it (either may be none). */
async function assign(
  { db, clock, governance, identity, guard }: Deps,
  actor: Actor | null,
  id: string,
  input: { team?: string | null; assignee?: string | null },
  requestId?: string,
) {
  const p = await guard.principal(actor);
  const row = await guard.load({ id });
  const e = await guard.check(p, 'updateCase', row, requestId);
  if (!p.organisations.includes(row.organisation_id))
    throw new Forbidden('Only the organisation holding the case assigns it');
  const errors = await checkAssignment(db, identity, row.organisation_id, input);
  if (errors.length > 0) throw new Invalid('The assignment has errors', errors);
  await db.transaction().execute(async (trx) => {
    await changeCase(
      trx,
      id,
      { team: trimmed(input.team), assignee_account_id: trimmed(input.assignee) },
      clock.now(),
    );
    await governance.guard.write(trx, [
      e.as({ action: 'case.assign', detail: { team: trimmed(input.team) } }),
    ]);
  });
}

export function caseWork(
  db: Db,
  clock: Clock,
  governance: GovernanceService,
  places: Deps['places'],
  identity: Deps['identity'],
  notify: NotifyService,
  guard: CaseGuard,
) {
  const deps: Deps = { db, clock, governance, places, identity, notify, guard };
  return {
    inbox: (actor: Actor | null, filter: store.InboxFilter, requestId?: string) =>
      inbox(deps, actor, filter, requestId),
    caseFor: (actor: Actor | null, id: string, requestId?: string) => caseFor(deps, actor, id, requestId),
    /** The id of the case with this reference, however typed, for staff to open (the case page decides). */
    async caseIdOf(actor: Actor | null, reference: string): Promise<string | null> {
      if ((await governance.principal(actor)).kind !== 'staff') throw new Forbidden('This is for staff');
      return (await findCase(db, { reference: normalReference(reference) }))?.id ?? null;
    },
    changeStatus: (
      actor: Actor | null,
      id: string,
      input: { status: string; reason: string; version?: number },
      requestId?: string,
    ) => changeStatus(deps, actor, id, input, requestId),
    addUpdate: (actor: Actor | null, id: string, input: { kind: string; body: string }, requestId?: string) =>
      addUpdate(deps, actor, id, input, requestId),
    assign: (
      actor: Actor | null,
      id: string,
      input: { team?: string | null; assignee?: string | null },
      requestId?: string,
    ) => assign(deps, actor, id, input, requestId),
  };
}

export type CaseWork = ReturnType<typeof caseWork>;
