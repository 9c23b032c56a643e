// Open311 GeoReport v2, in JSON and XML as the specification has it: discovery, services,
// service definitions, requests (POST needs an API key; the citizen may stay anonymous),
// tokens, and errors as a list of {code, description}. What a GET returns never says who made
// a request or what they wrote: the description and contact details stay with the organisation.

import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlacesService, Service } from '../../places/index.ts';
import {
  DomainError,
  databaseUnavailable,
  NotFound,
  sha256,
  UNAVAILABLE_DETAIL,
} from '../../platform/index.ts';
import type { CaseStatus, PublicRequest } from '../case.ts';
import type { PublicCases } from '../cases/index.ts';
import type { RequestRouting } from '../routing/index.ts';
import { definitionOf } from '../service-definitions.ts';
import type { ApiKeys } from './api-keys.ts';
import { LIST_CACHE_MS, pageLinks, type RequestPage, requestLists } from './open311-list.ts';
import { number, Open311Error, one, type Params, paramsOf } from './open311-params.ts';
import type { IntakeService } from './submit.ts';
import { type XmlObject, xmlDocument } from './xml.ts';

/** What Open311 asks of the front door: routing's catalogue, taking requests, the public's reads. */
export type Open311Requests = Pick<RequestRouting, 'hasService'> &
  Pick<IntakeService, 'submit' | 'addresses'> &
  Pick<ApiKeys, 'apiKey'> &
  Pick<PublicCases, 'publicRequests' | 'publicRequest' | 'referenceOfToken'>;

type Format = 'json' | 'xml';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
const CHANGESET = '2025-01-01T00:00:00Z';
/** What one client may read in a minute. */
const READS = { config: { rateLimit: { max: 600, timeWindow: '1 minute' } } };
/** Where administrators issue Open311 API keys. */
export const KEYS_PAGE = '/admin/open311-keys';

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

function requestEntry(r: PublicRequest, zipcodes: Map<string, string>) {
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
    zipcode: r.addressId ? zipcodes.get(r.addressId) : undefined,
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

/** A page of the list, kept for its readers, is written out once in each format, with its ETag. */
function sendPage(reply: FastifyReply, format: Format, page: RequestPage) {
  let written = page.written.get(format);
  if (!written) {
    const entries = page.requests.map((r) => requestEntry(r, page.zipcodes));
    const body =
      format === 'json' ? JSON.stringify(entries.map(omitUndefined)) : xmlDocument(requestsXml(entries));
    written = { body, etag: `"${sha256(body).slice(0, 32)}"` };
    page.written.set(format, written);
  }
  reply.header('etag', written.etag).header('cache-control', 'no-store');
  return reply
    .type(`${format === 'json' ? 'application/json' : 'text/xml'}; charset=utf-8`)
    .send(written.body);
}

export async function open311Routes(
  app: FastifyInstance,
  { requests, places, publicUrl }: { requests: Open311Requests; places: PlacesService; publicUrl: string },
) {
  const checkJurisdiction = jurisdictionCheck(places);
  const lists = requestLists(requests);
  // Reading is open to web apps on any origin; nothing read carries a credential or personal
  // data. What was read is public for a few seconds, to shared caches too, with an ETag so that a
  // client asking again gets a 304 when nothing changed.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    reply.header('access-control-allow-origin', '*');
    if (reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const etag = String(reply.getHeader('etag') ?? `"${sha256(payload).slice(0, 32)}"`);
    reply.header('etag', etag).header('cache-control', `public, max-age=${LIST_CACHE_MS / 1000}`);
    if (request.headers['if-none-match']?.split(/\s*,\s*/).some((t) => t.replace(/^W\//, '') === etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  });
  // Each client (by its address; TRUST_PROXY behind a proxy) has its own allowance, so that a burst of readers
  // slows none but themselves.
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new Open311Error(429, [`Too many requests: try again in ${Math.ceil(context.ttl / 1000)} seconds`]),
  });

  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, formatOf(request), new Open311Error(404, ['There is no such Open311 resource'])),
  );

  app.get<{ Params: { file: string } }>('/:file', READS, async (request, reply) => {
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
      const page = await lists.find(params);
      const links = pageLinks(`${publicUrl}/open311/v2/requests.${format}`, params, page);
      if (links) reply.header('link', links);
      return sendPage(reply, format, page);
    }
    throw new Open311Error(404, ['There is no such Open311 resource']);
  });

  app.get<{ Params: { file: string } }>('/services/:file', READS, async (request, reply) => {
    const [code, format] = split(request.params.file);
    await checkJurisdiction(paramsOf(request.query));
    const service = await places.service(code).catch((error) => {
      if (!(error instanceof NotFound)) throw error;
      throw new Open311Error(404, [`There is no service with the code ${code}`]);
    });
    return sendDefinition(reply, format, service);
  });

  app.get<{ Params: { file: string } }>('/requests/:file', READS, async (request, reply) => {
    const [reference, format] = split(request.params.file);
    await checkJurisdiction(paramsOf(request.query));
    const found = await requests.publicRequest(reference);
    if (!found) throw new Open311Error(404, [`There is no service request ${reference}`]);
    const postcode = found.addressId ? (await requests.addresses.byUprn(found.addressId))?.postcode : null;
    const entries = [requestEntry(found, new Map(postcode ? [[found.addressId as string, postcode]] : []))];
    return send(reply, format, entries.map(omitUndefined), requestsXml(entries));
  });

  app.get<{ Params: { file: string } }>('/tokens/:file', READS, async (request, reply) => {
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
    lists.forget();
    return send(reply, format, [omitUndefined(entry)], requestsXml([entry]));
  });
}
