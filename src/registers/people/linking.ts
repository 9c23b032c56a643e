// Use-cases of golden people: a linkage run over every organisation's records (people keep
// their ids, reviewers' decisions stand, merges and splits are written down), here; and, each
// from its own file, the review queue (review.ts), a person's records (golden-people.ts), staff
// splits and merges (person-decisions.ts) and "do we know this person?" (matching.ts), all
// offered as the one linking service. Every look at personal data is decided by the policies
// and written to the ledger.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import {
  assignPersonIds,
  BLOCKING_RULES,
  type LinkageModel,
  type LinkageStage,
  modelFits,
  RecordsNormaliser,
  STORED_KEYS_VERSION,
  storedKeysOf,
  type ValueCounts,
} from '../../linkage/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, Conflict, type JobDefinition, type JobsLog, newId } from '../../platform/index.ts';
import { type EnginePairs, enginePairs, stageTimer, type Timer, toLinkage } from './engine.ts';
import { type PersonEvent, peopleFrom, personEvents } from './golden.ts';
import { goldenPeople, recordReader } from './golden-people.ts';
import * as kept from './kept-keys.ts';
import { type MatchQuery, matchPeople } from './matching.ts';
import { personDecisions } from './person-decisions.ts';
import { reviewQueue } from './review.ts';
import * as people from './store.ts';

export interface LinkRunReport {
  ran: boolean;
  /** whether only the new and changed records were compared, with the last run's model */
  incremental: boolean;
  records: number;
  changed: number;
  candidatePairs: number;
  automatic: number;
  review: number;
  people: number;
  merged: number;
  split: number;
  created: number;
  /** Seconds spent in each stage, in order: loading the records, the engine's stages, storing the result. */
  phases: { stage: string; seconds: number }[];
}

/** Refused: another run of linkage holds the lock. */
export class LinkageRunning extends Conflict {}

type RunOptions = {
  force?: boolean;
  onProgress?: (stage: LinkageStage | 'load' | 'store', done: number, total: number) => void;
};

/**
 * What this run has to do, read without loading the records: which records are new or changed
 * since they were last linked, whether anything was decided since, and whether the last run
 * left what a run over only the changed records needs (a model that fits, the blocking keys).
 */
async function runPlan(db: Db) {
  const [records, changedIds, last, keptEntries] = await Promise.all([
    kept.recordCount(db),
    kept.changedRecordIds(db),
    people.lastRun(db),
    kept.keptEntries(db),
  ]);
  const model = last?.model as LinkageModel | null | undefined;
  const fits = !!model && modelFits(model);
  const changed = changedIds.length;
  // Nothing to do when nothing changed, unless the last model was learnt by an earlier version
  // (matching refuses it until linkage runs again).
  const unchanged = !!last && changed === 0 && last.decisions_since === 0 && (!model || fits);
  // what changed is linked against the rest with the last model, unless so much changed, this
  // time or since the last run over everything (each run over what changed keeps its records'
  // keys again), that the model and the names' counts may have too, or the last run kept no
  // blocking keys (or those of other rules)
  const incremental =
    !!last &&
    fits &&
    last.stored_keys === STORED_KEYS_VERSION &&
    last.population !== null &&
    changed <= records * INCREMENTAL_SHARE &&
    keptEntries + changed <= records * (1 + INCREMENTAL_SHARE);
  return { records, changedIds, unchanged, incremental, model, last };
}

type Plan = Awaited<ReturnType<typeof runPlan>>;

/**
 * The records now, normalised for the engine as they are read a chunk at a time (no array of
 * every record), with their ids and versions; and their links as the last run left them.
 */
async function linkState(db: Db, expected: number) {
  const normaliser = new RecordsNormaliser(expected);
  const ids: string[] = [];
  const versions = new Map<string, number>();
  for await (const chunk of people.linkableRecords(db)) {
    for (const record of chunk) {
      normaliser.add(toLinkage(record));
      ids.push(record.id);
      versions.set(record.id, record.version);
    }
  }
  const links = await people.currentLinks(db);
  const previous = new Map(links.map((l) => [l.record_id, l.person_id]));
  const versionOf = new Map(links.map((l) => [l.record_id, l.record_version]));
  return { normaliser, ids, versions, previous, versionOf };
}

/** Up to this share of records new or changed, a run links only them (see docs/decisions/0012-linking-registers.md). */
const INCREMENTAL_SHARE = 0.1;

