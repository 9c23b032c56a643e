// Pages of data-sharing agreements for information governance officers (auditors read them).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlacesService } from '../../places/index.ts';
import { formErrors } from '../../web/index.ts';
import { datasets, lawfulBases, purposes, specialCategoryBases } from '../decisions/index.ts';
import { requireGovernanceRole } from '../roles.ts';
import type { Agreement, AgreementsService } from './agreements.ts';

type Form = Record<string, string | string[] | undefined>;

const stateClasses = {
  draft: 'govuk-tag--grey',
  active: 'govuk-tag--green',
  'not yet in force': 'govuk-tag--blue',
  expired: 'govuk-tag--orange',
  revoked: 'govuk-tag--red',
};

const list = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []);

const DATE_FIELDS = ['startsOn', 'endsOn'] as const;

/**
 * A date from the GOV.UK date input's three fields (`startsOn-day`, `-month`, `-year`) as
 * YYYY-MM-DD; what is not a whole day, month and year is given as typed, which the check refuses.
 */
export function dateFromParts(form: Form, name: string): string {
  const part = (p: string) => String(list(form[`${name}-${p}`])[0] ?? '').trim();
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (![day, month, year].every((v) => /^\d+$/.test(v)) || year.length !== 4)
    return `${day}/${month}/${year}`;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** The date input's three boxes for a field, with what was typed kept. */
const dateItems = (values: Form, name: string, error: boolean) =>
  [
    ['day', 'Day', 'govuk-input--width-2'],
    ['month', 'Month', 'govuk-input--width-2'],
    ['year', 'Year', 'govuk-input--width-4'],
  ].map(([part, label, width]) => ({
    name: part,
    label,
    classes: `${width}${error ? ' govuk-input--error' : ''}`,
    value: String(list(values[`${name}-${part}`])[0] ?? ''),
  }));

/** The form to draft an agreement, with the answers so far (and their errors). */
async function draftPage(
  places: PlacesService,
  request: FastifyRequest,
  reply: FastifyReply,
  values: Form,
  form?: object,
) {
  requireGovernanceRole(request.actor, ['ig_officer']);
  const chosen = (name: string) => list(values[name]);
  const organisations = await places.organisations();
  return reply.page('agreement-new.njk', {
    values,
    partyItems: organisations.map((o) => ({
      value: o.ref,
      text: o.name,
      checked: chosen('parties').includes(o.ref),
    })),
    purposeItems: Object.entries(purposes).map(([value, text]) => ({
      value,
      text,
      checked: chosen('purposes').includes(value),
    })),
    datasetItems: Object.entries(datasets).map(([value, text]) => ({
      value,
      text,
      checked: chosen('datasets').includes(value),
    })),
    dates: Object.fromEntries(
      DATE_FIELDS.map((name) => [
        name,
        dateItems(values, name, Boolean((form as { fieldErrors?: Form } | undefined)?.fieldErrors?.[name])),
      ]),
    ),
    lawfulItems: [
      { value: '', text: 'Choose a lawful basis' },
      ...Object.entries(lawfulBases).map(([value, text]) => ({
        value,
        text,
        selected: values.lawfulBasis === value,
      })),
    ],
    specialItems: [
      { value: '', text: 'None' },
      ...Object.entries(specialCategoryBases).map(([value, text]) => ({
        value,
        text,
        selected: values.specialCategoryBasis === value,
      })),
    ],
    errors: [],
    fieldErrors: {},
    ...form,
  });
}

/** One agreement, with what the reader may do to it (sign for a party, revoke). */
async function agreementPage(
  request: FastifyRequest,
  reply: FastifyReply,
  agreement: Agreement,
  form?: object,
) {
  const actor = request.actor;
  const officerAt = new Set(actor?.roles.filter((r) => r.role === 'ig_officer').map((r) => r.organisation));
  return reply.page('agreement-view.njk', {
    agreement,
    stateClasses,
    purposeNames: agreement.purposes.map((p) => purposes[p as keyof typeof purposes] ?? p).join(', '),
    datasetNames: agreement.datasets.map((d) => datasets[d as keyof typeof datasets] ?? d).join(', '),
    lawfulBasis: lawfulBases[agreement.lawfulBasis as keyof typeof lawfulBases],
    specialBasis:
      agreement.specialCategoryBasis &&
      specialCategoryBases[agreement.specialCategoryBasis as keyof typeof specialCategoryBases],
    canSignFor:
      agreement.state === 'draft'
        ? agreement.parties
            .filter((p) => !p.signed && officerAt.has(p.organisation))
            .map((p) => ({ ref: p.organisation, name: p.name }))
        : [],
    canRevoke: agreement.state !== 'revoked' && agreement.parties.some((p) => officerAt.has(p.organisation)),
    errors: [],
    fieldErrors: {},
    ...form,
  });
}

/** The agreements' pages, inside the governance pages (which ask for a second factor). */
export async function agreementPages(
  app: FastifyInstance,
  { agreements, places }: { agreements: AgreementsService; places: PlacesService },
) {
  app.get('/governance/agreements', async (request, reply) => {
    const all = await agreements.list(request.actor);
    const canDraft = request.actor?.roles.some((r) => r.role === 'ig_officer');
    return reply.page('agreements-list.njk', { agreements: all, canDraft, stateClasses });
  });

  app.get('/governance/agreements/new', (request, reply) => draftPage(places, request, reply, {}));

  app.post<{ Body: Form }>('/governance/agreements/new', async (request, reply) => {
    const body = request.body ?? {};
    const one = (name: string) => String(list(body[name])[0] ?? '');
    try {
      const created = await agreements.create(request.actor, {
        title: one('title'),
        parties: list(body.parties),
        datasets: list(body.datasets),
        purposes: list(body.purposes),
        lawfulBasis: one('lawfulBasis'),
        specialCategoryBasis: one('specialCategoryBasis') || null,
        highestMarking: one('highestMarking'),
        startsOn: dateFromParts(body, 'startsOn'),
        endsOn: dateFromParts(body, 'endsOn'),
      });
      return reply.redirect(`/governance/agreements/${created.id}`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      // A date's error links to its first box, the day.
      const errors = form.errors.map((e) =>
        DATE_FIELDS.some((d) => e.href === `#${d}`) ? { ...e, href: `${e.href}-day` } : e,
      );
      return draftPage(places, request, reply.code(400), body, { ...form, errors });
    }
  });

  app.get<{ Params: { id: string } }>('/governance/agreements/:id', async (request, reply) =>
    agreementPage(request, reply, await agreements.get(request.actor, request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/governance/agreements/:id/sign',
    async (request, reply) => {
      await agreements.sign(request.actor, request.params.id, String(request.body?.organisation ?? ''));
      return reply.redirect(`/governance/agreements/${request.params.id}`, 303);
    },
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    '/governance/agreements/:id/revoke',
    async (request, reply) => {
      try {
        await agreements.revoke(request.actor, request.params.id, String(request.body?.reason ?? ''));
        return reply.redirect(`/governance/agreements/${request.params.id}`, 303);
      } catch (error) {
        const form = formErrors(error);
        if (!form) throw error;
        return agreementPage(
          request,
          reply.code(400),
          await agreements.get(request.actor, request.params.id),
          form,
        );
      }
    },
  );
}
