// Two Flagstones on real ports: one keeps a ledger, the other witnesses it. Each new signed tree
// head is sent with a proof that it extends the last one co-signed; the witness co-signs it, and
// the co-signatures are published with the heads. A forked or shrunk ledger is refused.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/ports.ts';
import { type TestContext, testApp } from '../../../test/support.ts';
import { consistencyProof, leafHash, rootOf } from './merkle.ts';

let log: TestContext;
let witness: TestContext;
let logUrl: string;
let witnessUrl: string;

beforeAll(async () => {
  const [logPort, witnessPort] = [await freePort(), await freePort()];
  logUrl = `http://127.0.0.1:${logPort}`;
  witnessUrl = `http://127.0.0.1:${witnessPort}`;
  log = await testApp({ FLAGSTONE_URL: logUrl });
  witness = await testApp({ FLAGSTONE_URL: witnessUrl });
  await log.app.listen({ host: '127.0.0.1', port: logPort });
  await witness.app.listen({ host: '127.0.0.1', port: witnessPort });
}, 120_000);
afterAll(async () => {
  await log?.close();
  await witness?.close();
});

const ledger = () => log.services.governance.ledger;

/** Appends entries to the log's ledger and signs a checkpoint over them: its new head's size. */
async function grow(n: number): Promise<number> {
  await ledger().record(Array.from({ length: n }, (_, i) => ({ action: 'test.witnessed', detail: { i } })));
  await ledger().checkpoint();
  return (await ledger().heads()).at(-1)?.treeSize as number;
}

