// Self-assessment: an organisation's managers and information governance officers score each
// item of the framework with a reason and evidence, as a draft, then submit it. A submitted
// assessment is never changed (the database refuses it too), only followed by a newer one.
// Every change is in the audit ledger, and the platform's own measures are kept with it.
import type { Db } from '../../db/index.ts';
import { type Clock, type FieldError, Invalid, NotFound } from '../../platform/index.ts';
import { type AccessDeps, decideOn, mayAssess } from './access.ts';
import { type KpiTrendsOf, measure } from './evidence.ts';
import { builtInFramework, type Framework, itemsOf } from './framework.ts';
import * as store from './store.ts';

export interface ScoreInput {
  score: string | number;
  reason: string;
  /** Links to evidence, one a line. */
  links: string | string[];
}

export interface Deps extends AccessDeps {
  db: Db;
  clock: Clock;
  /** The outcome KPIs' trends, shown beside the scores when given. */
  kpiTrends?: KpiTrendsOf;
}

/** A score as typed, checked: a whole number 1 to 5, a reason, links that are web addresses. */
export function checkScore(input: ScoreInput) {
  const errors: FieldError[] = [];
  const text = String(input.score).trim();
  const score = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (text === '') errors.push({ field: 'score', message: 'Choose a level from 1 to 5' });
  else if (!(score >= 1 && score <= 5))
    errors.push({ field: 'score', message: 'The level must be a whole number from 1 to 5' });
  const reason = input.reason.trim();
  if (!reason) errors.push({ field: 'reason', message: 'Enter the reason for the level' });
  else if (reason.length > 5000)
    errors.push({ field: 'reason', message: 'Use 5,000 characters or fewer for the reason' });
  const lines = Array.isArray(input.links) ? input.links : input.links.split(/\r?\n/);
  const links = lines.map((l) => l.trim()).filter(Boolean);
  const notLink = links.find((l) => !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(l) || l.length > 500);
  if (notLink)
    errors.push({
      field: 'links',
      message: `Enter each link as a web address starting https://, one a line (not ${notLink.slice(0, 60)})`,
    });
  else if (links.length > 10) errors.push({ field: 'links', message: 'Give 10 links or fewer' });
  return { score, reason, links, errors };
}

/** The framework versions the place has, the one that comes with Flagstone added the first time. */
export async function frameworksOf(db: Db) {
  let all = await store.frameworks(db);
  if (all.length === 0) {
    await store.addFramework(db, builtInFramework, null);
    all = await store.frameworks(db);
  }
  return all;
}

/** The framework new assessments are made against: the latest version added. */
export async function currentFramework(db: Db): Promise<Framework> {
  const all = await frameworksOf(db);
  return (all.at(-1) as (typeof all)[number]).framework;
}

async function frameworkOf(db: Db, id: string): Promise<Framework> {
  const found = (await frameworksOf(db)).find((f) => f.id === id);
  if (!found) throw new NotFound(`There is no framework ${id}`);
  return found.framework;
}

/** One assessment as people read it: its framework, its scores by item, its files. */
async function assembled(db: Db, row: store.AssessmentRow) {
  const [framework, scores, files] = await Promise.all([
    frameworkOf(db, row.framework_id),
    store.scoresOf(db, [row.id]),
    store.filesOf(db, [row.id]),
  ]);
  return {
    id: row.id,
    status: row.status,
    frameworkId: row.framework_id,
    framework,
    startedAt: row.started_at,
    submittedAt: row.submitted_at,
    platformEvidence: row.platform_evidence as Record<string, unknown> | null,
    scores: Object.fromEntries(
      scores.map((s) => [
        s.item,
        { score: s.score, reason: s.reason, links: s.links, updatedAt: s.updated_at },
      ]),
    ),
    files: files.map((f) => ({
      id: f.id,
      item: f.item,
      filename: f.filename,
      mediaType: f.media_type,
      size: f.size,
    })),
  };
}
export type Assessment = Awaited<ReturnType<typeof assembled>>;

/** An organisation's draft, its submitted assessments (newest first), and what the platform measures now. */
export async function overview(
  deps: Deps,
  actor: Parameters<typeof decideOn>[1],
  ref: string,
  requestId?: string,
) {
  const { organisation, principal } = await decideOn(
    deps,
    actor,
    ref,
    'viewMaturity',
    'assessment.view',
    requestId,
  );
  const draftRow = await store.draftOf(deps.db, organisation.id);
  const submitted = await store.submittedOf(deps.db, [organisation.id]);
  const measures =
    (await measure(deps.db, [organisation.id], deps.clock.now(), deps.kpiTrends)).get(organisation.id) ?? [];
  return {
    organisation,
    framework: draftRow ? await frameworkOf(deps.db, draftRow.framework_id) : await currentFramework(deps.db),
    draft: draftRow ? await assembled(deps.db, draftRow) : null,
    submitted: await Promise.all(submitted.map((r) => assembled(deps.db, r))),
    measures,
    mayAssess: await mayAssess(deps, principal, organisation.id),
  };
}

