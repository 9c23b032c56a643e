// The ledger against whoever holds the database: each attack is made as the database's superuser,
// with the append-only triggers turned off, and `verify` must find it.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../../test/support.ts';

let t: TestContext;

beforeAll(async () => {
  t = await testApp();
  // Entries about a person, one of them break-glass: what "Your data" and the reviewers read.
  await t.services.governance.ledger.record([
    { action: 'test.insider', subject: '00000000-0000-4000-8000-000000000001', detail: { n: 1 } },
    { action: 'test.insider', subject: '00000000-0000-4000-8000-000000000001', detail: { n: 2 } },
  ]);
});
afterAll(() => t.close());

/** Runs statements as the database's owner with the ledger's triggers off, then puts them back. */
async function asOwner(statements: (client: pg.PoolClient) => Promise<unknown>) {
  const client = await t.services.database.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE audit_ledger DISABLE TRIGGER USER');
    await statements(client);
    await client.query('ALTER TABLE audit_ledger ENABLE TRIGGER USER');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

const victim = async () =>
  Number(
    (
      await t.services.database.pool.query(
        `SELECT max(seq) AS seq FROM audit_ledger WHERE action = 'test.insider'`,
      )
    ).rows[0].seq,
  );

describe('the ledger against insiders', () => {
  it('finds a column changed beside its hashed body: an entry hidden from the person it is about', async () => {
    expect(await t.services.governance.ledger.verify()).toMatchObject({ ok: true });
    const seq = await victim();
    await asOwner((c) => c.query('UPDATE audit_ledger SET subject_account_id = NULL WHERE seq = $1', [seq]));
    expect((await t.services.governance.ledger.verify()).failure).toEqual({
      seq,
      reason: `entry ${seq} has columns that differ from its hashed body`,
    });
    await asOwner((c) =>
      c.query(
        `UPDATE audit_ledger SET subject_account_id = '00000000-0000-4000-8000-000000000001' WHERE seq = $1`,
        [seq],
      ),
    );
    for (const [column, value] of [
      ['break_glass', 'true'],
      ['decision', `'allow'`],
      ['action', `'test.other'`],
      ['at', `at + interval '1 second'`],
      ['actor_account_id', `'00000000-0000-4000-8000-000000000002'`],
    ]) {
      const before = (
        await t.services.database.pool.query(`SELECT ${column} AS v FROM audit_ledger WHERE seq = $1`, [seq])
      ).rows[0].v;
      await asOwner((c) => c.query(`UPDATE audit_ledger SET ${column} = ${value} WHERE seq = $1`, [seq]));
      expect((await t.services.governance.ledger.verify()).failure, column).toEqual({
        seq,
        reason: `entry ${seq} has columns that differ from its hashed body`,
      });
      await asOwner((c) => c.query(`UPDATE audit_ledger SET ${column} = $2 WHERE seq = $1`, [seq, before]));
    }
    expect(await t.services.governance.ledger.verify()).toMatchObject({ ok: true });
  });

  it('finds a body that is not JSON at all by its hash', async () => {
    const seq = await victim();
    const { body } = (
      await t.services.database.pool.query('SELECT body FROM audit_ledger WHERE seq = $1', [seq])
    ).rows[0];
    await asOwner((c) => c.query(`UPDATE audit_ledger SET body = 'not json' WHERE seq = $1`, [seq]));
    expect((await t.services.governance.ledger.verify()).failure).toEqual({
      seq,
      reason: `entry ${seq} does not match its hash`,
    });
    await asOwner((c) => c.query('UPDATE audit_ledger SET body = $2 WHERE seq = $1', [seq, body]));
    expect(await t.services.governance.ledger.verify()).toMatchObject({ ok: true });
  });
});
