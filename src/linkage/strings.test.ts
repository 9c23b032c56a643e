import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler, levenshtein, soundex, withinOneEdit } from './strings.ts';

describe('Jaro–Winkler', () => {
  // reference values from Winkler (1990) and the usual test tables
  it.each([
    ['martha', 'marhta', 0.9611],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.8133],
    ['jones', 'johnson', 0.8324],
    ['shackleford', 'shackelford', 0.9818],
    ['abc', 'abc', 1],
    ['abc', 'xyz', 0],
    ['', 'abc', 0],
  ])('%s ~ %s is %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
  });

  it('Jaro alone of martha ~ marhta is 0.9444', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 4);
  });

  it('is symmetric and between 0 and 1', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const x = jaroWinkler(a, b);
        expect(x).toBeCloseTo(jaroWinkler(b, a), 12);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('Levenshtein', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['smith', 'smyth', 1],
    ['', 'abc', 3],
    ['same', 'same', 0],
    ['ab', 'ba', 2],
  ])('%s -> %s takes %i edits', (a, b, expected) => {
    expect(levenshtein(a, b)).toBe(expected);
  });

  it('agrees with withinOneEdit, which also counts a swap of neighbours as one edit', () => {
    const letters = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 });
    fc.assert(
      fc.property(letters, letters, (a, b) => {
        if (levenshtein(a, b) <= 1) expect(withinOneEdit(a, b)).toBe(true);
        expect(withinOneEdit(a, b)).toBe(withinOneEdit(b, a));
      }),
    );
    expect(withinOneEdit('stewart', 'strewat')).toBe(false);
    expect(withinOneEdit('stewart', 'stewatr')).toBe(true);
  });
});

describe('Soundex', () => {
  it.each([
    ['robert', 'R163'],
    ['rupert', 'R163'],
    ['rubin', 'R150'],
    ['ashcraft', 'A261'],
    ['tymczak', 'T522'],
    ['pfister', 'P236'],
    ['smith', 'S530'],
    ['smyth', 'S530'],
    ['', ''],
  ])('%s is %s', (name, code) => {
    expect(soundex(name)).toBe(code);
  });
});

describe('number ids', () => {
  it('gives equal numbers one id and new numbers the next, however many', async () => {
    const { KeyIds } = await import('./key-ids.ts');
    const ids = new KeyIds(2);
    const keys = Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 3001) + 2 ** 40 * (i % 3));
    const seen = new Map<number, number>();
    for (const key of keys) {
      if (!seen.has(key)) seen.set(key, seen.size);
      expect(ids.id(key)).toBe(seen.get(key));
    }
    expect(ids.size).toBe(seen.size);
  });
});
