// Which person records a list may return, for SQL. It is the SQL-side twin of deciding
// each read one by one (policies/person-records.cedar); a property test holds them to one
// meaning (search-equals-authorize.int.test.ts).
import { Invalid } from '../../platform/index.ts';
import type { ActiveAgreement } from './entities.ts';
import type { Principal } from './principal.ts';
import { type Handling, isPurpose, purposes } from './vocabulary.ts';

/** Which records a search may return, for SQL: the same rules as the policies for reads. */
export interface AccessScope {
  citizenAccountId: string | null;
  /** Handling descriptors withheld from the citizen's own view. */
  withheldFromCitizen: Handling[];
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

/** The scope of a list for a purpose, an unknown purpose refused (agreements read only when one is given). */
export async function listScope(
  p: Principal,
  purpose: string | null,
  agreementsInForce: (organisations: string[], other: string | null) => Promise<ActiveAgreement[]>,
): Promise<AccessScope> {
  if (purpose && !isPurpose(purpose)) {
    throw new Invalid('Unknown purpose', [
      { field: 'purpose', message: `The purpose must be one of ${Object.keys(purposes).join(', ')}` },
    ]);
  }
  const agreements = p.kind === 'staff' && purpose ? await agreementsInForce(p.organisations, null) : [];
  return searchScope(p, purpose, agreements);
}
