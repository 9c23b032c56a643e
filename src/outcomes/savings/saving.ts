// Pure: a saving as a partner gives it, checked. Every problem is found at once, each on its
// field: the shares must add up to 100%, each to an organisation of the place (once), the amount
// must be more than nothing (a recurring one cannot be negative), and the year a financial year.
import type { FieldError } from '../../platform/index.ts';

export const MAX_SHARES = 4;

export interface SavingInput {
  title?: string;
  description?: string;
  evidence?: string;
  /** yes or no */
  cashable?: string;
  /** one_off or recurring */
  recurrence?: string;
  /** Pounds as typed: 1200, £1,200.50 */
  amount?: string;
  /** The financial year's first calendar year, 2026 */
  year?: string;
  shares?: { organisation?: string; percent?: string }[];
}

export interface CheckedSaving {
  title: string;
  description: string;
  evidence: string;
  cashable: boolean;
  recurring: boolean;
  amountPence: number;
  financialYear: number;
  /** Organisation refs with their shares in hundredths of a per cent (10000 in all). */
  shares: { organisation: string; basisPoints: number }[];
}

const text = (v: string | undefined) => (v ?? '').trim();

function textErrors(input: SavingInput, errors: FieldError[]) {
  const fields = [
    ['title', 'Enter what was saved', 200],
    ['description', 'Say how it was saved', 2000],
    ['evidence', 'Give the evidence: where it can be checked', 2000],
  ] as const;
  for (const [field, missing, max] of fields) {
    const v = text(input[field]);
    if (!v) errors.push({ field, message: missing });
    else if (v.length > max) errors.push({ field, message: `Use ${max} characters or fewer` });
  }
}

/** Pounds as typed, in pence; null when it is not an amount of money. */
export function pence(typed: string): number | null {
  const m = /^(-)?\s*£?\s*(-)?\s*(\d{1,3}(,\d{3})+|\d+)(\.(\d{1,2}))?$/.exec(typed.trim());
  if (!m) return null;
  const pounds = Number((m[3] as string).replace(/,/g, ''));
  const value = pounds * 100 + Number((m[6] ?? '').padEnd(2, '0') || 0);
  return m[1] || m[2] ? -value : value;
}

function amountErrors(input: SavingInput, recurring: boolean, errors: FieldError[]) {
  const amount = pence(text(input.amount));
  if (amount === null)
    errors.push({ field: 'amount', message: 'Enter the amount in pounds, like 12500 or £12,500.50' });
  else if (amount < 0 && recurring)
    errors.push({ field: 'amount', message: 'A recurring saving cannot be negative' });
  else if (amount <= 0) errors.push({ field: 'amount', message: 'The amount must be more than £0' });
  else if (amount > 1e13)
    errors.push({ field: 'amount', message: 'The amount must be less than £100,000,000,000' });
  return amount ?? 0;
}

function shareErrors(input: SavingInput, known: Set<string>, errors: FieldError[]) {
  const shares: CheckedSaving['shares'] = [];
  (input.shares ?? []).slice(0, MAX_SHARES).forEach((s, i) => {
    const organisation = text(s.organisation);
    const percent = text(s.percent).replace(/%$/, '');
    if (!organisation && !percent) return;
    const n = i + 1;
    if (!known.has(organisation))
      errors.push({ field: `share-organisation-${n}`, message: `Choose the organisation of share ${n}` });
    else if (shares.some((x) => x.organisation === organisation))
      errors.push({
        field: `share-organisation-${n}`,
        message: `Share ${n}: each organisation has one share`,
      });
    const basisPoints = /^\d{1,3}(\.\d{1,2})?$/.test(percent)
      ? Math.round(Number(percent) * 100)
      : Number.NaN;
    if (!(basisPoints > 0 && basisPoints <= 10000))
      errors.push({
        field: `share-percent-${n}`,
        message: `Share ${n} must be a per cent more than 0 and at most 100`,
      });
    shares.push({ organisation, basisPoints });
  });
  if (shares.length === 0)
    errors.push({ field: 'share-organisation-1', message: 'Say which organisations share the saving' });
  else if (
    errors.every((e) => !e.field.startsWith('share-')) &&
    shares.reduce((n, s) => n + s.basisPoints, 0) !== 10000
  )
    errors.push({ field: 'share-percent-1', message: 'The shares must add up to 100%' });
  return shares;
}

/** Checks a saving; `known` are the references of the place's organisations; `thisYear` the current financial year. */
export function checkSaving(input: SavingInput, known: Set<string>, thisYear: number) {
  const errors: FieldError[] = [];
  textErrors(input, errors);
  const cashable = text(input.cashable);
  if (cashable !== 'yes' && cashable !== 'no')
    errors.push({ field: 'cashable', message: 'Say whether the saving is cashable' });
  const recurrence = text(input.recurrence);
  if (recurrence !== 'one_off' && recurrence !== 'recurring')
    errors.push({ field: 'recurrence', message: 'Say whether the saving is one-off or recurring' });
  const amountPence = amountErrors(input, recurrence === 'recurring', errors);
  const year = Number(text(input.year));
  if (!Number.isInteger(year) || year < thisYear - 10 || year > thisYear + 5)
    errors.push({ field: 'year', message: 'Choose the financial year the saving starts in' });
  const shares = shareErrors(input, known, errors);
  return {
    errors,
    saving: {
      title: text(input.title),
      description: text(input.description),
      evidence: text(input.evidence),
      cashable: cashable === 'yes',
      recurring: recurrence === 'recurring',
      amountPence,
      financialYear: year,
      shares,
    } satisfies CheckedSaving,
  };
}

/** The states a saving moves through, and the moves allowed from each. */
export type SavingState = 'planned' | 'realised' | 'verified' | 'reversed';
export const moves: Record<SavingState, SavingState[]> = {
  planned: ['realised', 'reversed'],
  realised: ['verified', 'reversed'],
  verified: ['reversed'],
  reversed: [],
};
