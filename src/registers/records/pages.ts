// Pages for staff (find, read and add people's records) and for citizens ("Your data").
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GovernanceService } from '../../governance/index.ts';
import { purposes } from '../../governance/index.ts';
import { actFor, requireSecondFactor } from '../../identity/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { DomainError, Forbidden, requireActor } from '../../platform/index.ts';
import { formErrors, govukDateTime } from '../../web/index.ts';
import type { RecordsService } from './service.ts';

interface Options {
  records: RecordsService;
  governance: GovernanceService;
  places: PlacesService;
}

const roleNames: Record<string, string> = {
  staff: 'Staff',
  manager: 'Manager',
  ig_officer: 'Information governance officer',
  auditor: 'Auditor',
  admin: 'Administrator',
};

/** The purposes to choose from (a blank first: only my organisations' records). */
export const purposeItems = (chosen?: string, blank = true) => [
  ...(blank ? [{ value: '', text: 'Only my organisations' }] : []),
  ...Object.entries(purposes).map(([value, text]) => ({
    value,
    text,
    selected: value === chosen,
    checked: value === chosen,
  })),
];

type Query = Record<string, string | undefined>;

export function requireStaff(request: FastifyRequest) {
  const actor = requireActor(request.actor);
  if (actor.kind !== 'staff') throw new Forbidden('This page is for staff');
  return actor;
}

/** A citizen, or someone acting for one under a delegation covering their data. */
function requireCitizen(request: FastifyRequest) {
  const actor = requireActor(actFor(request.actor, 'your-data'));
  if (actor.kind !== 'citizen' && !actor.actingFor) throw new Forbidden('This page is for citizens');
  return actor;
}

/** The form to add a record, for an organisation the member of staff works for. */
function newRecordPage(
  request: FastifyRequest,
  reply: FastifyReply,
  values: Query,
  form = { errors: [], fieldErrors: {} },
) {
  const actor = requireStaff(request);
  const organisations = [...new Map(actor.roles.map((r) => [r.organisation, r.organisationName]))];
  return reply.page('record-new.njk', {
    values,
    organisationItems: organisations.map(([value, text]) => ({
      value,
      text,
      selected: value === values.organisation,
    })),
    ...form,
  });
}

/** A record, or (when refused for another organisation's record) the page asking for a purpose or emergency access. */
async function showRecord(
  records: RecordsService,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  context: { purpose?: string; breakGlassReason?: string },
) {
  const actor = requireStaff(request);
  try {
    const record = await records.read(request.actor, id, { ...context, requestId: request.id });
    const canChangeMarking = actor.roles.some(
      (r) => r.organisation === record.organisation && (r.role === 'manager' || r.role === 'ig_officer'),
    );
    return reply.page('record-view.njk', {
      record,
      canChangeMarking,
      breakGlass: !!context.breakGlassReason,
      corrections: await records.corrections(request.actor, id),
    });
  } catch (error) {
    if (!(error instanceof DomainError) || (error.status !== 400 && error.status !== 403)) throw error;
    const holder = await records.holder(id);
    if (actor.roles.some((r) => r.organisation === holder.organisation)) throw error;
    const form = formErrors(error);
    return reply.code(error.status).page('record-purpose.njk', {
      id,
      holder: holder.name,
      purposeItems: purposeItems(context.purpose, false),
      refusal: form ? null : error.message,
      errors: form?.errors ?? [],
      fieldErrors: form?.fieldErrors ?? {},
    });
  }
}

/** What the citizen's "your data" shows: their records, how many are withheld, and who looked at them, when and why. */
async function yourData({ records, governance, places }: Options, request: FastifyRequest) {
  const actor = requireCitizen(request);
  const { records: held, withheld } = await records.aboutMe(actor, request.id);
  const entries = (await governance.ledger.about(actor.actingFor?.accountId ?? actor.accountId)).filter(
    (e) => e.actor?.kind === 'staff' && e.decision === 'allow' && e.action.startsWith('person-record.'),
  );
  const names = new Map((await places.organisations()).map((o) => [o.ref, o.name]));
  const titles = await governance.agreementTitles([
    ...new Set(entries.flatMap((e) => (e.agreement ? [e.agreement] : []))),
  ]);
  const accesses = entries.map((e) => ({
    at: e.at,
    when: govukDateTime(e.at),
    organisation: names.get(e.actor?.organisation ?? '') ?? 'Unknown',
    role: roleNames[e.actor?.role ?? ''] ?? 'Staff',
    purpose: e.purpose ? (purposes[e.purpose as keyof typeof purposes] ?? e.purpose) : 'Their own records',
    agreement: e.agreement
      ? `Data-sharing agreement: ${titles.get(e.agreement) ?? e.agreement}`
      : 'Their own organisation',
    breakGlass: !!e.breakGlass,
    reason: e.reason ?? null,
    record: e.resource?.id,
  }));
  return { records: held, withheld, accesses, actingFor: actor.actingFor?.name ?? null };
}

/** The form to ask for a correction to one of the citizen's own records. */
async function correctionPage(
  records: RecordsService,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  values: Query,
  form?: object,
) {
  const actor = requireCitizen(request);
  const { records: held } = await records.aboutMe(actor, request.id);
  const record = held.find((r) => r.id === id);
  if (!record) throw new Forbidden('You can only ask to correct a record about you');
  return reply.page('your-data-correction.njk', { record, values, errors: [], fieldErrors: {}, ...form });
}

