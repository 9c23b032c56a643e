// The staff inbox page (GOV.UK filter pattern: the filters are a GET form, so every filtered
// view is a link and works without JavaScript) and the page that assigns a case.
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/index.ts';
import { formErrors, govukDate } from '../../web/index.ts';
import { statusNames } from '../case.ts';
import type { InboxQuery, InboxService } from './inbox.ts';
import type { CaseWork } from './work.ts';

const FILTERS = ['service', 'status', 'area', 'team', 'assignee', 'overdue'] as const;
/** The columns of the inbox, each cell named by its column when the table stacks on a phone. */
const HEAD = ['Reference', 'Service', 'Status', 'Due', 'Assigned to', 'Organisation', 'Reported'];
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

/** How the list is sorted, and a link to the same filters sorted the other way (no JavaScript needed). */
function sorting(asked: string, given: Record<string, string | undefined>) {
  const sort = asked === 'due' ? 'due' : 'reported';
  const link = (by: string) =>
    `/cases?${new URLSearchParams([...FILTERS.filter((f) => given[f]).map((f) => [f, given[f] as string]), ['sort', by]])}`;
  const sortOther =
    sort === 'due'
      ? { href: link('reported'), text: 'Sort by newest reported' }
      : { href: link('due'), text: 'Sort by due date, soonest first' };
  return { sort, sortOther };
}

type InboxCase = Awaited<ReturnType<InboxService['list']>>['cases'][number];

/** The inbox's rows: due date and who it is assigned to beside each case, each cell named for a phone. */
function inboxRows(cases: InboxCase[], people: Option[], held: Awaited<ReturnType<HeldIn>>) {
  const personName = new Map(people.map((p) => [p.value, p.text]));
  const assignedTo = (c: InboxCase) =>
    [c.assignee ? (personName.get(c.assignee) ?? 'Someone else') : null, c.team].filter(Boolean).join(', ') ||
    'Nobody';
  return cases.map((c) =>
    [
      { html: `<a class="govuk-link" href="/cases/${c.id}">${c.reference}</a>` },
      { text: c.serviceName },
      { html: statusCell(c, held.get(c.id)?.system) },
      { text: c.expectedAt ? govukDate(c.expectedAt) : 'No target' },
      { text: assignedTo(c) },
      { text: c.organisationName + (c.referredIn ? ' (referred to you)' : '') },
      { text: govukDate(c.requestedAt) },
    ].map((cell, i) => ({ ...cell, attributes: { 'data-label': HEAD[i] } })),
  );
}

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
    const { sort, sortOther } = sorting(str(query.sort), given);
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
      sort,
      sortOther,
      head: HEAD.map((text) => ({ text })),
      rows: inboxRows(cases, options.people, held),
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
        return reply.redirect(`/cases/${request.params.id}?done=assignment`, 303);
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
