// A local person record in the terms of policies/person-records.cedar, and what the guard is
// asked about it: as it stands first (own organisation, the citizen it is about), then for a
// read by staff under each agreement in force for the purpose given, then break-glass.
import {
  type Ask,
  actorOf,
  agreementContext,
  type Context,
  cedarCitizen,
  type GovernanceService,
  type Ground,
  isPurpose,
  cedarOrganisation as org,
  type Principal,
  purposes,
} from '../../governance/index.ts';
import { Forbidden, Invalid } from '../../platform/index.ts';

/** What a decision needs to know of a record. */
export interface RecordFacts {
  id: string;
  organisationId: string;
  /** The holding organisation's reference, as the ledger names it. */
  organisationRef: string;
  markingLevel: number;
  handling: string | null;
  subjectAccountId: string | null;
}

export interface AccessContext {
  purpose?: string | null;
  breakGlassReason?: string | null;
  newMarking?: number;
}

export type RecordAction = 'read' | 'create' | 'update' | 'changeMarking';

const recordEntity = (r: RecordFacts) => ({
  uid: { type: 'Flagstone::PersonRecord', id: r.id },
  attrs: {
    organisation: org(r.organisationId),
    marking: r.markingLevel,
    ...(r.handling ? { handling: r.handling } : {}),
    ...(r.subjectAccountId ? { subject: cedarCitizen(r.subjectAccountId) } : {}),
  },
});

/** The error for a refused read, in words that say what to do next. */
export function readRefusal(p: Principal, record: RecordFacts, context: AccessContext): Error {
  if (context.breakGlassReason?.trim() && p.actor.authLevel !== 'second_factor') {
    return new Forbidden('Emergency access needs a second factor: sign in with one, then try again');
  }
  if (p.kind === 'staff' && !p.organisations.includes(record.organisationId)) {
    const purpose = context.purpose?.trim();
    if (!purpose) {
      return new Invalid('Give the purpose of this read: the record is held by another organisation', [
        { field: 'purpose', message: `Choose a purpose: ${Object.keys(purposes).join(', ')}` },
      ]);
    }
    if (!isPurpose(purpose)) {
      return new Invalid('Unknown purpose', [
        { field: 'purpose', message: `The purpose must be one of ${Object.keys(purposes).join(', ')}` },
      ]);
    }
    return new Forbidden(
      'No data-sharing agreement in force lets your organisation see this record for that purpose',
    );
  }
  return new Forbidden('You may not see this record');
}

/**
 * What the guard is asked for an action on a record. Staff reading another organisation's
 * record give a purpose (or, in an emergency, a reason); an unknown purpose is refused
 * without asking. A refused read is told `readRefusal`, other actions their `refusal`.
 */
export async function recordAsk(
  governance: Pick<GovernanceService, 'agreementsInForce'>,
  p: Principal,
  action: RecordAction,
  record: RecordFacts,
  options: AccessContext & { requestId?: string; refusal?: string } = {},
): Promise<Ask> {
  const purpose = options.purpose?.trim() || null;
  const reason = options.breakGlassReason?.trim() || null;
  const foreign = p.kind === 'staff' && !p.organisations.includes(record.organisationId);
  const staffRead = action === 'read' && p.kind === 'staff';
  const known = !purpose || isPurpose(purpose);
  const agreements =
    staffRead && purpose && known
      ? await governance.agreementsInForce(p.organisations, record.organisationId)
      : [];
  const asked: Context = {};
  if (purpose) asked.purpose = purpose;
  if (options.newMarking !== undefined) asked.newMarking = options.newMarking;
  const grounds: Ground[] = [
    {},
    ...agreements.map((a) => ({ context: { agreement: agreementContext(a) }, entry: { agreement: a.id } })),
    ...(staffRead && reason
      ? [{ context: { breakGlassReason: reason }, entry: { breakGlass: true, reason } }]
      : []),
  ];
  return {
    action,
    resource: recordEntity(record),
    context: asked,
    grounds: known ? grounds : [],
    entry: {
      action: `person-record.${action}`,
      actor: actorOf(p, foreign ? undefined : record.organisationRef),
      ...(p.actor.actingFor ? { actingFor: p.actor.actingFor.accountId } : {}),
      resource: { type: 'person-record', id: record.id, organisation: record.organisationRef },
      subject: record.subjectAccountId,
      purpose,
      agreement: null,
      breakGlass: false,
      reason: null,
      requestId: options.requestId ?? null,
      ...(options.newMarking !== undefined ? { detail: { newMarking: options.newMarking } } : {}),
    },
    refusal: options.refusal ?? (() => readRefusal(p, record, options)),
  };
}
