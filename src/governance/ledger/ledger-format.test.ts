import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fits, surelyFits } from './columns-fit.ts';
import { canonicalAround } from './ledger.ts';
import { copyRows, rowOf } from './ledger-copy.ts';
import { leafHash, SubtreeRoots } from './merkle.ts';
import { checkRange } from './verify-worker.ts';

/** An entry's row as the ledger keeps it. */
interface Kept {
  seq: number;
  hash: Buffer;
  actor?: string | null;
  subject?: string | null;
  decision?: string | null;
  breakGlass?: boolean;
  at: string;
  action: string | null;
  body: string;
}

/** Rows as PostgreSQL's binary COPY sends them (the format `audit verify` reads), written out here. */
function binaryCopy(rows: Kept[]): Buffer {
  const field = (value: Buffer | null) => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(value ? value.length : -1);
    return value ? [length, value] : [length];
  };
  const int64 = (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(n);
    return b;
  };
  const uuid = (u: string | null | undefined) => (u ? Buffer.from(u.replaceAll('-', ''), 'hex') : null);
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const r of rows) {
    parts.push(Buffer.from([0, 9]));
    for (const value of [
      int64(BigInt(r.seq)),
      r.hash,
      uuid(r.actor),
      uuid(r.subject),
      r.decision == null ? null : Buffer.from(r.decision),
      Buffer.from([r.breakGlass ? 1 : 0]),
      int64(BigInt(Date.parse(r.at) - Date.UTC(2000, 0, 1)) * 1000n),
      r.action === null ? null : Buffer.from(r.action),
      Buffer.from(r.body),
    ])
      parts.push(...field(value));
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

/** Chains bodies from `previous`, as the database does: SHA-256(previous hash || body). */
function chained(bodies: string[], previous = Buffer.alloc(32)): Buffer[] {
  return bodies.map((body) => {
    previous = createHash('sha256').update(previous).update(body).digest();
    return previous;
  });
}

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

describe('checking a range of the chain', () => {
  const at = '2026-12-07T18:21:16.177Z';
  // Not only ASCII, and one body longer than the buffer the check starts with.
  const details = [{}, { place: 'Siân’s 🚒' }, {}, { x: 'é'.repeat(5000) }, {}];
  const bodies = details.map(
    (detail, i) => canonicalize({ action: 'test.range', at, detail, seq: i + 1 }) as string,
  );
  const hashes = chained(bodies);
  const kept = (changed: (body: string, i: number) => string = (b) => b) =>
    bodies.map((body, i) => ({
      seq: i + 1,
      hash: hashes[i] as Buffer,
      at,
      action: 'test.range',
      body: changed(body, i),
    }));
  const check = (rows: Kept[], first: number, last: number) =>
    checkRange(
      { id: first, first, last },
      binaryCopy(rows.filter((r) => r.seq >= first - 1 && r.seq <= last)),
    );

  it('gives every entry’s Merkle leaf, and the roots of the subtrees among them', () => {
    const whole = check(kept(), 1, 5);
    expect(whole.failure).toBe(null);
    expect(whole.count).toBe(5);
    const roots = SubtreeRoots.from(Buffer.from(whole.roots), 0, 5);
    expect(roots.leaf(1).equals(leafHash(hashes[1] as Buffer))).toBe(true);
    expect(
      roots
        .root(2, 0)
        .equals(SubtreeRoots.of(Buffer.concat(hashes.slice(0, 4).map((h) => leafHash(h))), 0).root(2, 0)),
    ).toBe(true);
    // A range from the middle: the entry before it gives the hash its first entry follows.
    expect(check(kept(), 3, 5)).toMatchObject({ failure: null, count: 3 });
  });

  it('finds the first entry whose hash does not follow from the one before', () => {
    expect(
      check(
        kept((b, i) => (i === 2 ? '{"seq":3,"x":1}' : b)),
        1,
        5,
      ).failure,
    ).toEqual({
      seq: 3,
      reason: 'entry 3 does not match its hash',
    });
    expect(
      check(
        kept((b, i) => (i === 3 ? b.replace('éé', 'ée') : b)),
        1,
        5,
      ).failure?.seq,
    ).toBe(4);
    // The entry before the range changed: its stored hash is not what the first one follows.
    const rows = kept();
    (rows[1] as Kept).hash = Buffer.alloc(32, 7);
    expect(check(rows, 3, 5).failure).toEqual({ seq: 3, reason: 'entry 3 does not match its hash' });
  });

  it('names an entry missing before the range, within it and at its end', () => {
    const without = (seq: number) => kept().filter((r) => r.seq !== seq);
    expect(check(without(2), 3, 5).failure).toEqual({ seq: 2, reason: 'entry 2 is missing' });
    expect(check(without(4), 3, 5).failure).toEqual({ seq: 4, reason: 'entry 4 is missing' });
    expect(check(without(5), 3, 5).failure).toEqual({ seq: 5, reason: 'entry 5 is missing' });
  });

  it('names an entry whose columns differ from its body, unless a bad hash comes first', () => {
    const body = `{"action":"case.create","actor":null,"at":"${at}","seq":1,"subject":null}`;
    const [hash] = chained([body]);
    const entry = { seq: 1, hash: hash as Buffer, at, action: 'case.create', body };
    expect(checkRange({ id: 1, first: 1, last: 1 }, binaryCopy([entry])).failure).toBe(null);
    expect(
      checkRange({ id: 1, first: 1, last: 1 }, binaryCopy([{ ...entry, action: 'case.read' }])).failure,
    ).toEqual({
      seq: 1,
      reason: 'entry 1 has columns that differ from its hashed body',
    });
    expect(
      checkRange(
        { id: 1, first: 1, last: 1 },
        binaryCopy([{ ...entry, action: 'case.read', body: `${body} ` }]),
      ).failure?.reason,
    ).toBe('entry 1 does not match its hash');
  });

  it('refuses bytes that are not the COPY of the ledger’s columns', () => {
    expect(() => checkRange({ id: 1, first: 1, last: 1 }, Buffer.from('seq,hash\n1,x\n'))).toThrow(
      /unexpected form/,
    );
    const truncated = binaryCopy(kept()).subarray(0, 200);
    expect(() => checkRange({ id: 1, first: 1, last: 5 }, truncated)).toThrow(/unexpected form/);
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
    action: 'case.create',
    actor: 'u1',
    subject: null as string | null,
    decision: null,
    break_glass: false,
    at_us: Date.parse(at) * 1000,
  };

  it('reads the body’s own members, not those of the same name inside another', () => {
    expect(fits({ ...row, body: body('null') })).toBe(true);
    expect(fits({ ...row, body: body('null'), subject: 'u2' })).toBe(false);
    expect(fits({ ...row, body: body('"u3"'), subject: 'u3' })).toBe(true);
    expect(fits({ ...row, body: body('"u3"'), subject: 'u2' })).toBe(false);
    expect(fits({ ...row, body: body('null'), break_glass: true })).toBe(false);
    expect(fits({ ...row, body: body('null'), actor: 'u2' })).toBe(false);
    expect(fits({ ...row, body: body('null'), at_us: row.at_us + 1 })).toBe(false);
  });

  it('parses a body with an escape where the columns are compared, and finds the same', () => {
    const escaped = body('"u\\"3"');
    expect(fits({ ...row, body: escaped, subject: 'u"3' })).toBe(true);
    expect(fits({ ...row, body: escaped, subject: 'u\\"3' })).toBe(false);
    expect(fits({ ...row, body: 'not json' })).toBe(false);
  });

  // Entries as the ledger writes them, and their columns, changed or not.
  const uuid = fc.option(fc.uuid(), { nil: null });
  const text = fc.oneof(
    fc.string(),
    fc.constantFrom('allow', 'case.create', 'Siân’s 🚒', 'actor', 'subject', 'a"b', 'a\\b', '\u2028'),
  );
  const entry = fc.record({
    action: text,
    actor: fc.option(
      fc.record({
        account: fc.uuid(),
        kind: fc.constantFrom('staff', 'citizen'),
        role: fc.option(text, { nil: undefined }),
      }),
      { nil: null },
    ),
    actingFor: fc.option(uuid, { nil: undefined }),
    agreement: fc.option(uuid, { nil: undefined }),
    at: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
    breakGlass: fc.option(fc.boolean(), { nil: undefined }),
    decision: fc.option(fc.constantFrom('allow' as const, 'deny' as const, null), { nil: undefined }),
    detail: fc.option(fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null))), {
      nil: undefined,
    }),
    subject: fc.option(uuid, { nil: undefined }),
    purpose: fc.option(text, { nil: null }),
  });
  const columns = fc.record({
    action: fc.option(text, { nil: undefined }),
    actor: fc.option(uuid, { nil: undefined }),
    subject: fc.option(uuid, { nil: undefined }),
    decision: fc.option(fc.constantFrom('allow', 'deny', null), { nil: undefined }),
    breakGlass: fc.option(fc.boolean(), { nil: undefined }),
    at: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
  });

  it('is read from the bytes only where that says what parsing the body says', () => {
    fc.assert(
      fc.property(entry, fc.nat(100), columns, (e, seq, changed) => {
        const { before, after } = canonicalAround(e);
        const body = `${before}${seq + 1}${after}`;
        const kept: Kept = {
          seq: 1,
          hash: Buffer.alloc(32),
          action: changed.action ?? e.action,
          actor: changed.actor !== undefined ? changed.actor : (e.actor?.account ?? null),
          subject: changed.subject !== undefined ? changed.subject : (e.subject ?? null),
          decision: changed.decision !== undefined ? changed.decision : (e.decision ?? null),
          breakGlass: changed.breakGlass ?? e.breakGlass === true,
          at: new Date(Date.parse(e.at) + (changed.at ?? 0)).toISOString(),
          body,
        };
        const rows = copyRows(binaryCopy([kept]));
        const parsed = fits(rowOf(rows, 0));
        // Read from the bytes, an entry fits only if parsing its body says so; and every entry
        // whose compared members have no escape is read so.
        if (surelyFits(rows, 0)) expect(parsed).toBe(true);
        const plain =
          [e.action, e.actor?.role ?? ''].every((t) => JSON.stringify(t) === `"${t}"`) &&
          !/"(actor|subject)":/.test(JSON.stringify(e.detail ?? {}));
        if (parsed && plain) expect(surelyFits(rows, 0)).toBe(true);
        const same =
          kept.action === e.action &&
          kept.actor === (e.actor?.account ?? null) &&
          kept.subject === (e.subject ?? null) &&
          kept.decision === (e.decision ?? null) &&
          kept.breakGlass === (e.breakGlass === true) &&
          kept.at === e.at;
        expect(parsed).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });
});
