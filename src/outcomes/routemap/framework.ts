// Pure: the maturity framework as data. The strategy's principles, capabilities and information
// and technology issues, each with five levels and what each level looks like, in a file beside
// the code (framework-2026.json); a place may add its own version, and an assessment keeps the
// version it was made against, so its scores keep their meaning.
import { readFileSync } from 'node:fs';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { Invalid } from '../../platform/index.ts';

/** What the platform measures by itself, shown beside the scores of the items that name them. */
export const measureKeys = [
  'servicesOnline',
  'requestsReceived',
  'overdueCases',
  'sharingAgreements',
  'secondFactorStaff',
  'recordsLinked',
  'openDatasets',
  'kpiTrends',
] as const;
export type MeasureKey = (typeof measureKeys)[number];

const Key = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const Text = Type.String({ minLength: 1, maxLength: 1000 });
const Five = { minItems: 5, maxItems: 5 };

export const FrameworkSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,62}$' }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    version: Type.String({ minLength: 1, maxLength: 40 }),
    levels: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), Five),
    themes: Type.Array(
      Type.Object(
        {
          key: Key,
          title: Text,
          items: Type.Array(
            Type.Object(
              {
                key: Key,
                title: Text,
                measures: Type.Array(Type.Union(measureKeys.map((k) => Type.Literal(k)))),
                levels: Type.Array(Text, Five),
              },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 30 },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10 },
    ),
  },
  { additionalProperties: false },
);

export type Framework = Type.Static<typeof FrameworkSchema>;
export type Theme = Framework['themes'][number];
export type Item = Theme['items'][number];

/** Every item of a framework, in order, with the theme it belongs to. */
export function itemsOf(framework: Framework): (Item & { theme: string })[] {
  return framework.themes.flatMap((t) => t.items.map((i) => ({ ...i, theme: t.key })));
}

/**
 * A framework from its text (JSON), checked: its shape, five levels to every item, and no key
 * used twice. Anything else is Invalid, saying where.
 */
export function parseFramework(text: string): Framework {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Invalid('The framework file is not JSON', [
      { field: 'framework', message: `The framework file is not JSON: ${(error as Error).message}` },
    ]);
  }
  if (!Value.Check(FrameworkSchema, data)) {
    const errors = [...Value.Errors(FrameworkSchema, data)].slice(0, 10);
    throw new Invalid(
      'The framework file does not match the framework format',
      errors.map((e) => ({ field: 'framework', message: `${e.instancePath || 'The file'} ${e.message}` })),
    );
  }
  const framework = data as Framework;
  const keys = [...framework.themes.map((t) => t.key), ...itemsOf(framework).map((i) => i.key)];
  const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (twice.length > 0)
    throw new Invalid('The framework file uses a key twice', [
      { field: 'framework', message: `The framework file uses the key ${twice[0]} more than once` },
    ]);
  return framework;
}

/** The framework that comes with Flagstone: the strategy's fifteen items. */
export const builtInFramework: Framework = parseFramework(
  readFileSync(new URL('./framework-2026.json', import.meta.url), 'utf8'),
);
