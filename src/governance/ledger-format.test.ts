import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash } from './merkle.ts';

// The ledger's formats, written out so that an auditor can check them with other tools.
describe('the ledger format', () => {
  it('chains SHA-256(previous hash || canonical JSON) and makes the Merkle leaf of the entry hash', () => {
    const body = '{"action":"sign-in","at":"2026-11-25T12:00:00.000Z","seq":1}';
    const entryHash = createHash('sha256').update(Buffer.alloc(32)).update(body).digest();
    const leaf = createHash('sha256')
      .update(Buffer.from([0]))
      .update(entryHash)
      .digest();
    expect(leafHash(entryHash).equals(leaf)).toBe(true);
  });
});
