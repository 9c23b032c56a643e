// The action plan pages (/routemap/{ref}/actions): the actions an organisation leads or joins,
// overdue ones marked, the form to add one (joint actions name their partners), and each led
// action's status. A form with errors is shown again with the error summary, the answers kept.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireActor } from '../../platform/index.ts';
import { formErrors } from '../../web/index.ts';
import type { ActionInput } from './actions.ts';
import { itemsOf } from './framework.ts';
import { longDate } from './pages.ts';
import type { RoutemapService } from './service.ts';

type Form = Record<string, string | string[] | undefined>;
const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
const expired = 'The form has expired: reload the page and try again';
const statusText = { planned: 'Planned', in_progress: 'In progress', done: 'Done' } as const;

/** The form's day, month and year as a date, YYYY-MM-DD ('' for a date not typed as numbers). */
function dueOn(body: Form | undefined) {
  const [d, m, y] = ['dueDay', 'dueMonth', 'dueYear'].map((k) => str(body?.[k]).trim());
  if (!/^\d{1,2}$/.test(d ?? '') || !/^\d{1,2}$/.test(m ?? '') || !/^\d{4}$/.test(y ?? '')) return '';
  return `${y}-${(m as string).padStart(2, '0')}-${(d as string).padStart(2, '0')}`;
}

const input = (body: Form | undefined): ActionInput => ({
  item: str(body?.item),
  title: str(body?.title),
  ownerName: str(body?.ownerName),
  ownerEmail: str(body?.ownerEmail),
  dueOn: dueOn(body),
  partners: list(body?.partners),
});

async function actionsPage(
  routemap: RoutemapService,
  request: FastifyRequest,
  reply: FastifyReply,
  ref: string,
  form: {
    errors?: { text: string; href: string }[];
    fieldErrors?: Record<string, string>;
    values?: Form;
  } = {},
) {
  const [plan, view, organisations] = await Promise.all([
    routemap.actions.list(request.actor, ref, request.id),
    routemap.overview(request.actor, ref, request.id),
    routemap.placeOrganisations(),
  ]);
  const items = itemsOf(view.framework);
  const titleOf = new Map(items.map((i) => [i.key, i.title]));
  const nameOf = new Map(organisations.map((o) => [o.ref, o.name]));
  const values = form.values ?? {};
  const chosen = new Set(list(values.partners));
  return reply.page('routemap-actions.njk', {
    organisation: plan.organisation,
    mayAssess: view.mayAssess,
    actions: plan.actions.map((a) => ({
      ...a,
      itemTitle: titleOf.get(a.item) ?? a.item,
      due: longDate(a.dueOn),
      statusText: statusText[a.status],
      led: a.lead === ref,
      leadName: nameOf.get(a.lead) ?? a.lead,
      partnerNames: a.partners.map((p) => nameOf.get(p) ?? p).join(', '),
    })),
    itemChoices: [
      { value: '', text: 'Choose an item' },
      ...items.map((i) => ({ value: i.key, text: i.title, selected: values.item === i.key })),
    ],
    partnerChoices: organisations
      .filter((o) => o.ref !== ref)
      .map((o) => ({ value: o.ref, text: o.name, checked: chosen.has(o.ref) })),
    done: { added: 'Action added', changed: 'Status changed' }[str((request.query as Form)?.done)],
    values,
    errors: form.errors ?? [],
    fieldErrors: form.fieldErrors ?? {},
  });
}

export async function planPages(app: FastifyInstance, { routemap }: { routemap: RoutemapService }) {
  app.setErrorHandler(async (error: Error & { code?: string }, request, reply) => {
    if (!error.code?.startsWith('FST_CSRF')) throw error;
    const { ref } = request.params as { ref: string };
    const values = (request.body ?? {}) as Form;
    return actionsPage(routemap, request, reply.code(403), ref, {
      errors: [{ text: expired, href: '#item' }],
      values,
    });
  });

  app.get<{ Params: { ref: string } }>('/routemap/:ref/actions', (request, reply) => {
    requireActor(request.actor);
    return actionsPage(routemap, request, reply, request.params.ref);
  });

  app.post<{ Params: { ref: string }; Body: Form }>('/routemap/:ref/actions', async (request, reply) => {
    const { ref } = request.params;
    try {
      await routemap.actions.add(request.actor, ref, input(request.body), request.id);
      return reply.redirect(`/routemap/${ref}/actions?done=added`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      if (form.fieldErrors.dueOn)
        form.errors = form.errors.map((e) => (e.href === '#dueOn' ? { ...e, href: '#dueOn-dueDay' } : e));
      return actionsPage(routemap, request, reply.code(400), ref, { ...form, values: request.body ?? {} });
    }
  });

  app.post<{ Params: { ref: string; id: string }; Body: Form }>(
    '/routemap/:ref/actions/:id',
    async (request, reply) => {
      const { ref, id } = request.params;
      try {
        await routemap.actions.setStatus(request.actor, ref, id, str(request.body?.status), request.id);
        return reply.redirect(`/routemap/${ref}/actions?done=changed`, 303);
      } catch (error) {
        const form = formErrors(error);
        if (!form) throw error;
        return actionsPage(routemap, request, reply.code(400), ref, form);
      }
    },
  );
}
