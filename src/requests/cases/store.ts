// SQL for the lists of cases: the public's (Open311), a citizen's, an organisation's inbox, the
// open cases near a point, and the cases past or near their target.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { ActiveAgreement } from '../../governance/index.ts';

const DAY = 86_400_000;

import { type CaseRow, type CaseStatus, selectCases } from '../store.ts';

export interface PublicFilter {
  references?: string[];
  services?: string[];
  statuses?: CaseStatus[];
  from?: Date;
  to?: Date;
  limit: number;
  offset?: number;
}

/** Cases for the public (Open311 GET), reports joined to another left out: the caller maps only the public columns out. */
export async function publicCases(db: Db, filter: PublicFilter): Promise<CaseRow[]> {
  let query = selectCases(db).where('c.duplicate_of', 'is', null);
  if (filter.references) query = query.where('c.reference', 'in', filter.references);
  if (filter.services) query = query.where('c.service_code', 'in', filter.services);
  if (filter.statuses) query = query.where('c.status', 'in', filter.statuses);
  if (filter.from) query = query.where('c.requested_at', '>=', filter.from);
  if (filter.to) query = query.where('c.requested_at', '<=', filter.to);
  return query
    .orderBy('c.requested_at', 'desc')
    .orderBy('c.reference')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
}

export interface InboxFilter {
  service?: string;
  status?: CaseStatus;
  area?: string;
  /** An account id, or `none` for cases assigned to nobody. */
  assignee?: string;
  team?: string;
  overdue?: boolean;
  /** Newest reported first (the default), or soonest due first (cases with no target date last). */
  sort?: 'reported' | 'due';
}

/** Who is asking, for an inbox: their organisations, clearance and the agreements in force for them. */
export interface InboxScope {
  organisationIds: string[];
  clearance: number;
  inForce: ActiveAgreement[];
}

/**
 * Cases held by these organisations within the clearance, or referred to them (waiting for a
 * decision or accepted) under an agreement in force that covers cases, the referral's purpose,
 * both organisations and the case's marking: the SQL twin of policies/cases.cedar and
 * referrals.cedar (inbox-equals-decisions.int.test.ts holds them to one meaning).
 * Reports joined to another case are shown on it.
 */
export async function inbox(db: Db, scope: InboxScope, filter: InboxFilter, now: Date): Promise<CaseRow[]> {
  const { organisationIds, clearance } = scope;
  if (organisationIds.length === 0) return [];
  const grants = JSON.stringify(
    scope.inForce
      .filter((a) => a.datasets.includes('cases'))
      .map((a) => ({ id: a.id, purposes: a.purposes, parties: a.parties, highest: a.highestMarking })),
  );
  let query = selectCases(db)
    .where('c.duplicate_of', 'is', null)
    .where('c.marking_level', '<=', clearance)
    .where((eb) =>
      eb.or([
        eb('c.organisation_id', 'in', organisationIds),
        sql<boolean>`EXISTS (SELECT 1 FROM referrals r
          JOIN jsonb_to_recordset(${grants}::jsonb) AS g(id uuid, purposes text[], parties uuid[], highest int)
            ON g.id = r.agreement_id
          WHERE r.case_id = c.id AND r.status IN ('pending', 'accepted')
            AND r.to_organisation_id = ANY(${organisationIds}::uuid[])
            AND r.purpose = ANY(g.purposes) AND c.organisation_id = ANY(g.parties)
            AND r.to_organisation_id = ANY(g.parties) AND c.marking_level <= g.highest)`,
      ]),
    );
  if (filter.service) query = query.where('c.service_code', '=', filter.service);
  if (filter.status) query = query.where('c.status', '=', filter.status);
  if (filter.area) query = query.where('a.ref', '=', filter.area);
  if (filter.assignee === 'none') query = query.where('c.assignee_account_id', 'is', null);
  else if (filter.assignee) query = query.where('c.assignee_account_id', '=', filter.assignee);
  if (filter.team === 'none') query = query.where('c.team', 'is', null);
  else if (filter.team) query = query.where('c.team', '=', filter.team);
  if (filter.overdue)
    query = query.where('c.expected_at', '<', now).where('c.status', 'in', ['open', 'in_progress']);
  const ordered =
    filter.sort === 'due'
      ? query.orderBy(sql`c.expected_at ASC NULLS LAST`).orderBy('c.requested_at', 'desc')
      : query.orderBy('c.requested_at', 'desc');
  return ordered.limit(500).execute();
}

export async function casesOfCitizen(db: Db, accountId: string): Promise<CaseRow[]> {
  return selectCases(db)
    .where('c.citizen_account_id', '=', accountId)
    .orderBy('c.requested_at', 'desc')
    .limit(500)
    .execute();
}

/** Open cases of a service within a box around a point, nearest first. */
export async function nearbyOpen(
  db: Db,
  service: string,
  lat: number,
  lon: number,
  degrees: number,
): Promise<CaseRow[]> {
  return selectCases(db)
    .where('c.service_code', '=', service)
    .where('c.status', 'in', ['open', 'in_progress'])
    .where('c.lat', '>=', lat - degrees)
    .where('c.lat', '<=', lat + degrees)
    .where('c.lon', '>=', lon - degrees * 1.6)
    .where('c.lon', '<=', lon + degrees * 1.6)
    .orderBy(sql`(c.lat - ${lat})^2 + ((c.lon - ${lon}) * 0.61)^2`)
    .limit(5)
    .execute();
}

/**
 * Open cases past their target not yet escalated this far: to the team (level 1) once past the
 * target, to the manager (level 2) a day after the team was told.
 */
export async function overdue(db: Db, now: Date, level: 1 | 2, limit = 500): Promise<CaseRow[]> {
  const query = selectCases(db)
    .where('c.status', 'in', ['open', 'in_progress'])
    .where('c.expected_at', '<', now);
  const due =
    level === 1
      ? query.where('c.escalated', '<', 1)
      : query.where('c.escalated', '=', 1).where('c.escalated_at', '<=', new Date(now.getTime() - DAY));
  return due.orderBy('c.expected_at').limit(limit).execute();
}

/** Open cases due within `before` and not yet reminded (whoever holds them is told, all its staff when nobody is assigned). */
export async function dueForReminder(db: Db, now: Date, before: Date, limit = 500) {
  return db
    .selectFrom('cases')
    .select([
      'id',
      'reference',
      'organisation_id',
      'team',
      'assignee_account_id',
      'expected_at',
      'service_code',
    ])
    .where('status', 'in', ['open', 'in_progress'])
    .where('expected_at', '>', now)
    .where('expected_at', '<=', before)
    .where('reminded_at', 'is', null)
    .orderBy('expected_at')
    .limit(limit)
    .execute();
}

export async function markReminded(db: Db, id: string, now: Date) {
  await db.updateTable('cases').set({ reminded_at: now }).where('id', '=', id).execute();
}
