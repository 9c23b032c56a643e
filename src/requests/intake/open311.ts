// Open311 GeoReport v2, in JSON and XML as the specification has it: discovery, services,
// service definitions, requests (POST needs an API key; the citizen may stay anonymous),
// tokens, and errors as a list of {code, description}. What a GET returns never says who made
// a request or what they wrote: the description and contact details stay with the organisation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlacesService, Service } from '../../places/index.ts';
import { DomainError, databaseUnavailable, NotFound, UNAVAILABLE_DETAIL } from '../../platform/index.ts';
import type { CaseStatus, PublicRequest } from '../case.ts';
import type { PublicCases } from '../cases/index.ts';
import type { RequestRouting } from '../routing/index.ts';
import { definitionOf } from '../service-definitions.ts';
import type { ApiKeys } from './api-keys.ts';
import type { IntakeService } from './submit.ts';
import { type XmlObject, xmlDocument } from './xml.ts';

/** What Open311 asks of the front door: routing's catalogue, taking requests, the public's reads. */
export type Open311Requests = Pick<RequestRouting, 'hasService'> &
  Pick<IntakeService, 'submit'> &
  Pick<ApiKeys, 'apiKey'> &
  Pick<PublicCases, 'publicRequests' | 'publicRequest' | 'referenceOfToken'>;

type Format = 'json' | 'xml';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
const CHANGESET = '2025-01-01T00:00:00Z';
const DAY = 86_400_000;
const MAX_RESULTS = 1000;
/** Where administrators issue Open311 API keys. */
export const KEYS_PAGE = '/admin/open311-keys';

class Open311Error extends Error {
  readonly status: number;
  readonly errors: { code: number; description: string }[];
  constructor(status: number, descriptions: string[]) {
    super(descriptions.join('; '));
    this.status = status;
    this.errors = descriptions.map((description) => ({ code: status, description }));
  }
}

/** "services.json" → ["services", "json"]; no extension or another one is refused. */
function split(file: string): [string, Format] {
  const dot = file.lastIndexOf('.');
  const ext = dot < 0 ? '' : file.slice(dot + 1).toLowerCase();
  if (ext !== 'json' && ext !== 'xml')
    throw new Open311Error(400, ['Name the format by extension: .json or .xml']);
  return [file.slice(0, dot), ext];
}

const w3c = (iso: string | null) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : undefined);
const open311Status = (status: CaseStatus) =>
  status === 'open' || status === 'in_progress' ? 'open' : 'closed';

function send(reply: FastifyReply, format: Format, json: unknown, xml: XmlObject, status = 200) {
  reply.code(status).header('cache-control', 'no-store');
  if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(json));
  return reply.type('text/xml; charset=utf-8').send(xmlDocument(xml));
}

function sendErrors(reply: FastifyReply, format: Format, error: Open311Error) {
  return send(
    reply,
    format,
    error.errors,
    { errors: { error: error.errors.map((e) => ({ code: e.code, description: e.description })) } },
    error.status,
  );
}

const formatOf = (request: FastifyRequest): Format => (/\.json(\?|$)/i.test(request.url) ? 'json' : 'xml');

function serviceEntry(s: Service) {
  return {
    service_code: s.code,
    service_name: s.name,
    description: s.description,
    metadata: definitionOf(s.code).attributes.length > 0,
    type: 'realtime',
    keywords: s.keywords.join(', '),
    group: s.group,
  };
}

function requestEntry(r: PublicRequest) {
  return {
    service_request_id: r.reference,
    status: open311Status(r.status),
    status_notes: r.statusNotes ?? undefined,
    service_name: r.serviceName,
    service_code: r.serviceCode,
    agency_responsible: r.organisationName,
    service_notice: undefined,
    requested_datetime: w3c(r.requestedAt),
    updated_datetime: w3c(r.updatedAt),
    expected_datetime: w3c(r.expectedAt),
    address: r.address ?? undefined,
    address_id: r.addressId ?? undefined,
    lat: r.lat,
    long: r.lon,
    media_url: r.mediaUrl ?? undefined,
  };
}

const requestsXml = (entries: Record<string, string | number | boolean | undefined>[]) => ({
  service_requests: { request: entries },
});

const omitUndefined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

type Params = Record<string, string | string[] | undefined>;
type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v);

/**
 * The parameters of a request as text, however they came: form-encoded (what the specification
 * asks for), a query, or JSON, whose numbers and booleans are read as the text they would be in
 * a form. Anything else (an object, null, a list of lists) is refused; `attribute` may be an
 * object of answers, as the nested form `attribute[code]=...` gives.
 */
function paramsOf(...sources: unknown[]): Params {
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
const one = (params: Params, name: string): string | undefined => {
  const v = params[name];
  if (Array.isArray(v) && new Set(v).size > 1) throw new Open311Error(400, [`Give ${name} only once`]);
  const value = Array.isArray(v) ? v[0] : v;
  return value === '' ? undefined : value;
};

/** A list parameter: comma-separated, repeated, or both; empty entries are left out. */
const list = (params: Params, name: string): string[] | undefined => {
  const v = params[name];
  const values = (Array.isArray(v) ? v : [v ?? ''])
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  return values.length ? [...new Set(values)] : undefined;
};

function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value);
  const parsed = new Date(value);
  if (!ok || Number.isNaN(parsed.getTime()))
    throw new Open311Error(400, [`${name} must be a W3C date and time, like 2025-05-01T13:15:30Z`]);
  return parsed;
}

