// A verify that resumes where the last one ended: only the entries and checkpoints after it are
// checked, once the entry it ended at is seen to be as it was; whatever changed after it is found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, tamperAsOwner, testApp } from '../../../test/support.ts';

let t: TestContext;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const record = (n: number) =>
  t.services.governance.ledger.record(
    Array.from({ length: n }, (_, i) => ({ action: 'test.incremental', detail: { i } })),
  );
const newest = async () =>
  Number((await t.services.database.pool.query('SELECT max(seq) AS seq FROM audit_ledger')).rows[0].seq);

/** Changes an entry's body as the database's owner, its triggers off: what an insider could do. */
const rewrite = (seq: number) =>
  tamperAsOwner(t, (c) =>
    c.query(`UPDATE audit_ledger SET body = replace(body, '"i":', '"j":') WHERE seq = $1`, [seq]),
  );

describe('verify from where the last one ended', { timeout: 120_000 }, () => {
  it('checks only what came after, and finds a change to it or to the entry it ended at', async () => {
    const { ledger } = t.services.governance;
    await record(30);
    await ledger.checkpoint();
    const full = await ledger.verify();
    expect(full).toMatchObject({ ok: true, checked: full.entries });
    const state = full.state as NonNullable<typeof full.state>;
    expect(state.size).toBe(full.entries);

    await record(25);
    await ledger.checkpoint();
    await record(5); // after the last checkpoint too
    const next = await ledger.verify(undefined, [], state);
    expect(next).toMatchObject({ ok: true, entries: full.entries + 30, checked: 30 });
    expect(next.state?.size).toBe(full.entries + 30);
    // Resumed from a state with nothing new: nothing to check, the state as it was.
    expect(await ledger.verify(undefined, [], next.state)).toMatchObject({
      ok: true,
      checked: 0,
      state: next.state,
    });

    // A change after the state is found by the next resumed verify.
    await record(3);
    const later = (await newest()) - 1;
    await rewrite(later);
    expect((await ledger.verify(undefined, [], next.state)).failure).toEqual({
      seq: later,
      reason: `entry ${later} does not match its hash`,
    });
    // A change to the entry the state ended at is found before anything else.
    const boundary = next.state?.size as number;
    await rewrite(boundary);
    expect((await ledger.verify(undefined, [], next.state)).failure).toMatchObject({ seq: boundary });
  });
});
