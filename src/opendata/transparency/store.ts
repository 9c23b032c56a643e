// SQL of spending and contracts: loading a file's rows (inside its one transaction) and the
// rows open data publishes, in order, through a cursor.
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Checked } from './rows.ts';

const text = (v: Checked[string] | undefined) => (v === null || v === undefined ? null : String(v));

/** Inserts spending lines; returns the transaction numbers already loaded (those rows are not inserted again). */
export async function insertSpending(
  trx: Db,
  organisationId: string,
  rows: { line: number; row: Checked }[],
) {
  if (rows.length === 0) return [];
  const inserted = await trx
    .insertInto('spending_lines')
    .values(
      rows.map(({ row }) => ({
        organisation_id: organisationId,
        spent_on: text(row.date) as string,
        department: text(row.department) as string,
        beneficiary: text(row.beneficiary) as string,
        beneficiary_type: text(row.beneficiary_type) as 'company',
        beneficiary_registration: text(row.beneficiary_registration),
        purpose: text(row.purpose) as string,
        merchant_category: text(row.merchant_category),
        amount: text(row.amount) as string,
        irrecoverable_vat: text(row.irrecoverable_vat),
        transaction_number: text(row.transaction_number),
      })),
    )
    .onConflict((oc) => oc.columns(['organisation_id', 'transaction_number']).doNothing())
    .returning('transaction_number')
    .execute();
  const done = new Set(inserted.map((r) => r.transaction_number));
  return rows.filter(
    ({ row }) => row.transaction_number !== null && !done.has(String(row.transaction_number)),
  );
}

/** Inserts contracts, or updates those of the same reference (a council republishes its whole list). */
export async function upsertContracts(
  trx: Db,
  organisationId: string,
  rows: { line: number; row: Checked }[],
) {
  if (rows.length === 0) return;
  const values = rows.map(({ row }) => ({
    organisation_id: organisationId,
    reference: text(row.reference) as string,
    title: text(row.title) as string,
    description: text(row.description) as string,
    department: text(row.department) as string,
    supplier: text(row.supplier) as string,
    supplier_type: text(row.supplier_type) as 'company',
    supplier_registration: text(row.supplier_registration),
    sme_or_vcse: row.sme_or_vcse === true,
    procurement_method: text(row.procurement_method) as 'open',
    starts_on: text(row.start_date) as string,
    ends_on: text(row.end_date) as string,
    review_on: text(row.review_date),
    value: text(row.value) as string,
    irrecoverable_vat: text(row.irrecoverable_vat),
  }));
  await trx
    .insertInto('contracts')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['organisation_id', 'reference']).doUpdateSet((eb) => ({
        title: eb.ref('excluded.title'),
        description: eb.ref('excluded.description'),
        department: eb.ref('excluded.department'),
        supplier: eb.ref('excluded.supplier'),
        supplier_type: eb.ref('excluded.supplier_type'),
        supplier_registration: eb.ref('excluded.supplier_registration'),
        sme_or_vcse: eb.ref('excluded.sme_or_vcse'),
        procurement_method: eb.ref('excluded.procurement_method'),
        starts_on: eb.ref('excluded.starts_on'),
        ends_on: eb.ref('excluded.ends_on'),
        review_on: eb.ref('excluded.review_on'),
        value: eb.ref('excluded.value'),
        irrecoverable_vat: eb.ref('excluded.irrecoverable_vat'),
        loaded_at: sql`now()`,
      })),
    )
    .execute();
}

export interface SpendingLine {
  organisation_id: string;
  spent_on: string;
  department: string;
  beneficiary: string;
  beneficiary_type: string;
  beneficiary_registration: string | null;
  purpose: string;
  merchant_category: string | null;
  amount: string;
  irrecoverable_vat: string | null;
  transaction_number: string | null;
}

/** Spending over £500, oldest first. */
export const spendingOver500 = (): RawBuilder<SpendingLine> => sql<SpendingLine>`
  SELECT organisation_id, spent_on, department, beneficiary, beneficiary_type, beneficiary_registration,
         purpose, merchant_category, amount::text, irrecoverable_vat::text, transaction_number
    FROM spending_lines WHERE amount > 500 ORDER BY spent_on, id`;

export interface ContractRow {
  organisation_id: string;
  reference: string;
  title: string;
  description: string;
  department: string;
  supplier: string;
  supplier_type: string;
  supplier_registration: string | null;
  sme_or_vcse: boolean;
  procurement_method: string;
  starts_on: string;
  ends_on: string;
  review_on: string | null;
  value: string;
  irrecoverable_vat: string | null;
  loaded_at: Date;
}

/** Contracts over £5,000, by start. */
export const contractsOver5000 = (): RawBuilder<ContractRow> => sql<ContractRow>`
  SELECT organisation_id, reference, title, description, department, supplier, supplier_type,
         supplier_registration, sme_or_vcse, procurement_method, starts_on, ends_on, review_on,
         value::text, irrecoverable_vat::text, loaded_at
    FROM contracts WHERE value > 5000 ORDER BY starts_on, id`;

export async function period(
  db: Db,
  kind: 'spending' | 'contracts',
): Promise<{ from: string | null; to: string | null }> {
  const { rows } =
    kind === 'spending'
      ? await sql<{
          from: string | null;
          to: string | null;
        }>`SELECT min(spent_on) AS from, max(spent_on) AS to FROM spending_lines WHERE amount > 500`.execute(
          db,
        )
      : await sql<{
          from: string | null;
          to: string | null;
        }>`SELECT min(starts_on) AS from, max(ends_on) AS to FROM contracts WHERE value > 5000`.execute(db);
  return rows[0] ?? { from: null, to: null };
}
