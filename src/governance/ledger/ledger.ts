// The audit ledger: append-only (the database refuses UPDATE, DELETE and TRUNCATE),
// hash-chained over canonical JSON (RFC 8785), with Ed25519-signed checkpoints carrying the
// RFC 9162 Merkle tree head. Appends from concurrent requests are committed together.
import { hash, sign } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../platform/index.ts';
import { loadSigningKey, outsideCheckpoints, type SigningKey, type TreeHead } from './heads.ts';
import { CompactRange, inclusionProof, leafHash, verifyInclusion } from './merkle.ts';
import {
  type CheckpointRow,
  checkpointMessage,
  checkRanges,
  rebuiltTree,
  type VerifiedState,
  type VerifyResult,
  verifierPool,
} from './verification.ts';
import { ledgerWitness } from './witness.ts';
import {
  type Cosignature,
  type CosignedHead,
  cosignatureFailures,
  cosignaturesOf,
  ledgerWitnesses,
} from './witnesses.ts';

const LOCK = 8_126_530_017;

/** What every entry may say: who did what to what, about whom, why, and for which request. */
interface EntryFields {
  action: string;
  actor?: {
    account: string;
    kind: 'citizen' | 'staff' | 'client';
    organisation?: string;
    role?: string;
  } | null;
  actingFor?: string | null;
  resource?: { type: string; id: string; organisation?: string } | null;
  /** The account of the person the entry is about, when known: citizens see these. */
  subject?: string | null;
  purpose?: string | null;
  reason?: string | null;
  requestId?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

/**
 * What any module writes: an event (a sign-in, a change of clearance, a linkage run). Its
 * `decision`, when it has one, is an outcome of the module's own (a consent given, a sign-in
 * refused), never a decision by the policies.
 */
export interface LedgerEntry extends EntryFields {
  decision?: 'allow' | 'deny' | null;
  policies?: never;
  agreement?: never;
  breakGlass?: never;
}

/** A decision by the policies on personal data, naming the policies that made it: written by the guard alone. */
export interface DecisionEntry extends EntryFields {
  decision: 'allow' | 'deny';
  policies: string[];
  agreement?: string | null;
  breakGlass?: boolean;
}

/** An entry as the ledger keeps it, event or decision. */
export interface StoredEntry extends EntryFields {
  decision?: 'allow' | 'deny' | null;
  policies?: string[];
  agreement?: string | null;
  breakGlass?: boolean;
  seq: number;
  at: string;
}

/**
 * An entry's canonical JSON (RFC 8785) for any `seq`, made before its `seq` is known: the members
 * are sorted by key as canonicalize sorts them, and `seq` is put in its place among them. The body
 * of the entry numbered n is `before`, n, `after`.
 */
export function canonicalAround(entry: Omit<StoredEntry, 'seq'>): { before: string; after: string } {
  const members = Object.entries(entry).filter(([key, value]) => key !== 'seq' && value !== undefined);
  const keys = [...members.map(([key]) => key), 'seq'].sort();
  const values = new Map(members);
  const at = keys.indexOf('seq');
  const member = (key: string) => `${JSON.stringify(key)}:${canonicalize(values.get(key))}`;
  return {
    before: `{${keys.slice(0, at).map(member).join(',')}${at > 0 ? ',' : ''}"seq":`,
    after: `${at < keys.length - 1 ? ',' : ''}${keys
      .slice(at + 1)
      .map(member)
      .join(',')}}`,
  };
}

/**
 * Appends entries inside the caller's transaction, so they commit (or not) with its writes. One
 * statement: the database takes the ledger's lock (held until the commit, so entries are appended
 * one transaction at a time, in order), numbers the entries, puts each number into its canonical
 * body and chains the hashes (migration 0006).
 */
export async function appendEntries(
  trx: Db,
  entries: (LedgerEntry | DecisionEntry)[],
  at: Date,
): Promise<StoredEntry[]> {
  if (entries.length === 0) return [];
  const iso = at.toISOString();
  const rows = entries.map((entry) => ({
    ...canonicalAround({ at: iso, ...entry }),
    action: entry.action,
    actor: entry.actor?.account ?? null,
    subject: entry.subject ?? null,
    decision: entry.decision ?? null,
    breakGlass: entry.breakGlass ?? false,
  }));
  const { rows: numbered } = await sql<{ seq: number }>`
    SELECT seq FROM audit_ledger_append(${LOCK}, ${at}, ${JSON.stringify(rows)}::jsonb) AS seq`.execute(trx);
  return entries.map((entry, i) => ({ seq: (numbered[i] as { seq: number }).seq, at: iso, ...entry }));
}

/** Entries from concurrent requests, queued and written together: one statement a batch. */
function groupCommit(db: Db, clock: Clock) {
  let queue: { entry: LedgerEntry | DecisionEntry; done: (error?: Error) => void }[] = [];
  let flushing: Promise<void> | null = null;

  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        // One statement, so a transaction of its own: no BEGIN and COMMIT to wait for.
        await appendEntries(
          db,
          batch.map((b) => b.entry),
          clock.now(),
        );
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.done(error as Error);
      }
    }
    flushing = null;
  }

  return {
    /**
     * Appends entries outside any transaction of the caller (reads, sign-ins): entries from
     * concurrent requests are written together, and the promise resolves once they are committed.
     */
    record(entries: (LedgerEntry | DecisionEntry)[]): Promise<void> {
      const promises = entries.map(
        (entry) =>
          new Promise<void>((resolve, reject) =>
            queue.push({ entry, done: (e) => (e ? reject(e) : resolve()) }),
          ),
      );
      if (!flushing) flushing = Promise.resolve().then(flush);
      return Promise.all(promises).then(() => undefined);
    },
  };
}

