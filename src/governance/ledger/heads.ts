// What keeps the ledger honest against whoever holds its database: the key that signs its
// checkpoints lives in a file outside the database, and every signed tree head is kept outside it
// too (a file of JSON lines, and GET /api/v1/audit/heads for anyone who keeps their own copy, as
// Certificate Transparency's monitors do). `verify` checks the chain against heads kept elsewhere,
// so entries rewritten and signed again, a tail dropped or a ledger emptied are found.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointRow, VerifiedState } from './verification.ts';

/** A signed tree head as it is published: hex root, base64 signature, the public key in PEM. */
export interface TreeHead {
  treeSize: number;
  rootHash: string;
  keyId: string;
  publicKey: string;
  signature: string;
  signedAt: string;
}

export interface SigningKey {
  keyId: string;
  publicKey: string;
  privateKey: KeyObject;
}

function signingKey(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { keyId: createHash('sha256').update(publicKey).digest('hex').slice(0, 16), publicKey, privateKey };
}

/**
 * The signing key from its PEM file, made (readable by its owner only) when there is none; with
 * no file, a key of this process alone (tests and benchmarks).
 */
export async function loadSigningKey(file?: string): Promise<SigningKey> {
  if (!file) return signingKey(generateKeyPairSync('ed25519').privateKey);
  try {
    return signingKey(createPrivateKey(await readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  await mkdir(path.dirname(file), { recursive: true });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // `wx`: two processes starting at once keep one key, the first one written.
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return signingKey(createPrivateKey(await readFile(file, 'utf8')));
}

const parseHeads = (text: string): TreeHead[] => {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as TreeHead[];
  return trimmed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TreeHead);
};

/** Tree heads from a file of JSON lines (or one JSON array), or from a URL that answers one. */
export async function readHeads(source: string): Promise<TreeHead[]> {
  if (/^https?:\/\//.test(source)) {
    const answer = await fetch(source, { headers: { accept: 'application/json' } });
    if (!answer.ok) throw new Error(`${source} answered ${answer.status}`);
    return parseHeads(await answer.text());
  }
  try {
    return parseHeads(await readFile(source, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Keeps the heads in `file`: each call appends those beyond the last one it holds (read from the
 * file once, then remembered); returns how many it appended.
 */
export function headKeeper(file: string, heads: (after: number) => Promise<TreeHead[]>) {
  let last: number | null = null;
  return async (): Promise<number> => {
    last ??= (await readHeads(file)).at(-1)?.treeSize ?? 0;
    const fresh = await heads(last);
    if (fresh.length === 0) return 0;
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, fresh.map((h) => `${JSON.stringify(h)}\n`).join(''));
    last = fresh.at(-1)?.treeSize ?? last;
    return fresh.length;
  };
}

/** Heads kept elsewhere as checkpoints for `verify`, checked against their own public keys. */
export const outsideCheckpoints = (heads: TreeHead[]): CheckpointRow[] =>
  heads.map((h) => ({
    tree_size: String(h.treeSize),
    root_hash: Buffer.from(h.rootHash, 'hex'),
    key_id: h.keyId,
    signature: Buffer.from(h.signature, 'base64'),
    public_key: h.publicKey,
    kept: 'outside',
  }));

/** The state the last verify left (`audit verify` resumes from it), or null when there is none. */
export async function readVerifiedState(file: string): Promise<VerifiedState | null> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return null;
  const state = JSON.parse(text) as VerifiedState;
  const hex = (v: unknown, length?: number) =>
    typeof v === 'string' && /^[0-9a-f]*$/.test(v) && (length === undefined || v.length === length);
  if (
    !Number.isSafeInteger(state.size) ||
    state.size < 1 ||
    !hex(state.root, 64) ||
    !hex(state.lastHash, 64) ||
    !Array.isArray(state.frontier) ||
    !state.frontier.every((h) => hex(h, 64))
  )
    throw new Error(`${file} is not the state of a verify`);
  return state;
}

/** Keeps the state a verify reached, replacing the last one whole (never half-written). */
export async function keepVerifiedState(file: string, state: VerifiedState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const next = `${file}.next`;
  await writeFile(next, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(next, file);
}
