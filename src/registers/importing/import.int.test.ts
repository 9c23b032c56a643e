// Loading organisations' files of people and agency systems' batches, through the real database.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen, citizenId, demoAccount, signIn, type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const csv = (text: string) => Readable.from([text]);
const load = (text: string, options: { mapping?: Record<string, string>; org?: string } = {}) =>
  t.services.importing.importPeople({
    organisation: options.org ?? 'northmoor-dc',
    csv: csv(text),
    mapping: options.mapping,
    batchSize: 2,
  });

async function records(org: string) {
  const { rows } = await t.services.database.pool.query(
    `SELECT local_ref, given_names, family_name, date_of_birth::text, postcode, nhs_number, uprn::text, version
       FROM local_records r JOIN organisations o ON o.id = r.organisation_id
      WHERE o.ref = $1 ORDER BY local_ref`,
    [org],
  );
  return rows;
}

const FILE = `local_ref,given_names,family_name,date_of_birth,postcode,nhs_number,uprn
CT-1,Ravi,Sharma,1977-01-09,nm2 5bb,9434765919,100012345
CT-2,Joan,Pike,1950-13-40,NM2 5BB,,
CT-3,Ellen,Marsh,1962-05-01,NM1 4RT,1234567890,12x
CT-4,,Noname,1970-01-01,,,
CT-5,Alan,Bright,1981-07-30,NM1 4RT,,
`;

