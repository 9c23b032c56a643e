// The routemap in and out of files: an organisation's assessments downloaded as JSON and CSV, the
// place's benchmark published as CSV (scores and dates only), and another place's published
// benchmark imported to compare place with place.
import type { Actor } from '../../platform/index.ts';
import { decideOnPlace } from './access.ts';
import type { Deps } from './assessments.ts';
import * as assessments from './assessments.ts';
import { assessmentsCsv, benchmarkCsv, parseBenchmarkCsv } from './exports.ts';
import { itemsOf } from './framework.ts';
import { assessedOrganisations, placeBenchmark } from './place.ts';
import * as store from './store.ts';

/** Imports another place's published benchmark (CSV of the same framework), to compare place with place. */
export async function importBenchmark(deps: Deps, actor: Actor | null, csv: string, requestId?: string) {
  const { db, governance } = deps;
  const { entry, principal } = await decideOnPlace(
    deps,
    actor,
    'manageRoutemap',
    'benchmark.import',
    requestId,
  );
  const parsed = parseBenchmarkCsv(
    csv,
    (await assessments.frameworksOf(db)).map((f) => f.framework),
  );
  return db.transaction().execute(async (trx) => {
    const id = await store.addImportedBenchmark(trx, parsed, principal.accountId);
    await governance.guard.write(trx, [entry.as({ detail: { benchmark: id, place: parsed.place } })]);
    return { id, place: parsed.place, framework: parsed.frameworkId, scores: parsed.scores.length };
  });
}

/** An organisation's assessments (its draft and every submitted one) as JSON and CSV. */
export async function assessmentFiles(deps: Deps, actor: Actor | null, ref: string, requestId?: string) {
  const view = await assessments.overview(deps, actor, ref, requestId);
  const all = [...(view.draft ? [view.draft] : []), ...view.submitted];
  const strip = ({ framework: _, ...a }: assessments.Assessment) => a;
  return {
    json: {
      organisation: view.organisation,
      draft: view.draft && strip(view.draft),
      submitted: view.submitted.map(strip),
    },
    csv: assessmentsCsv(view.organisation, all),
  };
}

/** The place's benchmark as published: scores and dates only. */
export async function benchmarkFile(deps: Deps, actor: Actor | null, requestId?: string) {
  const place = await placeBenchmark(deps, actor, requestId);
  return benchmarkCsv(place.place, place.framework, place.assessed);
}

/**
 * The place's benchmark for open data, for anyone: each organisation's latest submitted score on
 * each item of the current framework, with the day it was submitted. No reason, link, file or
 * person: those stay with the organisation.
 */
export async function openBenchmark(deps: Deps) {
  const framework = await assessments.currentFramework(deps.db);
  const { assessed } = await assessedOrganisations(deps);
  const items = itemsOf(framework);
  return {
    place: (await deps.places.place()).name,
    framework: framework.id,
    scores: assessed.flatMap((a) =>
      items
        .filter((item) => a.scores[item.key] !== undefined)
        .map((item) => ({
          organisation: a.name,
          organisationRef: a.ref,
          item: item.key,
          itemTitle: item.title,
          score: a.scores[item.key] as number,
          assessedOn: a.submittedAt?.toISOString().slice(0, 10) ?? null,
        })),
    ),
  };
}
