// Use-cases of one golden person: their records that the asker may see (the rest counted, not
// shown), how each pair of records was linked (weight, probability, automatic or decided by
// whom) and their history; and the decisions of staff with the right role to split a record
// out of a person or merge two people, with a reason. A decision takes effect at once, stands
// on every later linkage run (it is written as decisions on pairs of records) and is in the ledger.
import type { Db } from '../../db/index.ts';
import {
  cedarOrganisation,
  type Decision,
  type GovernanceService,
  purposes,
} from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import { type Actor, Conflict, Invalid, NotFound, newId } from '../../platform/index.ts';
import * as store from '../records/index.ts';
import { facts, type PersonRecord, recordAsk, toPersonRecord } from '../records/index.ts';
import * as people from './store.ts';

/** Reading records through the policies: which of them the asker may see, with the ledger entries. */
export function recordReader(db: Db, governance: GovernanceService) {
  return {
    async readable(
      actor: Actor | null,
      rows: store.RecordRow[],
      purpose: string | null,
      action: string,
      requestId?: string,
    ) {
      const principal = await governance.principal(actor);
      const allowed = new Map<string, Decision>();
      const refused: Decision[] = [];
      for (const row of rows) {
        const read = governance.guard.decide(
          principal,
          await recordAsk(governance, principal, 'read', facts(row), { purpose, requestId }),
        );
        if (read.allowed) allowed.set(row.id, read.as({ action }));
        else refused.push(read);
      }
      return { principal, allowed, refused };
    },

    async loadRecord(id: string) {
      const row = await store.findRecord(db, id);
      if (!row) throw new NotFound('There is no such record');
      return row;
    },
  };
}

export type HowDecided = 'automatic' | 'review' | 'not_sure' | 'confirmed' | 'rejected';

export interface RecordSide {
  id: string;
  /** the record is shown on this page: the asker may see it */
  visible: boolean;
  /** the record belongs to this person (a rejected pair may lead to someone else's) */
  ofThisPerson: boolean;
  organisationName: string;
  localRef: string | null;
}

