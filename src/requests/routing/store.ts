// SQL for routing overrides: staff sending a service in an area to another organisation.
import type { Insertable } from 'kysely';
import type { DB, Db } from '../../db/index.ts';

export async function overrides(db: Db) {
  return db
    .selectFrom('routing_overrides as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
    .select(['r.service_code as service', 'a.ref as area', 'o.ref as organisation', 'r.reason', 'r.set_at'])
    .orderBy('r.service_code')
    .orderBy('a.ref')
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

export async function areaIds(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('areas').select(['id', 'ref']).execute();
  return new Map(rows.map((r) => [r.ref, r.id]));
}
