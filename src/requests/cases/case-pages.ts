// The case page for staff (the inbox is inbox-pages.ts) and its forms: a change of status, an
// update or note, a referral to another organisation and the decision on a referral.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { purposes } from '../../governance/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { Forbidden, Invalid } from '../../platform/index.ts';
import { formErrors, govukDate } from '../../web/index.ts';
import { statusNames } from '../case.ts';
import type { Referrals } from '../referrals/index.ts';
import { definitionOf } from '../service-definitions.ts';
import type { CaseWork } from './work.ts';

type Form = Record<string, string | string[] | undefined>;
const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');

/** Every answer the citizen gave to the service's questions, in the words they were asked in. */
function answersOf(view: { request: { serviceCode: string }; attributes: Record<string, unknown> }) {
  return definitionOf(view.request.serviceCode).attributes.map((a) => ({
    key: { text: a.description },
    value: {
      text:
        [view.attributes[a.code] ?? []]
          .flat()
          .map((k) => a.values?.find((v) => v.key === k)?.name ?? String(k))
          .join(', ') || 'Not given',
    },
  }));
}

/** What the success banner says after each action on a case, by the `done` its redirect carries. */
export const caseDone: Record<string, string> = {
  status: 'The status is changed. The person who made the request is told.',
  update: 'Your update is added to the case.',
  referral: 'The case is referred.',
  decision: 'Your decision on the referral is saved.',
  assignment: 'Who works on the case is saved.',
  separated: 'The report is separated: it is a case of its own again.',
};

async function caseFind(app: FastifyInstance, { requests }: { requests: Pick<CaseWork, 'caseIdOf'> }) {
  // Finding a case by its reference, typed however: its page, or the form saying there is none.
  app.get<{ Querystring: { reference?: string } }>('/cases/find', async (request, reply) => {
    const reference = str(request.query.reference).trim().slice(0, 20);
    const id = await requests.caseIdOf(request.actor, reference);
    if (id) return reply.redirect(`/cases/${id}`, 303);
    if (!reference) return reply.page('case-find.njk', { errors: [], fieldErrors: {} });
    const message = 'There is no case with that reference: check it and try again';
    return reply.code(400).page('case-find.njk', {
      reference,
      errors: [{ text: message, href: '#reference' }],
      fieldErrors: { reference: message },
    });
  });
}

/** Referrals to and from the viewer's organisations, with their decisions. */
async function referralList(app: FastifyInstance, { requests }: { requests: Referrals }) {
  app.get('/referrals', async (request, reply) => {
    const day = (iso: string | null) => (iso ? govukDate(iso) : '');
    const rows = (await requests.referralList(request.actor, request.id)).map((r) => [
      { html: `<a class="govuk-link" href="/cases/${r.caseId}">${r.reference}</a>` },
      { text: r.fromName },
      { text: r.toName },
      { text: r.purposeName },
      { text: day(r.referredAt) },
      { text: r.statusName + (r.decidedAt ? ` by ${r.decidedBy ?? r.toName} on ${day(r.decidedAt)}` : '') },
    ]);
    return reply.page('referrals-list.njk', { rows });
  });
}

export async function casePages(
  app: FastifyInstance,
  { requests, places }: { requests: CaseWork & Referrals; places: PlacesService },
) {
  const casePage = async (request: FastifyRequest, reply: FastifyReply, id: string, form: object = {}) => {
    const view = await requests.caseFor(request.actor, id, request.id);
    const organisations = await places.organisations();
    const answers = answersOf(view);
    const done = caseDone[str((request.query as Form | undefined)?.done)];
    return reply.page('case-view.njk', {
      view,
      answers,
      done,
      statusNames,
      statusName: statusNames[view.request.status],
      statusItems: view.transitions.map((s) => ({ value: s, text: statusNames[s] })),
      organisationItems: [
        { value: '', text: 'Choose an organisation' },
        ...organisations
          .filter((o) => o.ref !== view.request.organisation)
          .map((o) => ({ value: o.ref, text: o.name })),
      ],
      purposeItems: [
        { value: '', text: 'Choose a purpose' },
        ...Object.entries(purposes).map(([value, text]) => ({ value, text })),
      ],
      errors: [],
      fieldErrors: {},
      ...form,
    });
  };
  await app.register(caseFind, { requests });
  app.get<{ Params: { id: string } }>('/cases/:id', (request, reply) =>
    casePage(request, reply, request.params.id),
  );
  await app.register(referralList, { requests });

  const caseAction = (
    path: string,
    done: string,
    act: (request: FastifyRequest<{ Params: { id: string }; Body: Form }>) => Promise<unknown>,
  ) =>
    app.post<{ Params: { id: string }; Body: Form }>(path, async (request, reply) => {
      try {
        await act(request);
        return reply.redirect(`/cases/${request.params.id}?done=${done}`, 303);
      } catch (error) {
        // A referral no agreement allows: said on the case page, next to the organisation chosen.
        if (error instanceof Forbidden && path.endsWith('/referrals')) {
          const refused = {
            errors: [{ text: error.message, href: '#to' }],
            fieldErrors: { to: error.message },
          };
          return casePage(request, reply.code(403), request.params.id, refused);
        }
        const form = formErrors(error);
        if (!form) throw error;
        return casePage(request, reply.code(400), request.params.id, form);
      }
    });
  caseAction('/cases/:id/status', 'status', (r) =>
    requests.changeStatus(
      r.actor,
      r.params.id,
      { status: str(r.body?.status), reason: str(r.body?.reason) },
      r.id,
    ),
  );
  caseAction('/cases/:id/updates', 'update', (r) =>
    requests.addUpdate(r.actor, r.params.id, { kind: str(r.body?.kind), body: str(r.body?.body) }, r.id),
  );
  caseAction('/cases/:id/referrals', 'referral', (r) =>
    requests.refer(
      r.actor,
      r.params.id,
      { to: str(r.body?.to), purpose: str(r.body?.purpose), note: str(r.body?.note) },
      r.id,
    ),
  );
  app.post<{ Params: { id: string }; Body: Form }>('/referrals/:id/decision', async (request, reply) => {
    const caseId = str(request.body?.case);
    try {
      await requests.decideReferral(
        request.actor,
        request.params.id,
        { accept: str(request.body?.decision) === 'accept', reason: str(request.body?.reason) },
        request.id,
      );
      return reply.redirect(`/cases/${caseId}?done=decision`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form || !caseId)
        throw error instanceof Invalid && !caseId ? new Forbidden('Open the case first') : error;
      return casePage(request, reply.code(400), caseId, form);
    }
  });
}
