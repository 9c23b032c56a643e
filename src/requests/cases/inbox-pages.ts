// The staff inbox page (GOV.UK filter pattern: the filters are a GET form, so every filtered
// view is a link and works without JavaScript) and the page that assigns a case.
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/index.ts';
import { formErrors } from '../../web/index.ts';
import { statusNames } from '../case.ts';
import type { InboxQuery, InboxService } from './inbox.ts';
import type { CaseWork } from './work.ts';

const FILTERS = ['service', 'status', 'area', 'team', 'assignee', 'overdue'] as const;
const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');

type Option = { value: string; text: string };
const items = (any: string, options: Option[], chosen: string | undefined) => [
  { value: '', text: any },
  ...options.map((o) => ({ ...o, selected: o.value === chosen })),
];

/** Where cases sent on to an organisation's own system are held (requests/outbound), by case id. */
export type HeldIn = (caseIds: string[]) => Promise<Map<string, { system: string; remoteId: string }>>;
const escaped = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A case's status as a tag, overdue or not, and the system it is held in when sent on. */
const statusCell = (c: { status: keyof typeof statusNames; overdue: boolean }, system: string | undefined) =>
  `<strong class="govuk-tag govuk-tag--${c.status === 'open' ? 'blue' : c.status === 'in_progress' ? 'yellow' : 'grey'}">${statusNames[c.status]}</strong>` +
  (c.overdue ? ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' : '') +
  (system ? ` <span class="govuk-body-s">held in ${escaped(system)}</span>` : '');

export async function inboxPages(
  app: FastifyInstance,
  {
    inbox,
    requests,
    heldIn = async () => new Map(),
  }: { inbox: InboxService; requests: Pick<CaseWork, 'caseFor' | 'assign'>; heldIn?: HeldIn },
) {
  app.get<{ Querystring: InboxQuery }>('/cases', async (request, reply) => {
    requireActor(request.actor);
    const query = request.query ?? {};
    const { options, filter, errors, cases } = await inbox.list(request.actor, query, request.id);
    const given = Object.fromEntries(FILTERS.map((f) => [f, str(query[f]).trim()]));
    const assigneeOptions = [
      { value: 'me', text: 'Me' },
      { value: 'none', text: 'Nobody' },
      ...options.people,
    ];
    const teamOptions = [{ value: 'none', text: 'No team' }, ...options.teams];
    const statusOptions = Object.entries(statusNames).map(([value, text]) => ({ value, text }));
    const labels: Record<string, [string, Option[]]> = {
      service: ['Service', options.services],
      status: ['Status', statusOptions],
      area: ['Area', options.areas],
      team: ['Team', teamOptions],
      assignee: ['Assigned to', assigneeOptions],
      overdue: ['Overdue', [{ value: 'true', text: 'Only overdue cases' }]],
    };
    // Each chosen filter, with a link to the same list without it.
    const selected = FILTERS.filter((f) => given[f] && (f !== 'overdue' || given[f] === 'true')).map((f) => {
      const rest = new URLSearchParams(
        FILTERS.filter((g) => g !== f && given[g]).map((g) => [g, given[g] as string]),
      ).toString();
      const [label, list] = labels[f] as [string, Option[]];
      return {
        label,
        text: list.find((o) => o.value === given[f])?.text ?? given[f],
        href: `/cases${rest ? `?${rest}` : ''}`,
      };
    });
    const held = await heldIn(cases.map((c) => c.id));
    return reply.code(errors.length > 0 ? 400 : 200).page('cases-inbox.njk', {
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      selected,
      serviceItems: items('Any service', options.services, filter.service),
      statusItems: items('Any status', statusOptions, filter.status),
      areaItems: items('Any area', options.areas, filter.area),
      teamItems: items('Any team', teamOptions, filter.team),
      assigneeItems: items('Anyone', assigneeOptions, given.assignee),
      overdue: filter.overdue,
      count: cases.length,
      rows: cases.map((c) => [
        { html: `<a class="govuk-link" href="/cases/${c.id}">${c.reference}</a>` },
        { text: c.serviceName },
        { text: c.area ? (options.areas.find((a) => a.value === c.area)?.text ?? c.area) : '' },
        { text: c.organisationName + (c.referredIn ? ' (referred to you)' : '') },
        { html: statusCell(c, held.get(c.id)?.system) },
        { text: c.requestedAt.slice(0, 10) },
      ]),
    });
  });

  const assignmentPage = async (
    request: { actor: Parameters<CaseWork['caseFor']>[0]; id: string },
    id: string,
    form: object = {},
  ) => {
    const view = await requests.caseFor(request.actor, id, request.id);
    const { teams, people } = await inbox.choices(request.actor);
    return {
      view,
      teamItems: items('No team', teams, view.team ?? undefined),
      assigneeItems: items('Nobody', people, view.assignee ?? undefined),
      errors: [],
      fieldErrors: {},
      ...form,
    };
  };

  app.get<{ Params: { id: string } }>('/cases/:id/assignment', async (request, reply) =>
    reply.page('case-assignment.njk', await assignmentPage(request, request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>(
    '/cases/:id/assignment',
    async (request, reply) => {
      try {
        await requests.assign(
          request.actor,
          request.params.id,
          { team: str(request.body?.team), assignee: str(request.body?.assignee) },
          request.id,
        );
        return reply.redirect(`/cases/${request.params.id}`, 303);
      } catch (error) {
        const form = formErrors(error);
        if (!form) throw error;
        return reply
          .code(400)
          .page('case-assignment.njk', await assignmentPage(request, request.params.id, form));
      }
    },
  );
}
