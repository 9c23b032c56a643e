// The audit ledger's signed tree heads as a dataset, so that anyone can keep a copy outside the
// place's database and check the ledger against it (`flagstone audit verify --heads FILE`): a
// ledger rewritten, shortened or emptied contradicts a head kept elsewhere. Nothing in a head is
// about a person: the number of entries, the root hash, when, and the key that signed it.
import type { TreeHead } from '../governance/index.ts';
import { placeDataset, type Row } from './dataset.ts';

const PAGE = 1000;

/** The heads as they are published, oldest first; `after`: only those over more entries than that. */
export type Heads = (after: number, limit?: number) => Promise<TreeHead[]>;

/** A published row back as a tree head, the shape `audit verify --heads` reads. */
const asHead = (row: Row): TreeHead => ({
  treeSize: Number(row.tree_size),
  rootHash: String(row.root_hash),
  keyId: String(row.key_id),
  publicKey: String(row.public_key),
  signature: String(row.signature),
  signedAt: String(row.signed_at),
});

export function ledgerHeadsDataset(heads: Heads) {
  return placeDataset({
    id: 'audit-ledger-heads',
    title: 'Audit ledger tree heads',
    description:
      'Every signed tree head of the audit ledger: how many entries it covered, the Merkle root hash over them, when it was signed and the key that signed it (with the public key to check the signature). Keep a copy: the JSON file is what `flagstone audit verify --heads` reads, and a ledger that was rewritten, shortened or emptied contradicts a head kept elsewhere. No entry of the ledger, and nothing about a person, is in it.',
    keywords: ['audit', 'transparency', 'accountability', 'Merkle tree', 'tree heads'],
    columns: [
      { name: 'tree_size', description: 'How many entries of the ledger the head covers' },
      { name: 'root_hash', description: 'The Merkle tree root hash over those entries (SHA-256, hex)' },
      { name: 'signed_at', description: 'When the head was signed (UTC)' },
      { name: 'key_id', description: 'The identifier of the key that signed it' },
      { name: 'public_key', description: 'That key’s public half (Ed25519, PEM)' },
      { name: 'signature', description: 'The signature over the size and root hash (base64)' },
    ],
    json: {
      format: 'json',
      mediaType: 'application/json',
      start: () => '[',
      row: (values) => JSON.stringify(asHead(values)),
      end: () => '\n]\n',
    },
    async build({ now, row }) {
      let first: string | null = null;
      let last: string | null = null;
      for (let after = 0; ; ) {
        const page = await heads(after, PAGE);
        for (const h of page) {
          first ??= h.signedAt.slice(0, 10);
          last = h.signedAt.slice(0, 10);
          await row({
            tree_size: h.treeSize,
            root_hash: h.rootHash,
            signed_at: h.signedAt,
            key_id: h.keyId,
            public_key: h.publicKey,
            signature: h.signature,
          });
        }
        if (page.length < PAGE) break;
        after = page.at(-1)?.treeSize ?? after;
      }
      const today = now.toISOString().slice(0, 10);
      return { from: first ?? today, to: last ?? today };
    },
  });
}
