// Between the registers and the linkage engine, with no database: the thresholds pairs are
// linked and queued by, a record as the engine reads it and an explanation with the values of a
// record the reader may not see taken out (all pure), the engine's run over records given to a
// normaliser, and the time each stage of a run took (by the process's own timer).
import {
  type Explanation,
  type LinkageRecord,
  linkRecords,
  type RecordsNormaliser,
  syntheticPeople,
} from '../../linkage/index.ts';
import type { LinkableRecord } from './store.ts';

/** Pairs at or above this are linked without a person looking (stricter than the engine's 0.9: these join organisations' records). */
export const MATCH_THRESHOLD = 0.95;
/** Pairs from this up to MATCH_THRESHOLD wait in the review queue. */
export const REVIEW_THRESHOLD = 0.5;
/** Below this many records the model is learnt with a synthetic population alongside (see docs/decisions/0012-linking-registers.md). */
export const TRAINING_FLOOR = 10_000;

/** Wraps a progress callback to time each stage from its first report to the next stage's. */
export function stageTimer(onProgress?: (stage: string, done: number, total: number) => void) {
  const phases: { stage: string; seconds: number }[] = [];
  let since = performance.now();
  const close = () => {
    const now = performance.now();
    const last = phases.at(-1);
    if (last) last.seconds = Math.round((last.seconds + (now - since) / 1000) * 1000) / 1000;
    since = now;
  };
  return {
    phases,
    progress(stage: string, done: number, total: number) {
      if (phases.at(-1)?.stage !== stage) {
        close();
        phases.push({ stage, seconds: 0 });
      }
      onProgress?.(stage, done, total);
    },
    finish() {
      close();
      return phases;
    },
  };
}

export const toLinkage = (r: LinkableRecord): LinkageRecord => {
  const [first = '', ...middle] = r.given_names.trim().split(/\s+/);
  return {
    id: r.id,
    source: r.organisation_id,
    firstName: first,
    middleName: middle.join(' ') || undefined,
    lastName: r.family_name,
    dateOfBirth: r.date_of_birth ?? undefined,
    addressLine: r.address_line ?? undefined,
    town: r.town ?? undefined,
    postcode: r.postcode ?? undefined,
    nhsNumber: r.nhs_number ?? undefined,
    phone: r.phone ?? undefined,
    email: r.email ?? undefined,
  };
};

/** The explanation with the values of a record the reader may not see taken out. */
export function redact(explanation: Explanation, hideA: boolean, hideB: boolean): Explanation {
  if (!hideA && !hideB) return explanation;
  return {
    ...explanation,
    steps: explanation.steps.map((s) => ({
      ...s,
      valueA: hideA && s.valueA ? 'withheld' : s.valueA,
      valueB: hideB && s.valueB ? 'withheld' : s.valueB,
    })),
  };
}

export type Timer = ReturnType<typeof stageTimer>;

/**
 * The engine's pairs among the real records (those given to the normaliser), learnt with a
 * synthetic population alongside when there are few.
 */
export async function enginePairs(normaliser: RecordsNormaliser, real: number, timer: Timer, since?: Since) {
  if (!since && real < TRAINING_FLOOR) {
    timer.progress('training population', 0, 1);
    for (const r of syntheticPeople({ records: 5000, seed: 20_240_611 }).records)
      normaliser.add({ ...r, id: `training-${r.id}`, source: `training-${r.source}` });
  }
  const isReal = (id: string) => !id.startsWith('training-');
  timer.progress('normalise', 0, 1);
  const normalised = normaliser.finish();
  timer.progress('normalise', 1, 1);
  const result = await linkRecords(
    { normalised },
    {
      matchThreshold: MATCH_THRESHOLD,
      reviewThreshold: REVIEW_THRESHOLD,
      // a reviewer still sees an uncertain pair that a chain of links put in one person
      linkWithinPeople: false,
      onProgress: timer.progress,
      since,
    },
  );
  const automatic = result.matches.filter((p) => isReal(p.a) && isReal(p.b));
  const review = result.review.filter((p) => isReal(p.a) && isReal(p.b));
  return { result, automatic, review };
}

export type EnginePairs = Awaited<ReturnType<typeof enginePairs>>;
type Since = NonNullable<Parameters<typeof linkRecords>[1]>['since'];
