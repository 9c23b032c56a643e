// The review queue: pairs of records the engine is unsure of, shown to staff of an organisation
// holding one of them (each record only when the reviewer may read it), and the reviewer's
// decision, which stands on every later linkage run and is in the ledger.
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { Explanation } from '../../linkage/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, Conflict, Forbidden, Invalid, NotFound } from '../../platform/index.ts';
import type * as store from '../records/index.ts';
import { toPersonRecord } from '../records/index.ts';
import { redact } from './engine.ts';
import type { recordReader } from './golden-people.ts';
import * as people from './store.ts';

type ReviewDeps = { db: Db; governance: GovernanceService; places: PlacesService } & ReturnType<
  typeof recordReader
>;

/** A pair waiting for review, its two records, and which of them the asker may read. */
async function pairToReview(
  { db, readable, loadRecord }: ReviewDeps,
  actor: Actor | null,
  a: string,
  b: string,
  purpose: string | null,
  requestId?: string,
) {
  const pair = await people.findPair(db, a, b);
  if (!pair) throw new NotFound('There is no such pair to review');
  const rows = [await loadRecord(pair.record_a), await loadRecord(pair.record_b)];
  return { pair, rows, ...(await readable(actor, rows, purpose, 'person-record.read', requestId)) };
}

/** One pair for review: each record shown only when the reviewer may read it, values withheld otherwise. */
async function pairForReviewer(
  deps: ReviewDeps,
  actor: Actor | null,
  a: string,
  b: string,
  purpose: string | null,
  requestId?: string,
) {
  const { pair, rows, principal, allowed, refused } = await pairToReview(
    deps,
    actor,
    a,
    b,
    purpose,
    requestId,
  );
  if (principal.kind !== 'staff' || !rows.some((r) => principal.organisations.includes(r.organisation_id)))
    throw new Forbidden('Only staff of an organisation holding one of the records can review this pair');
  await deps.governance.guard.record([...allowed.values(), ...refused]);
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
}

/** A reviewer's decision: same person, different people, or not sure. Audited; stands on later runs. */
async function decide(
  deps: ReviewDeps,
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
  const { db, governance } = deps;
  const { pair, rows, principal, allowed, refused } = await pairToReview(
    deps,
    actor,
    a,
    b,
    purpose,
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
}

export function reviewQueue(deps: ReviewDeps) {
  const { db, governance, places } = deps;
  return {
    /**
     * Pairs waiting for review where one record is held by the reviewer's organisation. Only the
     * holders and the probability are shown here: no personal data, so nothing to decide.
     */
    async queue(actor: Actor | null) {
      const principal = await governance.principal(actor);
      if (principal.kind !== 'staff') throw new Forbidden('The review queue is for staff');
      const waiting = await people.waitingPairs(db, principal.organisations);
      // The holders' names from places' organisations by id, held in memory (no query once known).
      const holders = await places.organisationsById(
        waiting.flatMap((p) => [p.organisation_a_id, p.organisation_b_id]),
      );
      return waiting.map((p) => ({
        a: p.record_a,
        b: p.record_b,
        holderA: holders.get(p.organisation_a_id)?.name ?? '',
        holderB: holders.get(p.organisation_b_id)?.name ?? '',
        probability: p.probability,
        status: p.status,
      }));
    },

    /** One pair for review: each record shown only when the reviewer may read it, values withheld otherwise. */
    pair: (actor: Actor | null, a: string, b: string, purpose: string | null, requestId?: string) =>
      pairForReviewer(deps, actor, a, b, purpose, requestId),

    /** A reviewer's decision: same person, different people, or not sure. Audited; stands on later runs. */
    decide: (
      actor: Actor | null,
      a: string,
      b: string,
      decision: string,
      purpose: string | null,
      requestId?: string,
    ) => decide(deps, actor, a, b, decision, purpose, requestId),
  };
}
