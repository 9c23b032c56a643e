// Pure: who is asking, in Cedar's terms, and what a decision or a search scope is. The
// search scope is the SQL-side twin of `decide`; a property test holds them to one meaning.
import type { Actor } from '../platform/index.ts';
import type { Entity, PolicyDecisionPoint } from './pdp.ts';
import type { ActiveAgreement } from './store.ts';

export interface Principal {
  actor: Actor;
  kind: 'staff' | 'citizen';
  accountId: string;
  /** Organisations (ids) whose records the person works with: any role but auditor. */
  organisations: string[];
  /** Organisations (ids) where the person is a manager or information governance officer. */
  manages: string[];
  clearance: number;
}

/** What a decision needs to know of a record. */
export interface RecordFacts {
  id: string;
  organisationId: string;
  markingLevel: number;
  handling: string | null;
  subjectAccountId: string | null;
}

export interface AccessContext {
  purpose?: string | null;
  breakGlassReason?: string | null;
  newMarking?: number;
}

export interface AccessDecision {
  allowed: boolean;
  policies: string[];
  agreementId: string | null;
  breakGlass: boolean;
}

export type Action = 'read' | 'create' | 'update' | 'changeMarking';

/** An organisation as Cedar names it. */
export const cedarOrganisation = (id: string) => ({ __entity: { type: 'Flagstone::Organisation', id } });
const org = cedarOrganisation;

/** The person asking, as the Cedar entity the policies speak of. */
export function principalEntity(p: Principal): Entity {
  if (p.kind === 'citizen') return { uid: { type: 'Flagstone::Citizen', id: p.accountId }, attrs: {} };
  return {
    uid: { type: 'Flagstone::Staff', id: p.accountId },
    attrs: {
      organisations: p.organisations.map(org),
      manages: p.manages.map(org),
      clearance: p.clearance,
      secondFactor: p.actor.authLevel === 'second_factor',
    },
  };
}

function recordEntity(r: RecordFacts): Entity {
  return {
    uid: { type: 'Flagstone::PersonRecord', id: r.id },
    attrs: {
      organisation: org(r.organisationId),
      marking: r.markingLevel,
      ...(r.handling ? { handling: r.handling } : {}),
      ...(r.subjectAccountId
        ? { subject: { __entity: { type: 'Flagstone::Citizen', id: r.subjectAccountId } } }
        : {}),
    },
  };
}

/** An agreement in force, as the `agreement` of a Cedar request context. */
export function agreementContext(a: ActiveAgreement) {
  return {
    id: a.id,
    active: true,
    parties: a.parties.map(org),
    datasets: a.datasets,
    purposes: a.purposes,
    highestMarking: a.highestMarking,
  };
}

/**
 * Decides one request. Without an agreement first (own organisation, citizen, break-glass
 * only when nothing else allows it); then under each agreement in force, taking the first that allows.
 */
export function decide(
  pdp: PolicyDecisionPoint,
  principal: Principal,
  action: Action,
  record: RecordFacts,
  context: AccessContext,
  agreements: ActiveAgreement[],
): AccessDecision {
  const base: Record<string, string | number> = {};
  if (context.purpose) base.purpose = context.purpose;
  if (context.newMarking !== undefined) base.newMarking = context.newMarking;
  const ask = (extra: Record<string, unknown>) =>
    pdp.authorize({
      principal: principalEntity(principal),
      action,
      resource: recordEntity(record),
      context: { ...base, ...extra } as Record<string, never>,
    });
  const plain = ask({});
  if (plain.allowed) return { allowed: true, policies: plain.policies, agreementId: null, breakGlass: false };
  if (action === 'read' && principal.kind === 'staff') {
    for (const a of agreements) {
      const decision = ask({
        agreement: agreementContext(a),
      });
      if (decision.allowed)
        return { allowed: true, policies: decision.policies, agreementId: a.id, breakGlass: false };
    }
    if (context.breakGlassReason) {
      const glass = ask({ breakGlassReason: context.breakGlassReason });
      if (glass.allowed)
        return { allowed: true, policies: glass.policies, agreementId: null, breakGlass: true };
    }
  }
  return { allowed: false, policies: [], agreementId: null, breakGlass: false };
}

/** Which records a search may return, for SQL: the same rules as `decide` for reads. */
export interface AccessScope {
  citizenAccountId: string | null;
  /** Handling descriptors withheld from the citizen's own view. */
  withheldFromCitizen: string[];
  /** [organisation id, highest marking level] pairs whose records may be seen. */
  organisations: [string, number][];
}

export function searchScope(
  principal: Principal,
  purpose: string | null,
  agreements: ActiveAgreement[],
): AccessScope {
  if (principal.kind === 'citizen') {
    return { citizenAccountId: principal.accountId, withheldFromCitizen: ['LOCSEN'], organisations: [] };
  }
  const limit = new Map<string, number>();
  const allow = (organisation: string, level: number) =>
    limit.set(organisation, Math.max(limit.get(organisation) ?? 0, level));
  for (const o of principal.organisations) allow(o, principal.clearance);
  if (purpose && principal.organisations.length > 0) {
    for (const a of agreements) {
      if (!a.datasets.includes('person-records') || !a.purposes.includes(purpose)) continue;
      if (!a.parties.some((p) => principal.organisations.includes(p))) continue;
      for (const party of a.parties) allow(party, Math.min(a.highestMarking, principal.clearance));
    }
  }
  return {
    citizenAccountId: null,
    withheldFromCitizen: [],
    organisations: [...limit].filter(([, level]) => level > 0),
  };
}
