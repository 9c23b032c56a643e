// Speaking Open311 GeoReport v2 to an organisation's own system, in XML (the format every
// GeoReport v2 server has): the form a request is posted with, and the reading of what comes
// back — the service_request_id of a post, the requests asked for by id, and the
// servicerequestupdates extension FixMyStreet's integrations use. Pure but for `remoteCall`.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** What goes to the remote system: the case's facts, and contact details only when they may go. */
export interface Outgoing {
  remoteCode: string;
  reference: string;
  lat: number;
  lon: number;
  addressString: string | null;
  addressId: string | null;
  description: string | null;
  attributes: Record<string, unknown>;
  mediaUrl: string | null;
  contact: {
    email: string | null;
    firstName: string | null;
    lastName: string | null;
    phone: string | null;
  } | null;
}

/** A status change or comment from the remote system about one request. */
export interface RemoteUpdate {
  updateId: string;
  remoteId: string;
  status: string;
  updatedAt: Date;
  description: string;
}

/** The remote system failed or said something unreadable: kept as a short kind, never the case's data. */
export class RemoteError extends Error {}

/** The form of a POST requests.xml: GeoReport v2's fields, attributes as attribute[code]. */
export function requestForm(o: Outgoing, apiKey: string, jurisdiction: string | null): URLSearchParams {
  const form = new URLSearchParams({
    api_key: apiKey,
    service_code: o.remoteCode,
    lat: String(o.lat),
    long: String(o.lon),
  });
  const optional: [string, string | null | undefined][] = [
    ['jurisdiction_id', jurisdiction],
    ['address_string', o.addressString],
    ['address_id', o.addressId],
    ['description', o.description],
    ['media_url', o.mediaUrl],
    ['email', o.contact?.email],
    ['first_name', o.contact?.firstName],
    ['last_name', o.contact?.lastName],
    ['phone', o.contact?.phone],
  ];
  for (const [name, value] of optional) if (value) form.set(name, value);
  for (const [code, value] of Object.entries(o.attributes))
    for (const v of Array.isArray(value) ? value : [value])
      form.append(Array.isArray(value) ? `attribute[${code}][]` : `attribute[${code}]`, String(v));
  return form;
}

const parser = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['request', 'request_update', 'error'].includes(name),
});

/** The document's root element, or RemoteError when it is not well-formed XML. */
function parse(xml: string): Record<string, unknown> {
  if (XMLValidator.validate(xml) !== true) throw new RemoteError('The system answered with malformed XML');
  return parser.parse(xml) as Record<string, unknown>;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** The service_request_id a POST answered with (or a token only, which is refused: it cannot be followed). */
export function postedId(xml: string): string {
  const entries = (parse(xml).service_requests as { request?: Record<string, unknown>[] } | undefined)
    ?.request;
  const id = text(entries?.[0]?.service_request_id);
  if (!id || id.length > 200) throw new RemoteError('The system answered without a service_request_id');
  return id;
}

/** The requests of a GET requests.xml?service_request_id=…: each id's status, notes and time. */
export function requestStatuses(xml: string): RemoteUpdate[] {
  const entries = (parse(xml).service_requests as { request?: Record<string, unknown>[] } | undefined)
    ?.request;
  return (entries ?? []).flatMap((r) => {
    const remoteId = text(r.service_request_id);
    const updatedAt = new Date(text(r.updated_datetime));
    if (!remoteId || Number.isNaN(updatedAt.getTime())) return [];
    const status = text(r.status).toLowerCase();
    // One status a time: the id of the update is the request's and its time, so a repeat is known.
    return [
      {
        updateId: `${remoteId}@${updatedAt.toISOString()}`,
        remoteId,
        status,
        updatedAt,
        description: text(r.status_notes),
      },
    ];
  });
}

/** The updates of a GET servicerequestupdates.xml (FixMyStreet's extension). */
export function serviceRequestUpdates(xml: string): RemoteUpdate[] {
  const document = parse(xml);
  if (!('service_request_updates' in document))
    throw new RemoteError('The system answered without service_request_updates');
  // An empty list is an empty element, read as a string.
  const root = document.service_request_updates as { request_update?: Record<string, unknown>[] } | string;
  return ((typeof root === 'object' && root.request_update) || []).flatMap((u) => {
    const update = fromFields(u);
    return update ? [update] : [];
  });
}

/** One update from its GeoReport fields (update_id, service_request_id, status, updated_datetime, description). */
export function fromFields(u: Record<string, unknown>): RemoteUpdate | null {
  const updateId = text(u.update_id);
  const remoteId = text(u.service_request_id);
  const updatedAt = new Date(text(u.updated_datetime));
  if (!updateId || !remoteId || updateId.length > 200 || Number.isNaN(updatedAt.getTime())) return null;
  return {
    updateId,
    remoteId,
    status: text(u.status).toLowerCase(),
    updatedAt,
    description: text(u.description).slice(0, 4000),
  };
}

/** What a remote status means here: GeoReport's open/closed and FixMyStreet's finer ones; null when unknown. */
export function statusHere(status: string): 'open' | 'in_progress' | 'resolved' | null {
  if (status === 'open') return 'open';
  if (['investigating', 'in_progress', 'action_scheduled'].includes(status)) return 'in_progress';
  const finished = ['closed', 'fixed', 'duplicate', 'not_councils_responsibility', 'no_further_action'];
  return finished.includes(status) ? 'resolved' : null;
}

/** One call to the remote system: its XML body, or RemoteError on an error status, a timeout or no answer. */
export async function remoteCall(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (error) {
    throw new RemoteError(
      (error as Error).name === 'TimeoutError'
        ? 'The system did not answer in time'
        : 'The system could not be reached',
    );
  }
  const body = await response.text().catch(() => '');
  if (!response.ok) throw new RemoteError(`The system answered ${response.status}`);
  return body;
}
