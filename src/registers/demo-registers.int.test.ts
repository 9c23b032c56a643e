// The demo's two overlapping registers (the county council's adult social care clients and the
// NHS trust's community patients, data/demo) loaded with `flagstone import people` and linked
// with `flagstone link`, as someone trying the demo would: the people both organisations know
// become one person each, a father and son at one address stay two, and the pair linkage is
// unsure of waits in both organisations' review queues.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, signIn, type TestContext, testApp } from '../../test/support.ts';
import { demoRegisters } from '../demo.ts';

const main = path.resolve(import.meta.dirname, '../main.ts');
let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const [county, trust] = demoRegisters as [(typeof demoRegisters)[number], (typeof demoRegisters)[number]];
/** The references in a file, in its order (the two files list the people they share in the same places). */
const refs = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0] as string);
const countyRefs = refs(county.path);
const trustRefs = refs(trust.path);
const SHARED = [...Array(16).keys(), 22]; // rows about the same person in both files
const FATHER_AND_SON = 16; // John Baxter, born 1952 and 1979, at one address
const UNSURE = 21; // Edith Greenhalgh and "E Greenhalgh" at her address, no date of birth

function flagstone(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, [main, ...args], {
      env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' },
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const sql = async (text: string, params: unknown[] = []) =>
  (await t.services.database.pool.query(text, params)).rows;
const personOf = async (org: string, ref: string) =>
  (
    await sql(
      `SELECT l.person_id FROM person_links l JOIN local_records r ON r.id = l.record_id
        JOIN organisations o ON o.id = r.organisation_id WHERE o.ref = $1 AND r.local_ref = $2`,
      [org, ref],
    )
  )[0]?.person_id as string | undefined;

describe('the demo’s overlapping registers', () => {
  it('loads both files with the import command, the trust’s through a column mapping', async () => {
    // start from neither file loaded, as before `flagstone demo`
    await sql(
      `DELETE FROM local_records r USING organisations o WHERE o.id = r.organisation_id
         AND ((o.ref = 'fellshire-cc' AND r.local_ref = ANY($1)) OR (o.ref = 'fellshire-nhs' AND r.local_ref = ANY($2)))`,
      [countyRefs, trustRefs],
    );
    const first = await flagstone(['import', 'people', '--org', county.organisation, county.path]);
    expect(first.output).toContain(`${countyRefs.length} new, 0 updated, 0 unchanged, 0 rejected`);
    expect(first.code).toBe(0);
    const second = await flagstone([
      'import',
      'people',
      '--org',
      trust.organisation,
      '--columns',
      trust.columns as string,
      '--marking',
      trust.marking as string,
      trust.path,
    ]);
    expect(second.output).toContain(`${trustRefs.length} new, 0 updated, 0 unchanged, 0 rejected`);
    expect(second.code).toBe(0);
  }, 120_000);

  it('links each person both organisations know into one golden person, and keeps others apart', async () => {
    const linked = await flagstone(['link']);
    expect(linked.code).toBe(0);
    expect(linked.output).toMatch(/Linked \d+ records/);
    for (const i of SHARED) {
      const person = await personOf('fellshire-cc', countyRefs[i] as string);
      expect(person, `row ${i + 2} of both files`).toBeDefined();
      expect(await personOf('fellshire-nhs', trustRefs[i] as string), `row ${i + 2} of both files`).toBe(
        person,
      );
    }
    expect(await personOf('fellshire-cc', countyRefs[FATHER_AND_SON] as string)).not.toBe(
      await personOf('fellshire-nhs', trustRefs[FATHER_AND_SON] as string),
    );
    expect(await personOf('fellshire-cc', countyRefs[UNSURE] as string)).not.toBe(
      await personOf('fellshire-nhs', trustRefs[UNSURE] as string),
    );
    // no one else in either file is joined to anyone
    const people = new Set<string | undefined>();
    for (const ref of countyRefs) people.add(await personOf('fellshire-cc', ref));
    for (const ref of trustRefs) people.add(await personOf('fellshire-nhs', ref));
    expect(people.size).toBe(countyRefs.length + trustRefs.length - SHARED.length);
  }, 120_000);

  it('puts the pair it is unsure of in both organisations’ review queues', async () => {
    for (const roles of ['manager at fellshire-cc', 'manager at fellshire-nhs']) {
      const account = demoAccount((c) => c.roles === roles);
      const cookie = await signIn(t.app, account.email, account.password);
      const page = await t.app.inject({ url: '/people/review', headers: { cookie, accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      const rows = page.body.split('<tr class="govuk-table__row">').slice(2); // after the header row
      const pair = rows.filter(
        (row) =>
          row.includes('Fellshire County Council') &&
          row.includes('Fellshire and Castlebridge Community Health NHS Trust'),
      );
      expect(pair, roles).toHaveLength(1);
    }
  });
});