/** Staff's pages: find, read and add people's records, emergency access, a record's marking. */
async function staffPages(app: FastifyInstance, records: RecordsService) {
  app.get<{ Querystring: Query }>('/records', async (request, reply) => {
    requireStaff(request);
    const query = request.query;
    const searching = ['name', 'dateOfBirth', 'postcode', 'identifier'].some((k) => query[k]?.trim());
    const context = {
      query,
      purposeItems: purposeItems(query.purpose),
      fieldErrors: {} as Record<string, string>,
    };
    if (!searching) return reply.page('records-search.njk', context);
    try {
      const results = await records.search(
        request.actor,
        {
          name: query.name,
          dateOfBirth: query.dateOfBirth,
          postcode: query.postcode,
          identifier: query.identifier,
        },
        { purpose: query.purpose, requestId: request.id },
      );
      return reply.page('records-search.njk', { ...context, results });
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return reply.code(400).page('records-search.njk', { ...context, ...form });
    }
  });

  app.get('/records/new', (request, reply) => newRecordPage(request, reply, { marking: 'OFFICIAL' }));

  app.post<{ Body: Query }>('/records/new', async (request, reply) => {
    const body = request.body ?? {};
    const text = (k: string) => (body[k] ?? '').trim() || null;
    try {
      const created = await records.create(
        request.actor,
        {
          organisation: body.organisation ?? '',
          localRef: body.localRef ?? '',
          givenNames: body.givenNames ?? '',
          familyName: body.familyName ?? '',
          dateOfBirth: text('dateOfBirth'),
          addressLine: text('addressLine'),
          town: text('town'),
          postcode: text('postcode'),
          nhsNumber: text('nhsNumber'),
          phone: text('phone'),
          email: text('email'),
          marking: body.marking ?? '',
          handling: text('handling'),
        },
        request.id,
      );
      return reply.redirect(`/records/${created.id}`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return newRecordPage(request, reply.code(400), body, form as never);
    }
  });

  app.get<{ Params: { id: string }; Querystring: Query }>('/records/:id', (request, reply) =>
    showRecord(records, request, reply, request.params.id, { purpose: request.query.purpose }),
  );

  // Break-glass needs a second factor (the policy asks for it too): step up first.
  const stepUp = { onRequest: requireSecondFactor };
  app.post<{ Params: { id: string }; Body: Query }>(
    '/records/:id/emergency',
    stepUp,
    async (request, reply) => {
      const reason = (request.body?.reason ?? '').trim();
      if (!reason) {
        const holder = await records.holder(request.params.id);
        return reply.code(400).page('record-purpose.njk', {
          id: request.params.id,
          holder: holder.name,
          purposeItems: purposeItems(undefined, false),
          errors: [{ text: 'Say why you need emergency access', href: '#reason' }],
          fieldErrors: { reason: 'Say why you need emergency access' },
        });
      }
      return showRecord(records, request, reply, request.params.id, { breakGlassReason: reason });
    },
  );

  app.post<{ Params: { id: string }; Body: Query }>('/records/:id/marking', async (request, reply) => {
    await records.changeMarking(
      request.actor,
      request.params.id,
      { marking: request.body?.marking ?? '', handling: request.body?.handling || null },
      request.id,
    );
    return reply.redirect(`/records/${request.params.id}`, 303);
  });
}

/** Citizens' pages (and those acting for them): "your data", its download, asking for a correction. */
async function yourDataPages(app: FastifyInstance, options: Options) {
  const { records, places } = options;
  app.get<{ Querystring: Query }>('/your-data', async (request, reply) => {
    const data = await yourData(options, request);
    // After a correction request, the page says it was sent (the GOV.UK success banner).
    const sent = request.query.done === 'correction';
    return reply.page('your-data.njk', { ...data, place: await places.place(), correctionSent: sent });
  });

  app.get('/your-data/download', async (request, reply) => {
    const { records: held, withheld, accesses, actingFor } = await yourData(options, request);
    const body = {
      downloadedAt: new Date().toISOString(),
      ...(actingFor ? { downloadedFor: actingFor } : {}),
      records: held,
      withheldRecords: withheld,
      accesses: accesses.map(({ when: _when, ...a }) => a),
    };
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="your-data.json"')
      .send(JSON.stringify(body, null, 2));
  });

  app.get<{ Params: { id: string } }>('/your-data/records/:id/correction', (request, reply) =>
    correctionPage(records, request, reply, request.params.id, {}),
  );

  app.post<{ Params: { id: string }; Body: Query }>(
    '/your-data/records/:id/correction',
    async (request, reply) => {
      try {
        await records.requestCorrection(
          request.actor,
          request.params.id,
          request.body?.details ?? '',
          request.id,
        );
        return reply.redirect('/your-data?done=correction', 303);
      } catch (error) {
        const form = formErrors(error);
        if (!form) throw error;
        return correctionPage(records, request, reply.code(400), request.params.id, request.body ?? {}, form);
      }
    },
  );
}

export async function recordsPages(app: FastifyInstance, options: Options) {
  await staffPages(app, options.records);
  await yourDataPages(app, options);
}
