// The ledger against whoever holds the database: each attack is made as the database's superuser,
// with the append-only triggers turned off, and `verify` must find it.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, tamperAsOwner, testApp } from '../../../test/support.ts';

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

/** Runs statements as the database's owner with the ledger's triggers off (test/support.ts). */
const asOwner = (statements: (client: pg.Client) => Promise<unknown>) => tamperAsOwner(t, statements);

const victim = async () =>
  Number(
    (
      await t.services.database.pool.query(
        `SELECT max(seq) AS seq FROM audit_ledger WHERE action = 'test.insider'`,
      )
    ).rows[0].seq,
  );

describe('the ledger against insiders', { timeout: 120_000 }, () => {
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

/** Takes a copy of the ledger and its checkpoints, and puts it back after an attack. */
async function keepCopy() {
  await asOwner(async (c) => {
    await c.query('DROP TABLE IF EXISTS ledger_copy, checkpoints_copy');
    await c.query('CREATE TABLE ledger_copy AS SELECT * FROM audit_ledger');
    await c.query('CREATE TABLE checkpoints_copy AS SELECT * FROM audit_checkpoints');
  });
  return () =>
    asOwner(async (c) => {
      await c.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
      await c.query('DELETE FROM audit_checkpoints');
      await c.query('DELETE FROM audit_ledger');
      await c.query('INSERT INTO audit_ledger SELECT * FROM ledger_copy');
      await c.query('INSERT INTO audit_checkpoints SELECT * FROM checkpoints_copy');
      await c.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER USER');
    });
}

describe('tree heads kept outside the database', { timeout: 120_000 }, () => {
  const ledger = () => t.services.governance.ledger;

  it('are published: GET /api/v1/audit/heads needs no sign-in and gives sizes, roots, signatures and co-signatures only', async () => {
    await ledger().checkpoint();
    const answer = await t.app.inject({ url: '/api/v1/audit/heads' });
    expect(answer.statusCode).toBe(200);
    const heads = answer.json();
    expect(heads.length).toBeGreaterThan(0);
    expect(Object.keys(heads[0]).sort()).toEqual([
      'cosignatures',
      'keyId',
      'publicKey',
      'rootHash',
      'signature',
      'signedAt',
      'treeSize',
    ]);
    const last = heads.at(-1).treeSize;
    expect((await t.app.inject({ url: `/api/v1/audit/heads?after=${last}` })).json()).toEqual([]);
    expect((await t.app.inject({ url: '/api/v1/audit/heads?after=-1' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/audit/heads?after=x' })).statusCode).toBe(400);
    expect(await ledger().verify(undefined, heads)).toMatchObject({ ok: true, outside: heads.length });
  });

  it('find entries rewritten, their chain made again and signed again by the database owner', async () => {
    await ledger().record([{ action: 'test.rewrite', detail: { n: 1 } }]);
    await ledger().checkpoint();
    const heads = await ledger().heads();
    const restore = await keepCopy();
    const seq = await victim();
    await asOwner(async (c) => {
      // A different body, every hash after it made again, the checkpoints replaced by new ones.
      await c.query(`UPDATE audit_ledger SET body = replace(body, '"n":2', '"n":3') WHERE seq = $1`, [seq]);
      await c.query(
        `DO $$ DECLARE r record; previous bytea; BEGIN
           SELECT hash INTO previous FROM audit_ledger WHERE seq = ${seq} - 1;
           FOR r IN SELECT seq, body FROM audit_ledger WHERE seq >= ${seq} ORDER BY seq LOOP
             previous := sha256(previous || convert_to(r.body, 'UTF8'));
             UPDATE audit_ledger SET hash = previous WHERE seq = r.seq;
           END LOOP; END $$`,
      );
      await c.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
      await c.query('DELETE FROM audit_checkpoints');
      await c.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER USER');
    });
    await ledger().checkpoint(); // signed again: the checkpoints inside the database agree
    expect(await ledger().verify()).toMatchObject({ ok: true });
    const found = await ledger().verify(undefined, heads);
    const first = heads.find((h) => h.treeSize >= seq)?.treeSize;
    expect(found.failure).toEqual({
      seq: first,
      reason: `the tree head kept outside the database at ${first} has a different tree head`,
    });
    await restore();
    expect(await ledger().verify(undefined, heads)).toMatchObject({ ok: true });
  });

  it('find a tail dropped, and a ledger emptied with its checkpoints', async () => {
    const heads = await ledger().heads();
    const size = heads.at(-1)?.treeSize as number;
    const restore = await keepCopy();
    await asOwner(async (c) => {
      await c.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
      await c.query('DELETE FROM audit_checkpoints WHERE tree_size >= $1', [size - 2]);
      await c.query('DELETE FROM audit_ledger WHERE seq >= $1', [size - 2]);
      await c.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER USER');
    });
    expect(await ledger().verify()).toMatchObject({ ok: true });
    const beyond = heads.find((h) => h.treeSize >= size - 2)?.treeSize;
    expect((await ledger().verify(undefined, heads)).failure).toEqual({
      seq: size - 2,
      reason: `the tree head kept outside the database at ${beyond} covers entries that are missing`,
    });
    await asOwner(async (c) => {
      await c.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
      await c.query('DELETE FROM audit_checkpoints');
      await c.query('DELETE FROM audit_ledger');
      await c.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER USER');
    });
    expect(await ledger().verify()).toMatchObject({ ok: true, entries: 0 });
    expect((await ledger().verify(undefined, heads)).failure).toEqual({
      seq: 1,
      reason: `the tree head kept outside the database at ${heads[0]?.treeSize} covers entries that are missing`,
    });
    await restore();
    expect(await ledger().verify(undefined, heads)).toMatchObject({ ok: true });
  });

  it('find a head signed by another key than the one it names', async () => {
    const heads = await ledger().heads();
    const forged = heads.map((h, i) =>
      i === 0 ? { ...h, signature: heads[1]?.signature ?? h.signature } : h,
    );
    expect((await ledger().verify(undefined, forged)).failure?.reason).toBe(
      `the tree head kept outside the database at ${heads[0]?.treeSize} has a bad signature`,
    );
  });
});
