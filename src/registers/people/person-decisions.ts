// Staff decisions on golden people, with the right role and a reason: split a record out of a
// person, or merge two people. A decision takes effect at once, stands on every later linkage
// run (it is written as decisions on pairs of records) and is in the ledger.
import type { Db } from '../../db/index.ts';
import type { Decision, GovernanceService } from '../../governance/index.ts';
import { type Actor, Conflict, Invalid, newId } from '../../platform/index.ts';
import type * as store from '../records/index.ts';
import { personEntity, personLooks } from './golden-people.ts';
import * as people from './store.ts';

const REASON_MAX = 2000;

function checkedReason(reason: string | undefined): string {
  const text = (reason ?? '').trim();
  if (!text)
    throw new Invalid('Give a reason', [
      { field: 'reason', message: 'Say why: it is kept with the decision' },
    ]);
  if (text.length > REASON_MAX)
    throw new Invalid('The reason is too long', [
      { field: 'reason', message: `Use ${REASON_MAX} characters or fewer` },
    ]);
  return text;
}

type DecisionDeps = { db: Db; governance: GovernanceService } & ReturnType<typeof personLooks>;

/** Writes the refused reads and the decision, refused for want of a record one may see, then throws why. */
const refuseDecision = (
  governance: GovernanceService,
  refused: Decision[],
  decision: Decision,
  message: string,
) => governance.guard.refuse([...refused, decision.refused()], message);

/** Writes a decision with its history and ledger entry, unless a linkage run is writing now. */
async function write(db: Db, work: (trx: Db) => Promise<void>) {
  await db.transaction().execute(async (trx) => {
    if (!(await people.tryLinkLock(trx)))
      throw new Conflict('Linkage is running now: nothing was changed. Try again when it has finished.');
    await work(trx);
  });
}

/**
 * Splits a record out of a person into a person of its own: the record and each of the
 * person's other records are decided different people, so later runs keep them apart.
 */
async function split(
  { db, governance, livePerson, look }: DecisionDeps,
  actor: Actor | null,
  personId: string,
  input: { record?: string; reason?: string; purpose?: string | null },
  requestId?: string,
): Promise<{ person: string; newPerson: string }> {
  const found = await livePerson(personId);
  if (found.retired) throw new Conflict('This person was merged into another: split from that one');
  const recordId = input.record ?? '';
  const { rows, principal, allowed, refused } = await look(actor, personId, input.purpose ?? null, requestId);
  const record = rows.find((r) => r.id === recordId);
  if (!record)
    throw new Invalid('Choose a record of this person', [
      { field: 'record', message: 'Choose the record to split out of this person' },
    ]);
  if (rows.length < 2)
    throw new Conflict('This person has only one record: there is nothing to split it from');
  const entry = await governance.guard.permit(
    principal,
    {
      action: 'splitPerson',
      resource: personEntity(personId, [record]),
      entry: {
        action: 'person.split',
        actor: governance.actorOf(principal, record.organisation),
        resource: { type: 'person', id: personId },
        subject: record.subject_account_id,
        purpose: input.purpose ?? null,
        requestId: requestId ?? null,
        detail: { record: recordId },
      },
      refusal:
        'Only a manager or information governance officer of the organisation holding the record can split it out',
    },
    refused,
  );
  if (!allowed.has(recordId))
    return refuseDecision(governance, refused, entry, 'You may not see this record');
  const reason = checkedReason(input.reason);
  const newPerson = newId();
  const rest = rows.filter((r) => r.id !== recordId).map((r) => r.id);
  await write(db, async (trx) => {
    await people.decidePairsAs(
      trx,
      rest.map((other) => [recordId, other] as const),
      'rejected',
      principal.accountId,
      reason,
    );
    await people.createPerson(trx, newPerson);
    await people.moveLinks(trx, [recordId], newPerson);
    await people.insertDecisionHistory(
      trx,
      [
        { person_id: personId, event: 'split', detail: { into: [newPerson], records: [recordId] } },
        { person_id: newPerson, event: 'created', detail: { records: [recordId], splitFrom: personId } },
      ],
      principal.accountId,
      reason,
    );
    await governance.guard.write(trx, [
      ...allowed.values(),
      entry.as({ reason, detail: { record: recordId, newPerson } }),
    ]);
  });
  return { person: personId, newPerson };
}

/** The other person of a merge: another live person, found by their person number. */
async function otherPerson(db: Db, otherId: string, personId: string) {
  const other = /^[0-9a-f-]{36}$/.test(otherId) ? await people.personExists(db, otherId) : undefined;
  if (!other || otherId === personId)
    throw new Invalid('Give the person number of another person', [
      {
        field: 'other',
        message:
          otherId === personId
            ? 'That is this person: give the person number of the other person'
            : 'There is no person with that person number',
      },
    ]);
  if (other.retired)
    throw new Invalid('That person was merged into another', [
      { field: 'other', message: 'That person was merged into another: give that one’s person number' },
    ]);
}

