// The page of a golden person for staff: the records linked to them that the reader may see
// (the others counted), how each pair was linked, their history; and, for a manager or
// information governance officer of an organisation holding a record, splitting a record out
// and merging another person in, each with a reason.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Forbidden } from '../../platform/index.ts';
import { formErrors, govukDateTime } from '../../web/index.ts';
import { purposeItems, requireStaff } from '../records/index.ts';
import type { GoldenPerson, PersonLink, RecordSide } from './golden-people.ts';
import type { LinkingService } from './linking.ts';

type Query = Record<string, string | undefined>;
type Form = { errors: { text: string; href: string }[]; fieldErrors: Record<string, string> };
const noErrors: Form = { errors: [], fieldErrors: {} };

const when = (iso: string) => govukDateTime(iso);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function sideText(s: RecordSide): string {
  if (s.visible) return `${s.organisationName}, reference ${s.localRef}`;
  if (s.ofThisPerson) return `${s.organisationName} (withheld)`;
  return `${s.organisationName} (another person’s record)`;
}

function howDecided(l: PersonLink): string {
  switch (l.status) {
    case 'automatic':
      return 'Linked automatically';
    case 'review':
      return 'Waiting for review';
    case 'not_sure':
      return 'A reviewer was not sure: waiting';
    case 'confirmed':
      return `Confirmed the same person by ${l.decidedBy}`;
    case 'rejected':
      return `Decided different people by ${l.decidedBy}`;
  }
}

function whatHappened(h: GoldenPerson['history'][number]): string {
  const count = (key: string) => (Array.isArray(h.detail[key]) ? (h.detail[key] as unknown[]).length : 0);
  switch (h.event) {
    case 'created':
      return h.detail.splitFrom
        ? 'Made from a record split out of another person'
        : `Made from ${plural(count('records'), 'record')}`;
    case 'merged':
      return `Merged: the records of ${plural(count('from'), 'other person', 'other people')} joined`;
    case 'split':
      return `Split: records moved to ${plural(count('into'), 'other person', 'other people')}`;
    case 'records-added':
      return `${plural(count('records'), 'record')} linked`;
    case 'records-removed':
      return `${plural(count('records'), 'record')} moved to another person`;
    case 'retired':
      return 'Merged into another person';
    default:
      return h.event;
  }
}

/** A golden person as the page shows them: what they may split and merge, links and history in words. */
async function personView(
  linking: LinkingService,
  request: FastifyRequest,
  id: string,
  purpose: string | undefined,
) {
  const actor = requireStaff(request);
  const person = await linking.person(request.actor, id, purpose || null, request.id);
  const manages = new Set(
    actor.roles.filter((r) => r.role === 'manager' || r.role === 'ig_officer').map((r) => r.organisation),
  );
  const first = person.records[0];
  return {
    person,
    name: first ? `${first.givenNames} ${first.familyName}` : 'Person',
    purpose: purpose ?? '',
    purposeItems: purposeItems(purpose),
    records: person.records.map((r) => ({
      ...r,
      canSplit:
        person.mayDecide && manages.has(r.organisation) && person.records.length + person.withheld > 1,
    })),
    links: person.links.map((l) => ({
      a: sideText(l.a),
      b: sideText(l.b),
      bits: l.weight === null ? 'Not scored' : l.weight.toFixed(2),
      percent: l.probability === null ? 'Not scored' : `${(l.probability * 100).toFixed(1)}%`,
      how: howDecided(l),
      reason: l.reason ?? '',
      when: l.decidedAt ? when(l.decidedAt) : '',
    })),
    history: person.history.map((h) => ({
      when: when(h.at),
      what: whatHappened(h),
      by: h.decidedBy ?? 'Linkage run',
      reason: h.reason ?? '',
    })),
  };
}

/** The form to split a record out of a person, offered only where the reader may. */
async function splitPage(
  linking: LinkingService,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  recordId: string,
  values: Query,
  form: Form = noErrors,
) {
  const view = await personView(linking, request, id, values.purpose);
  const record = view.records.find((r) => r.id === recordId);
  if (!record?.canSplit) throw new Forbidden('You may not split this record out of this person');
  return reply.page('person-split.njk', { ...view, record, values, ...form });
}

/** The form to merge another person into this one, offered only where the reader may. */
async function mergePage(
  linking: LinkingService,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  values: Query,
  form: Form = noErrors,
) {
  const view = await personView(linking, request, id, values.purpose);
  if (!view.person.mayDecide) throw new Forbidden('You may not merge this person with another');
  return reply.page('person-merge.njk', { ...view, values, ...form });
}

export async function personPages(app: FastifyInstance, { linking }: { linking: LinkingService }) {
  app.get<{ Params: { id: string }; Querystring: Query }>('/people/:id', async (request, reply) => {
    const { id } = request.params;
    const query = request.query;
    try {
      const view = await personView(linking, request, id, query.purpose);
      if (view.person.mergedInto) return reply.redirect(`/people/${view.person.mergedInto}`, 303);
      return reply.page('person-view.njk', { ...view, done: query.done });
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return reply
        .code(400)
        .page('person-view.njk', { ...(await personView(linking, request, id, undefined)), ...form });
    }
  });

  app.get<{ Params: { id: string; record: string }; Querystring: Query }>(
    '/people/:id/split/:record',
    (request, reply) =>
      splitPage(linking, request, reply, request.params.id, request.params.record, {
        purpose: request.query.purpose,
      }),
  );

  app.post<{ Params: { id: string; record: string }; Body: Query }>(
    '/people/:id/split/:record',
    async (request, reply) => {
      const body = request.body ?? {};
      const { id, record } = request.params;
      try {
        const { newPerson } = await linking.split(
          request.actor,
          id,
          { record, reason: body.reason, purpose: body.purpose || null },
          request.id,
        );
        const purpose = body.purpose ? `&purpose=${encodeURIComponent(body.purpose)}` : '';
        return reply.redirect(`/people/${newPerson}?done=split${purpose}`, 303);
      } catch (error) {
        const form = formErrors(error);
        if (!form) throw error;
        return splitPage(linking, request, reply.code(400), id, record, body, form as Form);
      }
    },
  );

  app.get<{ Params: { id: string }; Querystring: Query }>('/people/:id/merge', (request, reply) =>
    mergePage(linking, request, reply, request.params.id, { purpose: request.query.purpose }),
  );

  app.post<{ Params: { id: string }; Body: Query }>('/people/:id/merge', async (request, reply) => {
    const body = request.body ?? {};
    const { id } = request.params;
    try {
      await linking.merge(
        request.actor,
        id,
        { other: body.other, reason: body.reason, purpose: body.purpose || null },
        request.id,
      );
      const purpose = body.purpose ? `&purpose=${encodeURIComponent(body.purpose)}` : '';
      return reply.redirect(`/people/${id}?done=merged${purpose}`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return mergePage(linking, request, reply.code(400), id, body, form as Form);
    }
  });
}
