// Witnesses of the ledger (RFC 9162's idea, after the C2SP tlog-witness protocol, in JSON): each
// new signed tree head is sent to every witness with a proof that it extends the last head that
// witness co-signed. A witness that holds the ledger's key, sees the size never shrink and the
// proof hold, co-signs; the co-signatures are kept and published with the heads. A ledger shown
// one history and its witnesses another cannot have both co-signed.
import { createPublicKey, verify } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { Invalid } from '../../platform/index.ts';
import type { TreeHead } from './heads.ts';
import { consistencyProof, frontierRanges, leafHash, rootOf } from './merkle.ts';

/** What a witness signs: the ledger (its address and key), the head, and when. */
export const cosignatureMessage = (
  log: string,
  head: Pick<TreeHead, 'keyId' | 'treeSize' | 'rootHash'>,
  signedAt: string,
) =>
  Buffer.from(
    `flagstone-ledger-cosignature\n${log}\n${head.keyId}\n${head.treeSize}\n${head.rootHash}\n${signedAt}\n`,
  );

/** A witness's co-signature of a head, as it is published. */
export interface Cosignature {
  witness: string;
  keyId: string;
  publicKey: string;
  signedAt: string;
  signature: string;
}

/** A head as GET /api/v1/audit/heads publishes it: with its witnesses' co-signatures. */
export type CosignedHead = TreeHead & { cosignatures?: Cosignature[] };

/** A co-signature that does not verify: whose, of which head, and why. */
export interface CosignatureFailure {
  witness: string;
  treeSize: number;
  reason: string;
}

/**
 * Checks every co-signature published with these heads against its witness's key, each witness
 * held to one key over all the heads: names each one that does not verify, with its head.
 */
export function cosignatureFailures(
  log: string,
  heads: CosignedHead[],
): { checked: number; failures: CosignatureFailure[] } {
  const keys = new Map<string, string>();
  const failures: CosignatureFailure[] = [];
  let checked = 0;
  for (const head of heads) {
    for (const c of head.cosignatures ?? []) {
      checked++;
      const witness = typeof c?.witness === 'string' ? c.witness : 'a witness with no address';
      const failed = (reason: string) => failures.push({ witness, treeSize: head.treeSize, reason });
      if (![c?.keyId, c?.publicKey, c?.signedAt, c?.signature].every((v) => typeof v === 'string')) {
        failed(`the co-signature of ${witness} on the tree head of ${head.treeSize} entries is incomplete`);
        continue;
      }
      const held = keys.get(witness);
      if (held !== undefined && held !== c.publicKey) {
        failed(
          `the co-signature of ${witness} on the tree head of ${head.treeSize} entries is by another key than its earlier ones`,
        );
        continue;
      }
      keys.set(witness, c.publicKey);
      if (!cosigned(log, head, c.signedAt, c.publicKey, c.signature))
        failed(
          `the co-signature of ${witness} on the tree head of ${head.treeSize} entries does not verify against its key (as a co-signature of the ledger at ${log}, FLAGSTONE_URL)`,
        );
    }
  }
  return { checked, failures };
}

/** What is sent to a witness: a head and the proof that it extends the one of `oldSize` entries. */
export interface HeadForWitness {
  log: string;
  oldSize: number;
  proof: string[];
  head: TreeHead;
}

/** The path a Flagstone witness answers at, added to a witness address given without one. */
export const WITNESS_PATH = '/api/v1/witness/add-head';

/** A witness's address: an http(s) URL; a bare Flagstone address gets the witness path. */
export function witnessAddress(raw: string): string {
  const url = URL.parse(raw);
  if (!url || !['https:', 'http:'].includes(url.protocol) || url.username || url.password)
    throw new Invalid(`The witness must be an https:// address, not "${raw.slice(0, 200)}"`);
  if (url.pathname === '/' && !url.search) url.pathname = WITNESS_PATH;
  return url.href;
}

interface WitnessRow {
  id: string;
  url: string;
  key_id: string | null;
  public_key: string | null;
  tree_size: string;
}

/** What one sending did with one witness. */
export interface WitnessOutcome {
  witness: string;
  treeSize: number;
  cosigned: boolean;
  error?: string;
}