/** The pairs as stored: each in order, explained only when a reviewer will read it. */
function pairsToStore({ result, automatic, review }: EnginePairs, changed?: ReadonlySet<string>) {
  const ordered = (a: string, b: string) => (a < b ? [a, b] : [b, a]) as [string, string];
  return (
    [
      ...automatic.map((p) => ({ ...p, status: 'automatic' as const })),
      ...review.map((p) => ({ ...p, status: 'review' as const })),
    ]
      // a run over what changed writes only the pairs of the changed records: the rest stand
      .filter((p) => !changed || changed.has(p.a) || changed.has(p.b))
      .map((p) => {
        const [a, b] = ordered(p.a, p.b);
        return {
          record_a: a,
          record_b: b,
          weight: p.weight,
          probability: p.probability,
          // only a reviewer reads an explanation: automatic pairs are not explained in storage
          explanation: p.status === 'review' ? result.explain(a, b) : null,
          status: p.status,
        };
      })
  );
}

/** The links whose person or record version differ from those stored. */
function changedLinks(
  personIds: Map<string, string>,
  previous: ReadonlyMap<string, string>,
  linkedVersion: ReadonlyMap<string, number>,
  versions: ReadonlyMap<string, number>,
): { record_id: string; person_id: string; record_version: number }[] {
  return [...personIds]
    .filter(
      ([record, person]) =>
        previous.get(record) !== person || linkedVersion.get(record) !== versions.get(record),
    )
    .map(([record, person]) => ({
      record_id: record,
      person_id: person,
      record_version: versions.get(record) as number,
    }));
}

/** Stores the run in one transaction: new people, changed links, retired people, pairs, history, ledger entry. */
async function storeRun(
  db: Db,
  governance: GovernanceService,
  report: LinkRunReport,
  run: {
    events: PersonEvent[];
    links: ReturnType<typeof changedLinks>;
    pairs: ReturnType<typeof pairsToStore>;
    model: EnginePairs['result']['model'];
    /** the records a run over what changed linked, whose pairs alone are replaced */
    changed?: string[];
    /** blocking keys kept for the next run: every record's (replacing all) or the changed records' */
    keys: kept.KeptKeys;
    /** a run over every record: the names' counts kept for the next run */
    counts?: ValueCounts;
    population: number;
  },
  timer: Timer,
) {
  const { events } = run;
  await db.transaction().execute(async (trx) => {
    const runId = await people.insertRun(trx);
    await people.insertPeople(
      trx,
      events.flatMap((e) => (e.event === 'created' ? [e.person] : [])),
      runId,
    );
    await people.upsertLinks(trx, run.links, runId);
    await people.retirePeople(
      trx,
      events.flatMap((e) => (e.event === 'retired' ? [{ id: e.person, mergedInto: e.mergedInto }] : [])),
      runId,
    );
    if (run.changed) await people.storePairsOfChanged(trx, run.pairs, run.changed, runId);
    else await people.storePairs(trx, run.pairs, runId);
    await people.insertHistory(
      trx,
      events.map(({ event, person, ...detail }) => ({ person_id: person, event, detail })),
      runId,
    );
    timer.progress('keep keys', 0, 1);
    if (run.changed) await kept.addKeys(trx, run.keys);
    else await kept.replaceKeys(trx, run.keys);
    if (run.counts) await kept.replaceNameCounts(trx, run.counts);
    await people.finishRun(trx, runId, {
      records: report.records,
      changed: report.changed,
      candidatePairs: report.candidatePairs,
      automatic: report.automatic,
      review: report.review,
      people: report.people,
      model: run.model,
      storedKeys: STORED_KEYS_VERSION,
      population: run.population,
    });
    await governance.ledger.append(trx, [
      {
        action: 'linkage.run',
        resource: { type: 'link-run', id: runId },
        detail: {
          records: report.records,
          changed: report.changed,
          automatic: report.automatic,
          review: report.review,
          people: report.people,
          merged: report.merged,
          split: report.split,
        },
      },
    ]);
  });
}

type Decided = readonly { record_a: string; record_b: string; status: string }[];
const decidedAs = (decided: Decided, status: 'confirmed' | 'rejected') =>
  decided.filter((d) => d.status === status).map((d) => [d.record_a, d.record_b] as const);

/** The figures of a run, from the people it made and what happened to them. */
function reportOf(
  plan: Plan,
  engine: EnginePairs,
  events: PersonEvent[],
  people: number,
  incremental: boolean,
): LinkRunReport {
  const count = (event: PersonEvent['event']) => events.filter((e) => e.event === event).length;
  return {
    ran: true,
    incremental,
    records: plan.records,
    changed: plan.changedIds.length,
    candidatePairs: engine.result.candidatePairs,
    automatic: engine.automatic.length,
    review: engine.review.length,
    people,
    merged: count('merged'),
    split: count('split'),
    created: count('created'),
    phases: [],
  };
}

