// The review queue: pairs of records the engine was unsure of, shown side by side (only what
// the reviewer may see) with the explanation, for a person to say same, different or not sure.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/index.ts';
import { formErrors } from '../../web/index.ts';
import { purposeItems, requireStaff } from '../records/index.ts';
import type { LinkingService } from './linking.ts';
import { personPages } from './person-pages.ts';

type Query = Record<string, string | undefined>;
type Pair = { a: string; b: string };

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

/** The review queue, and the pages of golden people it leads to (both are about linking records). */
export async function reviewPages(app: FastifyInstance, { linking }: { linking: LinkingService }) {
  await personPages(app, { linking });

  app.get<{ Querystring: Query }>('/people/review', async (request, reply) => {
    requireStaff(request);
    const pairs = await linking.queue(request.actor);
    return reply.page('review-queue.njk', {
      pairs: pairs.map((p) => ({ ...p, percent: percent(p.probability) })),
      decided: request.query.decided,
    });
  });

  const pairPage = async (
    request: FastifyRequest<{ Params: Pair }>,
    purpose: string | undefined,
    form: { errors: { text: string; href: string }[]; fieldErrors: Record<string, string> } = {
      errors: [],
      fieldErrors: {},
    },
  ) => {
    requireStaff(request);
    const pair = await linking.pair(
      request.actor,
      request.params.a,
      request.params.b,
      purpose || null,
      request.id,
    );
    const bits = (n: number) => (n >= 0 ? `+${n.toFixed(2)}` : n.toFixed(2));
    return {
      pair,
      purpose: purpose ?? '',
      purposeItems: purposeItems(purpose),
      percent: percent(pair.probability),
      steps: pair.explanation.steps.map((s) => ({
        ...s,
        bits: bits(s.weight + s.termFrequencyAdjustment),
      })),
      prior: bits(pair.explanation.prior),
      total: bits(pair.explanation.total),
      ...form,
    };
  };

  app.get<{ Params: Pair; Querystring: Query }>('/people/review/:a/:b', async (request, reply) => {
    try {
      return reply.page('review-pair.njk', await pairPage(request, request.query.purpose));
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return reply.code(400).page('review-pair.njk', await pairPage(request, undefined, form as never));
    }
  });

  app.post<{ Params: Pair; Body: Query }>('/people/review/:a/:b', async (request, reply) => {
    const body = request.body ?? {};
    try {
      await linking.decide(
        request.actor,
        request.params.a,
        request.params.b,
        body.decision ?? '',
        body.purpose || null,
        request.id,
      );
      return reply.redirect(`/people/review?decided=${encodeURIComponent(body.decision ?? '')}`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form && !(error instanceof DomainError && error.status === 403)) throw error;
      const shown = form ?? {
        errors: [{ text: (error as Error).message, href: '#decision' }],
        fieldErrors: { decision: (error as Error).message },
      };
      return reply
        .code(form ? 400 : 403)
        .page('review-pair.njk', await pairPage(request, body.purpose, shown as never));
    }
  });
}
