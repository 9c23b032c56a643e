// "Has it been fixed?": some weeks after a case is resolved (four, or as set for its service),
// the person who reported it gets an email with a link of their own; they answer once, before it
// expires. A "no" reopens the case with their words as a public update. Each step is in the ledger.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import {
  type Actor,
  type Clock,
  Conflict,
  Invalid,
  type JobDefinition,
  NotFound,
  newToken,
  requireAdmin,
  sha256,
} from '../../platform/index.ts';
import { type Contexts, formErrors, ProblemResponses } from '../../web/index.ts';
import { changeCase, insertUpdate } from '../store.ts';
import * as store from './store.ts';

export const QUESTION_JOB = 'fixed-question';
const WEEK = 7 * 86_400_000;
/** How long a link stays good after it is sent. */
const ANSWER_WEEKS = 8;

interface Deps {
  db: Db;
  clock: Clock;
  governance: Pick<GovernanceService, 'ledger'>;
  notify: Pick<NotifyService, 'queue' | 'nudge'>;
}

/** The question behind a link, and whether it can still be answered. */
async function questionFor({ db, clock }: Deps, token: string) {
  const q = token.length <= 100 ? await store.questionOf(db, sha256(token)) : undefined;
  if (!q) throw new NotFound('This link is not one we sent');
  if (q.answered_at) throw new Conflict('This question has been answered already: thank you');
  if (q.expires_at < clock.now()) throw new Conflict('This link has expired');
  return q;
}

async function answer(deps: Deps, token: string, input: { fixed?: string; words?: string }) {
  const { db, clock, governance } = deps;
  const q = await questionFor(deps, token);
  const words = (input.words ?? '').trim();
  const errors = [];
  if (input.fixed !== 'yes' && input.fixed !== 'no')
    errors.push({ field: 'fixed', message: 'Say whether it has been fixed' });
  if (words.length > 2000) errors.push({ field: 'words', message: 'Use 2000 characters or fewer' });
  if (input.fixed === 'no' && !words) errors.push({ field: 'words', message: 'Tell us what is still wrong' });
  if (errors.length) throw new Invalid('The answer has errors', errors);
  const fixed = input.fixed === 'yes';
  await db.transaction().execute(async (trx) => {
    if (!(await store.answer(trx, q.id, fixed, clock.now())))
      throw new Conflict('This question has been answered already: thank you');
    const reopen = !fixed && (q.status === 'resolved' || q.status === 'closed');
    if (reopen) await changeCase(trx, q.case_id, { status: 'open', status_reason: null }, clock.now());
    if (words)
      await insertUpdate(trx, {
        case_id: q.case_id,
        kind: fixed ? 'internal' : 'public',
        body: fixed ? `Asked if it was fixed, they said yes: ${words}` : words,
        status: reopen ? 'open' : null,
        organisation_id: q.organisation_id,
        author_account_id: null,
        created_at: clock.now(),
      });
    await governance.ledger.append(trx, [
      {
        action: fixed ? 'case.fixed_confirmed' : 'case.reopened',
        resource: { type: 'case', id: q.case_id, organisation: q.organisation },
        detail: { via: 'questionnaire' },
      },
    ]);
  });
  return { fixed, reference: q.reference };
}

export function questionnaires(deps: Deps) {
  const { db, clock, governance, notify } = deps;
  return {
    /** Sends the question for every case due one: the job's work. */
    async askDue(baseUrl: string) {
      const due = await store.dueQuestions(db, clock.now());
      for (const c of due) {
        const token = newToken();
        const now = clock.now();
        await db.transaction().execute(async (trx) => {
          const made = await store.insertQuestion(trx, {
            case_id: c.id,
            token_hash: sha256(token),
            sent_at: now,
            expires_at: new Date(now.getTime() + ANSWER_WEEKS * WEEK),
          });
          if (!made || !c.email) return;
          await notify.queue(trx, [
            {
              channel: 'email',
              recipient: c.email,
              template: 'fixed-question',
              personalisation: {
                reference: c.reference,
                service: c.service_name,
                link: `${baseUrl}/fixed/${token}`,
              },
              reference: c.reference,
            },
          ]);
          await governance.ledger.append(trx, [
            { action: 'case.fixed_asked', resource: { type: 'case', id: c.id } },
          ]);
        });
      }
      if (due.length) notify.nudge();
      return { asked: due.length };
    },
    question: (token: string) => questionFor(deps, token),
    answer: (token: string, input: { fixed?: string; words?: string }) => answer(deps, token, input),
    /** How many weeks after resolving a service's cases are asked about (an administrator's setting). */
    async setWeeks(actor: Actor | null, serviceCode: string, weeks: number) {
      const admin = requireAdmin(actor);
      await db.transaction().execute(async (trx) => {
        await store.setWeeks(trx, serviceCode, weeks);
        await governance.ledger.append(trx, [
          {
            action: 'questionnaire.weeks_set',
            actor: { account: admin.accountId, kind: 'staff' },
            detail: { service: serviceCode, weeks },
          },
        ]);
      });
    },
    /** The job that asks, with the address Flagstone is reached at (FLAGSTONE_URL) for the links. */
    jobs(baseUrl: string): JobDefinition[] {
      return [{ name: QUESTION_JOB, cron: '17 * * * *', policy: 'stately', run: () => this.askDue(baseUrl) }];
    },
  };
}

export type Questionnaires = ReturnType<typeof questionnaires>;

/** The page behind the emailed link, and the administrators' setting of weeks per service. */
export async function questionnaireModule(
  app: FastifyInstance,
  { contexts, questionnaires: q }: { contexts: Contexts; questionnaires: Questionnaires },
) {
  await app.register(
    contexts.pages(async (pages: FastifyInstance) => {
      const shown = async (token: string) => {
        const found = await q.question(token);
        return {
          title: `Has it been fixed? ${found.service_name}`,
          question: found,
          token,
          values: {},
          fieldErrors: {},
        };
      };
      pages.get<{ Params: { token: string } }>('/fixed/:token', async (request, reply) =>
        reply.page('fixed-question.njk', await shown(request.params.token)),
      );
      pages.post<{ Params: { token: string }; Body: { fixed?: string; words?: string } }>(
        '/fixed/:token',
        async (request, reply) => {
          const body = request.body ?? {};
          try {
            const done = await q.answer(request.params.token, { fixed: body.fixed, words: body.words });
            return reply.page('fixed-answered.njk', { title: 'Thank you for telling us', done });
          } catch (error) {
            const form = formErrors(error);
            if (!form) throw error;
            return reply
              .code(400)
              .page('fixed-question.njk', { ...(await shown(request.params.token)), values: body, ...form });
          }
        },
      );
    }),
  );
  await app.register(
    contexts.api(async (api: FastifyInstance) => {
      api.put<{ Params: { code: string }; Body: { weeks: number } }>(
        '/api/v1/services/:code/questionnaire',
        {
          schema: {
            tags: ['Cases'],
            summary:
              "How many weeks after a service's cases are resolved the people who reported them are asked if they were fixed",
            params: Type.Object({ code: Type.String({ maxLength: 100 }) }),
            body: Type.Object({ weeks: Type.Integer({ minimum: 1, maximum: 52 }) }),
            response: { 204: Type.Null(), ...ProblemResponses },
          },
        },
        async (request, reply) => {
          await q.setWeeks(request.actor, request.params.code, request.body.weeks);
          return reply.code(204).send(null);
        },
      );
    }),
  );
}