/** PROOF(m, n) from the checkpoint of m entries (its frontier) and the entries after it; null without one. */
async function proofBetween(db: Db, m: number, n: number): Promise<Buffer[] | null> {
  if (m === 0 || m === n) return [];
  const checkpoint = (
    await sql<{ frontier: Buffer[] }>`SELECT frontier FROM audit_checkpoints WHERE tree_size = ${m}`.execute(
      db,
    )
  ).rows[0];
  if (!checkpoint) return null;
  const frontier = new Map(frontierRanges(m).map(([s, e], i) => [`${s}-${e}`, checkpoint.frontier[i]]));
  const { rows } = await sql<{ hash: Buffer }>`
    SELECT hash FROM audit_ledger WHERE seq > ${m} AND seq <= ${n} ORDER BY seq`.execute(db);
  const leaves = rows.map((r) => leafHash(r.hash));
  return consistencyProof(m, n, (start, end) => {
    if (end > m) return rootOf(leaves.slice(start - m, end - m));
    const node = frontier.get(`${start}-${end}`);
    if (!node) throw new Error(`no subtree ${start}-${end} in the frontier at ${m}`);
    return node;
  });
}

/** Posts a head to a witness: its answer as JSON with its status, or why it could not be reached. */
async function post(
  url: string,
  body: HeadForWitness,
  fetcher: typeof fetch,
): Promise<{ status: number; ok: boolean; said: Record<string, unknown>; unreachable?: string }> {
  try {
    const answer = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const said = (await answer.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: answer.status, ok: answer.ok, said };
  } catch (error) {
    return { status: 0, ok: false, said: {}, unreachable: (error as Error).message };
  }
}

