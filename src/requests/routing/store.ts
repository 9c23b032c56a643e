// SQL for routing overrides: staff sending a service in an area to another organisation.
import type { Insertable } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

/** Every override by service (the area's and the organisation's ids: places has their references). */
export async function overrides(db: Db) {
  return db
    .selectFrom('routing_overrides')
    .select(['service_code as service', 'area_id', 'organisation_id', 'reason', 'set_at'])
    .orderBy('service_code')
    .execute();
}

export async function setOverride(db: Db, row: Required<Insertable<DB['routing_overrides']>>) {
  await db
    .insertInto('routing_overrides')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['service_code', 'area_id']).doUpdateSet({
        organisation_id: row.organisation_id,
        reason: row.reason,
        set_by: row.set_by,
        set_at: row.set_at,
      }),
    )
    .execute();
}

export async function removeOverride(db: Db, service: string, areaId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('routing_overrides')
    .where('service_code', '=', service)
    .where('area_id', '=', areaId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
