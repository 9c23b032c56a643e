// fast-check arbitraries from the JSON Schemas of an OpenAPI document: values the schema allows,
// and, some of the time, values it does not (wrong types, NUL bytes, lone surrogates, long text),
// so that both the answers and the refusals of each operation are tried.
import fc from 'fast-check';

export type Schema = Record<string, unknown>;

const hostile = fc.oneof(
  fc.constant('a\u0000b'),
  fc.constant('\ud800'),
  fc.constant(''),
  fc.constant(' '),
  fc.constant('x'.repeat(5000)),
  fc.constant('1800-01-01'),
  fc.constant('../../etc/passwd'),
  fc.constant("' OR 1=1 --"),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Any JSON value at all: what a careless client might send where the schema wants something else. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  hostile,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

function text(schema: Schema): fc.Arbitrary<string> {
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc
        .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    case 'uri':
      return fc.webUrl();
  }
  const minLength = Number(schema.minLength ?? 0);
  const maxLength = Math.min(Number(schema.maxLength ?? 60), minLength + 60);
  return fc.string({ minLength, maxLength });
}

/** A value the schema allows (as far as an arbitrary can tell without a solver). */
export function valid(schema: Schema | undefined): fc.Arbitrary<unknown> {
  if (!schema || Object.keys(schema).length === 0) return anyJson;
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if ('const' in schema) return fc.constant(schema.const);
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (options) return fc.oneof(...options.map((o) => valid(o)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return text(schema);
    case 'integer':
      return fc.integer({
        min: Number(schema.minimum ?? -1_000_000),
        max: Number(schema.maximum ?? 1_000_000),
      });
    case 'number':
      return fc.double({
        min: Number(schema.minimum ?? -1e6),
        max: Number(schema.maximum ?? 1e6),
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valid(schema.items as Schema), {
        minLength: Number(schema.minItems ?? 0),
        maxLength: Math.min(Number(schema.maxItems ?? 4), Number(schema.minItems ?? 0) + 4),
      });
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      return fc.record(Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, valid(s)])), {
        requiredKeys: required.filter((r) => r in properties),
      });
    }
    default:
      return anyJson;
  }
}

/** Mostly what the schema allows; a fifth of the time, anything at all. */
export const value = (schema: Schema | undefined) =>
  fc.oneof({ weight: 4, arbitrary: valid(schema) }, { weight: 1, arbitrary: anyJson });
