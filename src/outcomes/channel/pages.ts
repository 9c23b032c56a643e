// The staff page where a request is taken for a caller (by phone, face to face or by letter):
// the same routing and checks as the citizen's pages, through the requests module's front door,
// with the caller's details as given and the channel recorded. Two steps: how the caller got in
// touch and what about; then that service's questions, where, and the caller's details.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Service } from '../../places/index.ts';
import { DomainError, Forbidden, requireActor } from '../../platform/index.ts';
import {
  type AssistedChannel,
  definitionOf,
  type NewRequest,
  type PublicRequest,
} from '../../requests/index.ts';
import { channelNames } from './channels.ts';

type Form = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? str(v[0]) : '').trim();
const assisted = (v: unknown): AssistedChannel | null =>
  Object.hasOwn(channelNames, str(v)) && str(v) !== 'online' && str(v) !== 'api'
    ? (str(v) as AssistedChannel)
    : null;

export interface CallerRequests {
  submit(
    given: NewRequest,
    by: { actor: FastifyRequest['actor']; assisted: AssistedChannel },
    requestId?: string,
  ): Promise<{ reference: string; duplicateOf: string | null; organisation: string }>;
  hasService(code: string): Promise<boolean>;
  follow(reference: string): Promise<{ request: PublicRequest; joined: string | null }>;
}

export interface CallerPagesOptions {
  requests: CallerRequests;
  services: () => Promise<Service[]>;
}

const withErrors = (fieldErrors: Record<string, string>) => ({
  fieldErrors,
  errors: Object.entries(fieldErrors).map(([f, text]) => ({ text, href: `#${f}` })),
});

/** The field on the page each of the intake's fields is asked in. */
const fieldOnPage = (field: string) =>
  field.startsWith('attribute[')
    ? `attribute-${field.slice(10, -1)}`
    : ({ address_string: 'address', address_id: 'address', first_name: 'name', last_name: 'name' }[field] ??
      field);

const staffOnly = (request: FastifyRequest) => {
  const actor = requireActor(request.actor);
  if (actor.kind !== 'staff') throw new Forbidden('Only staff take a request for a caller');
  return actor;
};

/** What the caller told staff, as a request to the front door. */
function requestOf(service: string, body: Form): NewRequest {
  const attributes: Record<string, string | string[]> = {};
  for (const a of definitionOf(service).attributes) {
    const v = body[`attribute-${a.code}`];
    if (Array.isArray(v)) attributes[a.code] = v.map(str);
    else if (str(v)) attributes[a.code] = str(v);
  }
  const number = (v: unknown) => (str(v) === '' ? null : Number(str(v)));
  const [first, ...rest] = str(body.name).split(/\s+/);
  return {
    service,
    addressString: str(body.address) || null,
    lat: number(body.lat),
    lon: number(body.lon),
    description: str(body.description) || null,
    attributes,
    firstName: first || null,
    lastName: rest.join(' ') || null,
    email: str(body.email) || null,
    phone: str(body.phone) || null,
  };
}

/** The two steps' pages, with the answers given and any errors. */
function callerViews(services: CallerPagesOptions['services']) {
  const firstStep = async (reply: FastifyReply, values: Form, form: object = {}) => {
    const all = await services();
    return reply.page('take-request.njk', {
      channels: (['phone', 'face_to_face', 'letter'] as const).map((value) => ({
        value,
        text: channelNames[value],
        checked: str(values.channel) === value,
      })),
      services: [
        { value: '', text: 'Choose a service' },
        ...all.map((s) => ({
          value: s.code,
          text: `${s.name} (${s.group})`,
          selected: s.code === str(values.service),
        })),
      ],
      errors: [],
      fieldErrors: {},
      ...form,
    });
  };

  const secondStep = async (
    reply: FastifyReply,
    service: Service,
    channel: AssistedChannel,
    values: Form,
    form: object = {},
  ) =>
    reply.page('take-request-details.njk', {
      service,
      channel,
      channelName: channelNames[channel],
      questions: definitionOf(service.code).attributes.map((a) => ({
        ...a,
        items: (a.values ?? []).map((v) => ({
          value: v.key,
          text: v.name,
          checked: [values[`attribute-${a.code}`]].flat().includes(v.key),
        })),
        value: str(values[`attribute-${a.code}`]),
      })),
      values,
      errors: [],
      fieldErrors: {},
      ...form,
    });
  return { firstStep, secondStep };
}

export async function callerPages(app: FastifyInstance, { requests, services }: CallerPagesOptions) {
  const { firstStep, secondStep } = callerViews(services);
  const serviceOf = async (code: string) => (await services()).find((s) => s.code === code) ?? null;

  app.get('/staff/take-request', async (request, reply) => {
    staffOnly(request);
    return firstStep(reply, request.query as Form);
  });

  app.post<{ Body: Form }>('/staff/take-request', async (request, reply) => {
    staffOnly(request);
    const body = request.body ?? {};
    const fieldErrors: Record<string, string> = {};
    if (!assisted(body.channel)) fieldErrors.channel = 'Choose how the caller got in touch';
    if (!(await requests.hasService(str(body.service))))
      fieldErrors.service = 'Choose what the request is about';
    if (Object.keys(fieldErrors).length > 0) return firstStep(reply.code(400), body, withErrors(fieldErrors));
    const to = `/staff/take-request/${encodeURIComponent(str(body.service))}?channel=${str(body.channel)}`;
    return reply.redirect(to, 303);
  });

  app.get<{ Params: { service: string }; Querystring: Form }>(
    '/staff/take-request/:service',
    async (request, reply) => {
      staffOnly(request);
      const service = await serviceOf(request.params.service);
      const channel = assisted(request.query.channel);
      if (!service || !channel) return reply.redirect('/staff/take-request', 303);
      return secondStep(reply, service, channel, {});
    },
  );

  app.post<{ Params: { service: string }; Body: Form }>(
    '/staff/take-request/:service',
    async (request, reply) => {
      const actor = staffOnly(request);
      const body = request.body ?? {};
      const service = await serviceOf(request.params.service);
      const channel = assisted(body.channel);
      if (!service || !channel) return reply.redirect('/staff/take-request', 303);
      try {
        const created = await requests.submit(
          requestOf(service.code, body),
          { actor, assisted: channel },
          request.id,
        );
        return reply.redirect(`/staff/take-request/taken/${created.reference}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status >= 500) throw error;
        const fieldErrors: Record<string, string> = {};
        for (const f of error.fields) fieldErrors[fieldOnPage(f.field)] ??= f.message;
        if (Object.keys(fieldErrors).length === 0) fieldErrors.address = error.message;
        return secondStep(reply.code(error.status), service, channel, body, withErrors(fieldErrors));
      }
    },
  );

  // What the caller is told: the reference to follow (the open request theirs joined, if any) and who deals with it.
  app.get<{ Params: { reference: string } }>(
    '/staff/take-request/taken/:reference',
    async (request, reply) => {
      staffOnly(request);
      const { request: taken, joined } = await requests.follow(request.params.reference.slice(0, 20));
      return reply.page('take-request-taken.njk', { taken, joined });
    },
  );
}