/** Whether `signature` (base64) is a co-signature of `head` of the ledger at `log` by this public key. */
function cosigned(
  log: string,
  head: Pick<TreeHead, 'keyId' | 'treeSize' | 'rootHash'>,
  signedAt: string,
  publicKey: string,
  signature: string,
): boolean {
  try {
    return verify(
      null,
      cosignatureMessage(log, head, signedAt),
      createPublicKey(publicKey),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Why a witness's answer is not a co-signature of `head` by its key, or null when it is. */
function badCosignature(
  witness: WitnessRow,
  log: string,
  head: TreeHead,
  cosignature: Omit<Cosignature, 'witness'>,
): string | null {
  if (witness.key_id && cosignature.keyId !== witness.key_id)
    return `answered with the key ${String(cosignature.keyId)}, not its own ${witness.key_id}`;
  return cosigned(
    log,
    head,
    String(cosignature.signedAt),
    witness.public_key ?? String(cosignature.publicKey),
    String(cosignature.signature),
  )
    ? null
    : 'answered with a co-signature that does not verify';
}

/** The ledger's side: its witnesses, sending them new heads, keeping their co-signatures. */
export function ledgerWitnesses(db: Db, options: { log: string; latest: () => Promise<TreeHead | null> }) {
  const failed = async (witness: WitnessRow, error: string): Promise<WitnessOutcome> => {
    await sql`UPDATE audit_witnesses SET last_error = ${error.slice(0, 500)}, tried_at = now()
      WHERE id = ${witness.id}`.execute(db);
    return { witness: witness.url, treeSize: Number(witness.tree_size), cosigned: false, error };
  };

  /** Sends `head` to one witness; once more from the size it says it saw, if another. */
  async function sendTo(witness: WitnessRow, head: TreeHead, fetcher: typeof fetch, retry = true) {
    const oldSize = Number(witness.tree_size);
    const proof = await proofBetween(db, oldSize, head.treeSize);
    if (!proof)
      return failed(witness, `the witness saw a head of ${oldSize} entries that this ledger never signed`);
    const hex = proof.map((p) => p.toString('hex'));
    const answer = await post(witness.url, { log: options.log, oldSize, proof: hex, head }, fetcher);
    if (answer.unreachable) return failed(witness, `could not be reached: ${answer.unreachable}`);
    const seen = answer.said.treeSize;
    if (
      answer.status === 409 &&
      retry &&
      typeof seen === 'number' &&
      Number.isInteger(seen) &&
      seen !== oldSize
    ) {
      if (seen > head.treeSize)
        return failed(witness, `the witness saw a head of ${seen} entries, more than this ledger has signed`);
      return sendTo({ ...witness, tree_size: String(seen) }, head, fetcher, false);
    }
    if (!answer.ok)
      return failed(
        witness,
        `answered ${answer.status}: ${String(answer.said.detail ?? answer.said.title ?? '')}`,
      );
    const cosignature = answer.said as unknown as Omit<Cosignature, 'witness'>;
    const bad = badCosignature(witness, options.log, head, cosignature);
    if (bad) return failed(witness, bad);
    await db.transaction().execute(async (trx) => {
      await sql`INSERT INTO audit_cosignatures (tree_size, witness_id, key_id, signed_at, signature)
        VALUES (${head.treeSize}, ${witness.id}, ${cosignature.keyId}, ${cosignature.signedAt},
                ${Buffer.from(cosignature.signature, 'base64')})
        ON CONFLICT DO NOTHING`.execute(trx);
      await sql`UPDATE audit_witnesses SET tree_size = ${head.treeSize}, key_id = ${cosignature.keyId},
          public_key = ${witness.public_key ?? cosignature.publicKey}, last_error = NULL, tried_at = now()
        WHERE id = ${witness.id}`.execute(trx);
    });
    return { witness: witness.url, treeSize: head.treeSize, cosigned: true };
  }

  return {
    /** Adds a witness (another Flagstone, or any endpoint that speaks the same JSON); false if it was there. */
    async addWitness(raw: string): Promise<{ url: string; added: boolean }> {
      const url = witnessAddress(raw);
      const { rows } = await sql<{ id: string }>`INSERT INTO audit_witnesses (url) VALUES (${url})
        ON CONFLICT (url) DO NOTHING RETURNING id`.execute(db);
      return { url, added: rows.length > 0 };
    },

    /** The witnesses, the size each last co-signed, and the last error if the last sending failed. */
    async witnesses() {
      const { rows } = await sql<WitnessRow & { last_error: string | null }>`
        SELECT id, url, key_id, public_key, tree_size, last_error FROM audit_witnesses ORDER BY added_at`.execute(
        db,
      );
      return rows.map((r) => ({
        url: r.url,
        keyId: r.key_id,
        treeSize: Number(r.tree_size),
        error: r.last_error,
      }));
    },

    /** Sends the latest signed head to every witness that has not co-signed it; what each did. */
    async sendToWitnesses(fetcher: typeof fetch = fetch): Promise<WitnessOutcome[]> {
      const head = await options.latest();
      if (!head) return [];
      const { rows } =
        await sql<WitnessRow>`SELECT id, url, key_id, public_key, tree_size FROM audit_witnesses
        WHERE tree_size < ${head.treeSize} ORDER BY added_at`.execute(db);
      return Promise.all(rows.map((witness) => sendTo(witness, head, fetcher)));
    },
  };
}

/** The co-signatures of heads of these sizes, by size. */
export async function cosignaturesOf(db: Db, sizes: number[]): Promise<Map<number, Cosignature[]>> {
  const bySize = new Map<number, Cosignature[]>();
  if (sizes.length === 0) return bySize;
  const { rows } = await sql<{
    tree_size: string;
    url: string;
    key_id: string;
    public_key: string;
    signed_at: Date;
    signature: Buffer;
  }>`SELECT c.tree_size, w.url, c.key_id, w.public_key, c.signed_at, c.signature
       FROM audit_cosignatures c JOIN audit_witnesses w ON w.id = c.witness_id
      WHERE c.tree_size = ANY(${sizes}::bigint[]) ORDER BY c.tree_size, w.added_at`.execute(db);
  for (const r of rows) {
    const size = Number(r.tree_size);
    bySize.set(size, [
      ...(bySize.get(size) ?? []),
      {
        witness: r.url,
        keyId: r.key_id,
        publicKey: r.public_key,
        signedAt: r.signed_at.toISOString(),
        signature: r.signature.toString('base64'),
      },
    ]);
  }
  return bySize;
}