const addHead = (body: object) =>
  fetch(`${witnessUrl}/api/v1/witness/add-head`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('witnesses of the ledger', { timeout: 120_000 }, () => {
  let first: number;
  let second: number;

  it('co-signs each new head that extends the last one, and the co-signatures are published with the heads', async () => {
    first = await grow(3);
    const watched = await witness.services.governance.ledger.witness.watch(logUrl);
    expect(watched.treeSize).toBe(first);
    const address = `${witnessUrl}/api/v1/witness/add-head`;
    expect(await ledger().addWitness(witnessUrl)).toEqual({ url: address, added: true });
    expect(await ledger().addWitness(address)).toEqual({ url: address, added: false });
    // A new witness co-signs the head it started from (it answers with the size it saw, and is
    // sent that head again with an empty proof); then nothing is left to send.
    expect(await ledger().sendToWitnesses()).toEqual([{ witness: address, treeSize: first, cosigned: true }]);
    expect(await ledger().sendToWitnesses()).toEqual([]);

    second = await grow(5);
    expect(await ledger().sendToWitnesses()).toEqual([
      { witness: address, treeSize: second, cosigned: true },
    ]);
    const third = await grow(2);
    expect((await ledger().sendToWitnesses())[0]).toMatchObject({ treeSize: third, cosigned: true });

    const heads = (await (await fetch(`${logUrl}/api/v1/audit/heads?after=${first}`)).json()) as {
      treeSize: number;
      keyId: string;
      cosignatures: { keyId: string }[];
    }[];
    expect(heads.map((h) => h.treeSize)).toEqual([second, third]);
    for (const head of heads) {
      expect(head.cosignatures).toHaveLength(1);
      expect(head.cosignatures[0]).toMatchObject({
        witness: address,
        keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
        signature: expect.any(String),
      });
    }
    // The witness signed with a key of its own, not the ledger's.
    expect(heads[0]?.cosignatures[0]?.keyId).not.toBe(heads[0]?.keyId);
    second = third;
  });

  it('is sent a proof from the size the witness says it saw, when the ledger had another', async () => {
    // The ledger's record of its witness set back (the app role may): the witness answers 409 with
    // the size it last co-signed, and the ledger sends the proof from there.
    await log.services.database.pool.query('UPDATE audit_witnesses SET tree_size = 0');
    const next = await grow(1);
    expect((await ledger().sendToWitnesses())[0]).toMatchObject({ treeSize: next, cosigned: true });
    second = next;
  });

  it('refuses a head with fewer entries than the last it co-signed, changing nothing', async () => {
    const older = (await ledger().heads()).find((h) => h.treeSize === first);
    const answer = await addHead({ log: logUrl, oldSize: second, proof: [], head: older });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { detail: string }).detail).toBe(
      `The head has ${first} entries, fewer than the ${second} already co-signed`,
    );
    const stale = await addHead({
      log: logUrl,
      oldSize: 1,
      proof: [],
      head: (await ledger().heads()).at(-1),
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ status: 409, treeSize: second });
  });

  it('refuses a head of a rewritten ledger, however its proof is made, and the ledger says so', async () => {
    // The ledger's owner rewrites an entry the witness has co-signed, chains the rest again, drops
    // the checkpoints and co-signatures over it and signs a new head with the ledger's own key.
    const owner = new pg.Client({ connectionString: log.ownerUrl });
    await owner.connect();
    try {
      await owner.query('BEGIN');
      for (const table of ['audit_ledger', 'audit_checkpoints', 'audit_cosignatures'])
        await owner.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await owner.query(`UPDATE audit_ledger SET body = replace(body, '"i":1', '"i":9') WHERE seq = $1`, [
        first + 2,
      ]);
      await owner.query(
        `DO $$ DECLARE r record; previous bytea; BEGIN
           SELECT hash INTO previous FROM audit_ledger WHERE seq = ${first + 1};
           FOR r IN SELECT seq, body FROM audit_ledger WHERE seq >= ${first + 2} ORDER BY seq LOOP
             previous := sha256(previous || convert_to(r.body, 'UTF8'));
             UPDATE audit_ledger SET hash = previous WHERE seq = r.seq;
           END LOOP; END $$`,
      );
      await owner.query('DELETE FROM audit_cosignatures WHERE tree_size > $1', [first]);
      await owner.query('DELETE FROM audit_checkpoints WHERE tree_size > $1', [first]);
      for (const table of ['audit_ledger', 'audit_checkpoints', 'audit_cosignatures'])
        await owner.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      await owner.query('COMMIT');
    } finally {
      await owner.end();
    }
    const forked = await grow(1);
    // The honest sending finds no checkpoint at the size the witness saw.
    expect((await ledger().sendToWitnesses())[0]).toMatchObject({
      cosigned: false,
      error: `the witness saw a head of ${second} entries that this ledger never signed`,
    });
    // A proof made from the rewritten entries does not extend the head the witness co-signed.
    const { rows } = await log.services.database.pool.query<{ hash: Buffer }>(
      'SELECT hash FROM audit_ledger WHERE seq <= $1 ORDER BY seq',
      [forked],
    );
    const leaves = rows.map((r) => leafHash(r.hash));
    const proof = consistencyProof(second, forked, (start, end) => rootOf(leaves.slice(start, end)));
    const head = (await ledger().heads()).at(-1);
    const answer = await addHead({
      log: logUrl,
      oldSize: second,
      proof: proof.map((p) => p.toString('hex')),
      head,
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { detail: string }).detail).toBe(
      `The head does not extend the head of ${second} entries already co-signed`,
    );
    // And the witness still holds the last head it co-signed.
    const kept = await witness.services.database.pool.query('SELECT tree_size FROM witnessed_logs');
    expect(kept.rows).toEqual([{ tree_size: second }]);
  });

  it('refuses heads of ledgers it does not watch, and heads not signed by the key it holds the ledger to', async () => {
    const head = (await ledger().heads()).at(-1);
    const unknown = await addHead({ log: 'https://elsewhere.example', oldSize: 0, proof: [], head });
    expect(unknown.status).toBe(404);
    const forged = await addHead({
      log: logUrl,
      oldSize: second,
      proof: [],
      head: { ...head, signature: Buffer.alloc(64).toString('base64') },
    });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { detail: string }).detail).toBe(
      "The head is not signed by the ledger's key",
    );
    const bad = await addHead({ log: logUrl, oldSize: -1, proof: ['zz'], head });
    expect(bad.status).toBe(400);
  });
});
