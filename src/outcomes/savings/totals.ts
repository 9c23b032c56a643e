// Pure: the savings each partner has, by financial year and state. A saving counts for each
// organisation in its share; a recurring one in its first year and every year since, up to this
// one; a reversed one not at all.
import type { SavingState } from './saving.ts';

export interface SavingFacts {
  state: SavingState;
  recurring: boolean;
  amount_pence: number | string;
  financial_year: number;
  shares: { organisation_id: string; share_basis_points: number }[];
}

export interface PartnerYear {
  organisationId: string;
  year: number;
  planned: number;
  realised: number;
  verified: number;
}

export function totalsByPartner(savings: SavingFacts[], thisYear: number): PartnerYear[] {
  const totals = new Map<string, PartnerYear>();
  for (const s of savings) {
    if (s.state === 'reversed') continue;
    const last = s.recurring ? Math.max(thisYear, s.financial_year) : s.financial_year;
    for (let year = s.financial_year; year <= last; year++) {
      for (const share of s.shares) {
        const key = `${share.organisation_id}|${year}`;
        const t = totals.get(key) ?? {
          organisationId: share.organisation_id,
          year,
          planned: 0,
          realised: 0,
          verified: 0,
        };
        t[s.state] += (Number(s.amount_pence) * share.share_basis_points) / 10000 / 100;
        totals.set(key, t);
      }
    }
  }
  return [...totals.values()]
    .map((t) => ({
      ...t,
      planned: round(t.planned),
      realised: round(t.realised),
      verified: round(t.verified),
    }))
    .sort((a, b) => b.year - a.year);
}

const round = (pounds: number) => Math.round(pounds * 100) / 100;

/** Pounds as people read them: £12,500 or £12,500.50. */
export const money = (pounds: number) =>
  `${pounds < 0 ? '−' : ''}£${Math.abs(pounds).toLocaleString('en-GB', { minimumFractionDigits: Number.isInteger(pounds) ? 0 : 2, maximumFractionDigits: 2 })}`;
