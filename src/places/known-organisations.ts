// The place's organisations by id, kept in memory for the modules that show an organisation's
// reference or name beside a row that holds only its id. Organisations are only ever inserted
// (nothing updates or deletes them), so an entry never goes stale: an id not known yet is read
// again from the database, and the cache is never wrong, only sometimes incomplete. Each process
// keeps its own; nothing is shared between instances. Should an organisation ever be renamed or
// removed, every instance must forget its copy first (docs/decisions/0006-joins-across-owners.md).
import type { Db } from '../db/index.ts';
import type { Organisation } from './schemas.ts';
import * as store from './store.ts';

export interface KnownOrganisation extends Organisation {
  id: string;
  /**
   * Its place among the organisations ordered by name as the database orders them (the same for
   * the same name), so that a caller sorts by name exactly as an `ORDER BY name` would.
   */
  nameOrder: number;
}

export function knownOrganisations(db: Db) {
  let known = new Map<string, KnownOrganisation>();
  let reading: Promise<void> | null = null;

  /** Reads every organisation again, once for every caller waiting on it. */
  function readAgain(): Promise<void> {
    reading ??= (async () => {
      const rows = await store.organisationsByName(db);
      const next = new Map<string, KnownOrganisation>();
      let order = 0;
      rows.forEach((row, i) => {
        if (i > 0 && row.name !== rows[i - 1]?.name) order = i;
        next.set(row.id, { ...row, nameOrder: order });
      });
      known = next;
    })().finally(() => {
      reading = null;
    });
    return reading;
  }

  /** The organisations with these ids (an id that names none is left out). */
  return async function organisationsById(ids: Iterable<string>): Promise<Map<string, KnownOrganisation>> {
    const wanted = [...new Set(ids)];
    const missing = () => wanted.some((id) => !known.has(id));
    // A read already under way may bring them; one started after this call sees every
    // organisation committed before it.
    if (missing() && reading) await reading;
    if (missing()) await readAgain();
    const found = new Map<string, KnownOrganisation>();
    for (const id of wanted) {
      const organisation = known.get(id);
      if (organisation) found.set(id, organisation);
    }
    return found;
  };
}
