// An agency's own system submitting and updating its records through the API with an access
// token of its own (a machine client acting for its organisation, client_credentials): records
// are created or updated by the agency's reference, each decided by the policies and in the
// ledger; a token without the write scope, or none, changes nothing.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningProvider, relyingParty } from '../../../test/identity/relying-party.ts';
import type { TestContext } from '../../../test/support.ts';
import type { PersonRecord } from '../records/index.ts';
import type { ImportReport } from './index.ts';

let t: TestContext & { issuer: string };
let writer: string;
let reader: string;
let clientId: string;

beforeAll(async () => {
  t = await listeningProvider();
  const housing = await relyingParty(t, {
    name: 'Northmoor housing system',
    machineFor: 'northmoor-dc',
    redirectUris: [],
    scopes: ['api:read', 'api:write'],
  });
  clientId = housing.clientId;
  writer = (await oidc.clientCredentialsGrant(housing.config, { scope: 'api:read api:write' })).access_token;
  reader = (await oidc.clientCredentialsGrant(housing.config, { scope: 'api:read' })).access_token;
});
afterAll(() => t?.close());

/** An API call; `Body` is the shape of the JSON it answers with (a problem's, when it refuses). */
const call = async <Body>(method: string, path: string, token: string | null, body?: unknown) => {
  const response = await fetch(`${t.issuer}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Body };
};
type Problem = { detail: string };
const submit = (token: string | null, body: unknown) =>
  call<ImportReport & Problem>('POST', '/api/v1/records/bulk', token, body);
const records = async () =>
  (
    await t.services.database.pool.query(
      `SELECT r.local_ref, r.family_name, r.version FROM local_records r JOIN organisations o ON o.id = r.organisation_id
        WHERE o.ref = 'northmoor-dc' AND r.local_ref LIKE 'HSG-%' ORDER BY r.local_ref`,
    )
  ).rows;
const ledger = async (action: string) =>
  (
    await t.services.database.pool.query(
      `SELECT body FROM audit_ledger WHERE body::jsonb->>'action' = $1 ORDER BY seq DESC`,
      [action],
    )
  ).rows.map((r) => JSON.parse(r.body));

const tenant = (ref: string, familyName: string, more: object = {}) => ({
  localRef: ref,
  givenNames: 'Nia',
  familyName,
  dateOfBirth: '1988-04-01',
  postcode: 'nm1 4rt',
  marking: 'OFFICIAL',
  ...more,
});

describe('an agency system submitting its records with its own access token', () => {
  it('creates records, then updates them by its own reference, each decided and in the ledger', async () => {
    const first = await submit(writer, {
      organisation: 'northmoor-dc',
      records: [tenant('HSG-1', 'Lowe'), tenant('HSG-2', 'Ahmed')],
    });
    expect(first).toMatchObject({ status: 200, body: { rows: 2, inserted: 2, updated: 0, rejected: [] } });
    const again = await submit(writer, {
      organisation: 'northmoor-dc',
      records: [tenant('HSG-1', 'Lowe-Jones'), tenant('HSG-2', 'Ahmed')],
    });
    expect(again.body).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(await records()).toEqual([
      { local_ref: 'HSG-1', family_name: 'Lowe-Jones', version: 2 },
      { local_ref: 'HSG-2', family_name: 'Ahmed', version: 1 },
    ]);
    const entries = await ledger('person-record.update');
    expect(entries[0]).toMatchObject({
      actor: { account: clientId, kind: 'client', organisation: 'northmoor-dc' },
      detail: { via: 'bulk submission' },
      decision: 'allow',
    });
  });

  it('finds its record by its reference, and changes one field of it', async () => {
    const found = await call<PersonRecord[]>('GET', '/api/v1/records?identifier=HSG-1', writer);
    expect(found.status).toBe(200);
    const [record] = found.body;
    expect(record?.postcode).toBe('NM1 4RT');
    const changed = await call<PersonRecord>('PATCH', `/api/v1/records/${record?.id}`, writer, {
      phone: '01632 960001',
      version: record?.version,
    });
    expect(changed).toMatchObject({ status: 200, body: { phone: '01632 960001', version: 3 } });
    const stale = await call<PersonRecord>('PATCH', `/api/v1/records/${record?.id}`, writer, {
      phone: '01632 960002',
      version: record?.version,
    });
    expect(stale.status).toBe(409);
  });

  it('is in the ledger as a machine client, not a member of staff, and the ledger still verifies', async () => {
    for (const action of ['person-record.search', 'person-record.update', 'person-record.create'])
      expect((await ledger(action))[0]).toMatchObject({
        actor: { account: clientId, kind: 'client', organisation: 'northmoor-dc' },
      });
    expect((await ledger('person-record.update'))[0].actor).not.toHaveProperty('role');
    expect(await t.services.governance.ledger.verify()).toMatchObject({ ok: true });
  });

  it('says what is wrong with each bad record in the API’s words, and stores the good ones', async () => {
    const report = await submit(writer, {
      organisation: 'northmoor-dc',
      records: [
        tenant('HSG-3', 'Okafor', { dateOfBirth: '31/02/1990' }),
        tenant('HSG-4', 'Reyes', { nhsNumber: '1234567890' }),
        tenant('HSG-5', 'Kaur', { marking: 'OFFICIAL-SENSITIVE' }),
        tenant('HSG-4', 'Reyes'),
      ],
    });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ rows: 4, inserted: 1 });
    expect(report.body.rejected).toEqual([
      { row: 0, field: 'dateOfBirth', reason: 'Enter a real date of birth, like 1984-03-27' },
      { row: 2, field: 'marking', reason: 'you may not create records for northmoor-dc at that marking' },
      { row: 3, field: 'localRef', reason: 'the reference is already in this batch' },
    ]);
    expect(report.body.dropped).toEqual([
      { row: 1, field: 'nhsNumber', reason: 'not a valid NHS number (check digit): stored without it' },
    ]);
    expect((await records()).map((r) => r.local_ref)).toEqual(['HSG-1', 'HSG-2', 'HSG-4']);
  });

  it('refuses another organisation’s records, a read-only token, no token and a malformed batch, changing nothing', async () => {
    const before = await records();
    const theirs = await submit(writer, {
      organisation: 'fellshire-nhs',
      records: [tenant('HSG-9', 'Ng')],
    });
    expect(theirs.body.rejected[0]?.reason).toBe(
      'you may not create records for fellshire-nhs at that marking',
    );
    const readOnly = await submit(reader, {
      organisation: 'northmoor-dc',
      records: [tenant('HSG-9', 'Ng')],
    });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.detail).toBe('The access token does not allow this: it needs the api:write scope');
    const anonymous = await submit(null, {
      organisation: 'northmoor-dc',
      records: [tenant('HSG-9', 'Ng')],
    });
    expect(anonymous.status).toBe(401);
    const malformed = await submit(writer, {
      organisation: 'northmoor-dc',
      records: [{ ...tenant('HSG-9', 'Ng'), shoeSize: 9 }],
    });
    expect(malformed.status).toBe(400);
    const empty = await submit(writer, {
      organisation: 'northmoor-dc',
      records: [],
    });
    expect(empty.status).toBe(400);
    expect(await records()).toEqual(before);
  });
});