/**
 * The organisation's draft, locked until the transaction ends, started on the current framework
 * when there is none; with the items of its framework.
 */
export async function openDraft(trx: Db, organisationId: string, accountId: string) {
  const framework = await currentFramework(trx);
  const draft =
    (await store.draftOf(trx, organisationId, true)) ??
    (await store.startDraft(trx, organisationId, framework.id, accountId)) ??
    (await store.draftOf(trx, organisationId, true));
  if (!draft) throw new Error('The draft could not be started');
  return { draft, items: itemsOf(await frameworkOf(trx, draft.framework_id)) };
}

/**
 * Saves scores in the organisation's draft (started on the current framework if none), all or
 * none: each in the ledger. With several, a field in error is named after its item (`leadership.score`).
 */
export async function saveScores(
  deps: Deps,
  actor: Parameters<typeof decideOn>[1],
  ref: string,
  scores: { item: string; input: ScoreInput }[],
  requestId?: string,
) {
  const { organisation, entry, principal } = await decideOn(
    deps,
    actor,
    ref,
    'assessMaturity',
    'assessment.score',
    requestId,
  );
  const checked = scores.map(({ item, input }) => ({ item, ...checkScore(input) }));
  return deps.db.transaction().execute(async (trx) => {
    const { draft, items } = await openDraft(trx, organisation.id, principal.accountId);
    const unknown = checked.find((c) => !items.some((i) => i.key === c.item));
    if (unknown) throw new NotFound(`The framework has no item ${unknown.item}`);
    const errors = checked.flatMap((c) =>
      c.errors.map((e) => (checked.length === 1 ? e : { field: `${c.item}.${e.field}`, message: e.message })),
    );
    if (errors.length > 0) throw new Invalid('The score has errors', errors);
    for (const { item, score, reason, links } of checked)
      await store.putScore(trx, { assessmentId: draft.id, item, score, reason, links }, principal.accountId);
    await deps.governance.guard.write(
      trx,
      checked.map(({ item, score }) => entry.as({ detail: { assessment: draft.id, item, score } })),
    );
    return { assessment: draft.id, scores: checked.map(({ item, score }) => ({ item, score })) };
  });
}

/** Saves one item's score in the organisation's draft. */
export async function saveScore(
  deps: Deps,
  actor: Parameters<typeof decideOn>[1],
  ref: string,
  item: string,
  input: ScoreInput,
  requestId?: string,
) {
  const saved = await saveScores(deps, actor, ref, [{ item, input }], requestId);
  return { assessment: saved.assessment, item, score: saved.scores[0]?.score as number };
}

/** Submits the organisation's draft, with every item answered; the platform's measures are kept with it. */
export async function submitDraft(
  deps: Deps,
  actor: Parameters<typeof decideOn>[1],
  ref: string,
  requestId?: string,
) {
  const { organisation, entry, principal } = await decideOn(
    deps,
    actor,
    ref,
    'assessMaturity',
    'assessment.submit',
    requestId,
  );
  const now = deps.clock.now();
  const measures =
    (await measure(deps.db, [organisation.id], now, deps.kpiTrends)).get(organisation.id) ?? [];
  return deps.db.transaction().execute(async (trx) => {
    const draft = await store.draftOf(trx, organisation.id, true);
    if (!draft)
      throw new Invalid('There is no draft to submit', [
        { field: 'submit', message: 'Score at least one item before submitting' },
      ]);
    const answered = new Set((await store.scoresOf(trx, [draft.id])).map((s) => s.item));
    const missing = itemsOf(await frameworkOf(trx, draft.framework_id)).filter((i) => !answered.has(i.key));
    if (missing.length > 0)
      throw new Invalid(
        `${missing.length} ${missing.length === 1 ? 'item is' : 'items are'} not scored yet`,
        missing.map((i) => ({ field: i.key, message: `Score ${i.title} before submitting` })),
      );
    const evidence = Object.fromEntries(measures.map((m) => [m.key, m]));
    await store.submit(trx, draft.id, principal.accountId, now, evidence);
    await deps.governance.guard.write(trx, [entry.as({ detail: { assessment: draft.id } })]);
    return { id: draft.id, submittedAt: now };
  });
}
