// The framework as data: the file beside the code holds the strategy's fifteen items with five
// levels each, and a framework file that does not parse or fit is refused saying why.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Invalid } from '../../platform/index.ts';
import { builtInFramework, itemsOf, parseFramework } from './framework.ts';

const text = JSON.stringify(builtInFramework);
const errorOf = (input: string) => {
  try {
    parseFramework(input);
  } catch (error) {
    expect(error).toBeInstanceOf(Invalid);
    return (error as Invalid).fields.map((f) => f.message).join('; ');
  }
  throw new Error('parsed');
};

describe('the maturity framework', () => {
  it('has the three principles, six capabilities and six information and technology issues, five levels each', () => {
    expect(builtInFramework.themes.map((t) => t.items.length)).toEqual([3, 6, 6]);
    expect(builtInFramework.levels).toHaveLength(5);
    for (const item of itemsOf(builtInFramework)) expect(item.levels).toHaveLength(5);
    expect(itemsOf(builtInFramework).map((i) => i.title)).toContain(
      'Strategic commissioning and supplier management',
    );
  });

  it('refuses a file that is not JSON', () => {
    expect(errorOf('{"id": ')).toMatch(/The framework file is not JSON/);
  });

  it('refuses an item with four levels, saying where', () => {
    const data = JSON.parse(text);
    data.themes[1].items[2].levels.pop();
    expect(errorOf(JSON.stringify(data))).toMatch(/\/themes\/1\/items\/2\/levels/);
  });

  it('refuses a measure the platform does not know, and a key used twice', () => {
    const unknown = JSON.parse(text);
    unknown.themes[0].items[0].measures = ['happiness'];
    expect(errorOf(JSON.stringify(unknown))).toMatch(/measures/);
    const twice = JSON.parse(text);
    twice.themes[2].items[0].key = 'leadership';
    expect(errorOf(JSON.stringify(twice))).toMatch(/uses the key leadership more than once/);
  });

  it('reads back a version of its own', () => {
    const data = { ...JSON.parse(text), id: 'fellshire-2027.1', version: '2027.1' };
    expect(parseFramework(JSON.stringify(data)).id).toBe('fellshire-2027.1');
  });
});

describe('any framework file', () => {
  it('is read or refused as Invalid, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ ...JSON.parse(text), themes: v })),
        ),
        (input) => {
          try {
            parseFramework(input);
          } catch (error) {
            expect(error).toBeInstanceOf(Invalid);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
