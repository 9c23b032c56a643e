// Use-cases of golden people: a linkage run over every organisation's records (people keep
// their ids, reviewers' decisions stand, merges and splits are written down), the review
// queue for pairs the engine is unsure of, a person's records, and "do we know this person?".
// Every look at personal data is decided by the policies and written to the ledger.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Decision, GovernanceService } from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import {
  assignPersonIds,
  type Explanation,
  type LinkageModel,
  type LinkageStage,
  linkRecords,
  modelFits,
  scoreAgainst,
  syntheticPeople,
} from '../../linkage/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, Conflict, Forbidden, Invalid, NotFound, newId } from '../../platform/index.ts';
import type * as store from '../records/index.ts';
import { matchCandidates, normalPostcode, type PersonRecord, toPersonRecord } from '../records/index.ts';
import { redact, stageTimer, toLinkage } from './engine.ts';
import { peopleFrom, personEvents } from './golden.ts';
import { goldenPeople, recordReader } from './golden-people.ts';
import * as people from './store.ts';

/** Pairs at or above this are linked without a person looking (stricter than the engine's 0.9: these join organisations' records). */
export const MATCH_THRESHOLD = 0.95;
/** Pairs from this up to MATCH_THRESHOLD wait in the review queue. */
export const REVIEW_THRESHOLD = 0.5;
/** Below this many records the model is learnt with a synthetic population alongside (see docs/decisions/0012-linking-registers.md). */
export const TRAINING_FLOOR = 10_000;