/**
 * Writes a merge: one record of each person decided the same person (and any pair between them
 * a reviewer had said were different is now the same); the other person retired into this one.
 */
async function writeMerge(
  db: Db,
  governance: GovernanceService,
  merge: { personId: string; otherId: string; mine: store.RecordRow[]; theirs: store.RecordRow[] },
  decided: { by: string; reason: string; entries: Decision[] },
) {
  const { personId, otherId } = merge;
  const ids = (rows: store.RecordRow[]) => rows.map((r) => r.id).sort();
  const [first] = ids(merge.mine);
  const [second] = ids(merge.theirs);
  const separated = (await people.pairsOf(db, ids(merge.mine)))
    .filter((p) => p.status === 'rejected')
    .filter((p) => merge.theirs.some((r) => r.id === p.record_a || r.id === p.record_b))
    .map((p) => [p.record_a, p.record_b] as const);
  await write(db, async (trx) => {
    await people.decidePairsAs(
      trx,
      [[first as string, second as string], ...separated],
      'confirmed',
      decided.by,
      decided.reason,
    );
    await people.moveLinks(trx, ids(merge.theirs), personId);
    await people.retireInto(trx, otherId, personId);
    await people.insertDecisionHistory(
      trx,
      [
        { person_id: personId, event: 'merged', detail: { from: [otherId] } },
        { person_id: otherId, event: 'retired', detail: { mergedInto: personId } },
      ],
      decided.by,
      decided.reason,
    );
    await governance.guard.write(trx, decided.entries);
  });
}

/**
 * Merges another person into this one: one record of each is decided the same person (and any
 * pair between them a reviewer had said were different is now the same), so later runs keep
 * them together. The other person is retired, merged into this one.
 */
async function merge(
  { db, governance, livePerson, look }: DecisionDeps,
  actor: Actor | null,
  personId: string,
  input: { other?: string; reason?: string; purpose?: string | null },
  requestId?: string,
): Promise<{ person: string; merged: string }> {
  const otherId = (input.other ?? '').trim().toLowerCase();
  const found = await livePerson(personId);
  if (found.retired) throw new Conflict('This person was merged into another: merge into that one');
  await otherPerson(db, otherId, personId);
  const purpose = input.purpose ?? null;
  const mine = await look(actor, personId, purpose, requestId);
  const theirs = await look(actor, otherId, purpose, requestId);
  const refused = [...mine.refused, ...theirs.refused];
  const entry = await governance.guard.permit(
    mine.principal,
    {
      action: 'mergePeople',
      resource: personEntity(personId, [...mine.rows, ...theirs.rows]),
      entry: {
        action: 'person.merge',
        actor: governance.actorOf(mine.principal),
        resource: { type: 'person', id: personId },
        purpose,
        requestId: requestId ?? null,
        detail: { merged: otherId },
      },
      refusal:
        'Only a manager or information governance officer of an organisation holding one of the records can merge people',
    },
    refused,
  );
  if (mine.allowed.size === 0 || theirs.allowed.size === 0)
    return refuseDecision(
      governance,
      refused,
      entry,
      'You can merge two people only when you may see a record of each',
    );
  const reason = checkedReason(input.reason);
  await writeMerge(
    db,
    governance,
    { personId, otherId, mine: mine.rows, theirs: theirs.rows },
    {
      by: mine.principal.accountId,
      reason,
      entries: [...mine.allowed.values(), ...theirs.allowed.values(), entry.as({ reason })],
    },
  );
  return { person: personId, merged: otherId };
}

export function personDecisions(db: Db, governance: GovernanceService) {
  const deps: DecisionDeps = { db, governance, ...personLooks(db, governance) };
  return {
    /**
     * Splits a record out of a person into a person of its own: the record and each of the
     * person's other records are decided different people, so later runs keep them apart.
     */
    split: (
      actor: Actor | null,
      personId: string,
      input: { record?: string; reason?: string; purpose?: string | null },
      requestId?: string,
    ) => split(deps, actor, personId, input, requestId),

    /**
     * Merges another person into this one, with a reason; later runs keep them together and the
     * other person is retired, merged into this one.
     */
    merge: (
      actor: Actor | null,
      personId: string,
      input: { other?: string; reason?: string; purpose?: string | null },
      requestId?: string,
    ) => merge(deps, actor, personId, input, requestId),
  };
}
