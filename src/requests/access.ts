// A case in the Cedar terms of policies/cases.cedar, and what the guard is asked about it
// (under each agreement in force, for a referral).
import {
  type ActiveAgreement,
  type Ask,
  agreementContext,
  cedarCitizen,
  cedarOrganisation as org,
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

function caseEntity(c: CaseFacts) {
  return {
    uid: { type: 'Flagstone::Case', id: c.id },
    attrs: {
      organisation: org(c.organisationId),
      marking: c.markingLevel,
      referredTo: c.referredTo.map(org),
      ...(c.citizenAccountId ? { subject: cedarCitizen(c.citizenAccountId) } : {}),
    },
  };
}

/**
 * What the guard is asked for an action on a case. A referral is asked once per agreement in
 * force (with the receiving organisation and the purpose in the context), the first that
 * allows it deciding, and its entry names that agreement.
 */
export function caseAsk(
  action: CaseAction,
  facts: CaseFacts,
  entry: Ask['entry'],
  options: {
    refusal?: string;
    referral?: { receiverId: string; purpose: string; agreements: AgreementFacts[] };
  } = {},
): Ask {
  const { referral } = options;
  return {
    action,
    resource: caseEntity(facts),
    grounds: referral?.agreements.map((a) => ({
      context: {
        purpose: referral.purpose,
        receiver: org(referral.receiverId),
        agreement: agreementContext(a),
      },
      entry: { agreement: a.id },
    })),
    entry,
    refusal: options.refusal ?? 'You may not see or work on this case',
  };
}