describe('importing people from CSV', () => {
  it('loads the good rows and reports each bad one with its line, field and reason', async () => {
    const report = await load(FILE);
    expect(report).toMatchObject({ rows: 5, inserted: 3, updated: 0, unchanged: 0 });
    expect(report.rejected).toEqual([
      { row: 3, field: 'date_of_birth', reason: 'Enter a real date of birth, like 1984-03-27' },
      { row: 5, field: 'given_names', reason: 'Enter the given names' },
    ]);
    expect(report.dropped.map((d) => [d.row, d.field])).toEqual([
      [4, 'uprn'],
      [4, 'nhs_number'],
    ]);
    const stored = await records('northmoor-dc');
    expect(stored.map((r) => r.local_ref)).toEqual(['CT-1', 'CT-3', 'CT-5']);
    expect(stored[0]).toMatchObject({ postcode: 'NM2 5BB', nhs_number: '9434765919', uprn: '100012345' });
    expect(stored[1]).toMatchObject({ nhs_number: null, uprn: null });
  });

  it('updates by the organisation’s reference on a second load instead of duplicating', async () => {
    const again = await load(FILE.replace('CT-5,Alan,Bright', 'CT-5,Alan,Brighton'));
    expect(again).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    const stored = await records('northmoor-dc');
    expect(stored).toHaveLength(3);
    expect(stored.find((r) => r.local_ref === 'CT-5')).toMatchObject({ family_name: 'Brighton', version: 2 });
    expect(stored.find((r) => r.local_ref === 'CT-1')).toMatchObject({ version: 1 });
  });

  it('ends in the same state when an interrupted import is run again', async () => {
    const lines = ['local_ref,given_names,family_name'];
    for (let i = 0; i < 9; i++) lines.push(`R-${i},Given${i},Family${i}`);
    const whole = `${lines.join('\n')}\n`;
    // interrupted: only the first five rows arrived
    await load(`${lines.slice(0, 6).join('\n')}\n`, { org: 'ashby-vale-dc' });
    const rerun = await load(whole, { org: 'ashby-vale-dc' });
    expect(rerun).toMatchObject({ inserted: 4, unchanged: 5 });
    const once = await load(whole, { org: 'ashby-vale-dc' });
    expect(once).toMatchObject({ inserted: 0, updated: 0, unchanged: 9 });
    expect((await records('ashby-vale-dc')).filter((r) => r.local_ref.startsWith('R-'))).toHaveLength(9);
  });

  it('refuses a file without a required column before loading anything, naming the column', async () => {
    await expect(
      load('local_ref,given_names,surname\nX-1,Ann,Lee\n', { org: 'fellshire-police' }),
    ).rejects.toThrow('The file has no family_name column');
    expect(await records('fellshire-police')).toHaveLength(1);
  });

  it('maps the organisation’s own column names to Flagstone’s', async () => {
    const report = await load('Client ID,Forename,Surname,DOB\nP-1,Ann,Lee,1990-02-03\n', {
      org: 'fellshire-police',
      mapping: {
        local_ref: 'Client ID',
        given_names: 'Forename',
        family_name: 'Surname',
        date_of_birth: 'DOB',
      },
    });
    expect(report).toMatchObject({ inserted: 1, rejected: [] });
    expect((await records('fellshire-police')).find((r) => r.local_ref === 'P-1')).toMatchObject({
      date_of_birth: '1990-02-03',
    });
  });

  it('finds the citizen each row is about by email address in any case, and no one by a staff address', async () => {
    const tom = citizen().email;
    const staff = demoAccount((c) => c.roles === 'manager at fellshire-fire').email;
    const report = await load(
      [
        'local_ref,given_names,family_name,email',
        `E-1,Tom,Price,${tom.toUpperCase()}`,
        `E-2,Tom,Price,${tom}`,
        `E-3,Staff,Member,${staff}`,
        'E-4,No,One,nobody@example.com',
        'E-5,No,Email,',
        '',
      ].join('\n'),
      { org: 'fellshire-fire' },
    );
    expect(report).toMatchObject({ inserted: 5, rejected: [] });
    const { rows } = await t.services.database.pool.query(
      `SELECT r.local_ref, r.subject_account_id FROM local_records r JOIN organisations o ON o.id = r.organisation_id
        WHERE o.ref = 'fellshire-fire' AND r.local_ref LIKE 'E-%' ORDER BY r.local_ref`,
    );
    const tomId = await citizenId(t, tom);
    // An account id, so the comparison below cannot pass by matching nulls.
    expect(tomId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(rows.map((r) => r.subject_account_id)).toEqual([tomId, tomId, null, null, null]);
  });

  it('finds the citizen a record entered or changed on its own is about by email address in any case, and no one by a staff address', async () => {
    const tom = citizen().email;
    const tomId = await citizenId(t, tom);
    expect(tomId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const manager = demoAccount((c) => c.roles === 'manager at fellshire-fire');
    const actor = await t.services.identity.actorByEmail(manager.email);
    const subject = async (id: string) =>
      (
        await t.services.database.pool.query('SELECT subject_account_id FROM local_records WHERE id = $1', [
          id,
        ])
      ).rows[0].subject_account_id;
    const created = await t.services.records.create(actor, {
      organisation: 'fellshire-fire',
      localRef: 'S-1',
      givenNames: 'Tom',
      familyName: 'Price',
      email: ` ${tom.toUpperCase()} `,
      marking: 'OFFICIAL',
    });
    expect(await subject(created.id)).toBe(tomId);
    await t.services.records.update(actor, created.id, { email: manager.email });
    expect(await subject(created.id)).toBeNull();
    await t.services.records.update(actor, created.id, { email: tom });
    expect(await subject(created.id)).toBe(tomId);
    await t.services.records.update(actor, created.id, { phone: '01632 960000' });
    expect(await subject(created.id)).toBe(tomId);
    await t.services.records.update(actor, created.id, { email: '' });
    expect(await subject(created.id)).toBeNull();
  });

  it('reports a reference used twice in one file', async () => {
    const report = await load('local_ref,given_names,family_name\nD-1,A,B\nD-1,C,D\n', {
      org: 'fellshire-fire',
    });
    expect(report.inserted).toBe(1);
    expect(report.rejected).toEqual([
      { row: 3, field: 'local_ref', reason: 'the reference is already on line 2 of this file' },
    ]);
  });
});

describe('bulk submission through the API', () => {
  const submit = async (roles: string, body: unknown) => {
    const account = demoAccount((c) => c.roles === roles);
    const cookie = await signIn(t.app, account.email, account.password);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/records/bulk',
      headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    return { status: response.statusCode, body: response.json() };
  };

  it('creates and updates an agency’s records by reference, each decided and in the ledger', async () => {
    const before = Number(
      (await t.services.database.pool.query('SELECT count(*) FROM audit_ledger')).rows[0].count,
    );
    const first = await submit('manager at northmoor-dc', {
      organisation: 'northmoor-dc',
      records: [
        { localRef: 'API-1', givenNames: 'Nia', familyName: 'Lowe', marking: 'OFFICIAL', nhsNumber: '123' },
        {
          localRef: 'CT-1',
          givenNames: 'Ravi',
          familyName: 'Sharma-Jones',
          marking: 'OFFICIAL',
          dateOfBirth: '1977-01-09',
        },
        {
          localRef: 'API-2',
          givenNames: 'Bad',
          familyName: 'Date',
          marking: 'OFFICIAL',
          dateOfBirth: 'soon',
        },
      ],
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ rows: 3, inserted: 1, updated: 1 });
    expect(first.body.rejected).toEqual([
      { row: 2, field: 'dateOfBirth', reason: 'Enter a real date of birth, like 1984-03-27' },
    ]);
    expect(first.body.dropped).toEqual([
      { row: 0, field: 'nhsNumber', reason: 'not a valid NHS number (check digit): stored without it' },
    ]);
    const after = Number(
      (await t.services.database.pool.query('SELECT count(*) FROM audit_ledger')).rows[0].count,
    );
    expect(after - before).toBeGreaterThanOrEqual(2);
  });

  it('refuses records of an organisation the submitter does not work for, and stores none', async () => {
    const response = await submit('manager at northmoor-dc', {
      organisation: 'fellshire-nhs',
      records: [{ localRef: 'X-9', givenNames: 'Eve', familyName: 'Ng', marking: 'OFFICIAL' }],
    });
    expect(response.body).toMatchObject({ inserted: 0 });
    expect(response.body.rejected[0].reason).toContain('you may not create records for fellshire-nhs');
    expect((await records('fellshire-nhs')).map((r) => r.local_ref)).not.toContain('X-9');
  });
});
