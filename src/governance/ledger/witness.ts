// This Flagstone as a witness of other ledgers (another Flagstone's, say): told which to watch,
// it holds each to the key it had then and to the last head it co-signed, and co-signs a new
// head only when that key signed it, it is no smaller, and a consistency proof shows it extends
// the last one. A forked or shrunk ledger is refused, and the refusal says why.
import { createPublicKey, sign, verify } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { type Clock, Conflict, Invalid, NotFound } from '../../platform/index.ts';
import { loadSigningKey, type SigningKey, type TreeHead } from './heads.ts';
import { verifyConsistency } from './merkle.ts';
import { checkpointMessage } from './verification.ts';
import { type Cosignature, cosignatureMessage, type HeadForWitness } from './witnesses.ts';

/** The head's size is not the one the witness last saw: send a proof from `treeSize` instead. */
export class StaleHead extends Conflict {
  readonly treeSize: number;
  constructor(treeSize: number) {
    super(`This witness last co-signed a head of ${treeSize} entries: send a proof from there`);
    this.treeSize = treeSize;
  }
}

const signedBy = (head: TreeHead, publicKey: string) => {
  try {
    return verify(
      null,
      checkpointMessage(head.treeSize, Buffer.from(head.rootHash, 'hex')),
      createPublicKey(publicKey),
      Buffer.from(head.signature, 'base64'),
    );
  } catch {
    return false;
  }
};

const isRoot = (hex: string) => /^[0-9a-f]{64}$/.test(hex);

export function ledgerWitness(db: Db, clock: Clock, options: { keyFile?: string }) {
  let key: Promise<SigningKey> | null = null;
  const witnessKey = () => {
    key ??= loadSigningKey(options.keyFile);
    return key;
  };

  return {
    /**
     * Watches the ledger at `logUrl` (a Flagstone's address) from its latest signed head, holding
     * it to that head's key from now on. Returns the head it starts from.
     */
    async watch(logUrl: string, fetcher: typeof fetch = fetch): Promise<TreeHead> {
      const base = URL.parse(logUrl);
      if (!base || !['https:', 'http:'].includes(base.protocol))
        throw new Invalid(`The ledger to watch must be an https:// address, not "${logUrl.slice(0, 200)}"`);
      const log = base.href.replace(/\/$/, '');
      let latest: TreeHead | undefined;
      for (let after = 0; ; ) {
        const answer = await fetcher(`${log}/api/v1/audit/heads?after=${after}`, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(10_000),
        });
        if (!answer.ok) throw new Invalid(`${log} answered ${answer.status} for its tree heads`);
        const page = (await answer.json()) as TreeHead[];
        if (page.length === 0) break;
        latest = page.at(-1);
        after = latest?.treeSize ?? after;
      }
      if (!latest) throw new Invalid(`${log} has signed no tree head yet`);
      if (!signedBy(latest, latest.publicKey) || !isRoot(latest.rootHash))
        throw new Invalid(`The latest tree head of ${log} does not verify with its own key`);
      await sql`INSERT INTO witnessed_logs (log_url, key_id, public_key, tree_size, root_hash)
        VALUES (${log}, ${latest.keyId}, ${latest.publicKey}, ${latest.treeSize}, ${Buffer.from(latest.rootHash, 'hex')})
        ON CONFLICT (log_url) DO NOTHING`.execute(db);
      return latest;
    },

    /**
     * Co-signs a head of a watched ledger when it is signed by the ledger's key and extends the
     * last head co-signed; refuses it otherwise, changing nothing.
     */
    async addHead(request: HeadForWitness): Promise<Omit<Cosignature, 'witness'>> {
      const { head } = request;
      const logUrl = request.log.replace(/\/$/, '');
      if (!isRoot(head.rootHash) || request.proof.some((p) => !isRoot(p)))
        throw new Invalid('Hashes must be 64 hexadecimal digits');
      const k = await witnessKey();
      return db.transaction().execute(async (trx) => {
        const log = (
          await sql<{ key_id: string; public_key: string; tree_size: string; root_hash: Buffer }>`
            SELECT key_id, public_key, tree_size, root_hash FROM witnessed_logs
             WHERE log_url = ${logUrl} FOR UPDATE`.execute(trx)
        ).rows[0];
        if (!log) throw new NotFound('This witness does not watch that ledger');
        if (head.keyId !== log.key_id || !signedBy(head, log.public_key))
          throw new Invalid("The head is not signed by the ledger's key");
        const seen = Number(log.tree_size);
        if (head.treeSize < seen)
          throw new Invalid(
            `The head has ${head.treeSize} entries, fewer than the ${seen} already co-signed`,
          );
        if (request.oldSize !== seen) throw new StaleHead(seen);
        const proof = request.proof.map((p) => Buffer.from(p, 'hex'));
        const root = Buffer.from(head.rootHash, 'hex');
        if (!verifyConsistency(seen, head.treeSize, log.root_hash, root, proof))
          throw new Invalid(`The head does not extend the head of ${seen} entries already co-signed`);
        await sql`UPDATE witnessed_logs SET tree_size = ${head.treeSize}, root_hash = ${root}, updated_at = now()
          WHERE log_url = ${logUrl}`.execute(trx);
        const signedAt = clock.now().toISOString();
        const signature = sign(null, cosignatureMessage(logUrl, head, signedAt), k.privateKey);
        return { keyId: k.keyId, publicKey: k.publicKey, signedAt, signature: signature.toString('base64') };
      });
    },
  };
}
