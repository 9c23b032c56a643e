// The parameters of an Open311 request, read as the specification has them: text, an empty one
// as if absent, lists comma-separated or repeated, dates in W3C format; and the protocol's error.

/** An error in Open311's own format: a list of {code, description}. */
export class Open311Error extends Error {
  readonly status: number;
  readonly errors: { code: number; description: string }[];
  constructor(status: number, descriptions: string[]) {
    super(descriptions.join('; '));
    this.status = status;
    this.errors = descriptions.map((description) => ({ code: status, description }));
  }
}

export type Params = Record<string, string | string[] | undefined>;
type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v);

/**
 * The parameters of a request as text, however they came: form-encoded (what the specification
 * asks for), a query, or JSON, whose numbers and booleans are read as the text they would be in
 * a form. Anything else (an object, null, a list of lists) is refused; `attribute` may be an
 * object of answers, as the nested form `attribute[code]=...` gives.
 */
export function paramsOf(...sources: unknown[]): Params {
  const params: Params = {};
  const text = (name: string, v: unknown): string | string[] => {
    if (isScalar(v)) return String(v);
    if (Array.isArray(v) && v.every(isScalar)) return v.map(String);
    throw new Open311Error(400, [`${name} must be text, or a list of text`]);
  };
  for (const source of sources) {
    if (source === undefined || source === null) continue;
    if (typeof source !== 'object' || Array.isArray(source))
      throw new Open311Error(400, ['Send the parameters form-encoded, as name=value pairs']);
    for (const [name, v] of Object.entries(source)) {
      if (name === 'attribute' && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [code, answer] of Object.entries(v))
          params[`attribute[${code}]`] = text(`attribute[${code}]`, answer);
      } else params[name] = text(name, v);
    }
  }
  return params;
}

/** A parameter given at most once; empty is as if it were not given, as the specification says. */
export const one = (params: Params, name: string): string | undefined => {
  const v = params[name];
  if (Array.isArray(v) && new Set(v).size > 1) throw new Open311Error(400, [`Give ${name} only once`]);
  const value = Array.isArray(v) ? v[0] : v;
  return value === '' ? undefined : value;
};

/** A list parameter: comma-separated, repeated, or both; empty entries are left out. */
export const list = (params: Params, name: string): string[] | undefined => {
  const v = params[name];
  const values = (Array.isArray(v) ? v : [v ?? ''])
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  return values.length ? [...new Set(values)] : undefined;
};

export function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value);
  const parsed = new Date(value);
  if (!ok || Number.isNaN(parsed.getTime()))
    throw new Open311Error(400, [`${name} must be a W3C date and time, like 2025-05-01T13:15:30Z`]);
  return parsed;
}

export function number(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : Number.NaN;
}

const DAY = 86_400_000;

/** The span of a search by date: at most 90 days; one end given, the other 90 days from it; none, the last 90 days. */
export function dateSpan(params: Params): { start: Date; end: Date } {
  let start = date(one(params, 'start_date'), 'start_date');
  let end = date(one(params, 'end_date'), 'end_date');
  if (start && end && end.getTime() - start.getTime() > 90 * DAY)
    throw new Open311Error(400, ['start_date and end_date may not span more than 90 days']);
  if (start && end && end < start) throw new Open311Error(400, ['end_date is before start_date']);
  if (!start && !end) {
    end = new Date();
    start = new Date(end.getTime() - 90 * DAY);
  } else if (!start && end) start = new Date(end.getTime() - 90 * DAY);
  else if (start && !end) end = new Date(start.getTime() + 90 * DAY);
  return { start: start as Date, end: end as Date };
}
