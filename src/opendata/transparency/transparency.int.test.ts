// Spending and contracts files loaded as a council's finance system exports them, against the
// real database: what each bad file gets (every bad row by line and field) and that nothing of it
// is kept; payments to people published without their names; contracts as OCDS 1.1 release
// packages that validate against the official schema.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';
import { importFinanceFromCommandLine } from '../index.ts';

let t: TestContext;
const HEADER =
  'date,department,beneficiary,beneficiary_type,beneficiary_registration,purpose,merchant_category,amount,irrecoverable_vat,transaction_number';
const CONTRACTS =
  'reference,title,description,department,supplier,supplier_type,supplier_registration,sme_or_vcse,procurement_method,start_date,end_date,review_date,value,irrecoverable_vat';

const load = (kind: 'spending' | 'contracts', text: string, org = 'northmoor-dc') =>
  t.services.openData.importFinance(kind, org, Readable.from([text]));
const count = async (table: 'spending_lines' | 'contracts') =>
  Number(
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
        t.services.database.db,
      )
    ).rows[0]?.n,
  );

async function published(id: string, format: string) {
  const release = await t.services.openData.publish(id);
  const { bytes } = await t.services.openData.file(id, release.version, format);
  const parts: Buffer[] = [];
  for await (const part of bytes) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('loading spending and contracts files', () => {
  it('loads a good spending file whole', async () => {
    const before = await count('spending_lines');
    const report = await load(
      'spending',
      `${HEADER}\n2026-04-02,Highways,Acme Roads Ltd,company,01234567,Resurfacing,,"12,500.00",,NM-1\n03/04/2026,Parks,Jo Bloggs,sole_trader,,Hedge cutting,,£640,,NM-2\n2026-04-04,Parks,Acme Roads Ltd,company,,Small repair,,120.00,,NM-3\n`,
    );
    expect(report).toMatchObject({ loaded: 3, problems: [] });
    expect(await count('spending_lines')).toBe(before + 3);
  });

  it('reports every bad row by line and field, and loads nothing of the file', async () => {
    const before = await count('spending_lines');
    const report = await load(
      'spending',
      `${HEADER}\n2026-04-05,Highways,Acme Roads Ltd,company,,Resurfacing,,900,,NM-10\n2026-02-30,Highways,Acme,company,,Patching,,900,,NM-11\n2026-04-06,Highways,Acme,company,,Patching,,nine hundred,,NM-12\n`,
    );
    expect(report.loaded).toBe(0);
    expect(report.problems).toEqual([
      { line: 3, field: 'date', reason: 'Enter a real date as YYYY-MM-DD or DD/MM/YYYY, not "2026-02-30"' },
      { line: 4, field: 'amount', reason: 'Enter an amount in pounds, like 1234.50, not "nine hundred"' },
    ]);
    expect(await count('spending_lines')).toBe(before);
  });

  it('refuses a file with a missing column, or for an organisation that does not exist', async () => {
    const missing = await load('spending', 'date,department,beneficiary\n2026-04-05,Highways,Acme\n');
    expect(missing.problems.map((p) => [p.line, p.field])).toEqual([
      [1, 'beneficiary_type'],
      [1, 'purpose'],
      [1, 'amount'],
    ]);
    const unknown = await load(
      'spending',
      `${HEADER}\n2026-04-05,Highways,Acme,company,,Resurfacing,,900,,X-1\n`,
      'no-such-council',
    );
    expect(unknown.problems).toEqual([
      { line: 0, field: 'org', reason: 'There is no organisation with the reference no-such-council' },
    ]);
    const again = await load(
      'spending',
      `${HEADER}\n2026-04-02,Highways,Acme Roads Ltd,company,,Resurfacing,,900,,NM-1\n`,
    );
    expect(again.problems).toEqual([
      { line: 2, field: 'transaction_number', reason: 'This transaction is already loaded' },
    ]);
  });

  it('refuses a contract that ends before it starts', async () => {
    const before = await count('contracts');
    const report = await load(
      'contracts',
      `${CONTRACTS}\nNM-C900,Bins,Bin collection,Waste,Kerbside plc,company,04455667,no,open,2026-05-01,2026-04-01,,250000,\n`,
    );
    expect(report.problems).toEqual([
      { line: 2, field: 'end_date', reason: 'The contract must end on or after the day it starts' },
    ]);
    expect(await count('contracts')).toBe(before);
  });

  it('says on the command line what loaded, or why nothing did', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'spending-'));
    const good = path.join(folder, 'good.csv');
    await writeFile(good, `${HEADER}\n2026-04-07,Highways,Acme Roads Ltd,company,,Resurfacing,,900,,NM-20\n`);
    expect(await importFinanceFromCommandLine(t.services.openData, 'spending', good, 'northmoor-dc')).toEqual(
      {
        ok: true,
        message: `Loaded 1 rows of spending for northmoor-dc from ${good}\n`,
      },
    );
    const bad = path.join(folder, 'bad.csv');
    await writeFile(bad, `${HEADER}\n2026-04-07,Highways,Acme Roads Ltd,company,,Resurfacing,,lots,,NM-21\n`);
    const refused = await importFinanceFromCommandLine(t.services.openData, 'spending', bad, 'northmoor-dc');
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('line 2, amount: Enter an amount in pounds');
  });
});

describe('publishing spending and contracts', () => {
  it('publishes spending over £500 only, with payments to people not named and the reason given', async () => {
    const rows = parse(await published('spending-over-500', 'csv'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.every((r) => Number(r.amount) > 500)).toBe(true);
    expect(rows.find((r) => r.transaction_number === 'NM-3')).toBeUndefined();
    const soleTrader = rows.find((r) => r.transaction_number === 'NM-2');
    expect(soleTrader).toMatchObject({
      beneficiary: '',
      amount: '640',
      redacted: 'Redacted: a payment to a sole trader, who is a person',
    });
    expect(rows.find((r) => r.transaction_number === 'NM-1')).toMatchObject({
      beneficiary: 'Acme Roads Ltd',
      amount: '12500',
    });
    const everything = rows.map((r) => Object.values(r).join(',')).join('\n');
    expect(everything).not.toContain('Jo Bloggs');
    expect(everything).not.toContain('A foster carer');
    expect(everything).not.toContain('J. Hartley');
  });

  it('publishes contracts as an OCDS 1.1 release package that validates against the official schema', async () => {
    const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/ocds');
    // CommonJS packages: their default export is the module's `default`.
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
    ajvFormats.default(ajv);
    ajv.addSchema(JSON.parse(readFileSync(path.join(fixtures, 'release-schema.json'), 'utf8')));
    const validate = ajv.compile(
      JSON.parse(readFileSync(path.join(fixtures, 'release-package-schema.json'), 'utf8')),
    );
    const ocds = JSON.parse(await published('contracts-over-5000', 'ocds'));
    const valid = validate(ocds);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
    expect(valid).toBe(true);
    expect(ocds.releases.length).toBeGreaterThanOrEqual(20);
    expect(ocds.version).toBe('1.1');
    expect(JSON.stringify(ocds)).not.toContain('J. Hartley');
    // A broken package does not pass: the check can fail.
    expect(
      validate({ ...ocds, releases: [{ ...ocds.releases[0], tag: ['no-such-tag'], ocid: undefined }] }),
    ).toBe(false);
  });
});
