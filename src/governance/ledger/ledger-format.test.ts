import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalAround } from './ledger.ts';
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

describe('checking a page of the chain', () => {
  it('finds the first entry whose hash does not follow from the one before', async () => {
    const { checkPage } = await import('./verify-worker.ts');
    // Not only ASCII, and one body longer than the buffer the check starts with.
    const bodies = [
      '{"seq":1}',
      '{"seq":2,"place":"Siân’s 🚒"}',
      '{"seq":3}',
      `{"seq":4,"x":"${'é'.repeat(5000)}"}`,
    ];
    const hashes: Buffer[] = [];
    let previous = Buffer.alloc(32);
    for (const body of bodies) {
      previous = createHash('sha256').update(previous).update(body).digest();
      hashes.push(previous);
    }
    const task = {
      id: 1,
      previous: Buffer.alloc(32).toString('base64'),
      bodies,
      hashes: hashes.map((h) => h.toString('base64')),
    };
    const sound = checkPage(task);
    expect(sound.firstBad).toBe(-1);
    expect(
      Buffer.from(sound.leaves)
        .subarray(32, 64)
        .equals(leafHash(hashes[1] as Buffer)),
    ).toBe(true);
    expect(
      checkPage({ ...task, bodies: bodies.map((b, i) => (i === 2 ? '{"seq":3,"x":1}' : b)) }).firstBad,
    ).toBe(2);
    expect(
      checkPage({ ...task, bodies: bodies.map((b, i) => (i === 3 ? b.replace('éé', 'ée') : b)) }).firstBad,
    ).toBe(3);
  });
});

describe('an entry made canonical before its number is known', () => {
  it('is the canonical JSON of the numbered entry, whatever sorts before or after seq', () => {
    const at = '2026-12-06T10:00:00.000Z';
    const entries = [
      { action: 'case.create' },
      { action: 'case.create', subject: 'a-citizen', requestId: null, reason: undefined },
      {
        action: 'person-record.read',
        actor: { account: 'x', kind: 'staff' as const, organisation: 'fellshire-fire', role: 'staff' },
        resource: { type: 'record', id: 'r1' },
        subject: 'z',
        decision: 'deny' as const,
        policies: ['b', 'a'],
        breakGlass: true,
        detail: { seq: 7, é: 'accent', Z: null, 'a\u0000b': 'nul', '\ud83d\ude00': 1e21, n: -0 },
      },
    ];
    for (const entry of entries)
      for (const seq of [1, 42, 1_000_000_007]) {
        const { before, after } = canonicalAround({ at, ...entry });
        expect(`${before}${seq}${after}`).toBe(canonicalize({ seq, at, ...entry }));
      }
  });
});

describe('checking the columns beside a body', () => {
  const at = '2026-12-07T18:21:16.177Z';
  const body = (subject: string) =>
    `{"action":"case.create","actor":{"account":"u1","kind":"staff"},"at":"${at}","detail":{"subject":"u2"},"seq":2,"subject":${subject}}`;
  const row = {
    seq: '2',
    hash: '',
    action: 'case.create',
    actor: 'u1',
    subject: null as string | null,
    decision: null,
    break_glass: false,
    at_us: String(Date.parse(at) * 1000),
  };

  it('reads the body’s own members, not those of the same name inside another', async () => {
    const { fits } = await import('./verify-worker.ts');
    expect(fits({ ...row, body: body('null') })).toBe(true);
    expect(fits({ ...row, body: body('null'), subject: 'u2' })).toBe(false);
    expect(fits({ ...row, body: body('"u3"'), subject: 'u3' })).toBe(true);
    expect(fits({ ...row, body: body('"u3"'), subject: 'u2' })).toBe(false);
    expect(fits({ ...row, body: body('null'), break_glass: true })).toBe(false);
    expect(fits({ ...row, body: body('null'), actor: 'u2' })).toBe(false);
  });

  it('parses a body with an escape where the columns are compared, and finds the same', async () => {
    const { fits } = await import('./verify-worker.ts');
    const escaped = body('"u\\"3"');
    expect(fits({ ...row, body: escaped, subject: 'u"3' })).toBe(true);
    expect(fits({ ...row, body: escaped, subject: 'u\\"3' })).toBe(false);
    expect(fits({ ...row, body: 'not json' })).toBe(false);
  });
});