/** One run of linkage, on the connection holding the lock. */
async function linkOnce(db: Db, governance: GovernanceService, options: RunOptions): Promise<LinkRunReport> {
  const timer = stageTimer(options.onProgress as (stage: string, done: number, total: number) => void);
  timer.progress('load', 0, 1);
  const plan = await runPlan(db);
  if (!options.force && plan.unchanged) {
    const people = await kept.peopleCount(db);
    timer.progress('load', 1, 1);
    const nothing = { ran: false, incremental: false, records: plan.records, changed: 0, people };
    const none = { candidatePairs: 0, automatic: 0, review: 0, merged: 0, split: 0, created: 0 };
    return { ...nothing, ...none, phases: timer.finish() };
  }
  const report =
    !options.force && plan.incremental
      ? await linkChanged(db, governance, plan, timer)
      : await linkEverything(db, governance, plan, timer);
  report.phases = timer.finish();
  return report;
}

/** A run over every record: the model learnt again, every pair scored, people made afresh. */
async function linkEverything(db: Db, governance: GovernanceService, plan: Plan, timer: Timer) {
  const state = await linkState(db, plan.records);
  timer.progress('load', 1, 1);
  const engine = await enginePairs(state.normaliser, state.ids.length, timer);
  timer.progress('people', 0, 1);
  const decided = await people.decidedPairs(db);
  const clusters = peopleFrom(
    state.ids,
    engine.automatic,
    decidedAs(decided, 'confirmed'),
    decidedAs(decided, 'rejected'),
  );
  const personIds = assignPersonIds(clusters, state.previous, newId);
  const events = personEvents(state.previous, personIds);
  const versions = state.versions;
  const report = reportOf(plan, engine, events, clusters.length, false);
  timer.progress('store', 0, 1);
  await storeRun(
    db,
    governance,
    report,
    {
      events,
      links: changedLinks(personIds, state.previous, state.versionOf, versions),
      pairs: pairsToStore(engine),
      model: engine.result.model,
      // the engine's first records are the real ones, in order (any training population follows)
      keys: {
        ids: state.ids,
        keys: engine.result.storedKeys().subarray(0, state.ids.length * BLOCKING_RULES.length),
        width: BLOCKING_RULES.length,
      },
      counts: engine.result.valueCounts(),
      population: engine.result.records,
    },
    timer,
  );
  timer.progress('keep keys', 1, 1);
  return report;
}

/**
 * A run over what changed (see docs/decisions/0012-linking-registers.md): only the new and
 * changed records are normalised and keyed, and compared, with the last model, against the
 * records sharing a kept blocking key with them; only the people those records were or now join
 * are made again, from their links. Every other record keeps its person untouched.
 */
