// SQL for data-sharing agreements and their parties, and the agreements in force that the
// policies are asked under.
import { type Selectable, sql } from 'kysely';
import type { DB, Db } from '../../db/index.ts';
import type { ActiveAgreement, LawfulBasis, SpecialCategoryBasis } from '../decisions/index.ts';

/** An agreement as stored: its parties by organisation id (places has their references and names). */
export interface AgreementRow {
  id: string;
  title: string;
  datasets: string[];
  purposes: string[];
  lawfulBasis: LawfulBasis;
  specialCategoryBasis: SpecialCategoryBasis | null;
  highestMarking: number;
  startsOn: string;
  endsOn: string;
  status: Selectable<DB['sharing_agreements']>['status'];
  revocationReason: string | null;
  parties: {
    organisationId: string;
    signedBy: string | null;
    signedAt: string | null;
  }[];
}

export async function insertAgreement(
  db: Db,
  agreement: Omit<AgreementRow, 'id' | 'status' | 'revocationReason' | 'parties'> & { createdBy: string },
  partyIds: string[],
): Promise<string> {
  const row = await db
    .insertInto('sharing_agreements')
    .values({
      title: agreement.title,
      datasets: agreement.datasets,
      purposes: agreement.purposes,
      lawful_basis: agreement.lawfulBasis,
      special_category_basis: agreement.specialCategoryBasis,
      highest_marking: agreement.highestMarking,
      starts_on: agreement.startsOn,
      ends_on: agreement.endsOn,
      created_by: agreement.createdBy,
      revoked_by: null,
      revoked_at: null,
      revocation_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('agreement_parties')
    .values(
      partyIds.map((organisation_id) => ({
        agreement_id: row.id,
        organisation_id,
        signed_by: null,
        signed_at: null,
      })),
    )
    .execute();
  return row.id;
}

const partiesJson = sql<AgreementRow['parties']>`(
  SELECT json_agg(json_build_object('organisationId', p.organisation_id,
    'signedBy', p.signed_by, 'signedAt', p.signed_at))
  FROM agreement_parties p
  WHERE p.agreement_id = sharing_agreements.id)`;

function selectAgreements(db: Db) {
  return db
    .selectFrom('sharing_agreements')
    .select([
      'id',
      'title',
      'datasets',
      'purposes',
      'lawful_basis as lawfulBasis',
      'special_category_basis as specialCategoryBasis',
      'highest_marking as highestMarking',
      'starts_on as startsOn',
      'ends_on as endsOn',
      'status',
      'revocation_reason as revocationReason',
    ])
    .select(partiesJson.as('parties'));
}

export async function findAgreement(
  db: Db,
  id: string,
  forUpdate = false,
): Promise<AgreementRow | undefined> {
  let query = selectAgreements(db).where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Agreements one of these organisations is party to (all when none are given), newest first. */
export async function listAgreements(db: Db, organisationIds: string[] | null): Promise<AgreementRow[]> {
  let query = selectAgreements(db).orderBy('created_at', 'desc');
  if (organisationIds) {
    if (organisationIds.length === 0) return [];
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('agreement_parties as p')
          .select('p.agreement_id')
          .whereRef('p.agreement_id', '=', 'sharing_agreements.id')
          .where('p.organisation_id', 'in', organisationIds),
      ),
    );
  }
  return query.execute();
}

export async function signAgreement(
  db: Db,
  id: string,
  organisationId: string,
  accountId: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('agreement_parties')
    .set({ signed_by: accountId, signed_at: at })
    .where('agreement_id', '=', id)
    .where('organisation_id', '=', organisationId)
    .execute();
}

export async function setAgreementStatus(
  db: Db,
  id: string,
  status: 'active' | 'revoked',
  revocation?: { by: string; at: Date; reason: string },
): Promise<void> {
  await db
    .updateTable('sharing_agreements')
    .set({
      status,
      ...(revocation
        ? { revoked_by: revocation.by, revoked_at: revocation.at, revocation_reason: revocation.reason }
        : {}),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Agreements in force on a day that join one of `mine` to `holder`: active, within their
 * dates. Read afresh for every decision, so a revocation takes effect on the next request.
 */
export async function agreementsInForce(
  db: Db,
  mine: string[],
  holder: string | null,
  today: string,
): Promise<ActiveAgreement[]> {
  if (mine.length === 0) return [];
  const rows = await sql<ActiveAgreement>`
    SELECT a.id, a.datasets, a.purposes, a.highest_marking AS "highestMarking",
           array(SELECT p.organisation_id::text FROM agreement_parties p WHERE p.agreement_id = a.id) AS parties
    FROM sharing_agreements a
    WHERE a.status = 'active' AND ${today}::date BETWEEN a.starts_on AND a.ends_on
      AND EXISTS (SELECT 1 FROM agreement_parties p WHERE p.agreement_id = a.id AND p.organisation_id = ANY(${mine}::uuid[]))
      AND (${holder}::uuid IS NULL OR EXISTS (
        SELECT 1 FROM agreement_parties p WHERE p.agreement_id = a.id AND p.organisation_id = ${holder}::uuid))
    ORDER BY a.id`.execute(db);
  return rows.rows;
}

export async function agreementTitles(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('sharing_agreements')
    .select(['id', 'title'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.title]));
}
