// The benchmark file: what the place publishes reads back in as the same scores, and any text
// given as another place's benchmark is read or refused as Invalid, naming lines, never anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Invalid } from '../../platform/index.ts';
import { benchmarkCsv, parseBenchmarkCsv } from './exports.ts';
import { builtInFramework, itemsOf } from './framework.ts';

const keys = itemsOf(builtInFramework).map((i) => i.key);

describe('a published benchmark', () => {
  it('reads back in as the scores it was made from, whatever they are', () => {
    const organisation = fc.record({
      name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0),
      scores: fc.dictionary(fc.constantFrom(...keys), fc.integer({ min: 1, max: 5 }), { minKeys: 1 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(organisation, { minLength: 1, maxLength: 5, selector: (o) => o.name }),
        (orgs) => {
          const at = new Date('2026-11-02T10:00:00Z');
          const csv = benchmarkCsv(
            'Fellshire',
            builtInFramework,
            orgs.map((o) => ({ ...o, submittedAt: at })),
          );
          const read = parseBenchmarkCsv(csv, [builtInFramework]);
          expect(read.place).toBe('Fellshire');
          const expected = orgs.flatMap((o) =>
            keys
              .filter((k) => o.scores[k] !== undefined)
              .map((k) => ({ organisation: o.name, item: k, score: o.scores[k], assessedOn: '2026-11-02' })),
          );
          expect(read.scores).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses any other text as Invalid, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseBenchmarkCsv(`place,organisation,framework,item,score,assessed_on\n${text}`, [
            builtInFramework,
          ]);
        } catch (error) {
          expect(error).toBeInstanceOf(Invalid);
        }
      }),
      { numRuns: 500 },
    );
  });
});