async function linkChanged(db: Db, governance: GovernanceService, plan: Plan, timer: Timer) {
  const last = plan.last as NonNullable<Plan['last']>;
  const changed = new Set(plan.changedIds);
  const changedRecords = await kept.recordsById(db, plan.changedIds);
  timer.progress('load', 1, 1);
  timer.progress('keys', 0, 1);
  const changedLinkage = changedRecords.map(toLinkage);
  const keys = {
    ids: changedLinkage.map((r) => r.id),
    keys: storedKeysOf(changedLinkage),
    width: BLOCKING_RULES.length,
  };
  const wanted = new Set(keys.keys);
  wanted.delete(0);
  const around = (await kept.recordsSharingKeys(db, wanted)).filter((id) => !changed.has(id));
  const [neighbours, frequencies] = await Promise.all([
    kept.recordsById(db, around),
    kept.nameCounts(db, last.population as number),
  ]);
  timer.progress('keys', 1, 1);
  const normaliser = new RecordsNormaliser(changedLinkage.length + neighbours.length);
  for (const record of changedLinkage) normaliser.add(record);
  for (const record of neighbours) normaliser.add(toLinkage(record));
  const engine = await enginePairs(normaliser, changedLinkage.length + neighbours.length, timer, {
    model: plan.model as LinkageModel,
    changed,
    matches: [],
    frequencies,
  });

  timer.progress('people', 0, 1);
  // the people touched: those the changed records were, those they are now linked to, and those
  // of records a reviewer decided on since
  const touched = new Set([
    ...changed,
    ...engine.automatic.flatMap((p) => [p.a, p.b]),
    ...(last.decisions_since > 0 ? await kept.recordsDecidedSince(db, last.finished_at) : []),
  ]);
  const links = await kept.recordsOfPeopleOf(db, [...touched]);
  const previous = new Map(links.map((l) => [l.record_id, l.person_id]));
  const linkedVersion = new Map(links.map((l) => [l.record_id, l.record_version]));
  const records = [...new Set([...touched, ...previous.keys()])];
  const [stored, peopleBefore] = await Promise.all([kept.pairsAmong(db, records), kept.peopleCount(db)]);
  // the links between records that did not change stand; the changed records' are this run's
  const standing = stored.filter(
    (p) => p.status === 'automatic' && !changed.has(p.record_a) && !changed.has(p.record_b),
  );
  const clusters = peopleFrom(
    records,
    [
      ...engine.automatic,
      ...standing.map((p) => ({ a: p.record_a, b: p.record_b, weight: p.weight as number })),
    ],
    decidedAs(stored, 'confirmed'),
    decidedAs(stored, 'rejected'),
  );
  const personIds = assignPersonIds(clusters, previous, newId);
  const events = personEvents(previous, personIds);
  const versions = new Map([...linkedVersion, ...changedRecords.map((r) => [r.id, r.version] as const)]);
  const report = reportOf(
    plan,
    engine,
    events,
    peopleBefore - new Set(previous.values()).size + clusters.length,
    true,
  );
  timer.progress('store', 0, 1);
  await storeRun(
    db,
    governance,
    report,
    {
      events,
      links: changedLinks(personIds, previous, linkedVersion, versions),
      pairs: pairsToStore(engine, changed),
      model: plan.model as LinkageModel,
      changed: plan.changedIds,
      keys,
      population: last.population as number,
    },
    timer,
  );
  timer.progress('keep keys', 1, 1);
  return report;
}

/** The job that links the records changed since the last run: nudged after imports, and on a schedule. */
export const LINK_JOB = 'link-records';

export function linkingService(
  db: Db,
  governance: GovernanceService,
  places: PlacesService,
  identity: Pick<IdentityService, 'accountNames'>,
) {
  const reader = recordReader(db, governance);

  const service = {
    /**
     * Linking by itself: every ten minutes (and at start, and when an import nudges it), a run
     * over what changed; a run with nothing changed costs a count. A run already going (this job
     * on another instance, or `flagstone link`) holds the lock, and this one gives way to it.
     */
    jobs(log: JobsLog): JobDefinition[] {
      return [
        {
          name: LINK_JOB,
          cron: '*/10 * * * *',
          policy: 'stately',
          retryLimit: 2,
          run: async () => {
            try {
              const report = await service.run();
              if (report.ran) {
                const { records, changed, automatic, review, people } = report;
                log.info?.({ records, changed, automatic, review, people }, 'linked records');
              }
            } catch (error) {
              if (!(error instanceof LinkageRunning)) throw error;
            }
          },
        },
      ];
    },

    ...goldenPeople(db, governance, identity),

    ...personDecisions(db, governance),

    /**
     * Links every organisation's records into people. Skipped when no record changed and no
     * reviewer decided anything since the last run (unless forced).
     */
    async run(options: RunOptions = {}): Promise<LinkRunReport> {
      // One connection holds the lock for the whole run; it is let go when the run ends or the
      // process dies (the connection closes), so a crashed run never blocks the next one.
      return db.connection().execute(async (conn) => {
        const { rows } = await sql<{
          locked: boolean;
        }>`SELECT pg_try_advisory_lock(${people.LINK_LOCK}) AS locked`.execute(conn);
        if (!rows[0]?.locked)
          throw new LinkageRunning(
            'Another "flagstone link" is running on this database: nothing was changed. Run it again when that one has finished.',
          );
        try {
          return await linkOnce(conn, governance, options);
        } finally {
          await sql`SELECT pg_advisory_unlock(${people.LINK_LOCK})`.execute(conn);
        }
      });
    },

    ...reviewQueue({ db, governance, places, ...reader }),

    /**
     * Golden people who may be the person described, most likely first, scored with the model of
     * the last run against the records the asker may see. Each record returned is a read in the ledger.
     */
    match: (actor: Actor | null, query: MatchQuery, purpose: string | null, requestId?: string) =>
      matchPeople({ db, governance, ...reader }, actor, query, purpose, requestId),
  };
  return service;
}

export type LinkingService = ReturnType<typeof linkingService>;
