// The routemap's use-cases, built once: the framework and its versions, self-assessment, action
// plans, the place's benchmark and one organisation against the place's median.
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, type Clock, Conflict, requireActor } from '../../platform/index.ts';
import { decideOn, decideOnPlace } from './access.ts';
import { actionsService } from './actions.ts';
import * as assessments from './assessments.ts';
import { againstMedian } from './benchmark.ts';
import type { KpiTrendsOf } from './evidence.ts';
import { addEvidenceFile, evidenceFile } from './evidence-files.ts';
import { parseFramework } from './framework.ts';
import { placeBenchmark } from './place.ts';
import { assessmentFiles, benchmarkFile, importBenchmark, openBenchmark } from './publishing.ts';
import * as store from './store.ts';
import type { Upload } from './uploads.ts';

type Scores = Parameters<typeof assessments.saveScores>[3];

export function routemapService(
  db: Db,
  clock: Clock,
  governance: GovernanceService,
  places: PlacesService,
  notify: NotifyService,
  kpiTrends?: KpiTrendsOf,
) {
  const deps = { db, clock, governance, places, kpiTrends };
  return {
    /** The same use-cases as at another time: for loading a demo's history. */
    asOf: (at: Date) => routemapService(db, { now: () => at }, governance, places, notify, kpiTrends),
    frameworks: () => assessments.frameworksOf(db),
    currentFramework: () => assessments.currentFramework(db),

    /** Adds a version of the framework from its file (JSON); new assessments are made against it. */
    async addFramework(actor: Actor | null, text: string, requestId?: string) {
      const { entry, principal } = await decideOnPlace(
        deps,
        actor,
        'manageRoutemap',
        'framework.add',
        requestId,
      );
      const framework = parseFramework(text);
      await assessments.frameworksOf(db);
      await db.transaction().execute(async (trx) => {
        if (!(await store.addFramework(trx, framework, principal.accountId)))
          throw new Conflict(
            `There is already a framework ${framework.id}: give the new version an id of its own`,
          );
        await governance.guard.write(trx, [entry.as({ detail: { framework: framework.id } })]);
      });
      return framework;
    },

    importBenchmark: (actor: Actor | null, csv: string, requestId?: string) =>
      importBenchmark(deps, actor, csv, requestId),
    assessmentFiles: (actor: Actor | null, ref: string, requestId?: string) =>
      assessmentFiles(deps, actor, ref, requestId),
    benchmarkFile: (actor: Actor | null, requestId?: string) => benchmarkFile(deps, actor, requestId),
    /** The place's benchmark as open data publishes it: scores and dates only, for anyone. */
    openBenchmark: () => openBenchmark(deps),
    /** The organisations whose routemap the person works on: their own, or every one for an administrator. */
    async organisations(actor: Actor | null) {
      const who = requireActor(actor);
      const all = await places.organisations();
      if (who.roles.some((r) => r.role === 'admin')) return all;
      const mine = new Set(who.roles.filter((r) => r.role !== 'auditor').map((r) => r.organisation));
      return all.filter((o) => mine.has(o.ref));
    },

    placeOrganisations: () => places.organisations(),
    overview: (actor: Actor | null, ref: string, requestId?: string) =>
      assessments.overview(deps, actor, ref, requestId),
    saveScore: (
      actor: Actor | null,
      ref: string,
      item: string,
      input: assessments.ScoreInput,
      requestId?: string,
    ) => assessments.saveScore(deps, actor, ref, item, input, requestId),
    saveScores: (actor: Actor | null, ref: string, scores: Scores, requestId?: string) =>
      assessments.saveScores(deps, actor, ref, scores, requestId),
    submit: (actor: Actor | null, ref: string, requestId?: string) =>
      assessments.submitDraft(deps, actor, ref, requestId),
    addEvidenceFile: (
      actor: Actor | null,
      ref: string,
      item: string,
      upload: Upload | undefined,
      requestId?: string,
    ) => addEvidenceFile(deps, actor, ref, item, upload, requestId),
    evidenceFile: (actor: Actor | null, ref: string, id: string, requestId?: string) =>
      evidenceFile(deps, actor, ref, id, requestId),
    actions: actionsService({ ...deps, notify }),
    benchmark: (actor: Actor | null, requestId?: string) => placeBenchmark(deps, actor, requestId),

    /** One organisation against the place's median on every item (its own staff, or an administrator). */
    async compare(actor: Actor | null, ref: string, requestId?: string) {
      const { organisation } = await decideOn(
        deps,
        actor,
        ref,
        'viewMaturity',
        'benchmark.compare',
        requestId,
      );
      const place = await placeBenchmark(deps, actor, requestId);
      return { organisation, ...place, items: againstMedian(place.benchmark, ref) };
    },
  };
}

export type RoutemapService = ReturnType<typeof routemapService>;
