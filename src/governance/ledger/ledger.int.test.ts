import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

/** Runs statements on a connection of the database's owner (the app role may not). */
async function asOwner<T>(statements: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: t.ownerUrl });
  await client.connect();
  try {
    return await statements(client);
  } finally {
    await client.end();
  }
}

describe('the audit ledger', () => {
  it('refuses UPDATE, DELETE and TRUNCATE in the database itself, even to its owner', async () => {
    await asOwner(async (owner) => {
      await expect(owner.query(`UPDATE audit_ledger SET action = 'x' WHERE seq = 1`)).rejects.toThrow(
        /append-only/,
      );
      await expect(owner.query('DELETE FROM audit_ledger WHERE seq = 1')).rejects.toThrow(/append-only/);
      await expect(owner.query('TRUNCATE audit_ledger CASCADE')).rejects.toThrow(/append-only/);
    });
  });

  it('gives the app role no way to change it: not its owner, not a superuser, no rights but reading and appending', async () => {
    const pool = t.services.database.pool;
    const me = (
      await pool.query('SELECT current_user AS me, usesuper FROM pg_user WHERE usename = current_user')
    ).rows[0];
    expect(me).toEqual({ me: 'flagstone_app', usesuper: false });
    const before = await t.services.governance.ledger.status();
    for (const statement of [
      `UPDATE audit_ledger SET action = 'x' WHERE seq = 1`,
      'DELETE FROM audit_ledger WHERE seq = 1',
      'TRUNCATE audit_ledger CASCADE',
      'ALTER TABLE audit_ledger DISABLE TRIGGER USER',
      'ALTER TABLE audit_ledger DISABLE TRIGGER audit_ledger_append_only',
      `INSERT INTO audit_ledger (seq, at, action, body, hash)
         VALUES (1000000, now(), 'forged', '{}', sha256('x'))`,
      `UPDATE audit_checkpoints SET signature = '' WHERE tree_size > 0`,
      'DELETE FROM audit_checkpoints',
      'TRUNCATE audit_checkpoints',
      'ALTER TABLE audit_checkpoints DISABLE TRIGGER USER',
      `UPDATE audit_signing_keys SET public_key = ''`,
      'DELETE FROM audit_signing_keys',
      'DROP TRIGGER audit_ledger_append_only ON audit_ledger',
      'DROP TABLE audit_ledger CASCADE',
      `CREATE OR REPLACE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      'SET session_replication_role = replica',
      'DELETE FROM schema_migrations',
      'DELETE FROM app_role_limits',
    ])
      await expect(pool.query(statement), statement).rejects.toThrow(/permission denied|must be owner/);
    // Appending through the ledger's function still works, and nothing else changed.
    await t.services.governance.ledger.record([{ action: 'test.app-role' }]);
    expect((await t.services.governance.ledger.status()).entries).toBe(before.entries + 1);
    expect(await t.services.governance.ledger.latest('test.app-role')).toMatchObject({
      action: 'test.app-role',
    });
    expect(await t.services.governance.ledger.latest('forged')).toBeNull();
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
    await asOwner(async (client) => {
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
    });
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
