// The witness commands as an operator runs them: `audit watch` on the witness's Flagstone,
// `audit witness` and `audit witnesses` on the ledger's, each a process of its own.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/ports.ts';
import { type TestContext, testApp } from '../../../test/support.ts';
import { type CosignedHead, cosignatureMessage } from './witnesses.ts';

const main = path.resolve(import.meta.dirname, '../../main.ts');
let log: TestContext;
let witness: TestContext;
let logUrl: string;
let witnessUrl: string;
let folder: string;

beforeAll(async () => {
  const [logPort, witnessPort] = [await freePort(), await freePort()];
  logUrl = `http://127.0.0.1:${logPort}`;
  witnessUrl = `http://127.0.0.1:${witnessPort}`;
  log = await testApp({ FLAGSTONE_URL: logUrl });
  witness = await testApp({ FLAGSTONE_URL: witnessUrl });
  await log.app.listen({ host: '127.0.0.1', port: logPort });
  await witness.app.listen({ host: '127.0.0.1', port: witnessPort });
  folder = await mkdtemp(path.join(tmpdir(), 'flagstone-witness-'));
}, 120_000);
afterAll(async () => {
  await log?.close();
  await witness?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** Runs the command line on one Flagstone's database, as that Flagstone. */
async function flagstone(on: TestContext, url: string, ...args: string[]) {
  const env = {
    ...process.env,
    DATABASE_URL: on.databaseUrl,
    FLAGSTONE_URL: url,
    FLAGSTONE_DATA: path.join(folder, new URL(url).port),
    LOG_LEVEL: 'silent',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [main, ...args], { env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('the witness commands', { timeout: 120_000 }, () => {
  it('watch a ledger, add its witness, and show what the witness co-signed', async () => {
    const ledger = log.services.governance.ledger;
    await ledger.record([{ action: 'test.witness-commands' }]);
    await ledger.checkpoint();
    const size = (await ledger.heads()).at(-1)?.treeSize;
    const keyId = (await ledger.heads()).at(-1)?.keyId;

    const watch = await flagstone(witness, witnessUrl, 'audit', 'watch', logUrl);
    expect(watch).toEqual({
      code: 0,
      output: expect.stringContaining(
        `Watching ${logUrl} from its tree head of ${size} entries, signed by the key ${keyId}`,
      ),
    });
    const unwatchable = await flagstone(witness, witnessUrl, 'audit', 'watch', 'not an address');
    expect(unwatchable).toEqual({
      code: 1,
      output: expect.stringContaining('could not watch not an address'),
    });

    const address = `${witnessUrl}/api/v1/witness/add-head`;
    const add = await flagstone(log, logUrl, 'audit', 'witness', witnessUrl);
    expect(add).toEqual({
      code: 0,
      output: `Added the witness ${address}\nIt co-signed the tree head of ${size} entries.\n`,
    });
    const list = await flagstone(log, logUrl, 'audit', 'witnesses');
    expect(list.output).toBe(`${address}  co-signed ${size} entries\n`);
    const bad = await flagstone(log, logUrl, 'audit', 'witness', 'ftp://witness.example');
    expect(bad).toEqual({
      code: 1,
      output: expect.stringContaining('The witness must be an https:// address'),
    });
  });
  it('verify checks the co-signatures published with the heads, and names a witness whose co-signature does not verify', async () => {
    const ledger = log.services.governance.ledger;
    await ledger.record([{ action: 'test.witness-commands' }]);
    await ledger.checkpoint();
    expect((await ledger.sendToWitnesses())[0]).toMatchObject({ cosigned: true });
    const published = `${logUrl}/api/v1/audit/heads`;
    const heads = (await (await fetch(published)).json()) as CosignedHead[];
    const cosigned = heads.filter((h) => (h.cosignatures ?? []).length > 0);
    expect(cosigned).toHaveLength(2);
    const intact = await flagstone(log, logUrl, 'audit', 'verify', '--full', '--heads', published);
    expect(intact).toEqual({
      code: 0,
      output: expect.stringContaining(
        `${heads.length} tree heads kept outside the database with 2 co-signatures of their witnesses checked`,
      ),
    });

    const address = `${witnessUrl}/api/v1/witness/add-head`;
    const last = cosigned[1] as CosignedHead;
    const [cosignature] = last.cosignatures ?? [];
    if (!cosignature) throw new Error('no co-signature');
    const file = path.join(folder, 'tampered-heads.json');
    const verifyWith = async (changed: Partial<typeof cosignature>) => {
      const tampered = heads.map((h) =>
        h === last ? { ...h, cosignatures: [{ ...cosignature, ...changed }] } : h,
      );
      await writeFile(file, JSON.stringify(tampered));
      return flagstone(log, logUrl, 'audit', 'verify', '--full', '--heads', file);
    };
    // One bit of the signature changed; then a co-signature said to be made at another time.
    const signature = Buffer.from(cosignature.signature, 'base64');
    signature[0] = (signature[0] as number) ^ 1;
    const said = `the co-signature of ${address} on the tree head of ${last.treeSize} entries does not verify against its key (as a co-signature of the ledger at ${logUrl}, FLAGSTONE_URL)`;
    for (const changed of [
      { signature: signature.toString('base64') },
      { signedAt: new Date(0).toISOString() },
    ])
      expect(await verifyWith(changed)).toEqual({ code: 1, output: expect.stringContaining(said) });
    // Signed again with a key of someone else's, published beside it: the witness is held to the
    // key of its earlier co-signatures.
    const forger = generateKeyPairSync('ed25519');
    const forged = await verifyWith({
      publicKey: forger.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      signature: sign(
        null,
        cosignatureMessage(logUrl, last, cosignature.signedAt),
        forger.privateKey,
      ).toString('base64'),
    });
    expect(forged).toEqual({
      code: 1,
      output: expect.stringContaining(
        `the co-signature of ${address} on the tree head of ${last.treeSize} entries is by another key than its earlier ones`,
      ),
    });
  });
});
