// The list of requests (GET requests.json), the one Open311 read that costs a query: paged as
// the common GeoReport extensions have it (page, page_size, a Link header to the next and
// previous pages), each page with the postcode (zipcode) of requests placed at a gazetteer
// property, and kept for a few seconds so that a burst of readers asking for the same page
// shares one query. A request posted through this instance forgets every page at once.
import type { CaseStatus, PublicRequest } from '../case.ts';
import type { PublicCases } from '../cases/index.ts';
import { dateSpan, list, Open311Error, one, type Params } from './open311-params.ts';
import type { IntakeService } from './submit.ts';

export const PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const MAX_PAGE = 10_000;
/** How long a page is kept: a request posted elsewhere, or a case changed by staff, shows within this. */
export const LIST_CACHE_MS = 5_000;

type Lists = Pick<PublicCases, 'publicRequests'> & Pick<IntakeService, 'addresses'>;

export interface RequestPage {
  requests: PublicRequest[];
  /** The postcode of each address_id (a UPRN) the gazetteer knows. */
  zipcodes: Map<string, string>;
  page: number;
  more: boolean;
  /** The page written out in each format it was asked for, with its ETag, for the next reader. */
  written: Map<string, { body: string; etag: string }>;
}

function whole(params: Params, name: string, fallback: number, max: number): number {
  const given = one(params, name);
  if (given === undefined) return fallback;
  const n = Number(given);
  if (!/^\d+$/.test(given) || n < 1 || n > max)
    throw new Open311Error(400, [`${name} must be a whole number from 1 to ${max}`]);
  return n;
}

async function load(requests: Lists, params: Params): Promise<RequestPage> {
  const page = whole(params, 'page', 1, MAX_PAGE);
  const pageSize = whole(params, 'page_size', PAGE_SIZE, MAX_PAGE_SIZE);
  const window = { limit: pageSize + 1, offset: (page - 1) * pageSize };
  const references = list(params, 'service_request_id');
  let found: PublicRequest[];
  if (references) {
    // The specification: a list of ids overrides every other parameter.
    found = await requests.publicRequests({ references: references.map((r) => r.toUpperCase()), ...window });
  } else {
    const statuses = list(params, 'status');
    if (statuses?.some((s) => s !== 'open' && s !== 'closed'))
      throw new Open311Error(400, ['status must be open, closed, or both separated by a comma']);
    const { start, end } = dateSpan(params);
    found = await requests.publicRequests({
      services: list(params, 'service_code'),
      statuses: statuses?.flatMap((s): CaseStatus[] =>
        s === 'open' ? ['open', 'in_progress'] : ['resolved', 'closed'],
      ),
      from: start,
      to: end,
      ...window,
    });
  }
  const shown = found.slice(0, pageSize);
  const uprns = [...new Set(shown.flatMap((r) => r.addressId ?? []))];
  const places = await Promise.all(uprns.map((uprn) => requests.addresses.byUprn(uprn)));
  const zipcodes = new Map(
    places.flatMap((p, i) => (p?.postcode ? [[uprns[i] as string, p.postcode] as const] : [])),
  );
  return { requests: shown, zipcodes, page, more: found.length > pageSize, written: new Map() };
}

/** The pages of the list, each kept for LIST_CACHE_MS and shared by everyone asking for it meanwhile. */
export function requestLists(requests: Lists) {
  const kept = new Map<string, { at: number; page: Promise<RequestPage> }>();
  return {
    find(params: Params): Promise<RequestPage> {
      const key = JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)));
      const hit = kept.get(key);
      if (hit && Date.now() - hit.at < LIST_CACHE_MS) return hit.page;
      if (kept.size >= 1000) kept.clear();
      const page = load(requests, params);
      kept.set(key, { at: Date.now(), page });
      page.catch(() => kept.delete(key));
      return page;
    },
    forget() {
      kept.clear();
    },
  };
}

/** The Link header of a page: the next and previous pages, at the configured address. */
export function pageLinks(base: string, params: Params, page: RequestPage): string | undefined {
  const at = (n: number) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params))
      if (name !== 'page')
        for (const v of Array.isArray(value) ? value : [value ?? '']) query.append(name, v);
    query.set('page', String(n));
    return `<${base}?${query}>`;
  };
  const links = [
    ...(page.more ? [`${at(page.page + 1)}; rel="next"`] : []),
    ...(page.page > 1 ? [`${at(page.page - 1)}; rel="prev"`] : []),
  ];
  return links.length ? links.join(', ') : undefined;
}
