// Pure: the columns of a spending or contracts file from a council's finance system, and the
// check of each row: a missing column, a bad date, an amount that is not money, a contract that
// ends before it starts are each reported by line and field.

export interface RowProblem {
  /** The line of the file: the header is line 1. */
  line: number;
  field: string;
  reason: string;
}

type Kind = 'text' | 'date' | 'money' | 'choice' | 'yes-no';

interface Field {
  name: string;
  kind: Kind;
  required: boolean;
  max?: number;
  choices?: readonly string[];
}

export const beneficiaryTypes = ['company', 'charity', 'public_body', 'sole_trader', 'individual'] as const;
export const procurementMethods = ['open', 'selective', 'limited', 'direct'] as const;

export const spendingFields: Field[] = [
  { name: 'date', kind: 'date', required: true },
  { name: 'department', kind: 'text', required: true, max: 200 },
  { name: 'beneficiary', kind: 'text', required: true, max: 300 },
  { name: 'beneficiary_type', kind: 'choice', required: true, choices: beneficiaryTypes },
  { name: 'beneficiary_registration', kind: 'text', required: false, max: 50 },
  { name: 'purpose', kind: 'text', required: true, max: 500 },
  { name: 'merchant_category', kind: 'text', required: false, max: 200 },
  { name: 'amount', kind: 'money', required: true },
  { name: 'irrecoverable_vat', kind: 'money', required: false },
  { name: 'transaction_number', kind: 'text', required: false, max: 100 },
];

export const contractFields: Field[] = [
  { name: 'reference', kind: 'text', required: true, max: 100 },
  { name: 'title', kind: 'text', required: true, max: 300 },
  { name: 'description', kind: 'text', required: true, max: 2000 },
  { name: 'department', kind: 'text', required: true, max: 200 },
  { name: 'supplier', kind: 'text', required: true, max: 300 },
  { name: 'supplier_type', kind: 'choice', required: true, choices: beneficiaryTypes },
  { name: 'supplier_registration', kind: 'text', required: false, max: 50 },
  { name: 'sme_or_vcse', kind: 'yes-no', required: false },
  { name: 'procurement_method', kind: 'choice', required: true, choices: procurementMethods },
  { name: 'start_date', kind: 'date', required: true },
  { name: 'end_date', kind: 'date', required: true },
  { name: 'review_date', kind: 'date', required: false },
  { name: 'value', kind: 'money', required: true },
  { name: 'irrecoverable_vat', kind: 'money', required: false },
];

export type Checked = Record<string, string | boolean | null>;

/** The columns the file must have that its header lacks, as problems on line 1. */
export function headerProblems(fields: Field[], header: string[]): RowProblem[] {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  return fields
    .filter((f) => f.required && !have.has(f.name))
    .map((f) => ({ line: 1, field: f.name, reason: 'The file has no such column: the header must name it' }));
}

/** A date as the finance systems write them: 2026-04-30 or 30/04/2026. */
export function isoDate(text: string): string | null {
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = uk
    ? `${uk[3]}-${(uk[2] as string).padStart(2, '0')}-${(uk[1] as string).padStart(2, '0')}`
    : /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? text
      : null;
  if (!iso) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** Money as pounds and pence, £ and thousands commas allowed: "1,234.50" -> "1234.50". */
export function money(text: string): string | null {
  const plain = text.replace(/^(-?)£/, '$1').replace(/,(?=\d{3}(\D|$))/g, '');
  if (!/^-?\d{1,12}(\.\d{1,2})?$/.test(plain)) return null;
  return plain;
}

function value(field: Field, raw: string): { value: string | boolean | null; reason?: string } {
  const text = raw.trim();
  if (text === '')
    return field.required
      ? { value: null, reason: 'Enter a value' }
      : { value: field.kind === 'yes-no' ? false : null };
  switch (field.kind) {
    case 'date': {
      const d = isoDate(text);
      return d
        ? { value: d }
        : {
            value: null,
            reason: `Enter a real date as YYYY-MM-DD or DD/MM/YYYY, not "${text.slice(0, 30)}"`,
          };
    }
    case 'money': {
      const m = money(text);
      return m
        ? { value: m }
        : { value: null, reason: `Enter an amount in pounds, like 1234.50, not "${text.slice(0, 30)}"` };
    }
    case 'choice':
      return field.choices?.includes(text.toLowerCase())
        ? { value: text.toLowerCase() }
        : { value: null, reason: `Enter one of ${field.choices?.join(', ')}` };
    case 'yes-no':
      return /^(yes|y|true|1)$/i.test(text)
        ? { value: true }
        : /^(no|n|false|0)$/i.test(text)
          ? { value: false }
          : { value: null, reason: 'Enter yes or no' };
    default:
      return field.max && text.length > field.max
        ? { value: null, reason: `Enter at most ${field.max} characters` }
        : { value: text };
  }
}

/** A row of the file checked field by field: its values, or the problems found on its line. */
export function checkRow(
  fields: Field[],
  record: Record<string, string>,
  line: number,
): { row: Checked | null; problems: RowProblem[] } {
  const row: Checked = {};
  const problems: RowProblem[] = [];
  for (const field of fields) {
    const checked = value(field, record[field.name] ?? '');
    if (checked.reason) problems.push({ line, field: field.name, reason: checked.reason });
    row[field.name] = checked.value;
  }
  if (row.start_date && row.end_date && String(row.end_date) < String(row.start_date))
    problems.push({ line, field: 'end_date', reason: 'The contract must end on or after the day it starts' });
  return problems.length > 0 ? { row: null, problems } : { row, problems };
}

/** Why a beneficiary's name is not published: a payment to a person is personal data. */
export function redaction(type: string | null): string | null {
  if (type === 'sole_trader') return 'Redacted: a payment to a sole trader, who is a person';
  if (type === 'individual')
    return 'Redacted: a payment to an individual (such as a foster carer or a personal budget)';
  return null;
}
