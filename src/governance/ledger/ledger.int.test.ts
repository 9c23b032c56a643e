import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('the audit ledger', () => {
  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const pool = t.services.database.pool;
    await expect(pool.query(`UPDATE audit_ledger SET action = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query('DELETE FROM audit_ledger WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE audit_ledger CASCADE')).rejects.toThrow(/append-only/);
  });

  it('keeps one unbroken chain when many transactions append at once, each holding on before its commit', async () => {
    const { db } = t.services.database;
    const ledger = t.services.governance.ledger;
    const before = await ledger.latest('test.at-once');
    expect(before).toBeNull();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await ledger.append(trx, [
            { action: 'test.at-once', detail: { i, part: 1 } },
            // Not only ASCII: the database hashes the body's UTF-8 as the verifier does.
            { action: 'test.at-once', detail: { i, part: 2, place: 'Ysbyty Gwynedd — Siân’s 🚒' } },
          ]);
          await sql`SELECT pg_sleep(0.01)`.execute(trx);
        }),
      ),
    );
    const { rows } = await sql<{ seq: string; body: string }>`
      SELECT seq, body FROM audit_ledger WHERE action = 'test.at-once' ORDER BY seq`.execute(db);
    expect(rows).toHaveLength(24);
    // Each transaction's two entries are next to each other: appends never interleave.
    for (let k = 0; k < rows.length; k += 2) expect(Number(rows[k + 1]?.seq)).toBe(Number(rows[k]?.seq) + 1);
    // Each body is the canonical JSON of the entry with the number it was given.
    for (const row of rows) {
      const body = JSON.parse(row.body);
      expect(body.seq).toBe(Number(row.seq));
      expect(row.body).toBe(canonicalize(body));
    }
    expect(await ledger.verify()).toMatchObject({ ok: true });
  });

  it('verifies, checkpoints and proves inclusion; a tampered entry is found at exactly that entry', async () => {
    const ledger = t.services.governance.ledger;
    const size = await ledger.checkpoint();
    expect(size).toBeGreaterThan(10);
    const ok = await ledger.verify();
    expect(ok).toMatchObject({ ok: true, entries: size, checkpoints: expect.any(Number) });
    const proof = await ledger.prove(5);
    expect(proof?.verified).toBe(true);
    expect(proof?.treeSize).toBe(size);

    const victim = 7;
    const client = await t.services.database.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE audit_ledger DISABLE TRIGGER audit_ledger_append_only');
      await client.query(
        `UPDATE audit_ledger SET body = replace(body, '"decision":"allow"', '"decision":"deny"') WHERE seq = $1`,
        [victim],
      );
      await client.query(
        `UPDATE audit_ledger SET body = body || ' ' WHERE seq = $1 AND body NOT LIKE '%"decision":"deny"%'`,
        [victim],
      );
      await client.query('ALTER TABLE audit_ledger ENABLE TRIGGER audit_ledger_append_only');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const tampered = await ledger.verify();
    expect(tampered.ok).toBe(false);
    expect(tampered.failure).toEqual({ seq: victim, reason: `entry ${victim} does not match its hash` });
  });
});

describe('policy changes', () => {
  it('writes the policies in force to the ledger once, and again only when they change', async () => {
    const governance = t.services.governance;
    expect(await governance.notePolicies()).toBe(true);
    expect(await governance.notePolicies()).toBe(false);
    const entry = await governance.ledger.latest('policies.load');
    expect(entry?.detail).toMatchObject({ digest: governance.pdp.digest });
    expect(String(entry?.detail?.policies)).toContain('sharing-agreement');
  });
});