/** The address the ledger is known by to its witnesses, which their co-signatures name. */
const ledgerAddress = (options: LedgerOptions) =>
  (options.publicUrl ?? 'http://localhost').replace(/\/$/, '');

/** Signed tree heads over the chain: made by `checkpoint`, checked with the whole chain by `verify`. */
function checkpoints(db: Db, options: LedgerOptions) {
  let key: Promise<SigningKey> | null = null;
  /** The key from outside the database, its public half recorded in it so checkpoints can be checked. */
  async function signingKey(trx: Db): Promise<SigningKey> {
    key ??= loadSigningKey(options.keyFile);
    const k = await key;
    await sql`INSERT INTO audit_signing_keys (key_id, public_key) VALUES (${k.keyId}, ${k.publicKey})
      ON CONFLICT (key_id) DO NOTHING`.execute(trx);
    return k;
  }

  return {
    /** Signs a tree head over every entry so far; returns its size (0 when there is nothing new). */
    async checkpoint(): Promise<number> {
      return db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${LOCK})`.execute(trx);
        const previous = await sql<{ tree_size: string; frontier: Buffer[] }>`
          SELECT tree_size, frontier FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1`.execute(trx);
        const range = CompactRange.from(
          Number(previous.rows[0]?.tree_size ?? 0),
          previous.rows[0]?.frontier ?? [],
        );
        const start = range.size;
        for (let after = start; ; ) {
          const page = await sql<{ seq: string; hash: Buffer }>`
            SELECT seq, hash FROM audit_ledger WHERE seq > ${after} ORDER BY seq LIMIT 50000`.execute(trx);
          if (page.rows.length === 0) break;
          for (const row of page.rows) range.push(leafHash(row.hash));
          after = Number(page.rows[page.rows.length - 1]?.seq);
        }
        if (range.size === start) return 0;
        const key = await signingKey(trx);
        const root = range.root();
        const signature = sign(null, checkpointMessage(range.size, root), key.privateKey);
        await sql`INSERT INTO audit_checkpoints (tree_size, root_hash, frontier, key_id, signature)
          VALUES (${range.size}, ${root}, ${range.frontier()}, ${key.keyId}, ${signature})`.execute(trx);
        return range.size;
      });
    },

    /** The signed tree heads beyond `after` entries, oldest first, as they are published. */
    heads: (after = 0, limit = 1000): Promise<TreeHead[]> => headsOf(db, after, limit),

    /** The signed tree heads beyond `after` entries with their witnesses' co-signatures. */
    async cosignedHeads(after = 0, limit = 1000): Promise<(TreeHead & { cosignatures: Cosignature[] })[]> {
      const heads = await headsOf(db, after, limit);
      const cosignatures = await cosignaturesOf(
        db,
        heads.map((h) => h.treeSize),
      );
      return heads.map((h) => ({ ...h, cosignatures: cosignatures.get(h.treeSize) ?? [] }));
    },

    /**
     * Checks the whole chain and every checkpoint, and the tree heads kept outside the database
     * when given; names the first entry that does not fit, or the head it contradicts.
     */
    async verify(
      onProgress?: (done: number) => void,
      outside: CosignedHead[] = [],
      from?: VerifiedState,
    ): Promise<VerifyResult> {
      const witnessed = cosignatureFailures(ledgerAddress(options), outside);
      const result = await verifyChain(
        db,
        options.connectionString,
        outsideCheckpoints(outside),
        onProgress,
        from,
      );
      const [first] = witnessed.failures;
      if (!first || !result.ok) return { ...result, cosignatures: witnessed.checked };
      const { state: _, ...checked } = result;
      return {
        ...checked,
        ok: false,
        cosignatures: witnessed.checked,
        failure: { seq: first.treeSize, reason: witnessed.failures.map((f) => f.reason).join('; ') },
      };
    },
  };
}

/** Signed tree heads beyond `after` entries, oldest first; `latest`: the newest alone. */
async function headsOf(db: Db, after: number, limit: number, latest = false): Promise<TreeHead[]> {
  const { rows } = await sql<CheckpointRow & { signed_at: Date }>`
    SELECT c.tree_size, c.root_hash, c.key_id, c.signature, c.signed_at, k.public_key
    FROM audit_checkpoints c JOIN audit_signing_keys k USING (key_id)
    WHERE c.tree_size > ${after}
    ORDER BY ${latest ? sql`c.tree_size DESC` : sql`c.tree_size`} LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({
    treeSize: Number(r.tree_size),
    rootHash: r.root_hash.toString('hex'),
    keyId: r.key_id,
    publicKey: r.public_key as string,
    signature: r.signature.toString('base64'),
    signedAt: r.signed_at.toISOString(),
  }));
}

