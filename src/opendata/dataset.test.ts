import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dataset, placeDataset, type Row, releaseFiles } from './dataset.ts';

const columns = ['name', 'count', 'share', 'met', '10'].map((name) => ({ name, description: name }));
const dataset = (long: boolean): Dataset =>
  placeDataset({
    id: 'd',
    title: 'D',
    description: 'D',
    keywords: [],
    columns,
    long,
    build: async () => ({ from: '', to: '' }),
  });

/** Every row through releaseFiles; the files' bytes as stored, part by part, and their summaries. */
async function write(d: Dataset, rows: Row[], fail = false) {
  const stored = new Map<string, Buffer[]>();
  const files = releaseFiles(d, new Date('2026-12-07T12:00:00Z'), async (format, part, bytes) => {
    if (fail) throw new Error('the database went away');
    const parts = stored.get(format) ?? [];
    parts[part] = bytes;
    stored.set(format, parts);
  });
  try {
    for (const r of rows) await files.row(r);
    const written = await files.end();
    return { written, bytes: new Map([...stored].map(([f, parts]) => [f, Buffer.concat(parts)])) };
  } finally {
    await files.close();
  }
}

const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const row = fc.record({ name: value, count: value, share: value, met: value, '10': value, extra: value });

describe('the files of a release', () => {
  it('are the same bytes when a long release writes its JSON in a worker thread', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 30 }), async (rows) => {
        const beside = await write(dataset(true), rows);
        const alone = await write(dataset(false), rows);
        expect(beside.written).toEqual(alone.written);
        expect(beside.bytes).toEqual(alone.bytes);
        const json = beside.bytes.get('json') as Buffer;
        expect(JSON.parse(json.toString('utf8'))).toHaveLength(rows.length);
        expect(beside.written.files[1]?.sha256).toBe(createHash('sha256').update(json).digest('hex'));
      }),
      { numRuns: 10 },
    );
  });

  it('are the same bytes over many parts, and hold only the columns', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => ({
      name: `a "quoted", long name ${'é'.repeat(i % 50)}`,
      count: i,
      share: i / 7,
      met: i % 2 === 0,
      '10': null,
      secret: 'never written',
    }));
    const beside = await write(dataset(true), rows);
    const alone = await write(dataset(false), rows);
    expect(beside.bytes.get('json')?.length).toBeGreaterThan(2 * 1_048_576);
    expect(beside.bytes).toEqual(alone.bytes);
    expect(beside.bytes.get('json')?.includes('never written')).toBe(false);
  });

  it('fail, and stop the worker, when a part cannot be stored', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ name: 'x'.repeat(100), count: i }));
    await expect(write(dataset(true), rows, true)).rejects.toThrow('the database went away');
  });
});