export interface PersonLink {
  a: RecordSide;
  b: RecordSide;
  weight: number | null;
  probability: number | null;
  status: HowDecided;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

export interface GoldenPerson {
  id: string;
  mergedInto: string | null;
  records: PersonRecord[];
  /** records of this person the asker may not see: counted, not shown */
  withheld: number;
  links: PersonLink[];
  history: {
    event: string;
    at: string;
    detail: Record<string, unknown>;
    decidedBy: string | null;
    reason: string | null;
  }[];
}

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

export function goldenPeople(
  db: Db,
  governance: GovernanceService,
  identity: Pick<IdentityService, 'accountNames'>,
) {
  const { readable, loadRecord } = recordReader(db, governance);

  async function livePerson(personId: string) {
    const found = await people.personExists(db, personId);
    if (!found) throw new NotFound('There is no such person');
    return found;
  }

  /** The person's records, which of them the asker may see, and whether they may decide on them. */
  async function look(actor: Actor | null, personId: string, purpose: string | null, requestId?: string) {
    if (purpose && !Object.hasOwn(purposes, purpose))
      throw new Invalid('Unknown purpose', [
        { field: 'purpose', message: `The purpose must be one of ${Object.keys(purposes).join(', ')}` },
      ]);
    const rows = await Promise.all((await people.personRecords(db, personId)).map(loadRecord));
    const read = await readable(actor, rows, purpose, 'person-record.read', requestId);
    return { rows, ...read };
  }

  /**
   * What a split or a merge is decided on by the policies (policies/golden-people.cedar), given
   * the records it is about: for a split, the record split out; for a merge, those of both people.
   */
  const personEntity = (personId: string, about: store.RecordRow[]) => ({
    uid: { type: 'Flagstone::Person', id: personId },
    attrs: { holders: [...new Set(about.map((r) => r.organisation_id))].map(cedarOrganisation) },
  });

  /** Writes the refused reads and the decision, refused for want of a record one may see, then throws why. */
  const refuseDecision = (refused: Decision[], decision: Decision, message: string) =>
    governance.guard.refuse([...refused, decision.refused()], message);

  /** Writes a decision with its history and ledger entry, unless a linkage run is writing now. */
  async function write(work: (trx: Db) => Promise<void>) {
    await db.transaction().execute(async (trx) => {
      if (!(await people.tryLinkLock(trx)))
        throw new Conflict('Linkage is running now: nothing was changed. Try again when it has finished.');
      await work(trx);
    });
  }

  return {
    /** A golden person: the records of theirs the asker may see (each a read in the ledger), their links and history. */
    async person(
      actor: Actor | null,
      personId: string,
      purpose: string | null,
      requestId?: string,
    ): Promise<GoldenPerson & { mayDecide: boolean }> {
      const found = await livePerson(personId);
      if (found.retired)
        return {
          id: personId,
          mergedInto: found.merged_into,
          records: [],
          withheld: 0,
          links: [],
          history: [],
          mayDecide: false,
        };
      const { rows, principal, allowed, refused } = await look(actor, personId, purpose, requestId);
      if (allowed.size === 0) {
        await governance.guard.record(refused);
        throw new NotFound('There is no such person you may see');
      }
      await governance.guard.record([...allowed.values()]);
      const ours = new Map(rows.map((r) => [r.id, r]));
      const pairs = await people.pairsOf(
        db,
        rows.map((r) => r.id),
      );
      const others = new Map<string, { organisation_name: string }>();
      for (const id of pairs.flatMap((p) => [p.record_a, p.record_b]))
        if (!ours.has(id) && !others.has(id)) others.set(id, await loadRecord(id));
      const side = (id: string): RecordSide => {
        const row = ours.get(id);
        const visible = !!row && allowed.has(id);
        return {
          id,
          visible,
          ofThisPerson: !!row,
          organisationName: (row ?? others.get(id))?.organisation_name ?? '',
          localRef: visible ? (row?.local_ref ?? null) : null,
        };
      };
      const historyRows = await people.personHistory(db, personId);
      const names = await identity.accountNames(
        [...pairs, ...historyRows].flatMap((r) => r.decided_by ?? []),
      );
      const nameOf = (account: string | null) => (account && names.get(account)) ?? null;
      const links = pairs
        .map((p) => ({
          a: side(p.record_a),
          b: side(p.record_b),
          weight: p.weight,
          probability: p.probability,
          status: p.status,
          decidedBy: nameOf(p.decided_by),
          decidedAt: p.decided_at?.toISOString() ?? null,
          reason: p.decision_note,
        }))
        // a pair is shown when the asker may see one of its records
        .filter((l) => l.a.visible || l.b.visible);
      const history = historyRows.map((h) => ({
        event: h.event,
        at: h.at.toISOString(),
        detail: h.detail,
        decidedBy: nameOf(h.decided_by),
        reason: h.reason,
      }));
      return {
        id: personId,
        mergedInto: null,
        records: rows.filter((r) => allowed.has(r.id)).map(toPersonRecord),
        withheld: rows.length - allowed.size,
        links,
        history,
        // the forms to split and merge are offered to those the policies let merge into this person
        mayDecide: governance.guard.allows(principal, {
          action: 'mergePeople',
          resource: personEntity(personId, rows),
        }),
      };
    },

    /**
     * Splits a record out of a person into a person of its own: the record and each of the
     * person's other records are decided different people, so later runs keep them apart.
     */
    async split(
      actor: Actor | null,
      personId: string,
      input: { record?: string; reason?: string; purpose?: string | null },
      requestId?: string,
    ): Promise<{ person: string; newPerson: string }> {
      const found = await livePerson(personId);
      if (found.retired) throw new Conflict('This person was merged into another: split from that one');
      const recordId = input.record ?? '';
      const { rows, principal, allowed, refused } = await look(
        actor,
        personId,
        input.purpose ?? null,
        requestId,
      );
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
      if (!allowed.has(recordId)) return refuseDecision(refused, entry, 'You may not see this record');
      const reason = checkedReason(input.reason);
      const newPerson = newId();
      const rest = rows.filter((r) => r.id !== recordId).map((r) => r.id);
      await write(async (trx) => {
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
    },

    /**
     * Merges another person into this one: one record of each is decided the same person (and any
     * pair between them a reviewer had said were different is now the same), so later runs keep
     * them together. The other person is retired, merged into this one.
     */
    async merge(
      actor: Actor | null,
      personId: string,
      input: { other?: string; reason?: string; purpose?: string | null },
      requestId?: string,
    ): Promise<{ person: string; merged: string }> {
      const otherId = (input.other ?? '').trim().toLowerCase();
      const found = await livePerson(personId);
      if (found.retired) throw new Conflict('This person was merged into another: merge into that one');
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
          refused,
          entry,
          'You can merge two people only when you may see a record of each',
        );
      const reason = checkedReason(input.reason);
      const ids = (rows: store.RecordRow[]) => rows.map((r) => r.id).sort();
      const [first] = ids(mine.rows);
      const [second] = ids(theirs.rows);
      const separated = (await people.pairsOf(db, ids(mine.rows)))
        .filter((p) => p.status === 'rejected')
        .filter((p) => theirs.rows.some((r) => r.id === p.record_a || r.id === p.record_b))
        .map((p) => [p.record_a, p.record_b] as const);
      await write(async (trx) => {
        await people.decidePairsAs(
          trx,
          [[first as string, second as string], ...separated],
          'confirmed',
          mine.principal.accountId,
          reason,
        );
        await people.moveLinks(trx, ids(theirs.rows), personId);
        await people.retireInto(trx, otherId, personId);
        await people.insertDecisionHistory(
          trx,
          [
            { person_id: personId, event: 'merged', detail: { from: [otherId] } },
            { person_id: otherId, event: 'retired', detail: { mergedInto: personId } },
          ],
          mine.principal.accountId,
          reason,
        );
        await governance.guard.write(trx, [
          ...mine.allowed.values(),
          ...theirs.allowed.values(),
          entry.as({ reason }),
        ]);
      });
      return { person: personId, merged: otherId };
    },
  };
}
