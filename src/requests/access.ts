// Pure: a case and the person asking, in the Cedar terms of policies/cases.cedar, and one
// decision on them (under each agreement in force, for a referral).
import {
  type ActiveAgreement,
  agreementContext,
  cedarOrganisation as org,
  type PolicyDecisionPoint,
  type Principal,
  principalEntity,
} from '../governance/index.ts';

export type CaseAction = 'readCase' | 'updateCase' | 'referCase';

export interface CaseFacts {
  id: string;
  organisationId: string;
  markingLevel: number;
  /** Organisations it has been referred to, the referral pending or accepted. */
  referredTo: string[];
  citizenAccountId: string | null;
}

export type AgreementFacts = ActiveAgreement;

export interface CaseDecision {
  allowed: boolean;
  policies: string[];
  agreementId: string | null;
}

function caseEntity(c: CaseFacts) {
  return {
    uid: { type: 'Flagstone::Case', id: c.id },
    attrs: {
      organisation: org(c.organisationId),
      marking: c.markingLevel,
      referredTo: c.referredTo.map(org),
      ...(c.citizenAccountId
        ? { subject: { __entity: { type: 'Flagstone::Citizen', id: c.citizenAccountId } } }
        : {}),
    },
  };
}

/**
 * Decides an action on a case. A referral is asked once per agreement in force (with the
 * receiving organisation and the purpose in the context), taking the first that allows it.
 */
export function decideOnCase(
  pdp: PolicyDecisionPoint,
  principal: Principal,
  action: CaseAction,
  facts: CaseFacts,
  referral?: { receiverId: string; purpose: string; agreements: AgreementFacts[] },
): CaseDecision {
  const ask = (context: Record<string, unknown>) =>
    pdp.authorize({
      principal: principalEntity(principal),
      action,
      resource: caseEntity(facts) as never,
      context: context as Record<string, never>,
    });
  if (!referral) {
    const answer = ask({});
    return { allowed: answer.allowed, policies: answer.policies, agreementId: null };
  }
  for (const a of referral.agreements) {
    const answer = ask({
      purpose: referral.purpose,
      receiver: org(referral.receiverId),
      agreement: agreementContext(a),
    });
    if (answer.allowed) return { allowed: true, policies: answer.policies, agreementId: a.id };
  }
  return { allowed: false, policies: [], agreementId: null };
}
