import { describe, expect, it } from 'vitest';
import { Invalid } from './errors.ts';
import { refuseUnreadableText } from './input.ts';

const query = (fields: Record<string, unknown>) => Object.assign(Object.create(null), fields);

describe('the input boundary', () => {
  it('lets well-formed text through, emoji and all', () => {
    expect(() =>
      refuseUnreadableText({ query: query({ q: 'café 🚲' }), body: { a: ['x', { b: 'ünï' }], n: 5 } }),
    ).not.toThrow();
  });

  it.each([
    ['a NUL in a query', { query: query({ q: 'a\0' }) }, 'q'],
    ['a NUL in a path parameter', { params: { file: 'A\0.json' } }, 'file'],
    ['a lone high surrogate in a body', { body: { description: 'a\ud800b' } }, 'description'],
    [
      'a lone low surrogate deep in a body',
      { body: { attribute: { size: ['\udc00'] } } },
      'attribute.size.0',
    ],
    ['a NUL in a field name', { body: { 'x\0': 'y' } }, 'x?'],
  ])('refuses %s, naming the field', (_, request, field) => {
    try {
      refuseUnreadableText(request);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Invalid);
      expect((error as Invalid).fields[0]?.field).toBe(field);
    }
  });

  it('leaves bytes and streams to their own parsers', () => {
    expect(() => refuseUnreadableText({ body: Buffer.from('a\0b') })).not.toThrow();
  });
});