/** The attribute[code] (and attribute[code][]) parameters of a POST. */
function attributesOf(params: Params): Record<string, string | string[]> {
  const attributes: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(params)) {
    const match = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (!match?.[1] || value === undefined) continue;
    const code = match[1];
    const previous = attributes[code];
    const values = Array.isArray(value) ? value : [value];
    attributes[code] =
      previous === undefined
        ? values.length === 1 && !match[2]
          ? (values[0] as string)
          : values
        : [...(Array.isArray(previous) ? previous : [previous]), ...values];
  }
  return attributes;
}

function number(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** Every error of the Open311 surface as a list of {code, description}, in the format asked for. */
function sendError(error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) {
  const format = formatOf(request);
  if (error instanceof Open311Error) return sendErrors(reply, format, error);
  if (error instanceof DomainError) {
    const descriptions = error.fields.length
      ? error.fields.map((f) => `${f.field}: ${f.message}`)
      : [error.message];
    return sendErrors(reply, format, new Open311Error(error.status, descriptions));
  }
  if (databaseUnavailable(error)) {
    request.log.warn({ err: { type: error.name } }, 'open311 request failed: the database is out of reach');
    return sendErrors(reply, format, new Open311Error(503, [UNAVAILABLE_DETAIL]));
  }
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: { type: error.name } }, 'open311 request failed');
  return sendErrors(
    reply,
    format,
    new Open311Error(status, [
      status >= 500 ? 'Something went wrong on our side' : 'The request could not be read',
    ]),
  );
}

/** Refuses a jurisdiction_id other than the place's own (named from the place's name). */
function jurisdictionCheck(places: PlacesService) {
  const jurisdiction = async () =>
    (await places.place()).name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return async function checkJurisdiction(params: Params) {
    const given = one(params, 'jurisdiction_id');
    if (given && given !== (await jurisdiction()))
      throw new Open311Error(404, ['jurisdiction_id provided was not found']);
  };
}

/** Discovery, from the configured address (FLAGSTONE_URL), never from the Host header a client sent. */
async function sendDiscovery(reply: FastifyReply, format: Format, places: PlacesService, publicUrl: string) {
  const endpoint = {
    specification: SPECIFICATION,
    url: `${publicUrl}/open311/v2`,
    changeset: CHANGESET,
    type: 'production',
    formats: ['text/xml', 'application/json'],
  };
  const name = (await places.place()).name;
  const discovery = {
    changeset: CHANGESET,
    contact: `${name}: use the contact details on ${publicUrl}/`,
    key_service: `To post requests, ask an administrator of ${name} for an API key: they issue one at ${publicUrl}${KEYS_PAGE} or with the command "flagstone open311 keys add --name APP --contact EMAIL". Reading needs no key.`,
    endpoints: [endpoint],
  };
  return send(reply, format, discovery, {
    discovery: {
      ...discovery,
      endpoints: { endpoint: [{ ...endpoint, formats: { format: endpoint.formats } }] },
    },
  });
}

