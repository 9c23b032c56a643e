// The audit ledger's signed tree heads as open data, against the real database: every head is
// published, and the JSON file is what `flagstone audit verify --heads URL` reads.
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../test/support.ts';
import { readHeads } from '../governance/index.ts';

let t: TestContext;
let base: string;

beforeAll(async () => {
  t = await testApp();
  // Entries, a checkpoint over them, more entries and another checkpoint: two heads.
  await t.services.openData.publish('spending-over-500');
  await t.services.governance.ledger.checkpoint();
  await t.services.openData.publish('contracts-over-5000');
  await t.services.governance.ledger.checkpoint();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

describe('the audit ledger tree heads dataset', () => {
  it('publishes every signed tree head, and the JSON file is what audit verify --heads reads', async () => {
    const release = await t.services.openData.publish('audit-ledger-heads');
    const heads = await t.services.governance.ledger.heads();
    expect(heads.length).toBeGreaterThanOrEqual(2);
    expect(release.rows).toBe(heads.length);
    const kept = await readHeads(
      `${base}/data/audit-ledger-heads/releases/${release.version}/audit-ledger-heads-${release.version}.json`,
    );
    expect(kept).toEqual(heads);
    const csv = parse(
      (
        await t.app.inject({
          url: `/data/audit-ledger-heads/releases/${release.version}/audit-ledger-heads-${release.version}.csv`,
        })
      ).body,
      { columns: true },
    ) as Record<string, string>[];
    expect(Object.keys(csv[0] ?? {})).toEqual([
      'tree_size',
      'root_hash',
      'signed_at',
      'key_id',
      'public_key',
      'signature',
    ]);
    expect(csv.map((h) => Number(h.tree_size))).toEqual(heads.map((h) => h.treeSize));
    const result = await t.services.governance.ledger.verify(undefined, kept);
    expect(result).toMatchObject({ ok: true, outside: heads.length });
  });
});
