// The spending over £500 and contracts over £5,000 datasets, with the fields the Local Government
// Transparency Code 2015 names; a payment to a person is published without their name, saying
// why. Contracts are also published as an Open Contracting Data Standard 1.1 release package.
import {
  type Dataset,
  organisationColumns,
  organisationOf,
  placeDataset,
  type Row,
  slug,
} from '../dataset.ts';
import type { Sources } from '../service-requests.ts';
import { inBatches } from '../store.ts';
import { redaction } from './rows.ts';
import * as store from './store.ts';

const money = (v: string | null) => (v === null ? null : Number(v));

export function spendingDataset(sources: Sources): Dataset {
  return placeDataset({
    id: 'spending-over-500',
    title: 'Spending over £500',
    description:
      'Every payment over £500 by the councils of the place, as the Local Government Transparency Code 2015 asks: the date, the department, the beneficiary, the purpose, the merchant category, the amount and the VAT that cannot be recovered. Payments to people (sole traders, foster carers, personal budgets) are published without their names, saying why.',
    keywords: ['spending', 'transparency', 'finance', 'Local Government Transparency Code'],
    columns: [
      ...organisationColumns('the council'),
      { name: 'date', description: 'The date the expenditure was incurred' },
      { name: 'department', description: 'The department that incurred it' },
      { name: 'beneficiary', description: 'Who was paid; empty where redacted' },
      {
        name: 'beneficiary_registration',
        description: 'Their company or charity number, where they have one',
      },
      { name: 'purpose', description: 'A summary of the purpose of the expenditure' },
      { name: 'merchant_category', description: 'The merchant category (purchase cards)' },
      { name: 'amount', description: 'The amount in pounds' },
      { name: 'irrecoverable_vat', description: 'VAT that cannot be recovered, in pounds' },
      { name: 'transaction_number', description: "The council's own number for the payment" },
      { name: 'redacted', description: 'Why the beneficiary is not named, where they are not' },
    ],
    async build({ now, row }) {
      const names = await sources.names();
      await inBatches(sources.db, store.spendingOver500(), async (lines) => {
        for (const s of lines) {
          const redacted = redaction(s.beneficiary_type);
          await row({
            ...organisationOf(names.organisations, s.organisation_id),
            date: s.spent_on,
            department: s.department,
            beneficiary: redacted ? null : s.beneficiary,
            beneficiary_registration: redacted ? null : s.beneficiary_registration,
            purpose: s.purpose,
            merchant_category: s.merchant_category,
            amount: money(s.amount),
            irrecoverable_vat: money(s.irrecoverable_vat),
            transaction_number: s.transaction_number,
            redacted,
          });
        }
      });
      const { from, to } = await store.period(sources.db, 'spending');
      const day = now.toISOString().slice(0, 10);
      return { from: from ?? day, to: to ?? from ?? day };
    },
  });
}

const OCID_PREFIX = 'ocds-flgstn';

const dateTime = (date: string) => `${date}T00:00:00Z`;

/** One contract as an OCDS release (tag "contract"), its buyer, supplier, award and contract. */
export function ocdsRelease(row: Row, loadedAt: string, today: string) {
  const buyer = { id: `GB-FLAGSTONE-${row.organisation}`, name: String(row.organisation_name) };
  const supplierId = row.supplier_registration
    ? `GB-COH-${row.supplier_registration}`
    : `supplier-${slug(String(row.supplier ?? 'redacted'))}`;
  const supplier = {
    id: supplierId,
    name: row.supplier === null ? 'Redacted: a person' : String(row.supplier),
  };
  const value = { amount: Number(row.value), currency: 'GBP' };
  const status =
    String(row.start_date) > today ? 'pending' : String(row.end_date) < today ? 'terminated' : 'active';
  return {
    ocid: `${OCID_PREFIX}-${row.organisation}-${slug(String(row.reference))}`,
    id: `${slug(String(row.reference))}-${loadedAt.slice(0, 10)}`,
    date: loadedAt,
    tag: ['contract'],
    initiationType: 'tender',
    language: 'en',
    parties: [
      { ...buyer, roles: ['buyer'] },
      { ...supplier, roles: ['supplier'], ...(row.sme_or_vcse ? { details: { scale: 'sme' } } : {}) },
    ],
    buyer,
    tender: {
      id: String(row.reference),
      title: String(row.title),
      procurementMethod: String(row.procurement_method),
    },
    awards: [{ id: String(row.reference), status: 'active', suppliers: [supplier], value }],
    contracts: [
      {
        id: String(row.reference),
        awardID: String(row.reference),
        title: String(row.title),
        description: String(row.description),
        status,
        period: { startDate: dateTime(String(row.start_date)), endDate: dateTime(String(row.end_date)) },
        value,
      },
    ],
  };
}

