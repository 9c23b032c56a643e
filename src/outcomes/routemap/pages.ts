// The self-assessment pages (/routemap): an organisation's assessment as a task list of the
// framework's items, one page an item (its level with what each level looks like, the reason,
// links to evidence, the platform's own measures beside), and a check page before submitting.
// A form sent with errors or an expired token is shown again with the error summary, the answers
// kept, and nothing saved.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFound, requireActor } from '../../platform/index.ts';
import { formErrors } from '../../web/index.ts';
import type { Assessment } from './assessments.ts';
import { escapeHtml } from './chart.ts';
import type { Measure } from './evidence.ts';
import { type Framework, itemsOf } from './framework.ts';
import type { RoutemapService } from './service.ts';

type Form = Record<string, string | string[] | undefined>;
type Params = { ref: string; item?: string };
const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
const expired = 'The form has expired: reload the page and try again';
const done: Record<string, string> = {
  saved: 'Score saved in the draft',
  submitted: 'Assessment submitted',
};

/** "7 December 2026" */
export const longDate = (d: Date | string | null) =>
  d
    ? new Date(d).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      })
    : '';

const levelText = (framework: Framework, score: number) => `Level ${score}: ${framework.levels[score - 1]}`;

/** The themes as task lists: each item with its draft's level; without a draft, the latest submitted level. */
function taskList(
  framework: Framework,
  draft: Assessment | null,
  latest: Assessment | null,
  ref: string,
  mayAssess: boolean,
) {
  return framework.themes.map((theme) => ({
    key: theme.key,
    title: theme.title,
    items: theme.items.map((item) => {
      const scored = draft?.scores[item.key];
      const submitted = draft ? undefined : latest?.scores[item.key];
      return {
        title: { text: item.title },
        ...(mayAssess ? { href: `/routemap/${ref}/items/${item.key}` } : {}),
        status: scored
          ? { text: levelText(framework, scored.score) }
          : submitted
            ? {
                text: `${levelText(framework, submitted.score)} (submitted)`,
                classes: 'govuk-task-list__status--cannot-start-yet',
              }
            : { tag: { text: 'Not scored', classes: 'govuk-tag--blue' } },
      };
    }),
  }));
}

/** The latest submitted assessment as a summary list: each item's level, reason, links and files. */
function submittedRows(assessment: Assessment, ref: string) {
  return itemsOf(assessment.framework).map((item) => {
    const scored = assessment.scores[item.key];
    const links = (scored?.links ?? []).map(
      (l) => `<a class="govuk-link" href="${escapeHtml(l)}">${escapeHtml(l)}</a>`,
    );
    const files = assessment.files
      .filter((f) => f.item === item.key)
      .map(
        (f) =>
          `<a class="govuk-link" href="/routemap/${ref}/files/${f.id}" download>${escapeHtml(f.filename)}</a>`,
      );
    const evidence = [...links, ...files];
    return {
      key: { text: item.title },
      value: {
        html: scored
          ? `<p class="govuk-body govuk-!-font-weight-bold">${escapeHtml(levelText(assessment.framework, scored.score))}</p><p class="govuk-body">${escapeHtml(scored.reason)}</p>${evidence.length ? `<ul class="govuk-list">${evidence.map((e) => `<li>${e}</li>`).join('')}</ul>` : ''}`
          : 'Not scored',
      },
    };
  });
}

const measuresFor = (measures: Measure[], keys: string[]) => measures.filter((m) => keys.includes(m.key));

