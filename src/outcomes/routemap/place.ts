// The place's view: every organisation's latest submitted assessment side by side on the current
// framework, the median and spread, the change since each one's assessment before, and the
// platform's measures kept with each.
import type { Actor } from '../../platform/index.ts';
import { decideOnPlace } from './access.ts';
import { currentFramework, type Deps } from './assessments.ts';
import { type Assessed, benchmark, median } from './benchmark.ts';
import type { Measure } from './evidence.ts';
import * as store from './store.ts';

/** The latest submitted assessment of every organisation that has one, and the one before it. */
export async function assessedOrganisations(deps: Deps) {
  const organisations = await deps.places.organisations();
  const ids = await deps.places.organisationIds(organisations.map((o) => o.ref));
  const submitted = await store.submittedOf(deps.db, [...ids.values()]);
  const scores = await store.scoresOf(
    deps.db,
    submitted.map((s) => s.id),
  );
  const scoresOf = (id: string | undefined) =>
    id
      ? Object.fromEntries(scores.filter((s) => s.assessment_id === id).map((s) => [s.item, s.score]))
      : null;
  const assessed: (Assessed & { assessmentId: string; evidence: Record<string, Measure> })[] = [];
  const notYet: { ref: string; name: string }[] = [];
  for (const o of organisations) {
    const own = submitted.filter((s) => s.organisation_id === ids.get(o.ref));
    const [latest, before] = own;
    if (!latest) {
      notYet.push({ ref: o.ref, name: o.name });
      continue;
    }
    assessed.push({
      ref: o.ref,
      name: o.name,
      assessmentId: latest.id,
      submittedAt: latest.submitted_at,
      scores: scoresOf(latest.id) ?? {},
      previous: scoresOf(before?.id),
      evidence: (latest.platform_evidence ?? {}) as Record<string, Measure>,
    });
  }
  return { assessed, notYet };
}

/** The place's benchmark, for its staff. */
export async function placeBenchmark(deps: Deps, actor: Actor | null, requestId?: string) {
  await decideOnPlace(deps, actor, 'compareMaturity', 'benchmark.view', requestId);
  const framework = await currentFramework(deps.db);
  const { assessed, notYet } = await assessedOrganisations(deps);
  const imported = (await store.importedBenchmarks(deps.db)).filter((b) => b.framework_id === framework.id);
  return {
    framework,
    place: (await deps.places.place()).name,
    assessed,
    otherPlaces: imported.map((b) => ({
      place: b.place_name,
      importedAt: b.imported_at,
      medians: Object.fromEntries(
        [...new Set(b.scores.map((s) => s.item))].map((item) => [
          item,
          median(b.scores.filter((s) => s.item === item).map((s) => s.score)),
        ]),
      ),
    })),
    benchmark: benchmark(framework, assessed),
    evidence: assessed.map((a) => ({ ref: a.ref, name: a.name, measures: Object.values(a.evidence) })),
    notYet,
  };
}