export function contractsDataset(sources: Sources): Dataset {
  let today = '';
  let place = '';
  const loaded = new Map<string, string>();
  return placeDataset({
    id: 'contracts-over-5000',
    title: 'Contracts over £5,000',
    description:
      'Every contract worth more than £5,000 that the councils of the place have let, as the Local Government Transparency Code 2015 asks, also as an Open Contracting Data Standard 1.1 release package. A contract with a person (a sole trader) is published without their name, saying why.',
    keywords: ['contracts', 'procurement', 'transparency', 'Open Contracting Data Standard'],
    columns: [
      { name: 'reference', description: "The council's reference for the contract" },
      { name: 'title', description: 'Its title' },
      { name: 'description', description: 'The goods or services it is for' },
      ...organisationColumns('the council'),
      { name: 'department', description: 'The department responsible' },
      { name: 'supplier', description: 'The supplier; empty where redacted' },
      { name: 'supplier_registration', description: 'Its company or charity number' },
      {
        name: 'sme_or_vcse',
        description:
          'yes if the supplier is a small or medium enterprise or a voluntary or community organisation',
      },
      { name: 'procurement_method', description: 'open, selective, limited or direct' },
      { name: 'start_date', description: 'When it starts' },
      { name: 'end_date', description: 'When it ends' },
      { name: 'review_date', description: 'When it is reviewed' },
      { name: 'value', description: 'Its whole value in pounds' },
      { name: 'irrecoverable_vat', description: 'VAT that cannot be recovered, in pounds' },
      { name: 'redacted', description: 'Why the supplier is not named, where it is not' },
    ],
    json: {
      format: 'ocds',
      mediaType: 'application/json',
      start: (now) => {
        return `{"uri":${JSON.stringify(`${sources.baseUrl}/data/contracts-over-5000`)},"version":"1.1","publishedDate":${JSON.stringify(now.toISOString().replace(/\.\d{3}Z$/, 'Z'))},"publisher":{"name":${JSON.stringify(place)}},"license":"https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/","releases":[`;
      },
      row: (values) =>
        JSON.stringify(
          ocdsRelease(
            values,
            loaded.get(`${values.organisation} ${values.reference}`) ?? `${today}T00:00:00Z`,
            today,
          ),
        ),
      end: () => '\n]}\n',
    },
    async build({ now, row }) {
      today = now.toISOString().slice(0, 10);
      place = await sources.place();
      loaded.clear();
      const names = await sources.names();
      await inBatches(sources.db, store.contractsOver5000(), async (contracts) => {
        for (const c of contracts) {
          const organisation = organisationOf(names.organisations, c.organisation_id);
          const redacted = redaction(c.supplier_type);
          loaded.set(
            `${organisation.organisation} ${c.reference}`,
            c.loaded_at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          );
          await row({
            reference: c.reference,
            title: c.title,
            description: c.description,
            ...organisation,
            department: c.department,
            supplier: redacted ? null : c.supplier,
            supplier_registration: redacted ? null : c.supplier_registration,
            sme_or_vcse: c.sme_or_vcse,
            procurement_method: c.procurement_method,
            start_date: c.starts_on,
            end_date: c.ends_on,
            review_date: c.review_on,
            value: money(c.value),
            irrecoverable_vat: money(c.irrecoverable_vat),
            redacted,
          });
        }
      });
      const { from, to } = await store.period(sources.db, 'contracts');
      return { from: from ?? today, to: to ?? from ?? today };
    },
  });
}
