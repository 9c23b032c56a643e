// Verify splits the chain into ranges of 4096 entries, checked on two threads at once (a worker
// and the main thread): what it finds must be what one thread going through the whole chain in
// order would find, wherever the change falls — in a later range, at the seam between two ranges,
// or in two ranges checked on different threads.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, tamperAsOwner, testApp } from '../../../test/support.ts';

const RANGE = 4096;
let t: TestContext;

beforeAll(async () => {
  t = await testApp();
  const { ledger } = t.services.governance;
  // Past the third seam, with a checkpoint inside a range as well as one at the end.
  const target = 3 * RANGE + 100;
  for (let n = (await ledger.status()).entries; n < target; n += 2000) {
    await ledger.record(
      Array.from({ length: Math.min(2000, target - n) }, (_, i) => ({
        action: 'test.ranges',
        subject: '00000000-0000-4000-8000-000000000001',
        detail: { n: n + i, place: 'Siân’s 🚒' },
      })),
    );
    if (n < RANGE + 1000 && n + 2000 >= RANGE + 1000) await ledger.checkpoint();
  }
  await ledger.checkpoint();
}, 120_000);
afterAll(() => t.close());

/** Runs statements as the database's owner with the ledger's triggers off (test/support.ts). */
const asOwner = (statements: (client: pg.Client) => Promise<unknown>) => tamperAsOwner(t, statements);

/** Changes an entry's body (its hash left as it was), runs `check`, and puts the body back. */
async function withBodiesChanged(seqs: number[], check: () => Promise<void>) {
  const change = `UPDATE audit_ledger SET body = replace(body, '"place":', '"plaice":') WHERE seq = ANY($1)`;
  const undo = `UPDATE audit_ledger SET body = replace(body, '"plaice":', '"place":') WHERE seq = ANY($1)`;
  await asOwner((c) => c.query(change, [seqs]));
  try {
    await check();
  } finally {
    await asOwner((c) => c.query(undo, [seqs]));
  }
}

const verify = () => t.services.governance.ledger.verify();

describe('verify in ranges on two threads', { timeout: 120_000 }, () => {
  it('verifies the whole chain, the checkpoint inside a range and the one at its end', async () => {
    const result = await verify();
    expect(result).toMatchObject({
      ok: true,
      entries: (await t.services.governance.ledger.status()).entries,
    });
    expect(result.checkpoints).toBeGreaterThanOrEqual(2);
  });

  it('names an entry changed in the second range, and the first of two changed in the second and third', async () => {
    // Ranges go to whichever thread has fewer waiting: neighbours are checked on different threads
    // once both are running, and the first change in the chain is named, whichever finds its own first.
    const second = RANGE + 1234;
    const third = 2 * RANGE + 17;
    await withBodiesChanged([second], async () => {
      expect((await verify()).failure).toEqual({
        seq: second,
        reason: `entry ${second} does not match its hash`,
      });
    });
    await withBodiesChanged([third, second], async () => {
      expect((await verify()).failure).toEqual({
        seq: second,
        reason: `entry ${second} does not match its hash`,
      });
    });
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('names the first entry after a seam whose link is broken, the last before it made again to fit its own hash', async () => {
    // The last entry of the first range rewritten with its hash made again: it fits itself, and the
    // first entry of the next range, checked by the other worker, no longer follows from it.
    const seam = RANGE;
    const { rows } = await t.services.database.pool.query(
      'SELECT seq, body, hash FROM audit_ledger WHERE seq BETWEEN $1 AND $2 ORDER BY seq',
      [seam - 1, seam],
    );
    const [before, last] = rows as { body: string; hash: Buffer }[];
    const body = (last as { body: string }).body.replace('"place":', '"plaice":');
    const hash = createHash('sha256')
      .update((before as { hash: Buffer }).hash)
      .update(body)
      .digest();
    await asOwner((c) =>
      c.query('UPDATE audit_ledger SET body = $2, hash = $3 WHERE seq = $1', [seam, body, hash]),
    );
    try {
      expect((await verify()).failure).toEqual({
        seq: seam + 1,
        reason: `entry ${seam + 1} does not match its hash`,
      });
    } finally {
      await asOwner((c) =>
        c.query('UPDATE audit_ledger SET body = $2, hash = $3 WHERE seq = $1', [
          seam,
          (last as { body: string }).body,
          (last as { hash: Buffer }).hash,
        ]),
      );
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('names an entry missing at a seam, which both ranges beside it need', async () => {
    const seam = 2 * RANGE;
    const { rows } = await t.services.database.pool.query('SELECT * FROM audit_ledger WHERE seq = $1', [
      seam,
    ]);
    await asOwner((c) => c.query('DELETE FROM audit_ledger WHERE seq = $1', [seam]));
    try {
      expect((await verify()).failure).toEqual({ seq: seam, reason: `entry ${seam} is missing` });
    } finally {
      const row = rows[0];
      await asOwner((c) =>
        c.query(
          `INSERT INTO audit_ledger (seq, at, action, actor_account_id, subject_account_id, decision, break_glass, body, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            row.seq,
            row.at,
            row.action,
            row.actor_account_id,
            row.subject_account_id,
            row.decision,
            row.break_glass,
            row.body,
            row.hash,
          ],
        ),
      );
    }
    expect(await verify()).toMatchObject({ ok: true });
  });
});