/** An entry's link in the chain: SHA-256 of the previous entry's hash and its body. */
const chainHash = (previous: Buffer, body: string): Buffer =>
  hash('sha256', Buffer.concat([previous, Buffer.from(body)]), 'buffer') as Buffer;

/**
 * Checks the chain and every checkpoint; names the first entry that does not fit. From a state
 * an earlier verify left, only the entries and checkpoints after it are checked, once the entry
 * it ended at is seen to be as it was.
 */
async function verifyChain(
  db: Db,
  connectionString: string | undefined,
  outside: CheckpointRow[],
  onProgress?: (done: number) => void,
  from?: VerifiedState,
): Promise<VerifyResult> {
  // Ranges of entries are read and checked on both cores (a worker thread and this one), each with
  // its own connection; their leaves are joined into the tree here, in order. The worker starts
  // first, so that it is ready sooner.
  if (!connectionString) throw new Error('verify needs the connection string of the database');
  const pool = verifierPool(connectionString);
  try {
    return await verifyWith(pool, db, outside, onProgress, from);
  } finally {
    await pool.close();
  }
}

async function verifyWith(
  pool: ReturnType<typeof verifierPool>,
  db: Db,
  outside: CheckpointRow[],
  onProgress?: (done: number) => void,
  from?: VerifiedState,
): Promise<VerifyResult> {
  const after = from?.size ?? 0;
  const inside = await sql<CheckpointRow>`
    SELECT c.tree_size, c.root_hash, c.key_id, c.signature, k.public_key
    FROM audit_checkpoints c LEFT JOIN audit_signing_keys k USING (key_id)
    WHERE c.tree_size > ${after} ORDER BY c.tree_size`.execute(db);
  const tree = rebuiltTree(
    [...inside.rows, ...outside.filter((c) => Number(c.tree_size) > after)].sort(
      (a, b) => Number(a.tree_size) - Number(b.tree_size),
    ),
    from,
  );
  if (from) {
    // The entry the last verify ended at: still there, its stored hash as it was, and its body
    // still what that hash was made of.
    const rows = (
      await sql<{ seq: string; body: string; hash: Buffer }>`SELECT seq, body, hash FROM audit_ledger
        WHERE seq BETWEEN ${from.size - 1} AND ${from.size} ORDER BY seq`.execute(db)
    ).rows;
    const last = rows.find((r) => Number(r.seq) === from.size);
    const previous =
      from.size === 1 ? Buffer.alloc(32) : rows.find((r) => Number(r.seq) === from.size - 1)?.hash;
    const expected = Buffer.from(from.lastHash, 'hex');
    if (!last || !previous || !last.hash.equals(expected) || !chainHash(previous, last.body).equals(expected))
      return tree.fail(from.size, `entry ${from.size} is not what the last verify found`);
  }
  const max = Number(
    (await sql<{ max: string }>`SELECT coalesce(max(seq), 0) AS max FROM audit_ledger`.execute(db)).rows[0]
      ?.max,
  );
  const failure = await checkRanges(pool, max, tree, onProgress);
  if (failure) return failure;
  const result = tree.finish();
  if (!result.ok || !tree.lastLeaf) return from && result.ok ? { ...result, state: from } : result;
  // The state to resume from: the last entry's stored hash, which its checked leaf was made of.
  const [last] = (await sql<{ hash: Buffer }>`SELECT hash FROM audit_ledger WHERE seq = ${max}`.execute(db))
    .rows;
  if (!last || !leafHash(last.hash).equals(tree.lastLeaf))
    return tree.fail(max, `entry ${max} changed while it was checked`);
  return { ...result, state: tree.state(last.hash) };
}

