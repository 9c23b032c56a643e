// "Do we already know this person?": golden people who may be the person described, scored with
// the model of the last linkage run against the records the asker may see, most likely first.
import type { Db } from '../../db/index.ts';
import type { Decision, GovernanceService } from '../../governance/index.ts';
import {
  type Explanation,
  type LinkageModel,
  type LinkageRecord,
  modelFits,
  scoreAgainst,
} from '../../linkage/index.ts';
import { type Actor, Conflict } from '../../platform/index.ts';
import type * as store from '../records/index.ts';
import { matchCandidates, normalPostcode, type PersonRecord, toPersonRecord } from '../records/index.ts';
import { REVIEW_THRESHOLD, toLinkage } from './engine.ts';
import type { recordReader } from './golden-people.ts';
import * as people from './store.ts';

export interface MatchQuery {
  givenNames?: string;
  familyName?: string;
  dateOfBirth?: string;
  postcode?: string;
  addressLine?: string;
  nhsNumber?: string;
  email?: string;
  phone?: string;
}

type MatchDeps = { db: Db; governance: GovernanceService } & ReturnType<typeof recordReader>;

/** The person described, as the engine reads a record. */
function describedPerson(query: MatchQuery, postcode?: string, nhsNumber?: string): LinkageRecord {
  const [first = '', ...middle] = (query.givenNames ?? '').trim().split(/\s+/);
  return {
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
  };
}

/** The likely records grouped by their golden person (a record not yet linked stands alone), best first, ten at most. */
function likelyPeople(
  visible: store.RecordRow[],
  explanations: Explanation[],
  personOf: Map<string, string>,
) {
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
  return [...best]
    .map(([person, m]) => ({
      personId: person.startsWith('record:') ? null : person,
      probability: m.explanation.probability,
      explanation: m.explanation,
      records: m.records,
    }))
    .sort((x, y) => y.probability - x.probability)
    .slice(0, 10);
}

/**
 * Golden people who may be the person described, most likely first, scored with the model of
 * the last run against the records the asker may see. Each record returned is a read in the ledger.
 */
export async function matchPeople(
  { db, governance, readable }: MatchDeps,
  actor: Actor | null,
  query: MatchQuery,
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
  // scored first, so that the policies are asked only about the records that may be the person
  // (a few of the hundreds of candidates): the others would not be shown whatever they decided
  const scored = scoreAgainst(
    last.model as LinkageModel,
    describedPerson(query, postcode, nhsNumber),
    candidates.map((r) => toLinkage(r)),
  );
  const likely = candidates.flatMap((row, i) => {
    const explanation = scored[i] as Explanation;
    return explanation.probability >= REVIEW_THRESHOLD ? [{ row, explanation }] : [];
  });
  const { allowed, refused } = await readable(
    actor,
    likely.map((l) => l.row),
    purpose,
    'person-record.match',
    requestId,
  );
  void refused; // records the asker may not see are left out, and not written down as reads
  const seen = likely.filter((l) => allowed.has(l.row.id));
  const visible = seen.map((l) => l.row);
  const explanations = seen.map((l) => l.explanation);
  const personOf = await people.personOf(
    db,
    visible.map((r) => r.id),
  );
  const matches = likelyPeople(visible, explanations, personOf);
  await governance.guard.record(matches.flatMap((m) => m.records.map((r) => allowed.get(r.id) as Decision)));
  return { matches };
}
