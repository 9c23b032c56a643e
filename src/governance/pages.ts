// Pages for information governance officers and auditors (auditors read, never change).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireSecondFactor } from '../identity/index.ts';
import type { PlacesService } from '../places/index.ts';
import { formErrors } from '../web/index.ts';
import type { Agreement, AgreementsService } from './agreements.ts';
import { type GovernanceService, requireGovernanceRole } from './service.ts';
import { lawfulBases, purposes, specialCategoryBases } from './vocabulary.ts';

interface Options {
  governance: GovernanceService;
  agreements: AgreementsService;
  places: PlacesService;
}

type Form = Record<string, string | string[] | undefined>;

const stateClasses = {
  draft: 'govuk-tag--grey',
  active: 'govuk-tag--green',
  'not yet in force': 'govuk-tag--blue',
  expired: 'govuk-tag--orange',
  revoked: 'govuk-tag--red',
};

const list = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []);

export async function governancePages(app: FastifyInstance, { governance, agreements, places }: Options) {
  const viewers = ['ig_officer', 'auditor', 'admin'];
  // Agreements, break-glass reviews and the ledger are worth a second factor, whatever the setting.
  app.addHook('onRequest', requireSecondFactor);

  app.get('/governance', async (request, reply) => {
    requireGovernanceRole(request.actor, [...viewers, 'manager', 'staff']);
    const queue = viewers.some((r) => request.actor?.roles.some((x) => x.role === r))
      ? await governance.breakGlassQueue(request.actor)
      : [];
    return reply.page('governance-index.njk', {
      status: await governance.ledger.status(),
      waiting: queue.filter((q) => !q.outcome).length,
    });
  });

  app.get('/governance/agreements', async (request, reply) => {
    const all = await agreements.list(request.actor);
    const canDraft = request.actor?.roles.some((r) => r.role === 'ig_officer');
    return reply.page('agreements-list.njk', { agreements: all, canDraft, stateClasses });
  });

  const draftPage = async (request: FastifyRequest, reply: FastifyReply, values: Form, form?: object) => {
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
  };

  app.get('/governance/agreements/new', (request, reply) => draftPage(request, reply, {}));

  app.post<{ Body: Form }>('/governance/agreements/new', async (request, reply) => {
    const body = request.body ?? {};
    const one = (name: string) => String(list(body[name])[0] ?? '');
    try {
      const created = await agreements.create(request.actor, {
        title: one('title'),
        parties: list(body.parties),
        datasets: ['person-records'],
        purposes: list(body.purposes),
        lawfulBasis: one('lawfulBasis'),
        specialCategoryBasis: one('specialCategoryBasis') || null,
        highestMarking: one('highestMarking'),
        startsOn: one('startsOn'),
        endsOn: one('endsOn'),
      });
      return reply.redirect(`/governance/agreements/${created.id}`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return draftPage(request, reply.code(400), body, form);
    }
  });

  const agreementPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    agreement: Agreement,
    form?: object,
  ) => {
    const actor = request.actor;
    const officerAt = new Set(actor?.roles.filter((r) => r.role === 'ig_officer').map((r) => r.organisation));
    return reply.page('agreement-view.njk', {
      agreement,
      stateClasses,
      purposeNames: agreement.purposes.map((p) => purposes[p as keyof typeof purposes] ?? p).join(', '),
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
      canRevoke:
        agreement.state !== 'revoked' && agreement.parties.some((p) => officerAt.has(p.organisation)),
      errors: [],
      fieldErrors: {},
      ...form,
    });
  };

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

  app.get('/governance/break-glass', async (request, reply) => {
    const queue = await governance.breakGlassQueue(request.actor);
    const canReview = request.actor?.roles.some((r) => r.role === 'ig_officer');
    return reply.page('break-glass.njk', { queue, canReview });
  });

  app.post<{ Params: { seq: string }; Body: Form }>(
    '/governance/break-glass/:seq',
    async (request, reply) => {
      await governance.reviewBreakGlass(
        request.actor,
        Number(request.params.seq),
        String(request.body?.outcome ?? ''),
        String(request.body?.notes ?? ''),
      );
      return reply.redirect('/governance/break-glass', 303);
    },
  );

  app.get('/governance/unusual-access', async (request, reply) => {
    const rows = (await governance.unusualAccess(request.actor)).map((r) => [
      { text: r.account },
      { text: r.organisations ?? '' },
      { text: String(r.reads), format: 'numeric' },
      { text: String(r.refused), format: 'numeric' },
    ]);
    return reply.page('unusual-access.njk', { rows });
  });

  app.get('/governance/policies', (request, reply) => {
    requireGovernanceRole(request.actor, [...viewers, 'manager', 'staff']);
    return reply.page('policies.njk', { policies: governance.pdp.policies });
  });
}
