// A case in the Cedar terms of policies/cases.cedar and policies/referrals.cedar, and what the
// guard is asked about it: as it stands (its holder, its citizen), then through each of its
// referrals with the agreement the referral was made under when that agreement is in force.
import {
  type ActiveAgreement,
  type Ask,
  agreementContext,
  cedarCitizen,
  cedarOrganisation as org,
} from '../governance/index.ts';

export type CaseAction =
  | 'readCase'
  | 'updateCase'
  | 'referCase'
  | 'changeCaseStatus'
  | 'readReferral'
  | 'decideReferral';

/** A referral of a case, as the policies see it (organisation by id). */
export interface ReferralFacts {
  id: string;
  to: string;
  status: 'pending' | 'accepted' | 'declined';
  purpose: string;
  agreement: string;
}

export interface CaseFacts {
  id: string;
  organisationId: string;
  markingLevel: number;
  /** Every referral of the case, whatever its state. */
  referrals: ReferralFacts[];
  citizenAccountId: string | null;
}

export type AgreementFacts = ActiveAgreement;

function caseEntity(c: CaseFacts) {
  return {
    uid: { type: 'Flagstone::Case', id: c.id },
    attrs: {
      organisation: org(c.organisationId),
      marking: c.markingLevel,
      ...(c.citizenAccountId ? { subject: cedarCitizen(c.citizenAccountId) } : {}),
    },
  };
}

/**
 * A request through a referral: the referral, and its agreement when that is among those in
 * force (the policies refuse without it). The ledger entry of an allowed request names both.
 */
function throughReferral(r: ReferralFacts, inForce: AgreementFacts[]) {
  const agreement = inForce.find((a) => a.id === r.agreement);
  return {
    context: {
      referral: { to: org(r.to), status: r.status, purpose: r.purpose, agreement: r.agreement },
      ...(agreement ? { agreement: agreementContext(agreement) } : {}),
    },
    entry: { agreement: r.agreement },
  };
}

/**
 * What the guard is asked for an action on a case. A referral out is asked once per agreement
 * in force (with the receiving organisation and the purpose in the context), the first that
 * allows it deciding, and its entry names that agreement. Any other action is asked as the case
 * stands, then through each of its referrals (only `only`, when given); `inForce` are the
 * agreements in force for the person's organisations, read for this request.
 */
export function caseAsk(
  action: CaseAction,
  facts: CaseFacts,
  entry: Ask['entry'],
  options: {
    refusal?: string;
    referral?: { receiverId: string; purpose: string; agreements: AgreementFacts[] };
    inForce?: AgreementFacts[];
    only?: string;
  } = {},
): Ask {
  const { referral, only, inForce = [] } = options;
  const grounds = referral
    ? referral.agreements.map((a) => ({
        context: {
          purpose: referral.purpose,
          receiver: org(referral.receiverId),
          agreement: agreementContext(a),
        },
        entry: { agreement: a.id },
      }))
    : [
        ...(only ? [] : [{}]),
        ...facts.referrals.filter((r) => !only || r.id === only).map((r) => throughReferral(r, inForce)),
      ];
  return {
    action,
    resource: caseEntity(facts),
    grounds,
    entry,
    refusal: options.refusal ?? 'You may not see or work on this case',
  };
}

/** Whether a person sees the internal notes an organisation wrote on a case, asked of the policies. */
export const noteAsk = (facts: CaseFacts, writerId: string, entry: Ask['entry']): Ask => ({
  action: 'readCaseNote',
  resource: caseEntity(facts),
  context: { writer: org(writerId) },
  entry,
  refusal: 'You may not see this note',
});