/** Reading the ledger: proofs of inclusion, a person's entries, the latest of an action, filters. */
function ledgerReads(db: Db) {
  return {
    /** The inclusion proof of one entry in the latest checkpoint that covers it. */
    async prove(seq: number) {
      const checkpoint = (
        await sql<{ tree_size: string; root_hash: Buffer; key_id: string; signature: Buffer }>`
          SELECT tree_size, root_hash, key_id, signature FROM audit_checkpoints
          WHERE tree_size >= ${seq} ORDER BY tree_size DESC LIMIT 1`.execute(db)
      ).rows[0];
      if (!checkpoint) return null;
      const size = Number(checkpoint.tree_size);
      const rows = (
        await sql<{ body: string; hash: Buffer }>`SELECT body, hash FROM audit_ledger WHERE seq <= ${size}
          ORDER BY seq`.execute(db)
      ).rows;
      const leaves = rows.map((r) => leafHash(r.hash));
      const leaf = leaves[seq - 1] as Buffer;
      const path = inclusionProof(seq - 1, leaves);
      return {
        seq,
        leafIndex: seq - 1,
        leafHash: leaf.toString('hex'),
        entry: rows[seq - 1]?.body,
        previousHash: (rows[seq - 2]?.hash ?? Buffer.alloc(32)).toString('hex'),
        entryHash: rows[seq - 1]?.hash.toString('hex'),
        treeSize: size,
        rootHash: checkpoint.root_hash.toString('hex'),
        keyId: checkpoint.key_id,
        signature: checkpoint.signature.toString('base64'),
        path: path.map((p) => p.toString('hex')),
        verified: verifyInclusion(leaf, seq - 1, size, path, checkpoint.root_hash),
      };
    },

    /** Entries about one person, newest first (the citizen's access log). */
    async about(subjectAccountId: string, limit = 500): Promise<StoredEntry[]> {
      const rows = await sql<{
        body: string;
      }>`SELECT body FROM audit_ledger WHERE subject_account_id = ${subjectAccountId}
        ORDER BY seq DESC LIMIT ${limit}`.execute(db);
      return rows.rows.map((r) => JSON.parse(r.body));
    },

    async status() {
      const row = (
        await sql<{ entries: string; checkpoint: string | null; signed_at: Date | null }>`
          SELECT (SELECT coalesce(max(seq), 0) FROM audit_ledger) AS entries,
                 c.tree_size AS checkpoint, c.signed_at
          FROM (SELECT 1) one LEFT JOIN LATERAL (
            SELECT tree_size, signed_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1) c ON true`.execute(
          db,
        )
      ).rows[0];
      return {
        entries: Number(row?.entries ?? 0),
        checkpoint: Number(row?.checkpoint ?? 0),
        signedAt: row?.signed_at ?? null,
      };
    },

    /** The latest entry of one action, if any. */
    async latest(action: string): Promise<StoredEntry | null> {
      const rows = await sql<{ body: string }>`SELECT body FROM audit_ledger WHERE action = ${action}
        ORDER BY seq DESC LIMIT 1`.execute(db);
      return rows.rows[0] ? JSON.parse(rows.rows[0].body) : null;
    },

    /** Entries matching a filter, newest first, for governance pages. */
    async entries(filter: { breakGlass?: boolean; actor?: string; limit?: number }): Promise<StoredEntry[]> {
      const rows = await sql<{ body: string }>`SELECT body FROM audit_ledger
        WHERE (${filter.breakGlass ?? null}::boolean IS NULL OR break_glass = ${filter.breakGlass ?? null})
          AND (${filter.actor ?? null}::uuid IS NULL OR actor_account_id = ${filter.actor ?? null})
        ORDER BY seq DESC LIMIT ${filter.limit ?? 200}`.execute(db);
      return rows.rows.map((r) => JSON.parse(r.body));
    },
  };
}