/** The span of a search by date: at most 90 days; one end given, the other 90 days from it; none, the last 90 days. */
function dateSpan(params: Params): { start: Date; end: Date } {
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

/** The requests asked for: by their ids (which override every other parameter), or by service, status and dates. */
function findRequests(requests: Open311Requests, params: Params): Promise<PublicRequest[]> {
  const references = list(params, 'service_request_id');
  if (references?.length) {
    // The specification: a list of ids overrides every other parameter.
    return requests.publicRequests({
      references: references.map((r) => r.toUpperCase()),
      limit: MAX_RESULTS,
    });
  }
  const statuses = list(params, 'status');
  if (statuses?.some((s) => s !== 'open' && s !== 'closed'))
    throw new Open311Error(400, ['status must be open, closed, or both separated by a comma']);
  const { start, end } = dateSpan(params);
  return requests.publicRequests({
    services: list(params, 'service_code'),
    statuses: statuses?.flatMap((s): CaseStatus[] =>
      s === 'open' ? ['open', 'in_progress'] : ['resolved', 'closed'],
    ),
    from: start,
    to: end,
    limit: MAX_RESULTS,
  });
}

/** A service definition: the service's questions, in JSON and in the XML the specification has. */
function sendDefinition(reply: FastifyReply, format: Format, service: Service) {
  const attributes = definitionOf(service.code).attributes.map((a, i) => ({
    variable: true,
    code: a.code,
    datatype: a.datatype,
    required: a.required,
    datatype_description: a.datatypeDescription ?? '',
    order: i + 1,
    description: a.description,
    values: a.values ?? [],
  }));
  return send(
    reply,
    format,
    { service_code: service.code, attributes },
    {
      service_definition: {
        service_code: service.code,
        attributes: {
          attribute: attributes.map(({ values, ...a }) => ({
            ...a,
            values: { value: values.map((v) => ({ key: v.key, name: v.name })) },
          })),
        },
      },
    },
  );
}

/** A POST of a request: the API key, the service and a location checked, then taken as any report is. */
async function submitRequest(requests: Open311Requests, params: Params, requestId: string) {
  const client = await requests.apiKey(one(params, 'api_key') ?? '');
  if (!client) throw new Open311Error(403, ['api_key is missing or not valid']);
  const code = one(params, 'service_code');
  if (!code) throw new Open311Error(400, ['service_code is required']);
  const lat = number(one(params, 'lat'));
  const lon = number(one(params, 'long'));
  // Without a point, the gazetteer places the request by address_id (a UPRN) or address_string.
  if ((lat === null || lon === null) && !one(params, 'address_string') && !one(params, 'address_id'))
    throw new Open311Error(400, ['A location is required: give lat and long, address_id or address_string']);
  if (!(await requests.hasService(code)))
    throw new Open311Error(404, [`There is no service with the code ${code}`]);
  const created = await requests.submit(
    {
      service: code,
      lat,
      lon,
      addressString: one(params, 'address_string'),
      addressId: one(params, 'address_id'),
      description: one(params, 'description'),
      attributes: attributesOf(params),
      mediaUrl: one(params, 'media_url'),
      email: one(params, 'email'),
      firstName: one(params, 'first_name'),
      lastName: one(params, 'last_name'),
      phone: one(params, 'phone'),
      deviceId: one(params, 'device_id'),
      accountRef: one(params, 'account_id'),
    },
    { apiKey: client },
    requestId,
  );
  // A repeat of an open request is joined to it: the client follows that one.
  return {
    service_request_id: created.duplicateOf ?? created.reference,
    service_notice: created.duplicateOf
      ? `Already reported as ${created.duplicateOf}: this report has been joined to it`
      : `Sent to ${created.organisation}: ${created.explanation}`,
    account_id: one(params, 'account_id') ?? undefined,
  };
}

export async function open311Routes(
  app: FastifyInstance,
  { requests, places, publicUrl }: { requests: Open311Requests; places: PlacesService; publicUrl: string },
) {
  const checkJurisdiction = jurisdictionCheck(places);
  // Reading is open to web apps on any origin; nothing read carries a credential or personal data.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD')
      reply.header('access-control-allow-origin', '*');
    return payload;
  });

  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, formatOf(request), new Open311Error(404, ['There is no such Open311 resource'])),
  );

  app.get<{ Params: { file: string } }>('/:file', async (request, reply) => {
    const [name, format] = split(request.params.file);
    if (name === 'discovery') return sendDiscovery(reply, format, places, publicUrl);
    if (name === 'services') {
      await checkJurisdiction(paramsOf(request.query));
      const services = (await places.services()).map(serviceEntry);
      return send(reply, format, services, { services: { service: services } });
    }
    if (name === 'requests') {
      const params = paramsOf(request.query);
      await checkJurisdiction(params);
      const entries = (await findRequests(requests, params)).map(requestEntry);
      return send(reply, format, entries.map(omitUndefined), requestsXml(entries));
    }
    throw new Open311Error(404, ['There is no such Open311 resource']);
  });

  app.get<{ Params: { file: string } }>('/services/:file', async (request, reply) => {
    const [code, format] = split(request.params.file);
    await checkJurisdiction(paramsOf(request.query));
    const service = await places.service(code).catch((error) => {
      if (!(error instanceof NotFound)) throw error;
      throw new Open311Error(404, [`There is no service with the code ${code}`]);
    });
    return sendDefinition(reply, format, service);
  });

  app.get<{ Params: { file: string } }>('/requests/:file', async (request, reply) => {
    const [reference, format] = split(request.params.file);
    await checkJurisdiction(paramsOf(request.query));
    const found = await requests.publicRequest(reference);
    if (!found) throw new Open311Error(404, [`There is no service request ${reference}`]);
    const entries = [requestEntry(found)];
    return send(reply, format, entries.map(omitUndefined), requestsXml(entries));
  });

  app.get<{ Params: { file: string } }>('/tokens/:file', async (request, reply) => {
    const [token, format] = split(request.params.file);
    await checkJurisdiction(paramsOf(request.query));
    const reference = await requests.referenceOfToken(token);
    if (!reference) throw new Open311Error(404, [`There is no request with the token ${token}`]);
    const entries = [{ service_request_id: reference, token }];
    return send(reply, format, entries, requestsXml(entries));
  });

  app.post<{ Params: { file: string } }>('/:file', async (request, reply) => {
    const [name, format] = split(request.params.file);
    if (name !== 'requests') throw new Open311Error(404, ['There is no such Open311 resource']);
    const params = paramsOf(request.query, request.body);
    await checkJurisdiction(params);
    const entry = await submitRequest(requests, params, request.id);
    return send(reply, format, [omitUndefined(entry)], requestsXml([entry]));
  });
}