export interface LinkRunReport {
  ran: boolean;
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

export function linkingService(
  db: Db,
  governance: GovernanceService,
  places: PlacesService,
  identity: Pick<IdentityService, 'accountNames'>,
) {
  const { readable, loadRecord } = recordReader(db, governance);

  /** The names of the organisations of the place by id: places owns them (tens, not thousands). */
  async function organisationNames(): Promise<Map<string, string>> {
    const organisations = await places.organisations();
    const ids = await places.organisationIds(organisations.map((o) => o.ref));
    return new Map(organisations.map((o) => [ids.get(o.ref) ?? o.ref, o.name]));
  }

  type RunOptions = {
    force?: boolean;
    onProgress?: (stage: LinkageStage | 'load' | 'store', done: number, total: number) => void;
  };

  /** One run of linkage, on the connection holding the lock. */
  async function linkOnce(db: Db, options: RunOptions): Promise<LinkRunReport> {
    const timer = stageTimer(options.onProgress as (stage: string, done: number, total: number) => void);
    timer.progress('load', 0, 1);
    const records = await people.linkableRecords(db);
    const links = await people.currentLinks(db);
    const previous = new Map(links.map((l) => [l.record_id, l.person_id]));
    const versionOf = new Map(links.map((l) => [l.record_id, l.record_version]));
    const changed = records.filter((r) => versionOf.get(r.id) !== r.version).length;
    const last = await people.lastRun(db);
    const idle: LinkRunReport = {
      ran: false,
      records: records.length,
      changed: 0,
      candidatePairs: 0,
      automatic: 0,
      review: 0,
      people: new Set(previous.values()).size,
      merged: 0,
      split: 0,
      created: 0,
      phases: [],
    };
    const removed = links.length > records.length - records.filter((r) => !versionOf.has(r.id)).length;
    timer.progress('load', 1, 1);
    if (!options.force && last && changed === 0 && !removed && last.decisions_since === 0)
      return { ...idle, phases: timer.finish() };

    const real = records.map(toLinkage);
    if (real.length < TRAINING_FLOOR) timer.progress('training population', 0, 1);
    const training =
      real.length < TRAINING_FLOOR
        ? syntheticPeople({ records: 5000, seed: 20_240_611 }).records.map((r) => ({
            ...r,
            id: `training-${r.id}`,
            source: `training-${r.source}`,
          }))
        : [];
    const isReal = (id: string) => !id.startsWith('training-');
    const result = await linkRecords(
      { records: [...real, ...training] },
      {
        matchThreshold: MATCH_THRESHOLD,
        reviewThreshold: REVIEW_THRESHOLD,
        onProgress: timer.progress,
      },
    );
    const automatic = result.matches.filter((p) => isReal(p.a) && isReal(p.b));
    const review = result.review.filter((p) => isReal(p.a) && isReal(p.b));
    timer.progress('people', 0, 1);
    const decided = await people.decidedPairs(db);
    const clusters = peopleFrom(
      real.map((r) => r.id),
      automatic,
      decided.filter((d) => d.status === 'confirmed').map((d) => [d.record_a, d.record_b] as const),
      decided.filter((d) => d.status === 'rejected').map((d) => [d.record_a, d.record_b] as const),
    );
    const personIds = assignPersonIds(clusters, previous, newId);
    const events = personEvents(previous, personIds);
    const ordered = (a: string, b: string) => (a < b ? [a, b] : [b, a]) as [string, string];
    const pairs = [
      ...automatic.map((p) => ({ ...p, status: 'automatic' as const })),
      ...review.map((p) => ({ ...p, status: 'review' as const })),
    ].map((p) => {
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
    });
    const versions = new Map(records.map((r) => [r.id, r.version]));
    const changedLinks = [...personIds]
      .filter(
        ([record, person]) =>
          previous.get(record) !== person || versionOf.get(record) !== versions.get(record),
      )
      .map(([record, person]) => ({
        record_id: record,
        person_id: person,
        record_version: versions.get(record) as number,
      }));
    const report: LinkRunReport = {
      ran: true,
      records: real.length,
      changed,
      candidatePairs: result.candidatePairs,
      automatic: automatic.length,
      review: review.length,
      people: clusters.length,
      merged: events.filter((e) => e.event === 'merged').length,
      split: events.filter((e) => e.event === 'split').length,
      created: events.filter((e) => e.event === 'created').length,
      phases: [],
    };
    timer.progress('store', 0, 1);
    await db.transaction().execute(async (trx) => {
      const runId = await people.insertRun(trx);
      await people.insertPeople(
        trx,
        events.flatMap((e) => (e.event === 'created' ? [e.person] : [])),
        runId,
      );
      await people.upsertLinks(trx, changedLinks, runId);
      await people.retirePeople(
        trx,
        events.flatMap((e) => (e.event === 'retired' ? [{ id: e.person, mergedInto: e.mergedInto }] : [])),
        runId,
      );
      await people.storePairs(trx, pairs, runId);
      await people.insertHistory(
        trx,
        events.map(({ event, person, ...detail }) => ({ person_id: person, event, detail })),
        runId,
      );
      await people.finishRun(trx, runId, {
        records: real.length,
        changed,
        candidatePairs: result.candidatePairs,
        automatic: automatic.length,
        review: review.length,
        people: clusters.length,
        model: result.model,
      });
      await governance.ledger.append(trx, [
        {
          action: 'linkage.run',
          resource: { type: 'link-run', id: runId },
          detail: {
            records: real.length,
            changed,
            automatic: automatic.length,
            review: review.length,
            people: clusters.length,
            merged: report.merged,
            split: report.split,
          },
        },
      ]);
    });
    timer.progress('store', 1, 1);
    report.phases = timer.finish();
    return report;
  }

  return {
    ...goldenPeople(db, governance, identity),

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
          return await linkOnce(conn, options);
        } finally {
          await sql`SELECT pg_advisory_unlock(${people.LINK_LOCK})`.execute(conn);
        }
      });
    },

    /**
     * Pairs waiting for review where one record is held by the reviewer's organisation. Only the
     * holders and the probability are shown here: no personal data, so nothing to decide.
     */
    async queue(actor: Actor | null) {
      const principal = await governance.principal(actor);
      if (principal.kind !== 'staff') throw new Forbidden('The review queue is for staff');
      const waiting = await people.waitingPairs(db, principal.organisations);
      const names = waiting.length > 0 ? await organisationNames() : new Map<string, string>();
      return waiting.map((p) => ({
        a: p.record_a,
        b: p.record_b,
        holderA: names.get(p.organisation_a_id) ?? '',
        holderB: names.get(p.organisation_b_id) ?? '',
        probability: p.probability,
        status: p.status,
      }));
    },

    /** One pair for review: each record shown only when the reviewer may read it, values withheld otherwise. */
    async pair(actor: Actor | null, a: string, b: string, purpose: string | null, requestId?: string) {
      const pair = await people.findPair(db, a, b);
      if (!pair) throw new NotFound('There is no such pair to review');
      const rows = [await loadRecord(pair.record_a), await loadRecord(pair.record_b)];
      const { principal, allowed, refused } = await readable(
        actor,
        rows,
        purpose,
        'person-record.read',
        requestId,
      );
      if (
        principal.kind !== 'staff' ||
        !rows.some((r) => principal.organisations.includes(r.organisation_id))
      )
        throw new Forbidden('Only staff of an organisation holding one of the records can review this pair');
      await governance.guard.record([...allowed.values(), ...refused]);
      const side = (row: store.RecordRow) =>
        allowed.has(row.id)
          ? { visible: true as const, record: toPersonRecord(row) }
          : { visible: false as const, holder: row.organisation_name, organisation: row.organisation };
      return {
        a: side(rows[0] as store.RecordRow),
        b: side(rows[1] as store.RecordRow),
        probability: pair.probability,
        weight: pair.weight,
        status: pair.status,
        explanation: redact(
          pair.explanation as Explanation,
          !allowed.has(pair.record_a),
          !allowed.has(pair.record_b),
        ),
        canDecide: allowed.size === 2,
      };
    },

    /** A reviewer's decision: same person, different people, or not sure. Audited; stands on later runs. */
    async decide(
      actor: Actor | null,
      a: string,
      b: string,
      decision: string,
      purpose: string | null,
      requestId?: string,
    ) {
      const status = ({ same: 'confirmed', different: 'rejected', not_sure: 'not_sure' } as const)[
        decision as 'same'
      ];
      if (!status)
        throw new Invalid('Choose a decision', [
          { field: 'decision', message: 'Choose whether these are the same person' },
        ]);
      const pair = await people.findPair(db, a, b);
      if (!pair) throw new NotFound('There is no such pair to review');
      const rows = [await loadRecord(pair.record_a), await loadRecord(pair.record_b)];
      const { principal, allowed, refused } = await readable(
        actor,
        rows,
        purpose,
        'person-record.read',
        requestId,
      );
      if (allowed.size < 2 || !rows.some((r) => principal.organisations.includes(r.organisation_id))) {
        await governance.guard.record(refused);
        throw new Forbidden('You can decide on a pair only when you may see both records');
      }
      await db.transaction().execute(async (trx) => {
        if (!(await people.decidePair(trx, pair.record_a, pair.record_b, status, principal.accountId)))
          throw new Conflict('The pair has gone: run linkage again');
        await governance.ledger.append(trx, [
          {
            action: 'link.decide',
            actor: governance.actorOf(principal, rows[0]?.organisation),
            resource: { type: 'link-pair', id: `${pair.record_a}+${pair.record_b}` },
            purpose,
            requestId: requestId ?? null,
            detail: { decision, probability: Math.round(pair.probability * 1000) / 1000 },
          },
        ]);
      });
    },

    /**
     * Golden people who may be the person described, most likely first, scored with the model of
     * the last run against the records the asker may see. Each record returned is a read in the ledger.
     */
    async match(
      actor: Actor | null,
      query: {
        givenNames?: string;
        familyName?: string;
        dateOfBirth?: string;
        postcode?: string;
        addressLine?: string;
        nhsNumber?: string;
        email?: string;
        phone?: string;
      },
      purpose: string | null,
      requestId?: string,
    ) {
      const last = await people.lastRun(db);
      if (!last?.model) throw new Conflict('No linkage has run yet: run "flagstone link" first');
      if (!modelFits(last.model as LinkageModel)) {
        throw new Conflict(
          'The last linkage ran with an earlier version of Flagstone: run "flagstone link" again',
        );
      }
      const postcode = query.postcode ? (normalPostcode(query.postcode) ?? undefined) : undefined;
      const nhsNumber = query.nhsNumber?.replace(/[\s-]/g, '') || undefined;
      const candidates = await matchCandidates(db, { ...query, postcode, nhsNumber });
      const { allowed, refused } = await readable(
        actor,
        candidates,
        purpose,
        'person-record.match',
        requestId,
      );
      void refused; // records the asker may not see are left out, and not written down as reads
      const visible = candidates.filter((c) => allowed.has(c.id));
      const [first = '', ...middle] = (query.givenNames ?? '').trim().split(/\s+/);
      const explanations = scoreAgainst(
        last.model as LinkageModel,
        {
          id: 'query',
          source: 'query',
          firstName: first || undefined,
          middleName: middle.join(' ') || undefined,
          lastName: query.familyName,
          dateOfBirth: query.dateOfBirth,
          addressLine: query.addressLine,
          postcode,
          nhsNumber,
          email: query.email,
          phone: query.phone,
        },
        visible.map((r) => toLinkage(r)),
      );
      const personOf = await people.personOf(
        db,
        visible.map((r) => r.id),
      );
      const best = new Map<string, { explanation: Explanation; records: PersonRecord[] }>();
      visible.forEach((row, i) => {
        const explanation = explanations[i] as Explanation;
        if (explanation.probability < REVIEW_THRESHOLD) return;
        const person = personOf.get(row.id) ?? `record:${row.id}`;
        const current = best.get(person);
        if (!current) best.set(person, { explanation, records: [toPersonRecord(row)] });
        else {
          current.records.push(toPersonRecord(row));
          if (explanation.probability > current.explanation.probability) current.explanation = explanation;
        }
      });
      const matches = [...best]
        .map(([person, m]) => ({
          personId: person.startsWith('record:') ? null : person,
          probability: m.explanation.probability,
          explanation: m.explanation,
          records: m.records,
        }))
        .sort((x, y) => y.probability - x.probability)
        .slice(0, 10);
      await governance.guard.record(
        matches.flatMap((m) => m.records.map((r) => allowed.get(r.id) as Decision)),
      );
      return { matches };
    },
  };
}

export type LinkingService = ReturnType<typeof linkingService>;
