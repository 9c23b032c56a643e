// SQL for the places module's tables, nothing else.
import { type Selectable, sql } from 'kysely';
import type { DB, Db } from '../db/index.ts';
import type { AreaFeature, Boundary, NewArea, Organisation, OrganisationKind, Service } from './schemas.ts';
import { searchStems } from './search-words.ts';

export async function getPlace(db: Db): Promise<{ name: string } | undefined> {
  return db.selectFrom('place').select('name').executeTakeFirst();
}

export async function setPlace(db: Db, name: string): Promise<void> {
  await db
    .insertInto('place')
    .values({ id: 1, name })
    .onConflict((c) => c.column('id').doUpdateSet({ name }))
    .execute();
}

export async function listOrganisations(db: Db): Promise<Organisation[]> {
  return db.selectFrom('organisations').select(['ref', 'name', 'kind']).orderBy('name').execute();
}

/** Every organisation with its id, ordered by name as the database orders them. */
export async function organisationsByName(db: Db): Promise<(Organisation & { id: string })[]> {
  return db.selectFrom('organisations').select(['id', 'ref', 'name', 'kind']).orderBy('name').execute();
}

export async function findOrganisation(db: Db, ref: string): Promise<Organisation | undefined> {
  return db
    .selectFrom('organisations')
    .select(['ref', 'name', 'kind'])
    .where('ref', '=', ref)
    .executeTakeFirst();
}

export async function organisationIds(db: Db, refs: string[]): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map();
  const rows = await db.selectFrom('organisations').select(['id', 'ref']).where('ref', 'in', refs).execute();
  return new Map(rows.map((r) => [r.ref, r.id]));
}

/** Inserts an organisation; false when its ref is taken. */
export async function insertOrganisation(db: Db, org: Organisation): Promise<boolean> {
  const result = await db
    .insertInto('organisations')
    .values(org)
    .onConflict((c) => c.column('ref').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows) === 1;
}

export async function insertArea(
  db: Db,
  area: NewArea,
  coverage: { function: OrganisationKind; organisationId: string }[],
): Promise<boolean> {
  const inserted = await db
    .insertInto('areas')
    .values({ ref: area.ref, name: area.name, boundary: JSON.stringify(area.boundary) })
    .onConflict((c) => c.column('ref').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  if (coverage.length > 0) {
    await db
      .insertInto('area_coverage')
      .values(
        coverage.map((c) => ({
          area_id: inserted.id,
          function: c.function,
          organisation_id: c.organisationId,
        })),
      )
      .execute();
  }
  return true;
}

/** The ids of the areas by reference, in the order of their references as the database orders them. */
export async function areaIds(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('areas').select(['id', 'ref']).orderBy('ref').execute();
  return new Map(rows.map((r) => [r.ref, r.id]));
}

export async function listAreas(db: Db, ref?: string): Promise<AreaFeature[]> {
  let query = db
    .selectFrom('areas')
    .select(['areas.ref', 'areas.name', 'areas.boundary'])
    .select(
      sql<{ organisation: string; function: OrganisationKind }[]>`coalesce((
        SELECT json_agg(json_build_object('organisation', o.ref, 'function', c.function) ORDER BY o.ref, c.function)
        FROM area_coverage c JOIN organisations o ON o.id = c.organisation_id
        WHERE c.area_id = areas.id), '[]')`.as('coverage'),
    )
    .orderBy('areas.name');
  if (ref) query = query.where('areas.ref', '=', ref);
  const rows = await query.execute();
  return rows.map((row) => {
    const byOrganisation = new Map<string, OrganisationKind[]>();
    for (const c of row.coverage)
      byOrganisation.set(c.organisation, [...(byOrganisation.get(c.organisation) ?? []), c.function]);
    return {
      type: 'Feature' as const,
      id: row.ref,
      geometry: row.boundary as unknown as Boundary,
      properties: {
        ref: row.ref,
        name: row.name,
        coverage: [...byOrganisation].map(([organisation, functions]) => ({ organisation, functions })),
      },
    };
  });
}

const serviceColumns = [
  'code',
  'lgsl_code',
  'name',
  'description',
  'service_group',
  'responsible_kind',
  'keywords',
] as const;

function toService(row: Pick<Selectable<DB['services']>, (typeof serviceColumns)[number]>): Service {
  return {
    code: row.code,
    lgslCode: row.lgsl_code,
    name: row.name,
    description: row.description,
    group: row.service_group,
    responsibleKind: row.responsible_kind,
    keywords: row.keywords,
  };
}

export async function listServices(db: Db, filter: { q?: string; group?: string }): Promise<Service[]> {
  let query = db.selectFrom('services').select(serviceColumns).orderBy('service_group').orderBy('name');
  if (filter.group) query = query.where('service_group', '=', filter.group);
  for (const word of searchStems(filter.q ?? '')) {
    const pattern = `%${word.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where(
      sql<boolean>`(lower(name) LIKE ${pattern} OR lower(description) LIKE ${pattern}
        OR EXISTS (SELECT 1 FROM unnest(keywords) k WHERE lower(k) LIKE ${pattern}))`,
    );
  }
  return (await query.execute()).map(toService);
}

export async function findService(db: Db, code: string): Promise<Service | undefined> {
  const row = await db
    .selectFrom('services')
    .select(serviceColumns)
    .where('code', '=', code)
    .executeTakeFirst();
  return row && toService(row);
}

/** Inserts a service; false when its code or LGSL code is taken. */
export async function insertService(db: Db, service: Service): Promise<boolean> {
  const result = await db
    .insertInto('services')
    .values({
      code: service.code,
      lgsl_code: service.lgslCode,
      name: service.name,
      description: service.description,
      service_group: service.group,
      responsible_kind: service.responsibleKind,
      keywords: service.keywords,
    })
    .onConflict((c) => c.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows) === 1;
}
