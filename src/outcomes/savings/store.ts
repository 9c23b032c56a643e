// SQL for the savings ledger (append-only: the database refuses UPDATE and DELETE), and the
// requests by organisation, month and channel that channel shift's saving is computed from.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { Channel } from '../../requests/index.ts';
import type { CheckedSaving, SavingState } from './saving.ts';

export async function insertSaving(
  trx: Db,
  saving: CheckedSaving,
  by: { organisationId: string; accountId: string; at: Date },
  shares: { organisationId: string; basisPoints: number }[],
) {
  const { id } = await trx
    .insertInto('savings')
    .values({
      title: saving.title,
      description: saving.description,
      evidence: saving.evidence,
      cashable: saving.cashable,
      recurring: saving.recurring,
      amount_pence: saving.amountPence,
      financial_year: saving.financialYear,
      recorded_by_organisation: by.organisationId,
      recorded_by: by.accountId,
      recorded_at: by.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('saving_shares')
    .values(
      shares.map((s) => ({
        saving_id: id,
        organisation_id: s.organisationId,
        share_basis_points: s.basisPoints,
      })),
    )
    .execute();
  return id;
}

export async function insertEntry(
  trx: Db,
  entry: {
    savingId: string;
    state: SavingState;
    organisationId: string;
    accountId: string;
    reason: string | null;
    at: Date;
  },
) {
  await trx
    .insertInto('saving_entries')
    .values({
      saving_id: entry.savingId,
      state: entry.state,
      organisation_id: entry.organisationId,
      account_id: entry.accountId,
      reason: entry.reason,
      at: entry.at,
    })
    .execute();
}

/** Every saving with its current state (its last entry's), shares and entries; or one by id. */
export async function savings(db: Db, id?: string) {
  let query = db
    .selectFrom('savings as s')
    .selectAll('s')
    .select([
      sql<SavingState>`(SELECT e.state FROM saving_entries e WHERE e.saving_id = s.id ORDER BY e.id DESC LIMIT 1)`.as(
        'state',
      ),
      sql<
        { organisation_id: string; share_basis_points: number }[]
      >`(SELECT coalesce(jsonb_agg(jsonb_build_object(
          'organisation_id', h.organisation_id, 'share_basis_points', h.share_basis_points) ORDER BY h.share_basis_points DESC), '[]')
        FROM saving_shares h WHERE h.saving_id = s.id)`.as('shares'),
      sql<
        {
          state: SavingState;
          organisation_id: string;
          account_id: string;
          reason: string | null;
          at: string;
        }[]
      >`(
        SELECT coalesce(jsonb_agg(jsonb_build_object('state', e.state, 'organisation_id', e.organisation_id,
          'account_id', e.account_id, 'reason', e.reason, 'at', e.at) ORDER BY e.id), '[]')
        FROM saving_entries e WHERE e.saving_id = s.id)`.as('entries'),
    ]);
  if (id) query = query.where('s.id', '=', id);
  return query.orderBy('s.recorded_at', 'desc').execute();
}

export type SavingRow = Awaited<ReturnType<typeof savings>>[number];

/** Requests by organisation (none: the place), month and channel, from the KPIs' fact view. */
export async function channelCounts(db: Db) {
  const { rows } = await sql<{
    organisation_id: string | null;
    place: number;
    month: string;
    channel: Channel;
    n: number;
  }>`
    SELECT organisation_id, GROUPING(organisation_id) AS place, to_char(month, 'YYYY-MM-DD') AS month, channel, count(*)::int AS n
      FROM kpi_requests
     GROUP BY GROUPING SETS ((organisation_id, month, channel), (month, channel))
     ORDER BY month`.execute(db);
  return rows.map((r) => ({ ...r, organisation_id: r.place ? null : r.organisation_id }));
}

/** The latest run of the KPI job, which refreshes the requests' facts: channel shift changes only then. */
export async function factsRun(db: Db): Promise<number> {
  const row = await db
    .selectFrom('kpi_runs')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}