export interface LedgerOptions {
  connectionString?: string;
  /** The PEM file of the key that signs checkpoints (made when missing); none: a key of this process. */
  keyFile?: string;
  /** The PEM file of the key this Flagstone co-signs other ledgers' heads with, as a witness. */
  witnessKeyFile?: string;
  /** The address the ledger is known by to its witnesses (FLAGSTONE_URL). */
  publicUrl?: string;
}

export function auditLedger(db: Db, clock: Clock, options: LedgerOptions = {}) {
  return {
    ...groupCommit(db, clock),
    append: (trx: Db, entries: (LedgerEntry | DecisionEntry)[]) => appendEntries(trx, entries, clock.now()),
    ...checkpoints(db, options),
    ...ledgerReads(db),
    ...ledgerWitnesses(db, {
      log: ledgerAddress(options),
      latest: async () => (await headsOf(db, 0, 1, true))[0] ?? null,
    }),
    /** This Flagstone as a witness of other ledgers. */
    witness: ledgerWitness(db, clock, { keyFile: options.witnessKeyFile }),
  };
}

/** The whole ledger, decisions included: governance's own (the guard writes decisions through it). */
export type AuditLedger = ReturnType<typeof auditLedger>;

/** The ledger as every module sees it: events go in here; decisions only through the guard. */
export interface Ledger extends Omit<AuditLedger, 'record' | 'append'> {
  /** Appends entries outside any transaction: committed, together with concurrent ones, when this resolves. */
  record(entries: LedgerEntry[]): Promise<void>;
  /** Appends entries inside the caller's transaction, so they commit (or not) with its writes. */
  append(trx: Db, entries: LedgerEntry[]): Promise<StoredEntry[]>;
}

export const ledger = (db: Db, clock: Clock, options: LedgerOptions = {}): Ledger =>
  auditLedger(db, clock, options);
