// Pure: what each service asks beyond the location and description (Open311 "attributes"),
// whether it can be reported without contact details, and its target time. Services not
// named here ask nothing more, accept anonymous reports and have the default target.
import type { FieldError } from '../platform/index.ts';

export interface Attribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description: string;
  datatypeDescription?: string;
  values?: { key: string; name: string }[];
}

export interface ServiceDefinition {
  attributes: Attribute[];
  /** Whether a report needs no contact details (a pothole does; a home visit cannot). */
  anonymous: boolean;
  /** Working target, in days from the request. */
  targetDays: number;
}

const list = (pairs: [string, string][]) => pairs.map(([key, name]) => ({ key, name }));
const personal = { anonymous: false, attributes: [] };

const definitions: Record<string, Partial<ServiceDefinition>> = {
  pothole: {
    targetDays: 5,
    attributes: [
      {
        code: 'size',
        datatype: 'singlevaluelist',
        required: true,
        description: 'How big is the pothole?',
        values: list([
          ['small', 'Smaller than a dinner plate'],
          ['medium', 'About the size of a car tyre'],
          ['large', 'Bigger than a car tyre'],
        ]),
      },
      {
        code: 'where',
        datatype: 'singlevaluelist',
        required: false,
        description: 'Where on the road is it?',
        values: list([
          ['road', 'In the road'],
          ['cycle-lane', 'In a cycle lane'],
          ['pavement-edge', 'At the edge of the pavement'],
        ]),
      },
    ],
  },
  'street-light': {
    targetDays: 7,
    attributes: [
      {
        code: 'fault',
        datatype: 'singlevaluelist',
        required: true,
        description: 'What is wrong with the light?',
        values: list([
          ['out', 'It is not working'],
          ['day', 'It stays on in the day'],
          ['flickering', 'It flickers'],
          ['damaged', 'It is damaged'],
        ]),
      },
      {
        code: 'column_number',
        datatype: 'string',
        required: false,
        description: 'The number on the lamp post, if you can see one',
      },
    ],
  },
  'missed-bin': {
    targetDays: 2,
    attributes: [
      {
        code: 'bin',
        datatype: 'singlevaluelist',
        required: true,
        description: 'Which bin was missed?',
        values: list([
          ['refuse', 'General waste'],
          ['recycling', 'Recycling'],
          ['garden', 'Garden waste'],
          ['food', 'Food waste'],
        ]),
      },
    ],
  },
  'fly-tipping': {
    targetDays: 3,
    attributes: [
      {
        code: 'waste',
        datatype: 'multivaluelist',
        required: false,
        description: 'What has been dumped?',
        values: list([
          ['household', 'Household rubbish'],
          ['building', 'Building rubble'],
          ['furniture', 'Furniture or white goods'],
          ['hazardous', 'Chemicals, asbestos or needles'],
        ]),
      },
    ],
  },
  'blue-badge': { ...personal, targetDays: 28 },
  'primary-school-place': { ...personal, targetDays: 28 },
  'secondary-school-place': { ...personal, targetDays: 28 },
  'council-housing-repair': { ...personal, targetDays: 10 },
  'homelessness-advice': { ...personal, targetDays: 1 },
  'home-fire-safety-visit': { ...personal, targetDays: 14 },
  'falls-prevention': { ...personal, targetDays: 14 },
  'community-equipment': { ...personal, targetDays: 14 },
  'debt-advice': { ...personal, targetDays: 10 },
  'benefits-advice': { ...personal, targetDays: 10 },
  'noise-complaint': { ...personal, targetDays: 10 },
  'antisocial-behaviour': { ...personal, targetDays: 5 },
  'lost-property': { ...personal, targetDays: 10 },
};

export function definitionOf(serviceCode: string): ServiceDefinition {
  const d = definitions[serviceCode] ?? {};
  return { attributes: d.attributes ?? [], anonymous: d.anonymous ?? true, targetDays: d.targetDays ?? 10 };
}

/** The answers to a service's attributes, checked: cleaned values, or a field error for each problem. */
export function checkAttributes(
  definition: ServiceDefinition,
  given: Record<string, string | string[] | undefined>,
  fieldOf: (code: string) => string = (code) => `attribute[${code}]`,
): { values: Record<string, string | string[] | number>; errors: FieldError[] } {
  const values: Record<string, string | string[] | number> = {};
  const errors: FieldError[] = [];
  for (const a of definition.attributes) {
    const raw = given[a.code];
    const all = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .map((v) => v.trim())
      .filter(Boolean);
    if (all.length === 0) {
      if (a.required) errors.push({ field: fieldOf(a.code), message: `${a.description} is required` });
      continue;
    }
    const keys = new Set((a.values ?? []).map((v) => v.key));
    if (a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist') {
      const unknown = all.filter((v) => !keys.has(v));
      if (unknown.length > 0 || (a.datatype === 'singlevaluelist' && all.length > 1)) {
        errors.push({
          field: fieldOf(a.code),
          message: `Choose ${a.datatype === 'singlevaluelist' ? 'one' : 'any'} of ${[...keys].join(', ')}`,
        });
        continue;
      }
      values[a.code] = a.datatype === 'singlevaluelist' ? (all[0] as string) : all;
    } else if (a.datatype === 'number') {
      const n = Number(all[0]);
      if (!Number.isFinite(n)) errors.push({ field: fieldOf(a.code), message: 'Enter a number' });
      else values[a.code] = n;
    } else {
      const text = all.join(' ');
      if (text.length > 500) errors.push({ field: fieldOf(a.code), message: 'Use 500 characters or fewer' });
      else values[a.code] = text;
    }
  }
  return { values, errors };
}
