// Use-cases of one golden person: their records that the asker may see (the rest counted, not
// shown), how each pair of records was linked (weight, probability, automatic or decided by
// whom) and their history. Staff decisions to split and merge people are in person-decisions.ts.
import type { Db } from '../../db/index.ts';
import {
  cedarOrganisation,
  type Decision,
  type GovernanceService,
  purposes,
} from '../../governance/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import { type Actor, Invalid, NotFound } from '../../platform/index.ts';
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
      // the agreements in force between the asker's organisations and each holder, read once
      // for this request rather than once a record (hundreds of records, a handful of holders)
      const agreements = new Map<string | null, ReturnType<GovernanceService['agreementsInForce']>>();
      const inForce: Pick<GovernanceService, 'agreementsInForce'> = {
        agreementsInForce(organisations, other) {
          let found = agreements.get(other);
          if (!found) {
            found = governance.agreementsInForce(organisations, other);
            agreements.set(other, found);
          }
          return found;
        },
      };
      for (const row of rows) {
        const read = governance.guard.decide(
          principal,
          await recordAsk(inForce, principal, 'read', facts(row), { purpose, requestId }),
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

/** Looking at a golden person: are they there, and which of their records may the asker see. */
export function personLooks(db: Db, governance: GovernanceService) {
  const { readable, loadRecord } = recordReader(db, governance);
  return {
    loadRecord,

    async livePerson(personId: string) {
      const found = await people.personExists(db, personId);
      if (!found) throw new NotFound('There is no such person');
      return found;
    },

    /** The person's records, which of them the asker may see, and whether they may decide on them. */
    async look(actor: Actor | null, personId: string, purpose: string | null, requestId?: string) {
      if (purpose && !Object.hasOwn(purposes, purpose))
        throw new Invalid('Unknown purpose', [
          { field: 'purpose', message: `The purpose must be one of ${Object.keys(purposes).join(', ')}` },
        ]);
      const rows = await Promise.all((await people.personRecords(db, personId)).map(loadRecord));
      const read = await readable(actor, rows, purpose, 'person-record.read', requestId);
      return { rows, ...read };
    },
  };
}

/**
 * What a split or a merge is decided on by the policies (policies/golden-people.cedar), given
 * the records it is about: for a split, the record split out; for a merge, those of both people.
 */
export const personEntity = (personId: string, about: store.RecordRow[]) => ({
  uid: { type: 'Flagstone::Person', id: personId },
  attrs: { holders: [...new Set(about.map((r) => r.organisation_id))].map(cedarOrganisation) },
});

/** A person merged into another: nothing of theirs is shown, the page leads to the other. */
const retiredPerson = (id: string, mergedInto: string | null): GoldenPerson & { mayDecide: boolean } => ({
  id,
  mergedInto,
  records: [],
  withheld: 0,
  links: [],
  history: [],
  mayDecide: false,
});

/**
 * How each record of a link shows: the person's own when the asker may read it, otherwise only
 * its holder (another person's record, reached by a rejected pair, is loaded for its holder's name).
 */
async function linkSides(
  pairs: Awaited<ReturnType<typeof people.pairsOf>>,
  rows: store.RecordRow[],
  allowed: Map<string, Decision>,
  loadRecord: (id: string) => Promise<store.RecordRow>,
) {
  const ours = new Map(rows.map((r) => [r.id, r]));
  const others = new Map<string, { organisation_name: string }>();
  for (const id of pairs.flatMap((p) => [p.record_a, p.record_b]))
    if (!ours.has(id) && !others.has(id)) others.set(id, await loadRecord(id));
  return (id: string): RecordSide => {
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
}

export function goldenPeople(
  db: Db,
  governance: GovernanceService,
  identity: Pick<IdentityService, 'accountNames'>,
) {
  const { livePerson, look, loadRecord } = personLooks(db, governance);

  return {
    /** A golden person: the records of theirs the asker may see (each a read in the ledger), their links and history. */
    async person(
      actor: Actor | null,
      personId: string,
      purpose: string | null,
      requestId?: string,
    ): Promise<GoldenPerson & { mayDecide: boolean }> {
      const found = await livePerson(personId);
      if (found.retired) return retiredPerson(personId, found.merged_into);
      const { rows, principal, allowed, refused } = await look(actor, personId, purpose, requestId);
      if (allowed.size === 0) {
        await governance.guard.record(refused);
        throw new NotFound('There is no such person you may see');
      }
      await governance.guard.record([...allowed.values()]);
      const pairs = await people.pairsOf(
        db,
        rows.map((r) => r.id),
      );
      const side = await linkSides(pairs, rows, allowed, loadRecord);
      const historyRows = await people.personHistory(db, personId);
      const names = await identity.accountNames(
        [...pairs, ...historyRows].flatMap((r) => r.decided_by ?? []),
      );
      const nameOf = (account: string | null) => (account && names.get(account)) ?? null;
      return {
        id: personId,
        mergedInto: null,
        records: rows.filter((r) => allowed.has(r.id)).map(toPersonRecord),
        withheld: rows.length - allowed.size,
        links: pairs
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
          .filter((l) => l.a.visible || l.b.visible),
        history: historyRows.map((h) => ({
          event: h.event,
          at: h.at.toISOString(),
          detail: h.detail,
          decidedBy: nameOf(h.decided_by),
          reason: h.reason,
        })),
        // the forms to split and merge are offered to those the policies let merge into this person
        mayDecide: governance.guard.allows(principal, {
          action: 'mergePeople',
          resource: personEntity(personId, rows),
        }),
      };
    },
  };
}