/** The assessment's three views: the task list, one item, and the check before submitting. */
export function assessmentViews(routemap: RoutemapService) {
  return {
    async organisationPage(request: FastifyRequest, reply: FastifyReply, ref: string) {
      const view = await routemap.overview(request.actor, ref, request.id);
      const latest = view.submitted[0] ?? null;
      return reply.page('routemap-organisation.njk', {
        ...view,
        latest,
        startedOn: longDate(view.draft?.startedAt ?? null),
        latestOn: longDate(latest?.submittedAt ?? null),
        answered: view.draft ? Object.keys(view.draft.scores).length : 0,
        total: itemsOf(view.framework).length,
        themes: taskList(view.framework, view.draft, latest, ref, view.mayAssess),
        latestRows: latest ? submittedRows(latest, ref) : [],
        history: view.submitted.map((s) => ({ date: longDate(s.submittedAt), framework: s.frameworkId })),
        done: done[str((request.query as Form | undefined)?.done)],
      });
    },

    async itemPage(request: FastifyRequest, reply: FastifyReply, { ref, item }: Params, form: object = {}) {
      const view = await routemap.overview(request.actor, ref, request.id);
      const found = itemsOf(view.framework).find((i) => i.key === item);
      if (!found) throw new NotFound('The framework has no such item');
      const saved = view.draft?.scores[found.key];
      const before = view.submitted[0]?.scores[found.key];
      return reply.page('routemap-item.njk', {
        organisation: view.organisation,
        framework: view.framework,
        item: found,
        measures: measuresFor(view.measures, found.measures),
        before: before
          ? {
              level: levelText(view.framework, before.score),
              date: longDate(view.submitted[0]?.submittedAt ?? null),
              reason: before.reason,
            }
          : null,
        done:
          str((request.query as Form | undefined)?.done) === 'file' ? 'File added as evidence' : undefined,
        files: [...(view.draft?.files ?? []), ...(view.submitted[0]?.files ?? [])]
          .filter((f) => f.item === found.key)
          .map((f) => ({ ...f, size: `${Math.max(1, Math.round(f.size / 1024))} KB` })),
        values: saved
          ? { score: String(saved.score), reason: saved.reason, links: saved.links.join('\n') }
          : {},
        errors: [],
        fieldErrors: {},
        ...form,
      });
    },

    async checkPage(request: FastifyRequest, reply: FastifyReply, ref: string, form: object = {}) {
      const view = await routemap.overview(request.actor, ref, request.id);
      const rows = itemsOf(view.framework).map((item) => {
        const scored = view.draft?.scores[item.key];
        return {
          key: { html: `<span id="${item.key}">${escapeHtml(item.title)}</span>` },
          value: { text: scored ? levelText(view.framework, scored.score) : 'Not scored' },
          actions: {
            items: [
              { href: `/routemap/${ref}/items/${item.key}`, text: 'Change', visuallyHiddenText: item.title },
            ],
          },
        };
      });
      return reply.page('routemap-check.njk', { organisation: view.organisation, rows, errors: [], ...form });
    },
  };
}

export async function routemapPages(app: FastifyInstance, { routemap }: { routemap: RoutemapService }) {
  const { organisationPage, itemPage, checkPage } = assessmentViews(routemap);

  // A stale or forged form: the page again, with the error summary and the answers kept.
  app.setErrorHandler(async (error: Error & { code?: string }, request, reply) => {
    if (!error.code?.startsWith('FST_CSRF')) throw error;
    const params = request.params as Params;
    reply.code(403);
    if (params.item) {
      const body = request.body as Form;
      const values = { score: str(body?.score), reason: str(body?.reason), links: str(body?.links) };
      return itemPage(request, reply, params, { errors: [{ text: expired, href: '#score' }], values });
    }
    return checkPage(request, reply, params.ref, { errors: [{ text: expired, href: '#submit' }] });
  });

  app.get('/routemap', async (request, reply) => {
    const organisations = await routemap.organisations(request.actor);
    const administers = request.actor?.roles.some((r) => r.role === 'admin') ?? false;
    return reply.page('routemap-home.njk', { organisations, administers });
  });

  app.get<{ Params: Params }>('/routemap/:ref', (request, reply) => {
    requireActor(request.actor);
    return organisationPage(request, reply, request.params.ref);
  });

  // Downloads of the organisation's assessments, and of the place's benchmark as published.
  for (const kind of ['csv', 'json'] as const)
    app.get<{ Params: Params }>(`/routemap/:ref/assessment.${kind}`, async (request, reply) => {
      const files = await routemap.assessmentFiles(request.actor, request.params.ref, request.id);
      return reply
        .type(kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${request.params.ref}-assessments.${kind}"`)
        .send(kind === 'csv' ? files.csv : JSON.stringify(files.json, null, 2));
    });
  app.get('/routemap/benchmark.csv', async (request, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="benchmark.csv"')
      .send(await routemap.benchmarkFile(request.actor, request.id)),
  );

  app.get<{ Params: Params }>('/routemap/:ref/items/:item', (request, reply) => {
    requireActor(request.actor);
    return itemPage(request, reply, request.params);
  });

  app.post<{ Params: Params; Body: Form }>('/routemap/:ref/items/:item', async (request, reply) => {
    const { ref, item } = request.params;
    const values = {
      score: str(request.body?.score),
      reason: str(request.body?.reason),
      links: str(request.body?.links),
    };
    try {
      await routemap.saveScore(request.actor, ref, item as string, values, request.id);
      return reply.redirect(`/routemap/${ref}?done=saved`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return itemPage(request, reply.code(400), request.params, { ...form, values });
    }
  });

  app.get<{ Params: Params }>('/routemap/:ref/submit', (request, reply) => {
    requireActor(request.actor);
    return checkPage(request, reply, request.params.ref);
  });

  app.post<{ Params: Params }>('/routemap/:ref/submit', async (request, reply) => {
    const { ref } = request.params;
    try {
      await routemap.submit(request.actor, ref, request.id);
      return reply.redirect(`/routemap/${ref}?done=submitted`, 303);
    } catch (error) {
      const form = formErrors(error);
      if (!form) throw error;
      return checkPage(request, reply.code(400), ref, form);
    }
  });
}
