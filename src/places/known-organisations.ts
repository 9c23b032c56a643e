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
  let byRef = new Map<string, string>();
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
      byRef = new Map([...next.values()].map((o) => [o.ref, o.id]));
    })().finally(() => {
      reading = null;
    });
    return reading;
  }

  /** What `find` finds, after reading the organisations again if any is not known yet. */
  async function knownAll(wanted: string[], isKnown: (key: string) => boolean) {
    const missing = () => wanted.some((key) => !isKnown(key));
    // A read already under way may bring them; one started after this call sees every
    // organisation committed before it.
    if (missing() && reading) await reading;
    if (missing()) await readAgain();
  }

  return {
    /** The organisations with these ids (an id that names none is left out). */
    async organisationsById(ids: Iterable<string>): Promise<Map<string, KnownOrganisation>> {
      const wanted = [...new Set(ids)];
      await knownAll(wanted, (id) => known.has(id));
      const found = new Map<string, KnownOrganisation>();
      for (const id of wanted) {
        const organisation = known.get(id);
        if (organisation) found.set(id, organisation);
      }
      return found;
    },

    /** The ids of the organisations with these references (a reference that names none is left out). */
    async organisationIds(refs: Iterable<string>): Promise<Map<string, string>> {
      const wanted = [...new Set(refs)];
      await knownAll(wanted, (ref) => byRef.has(ref));
      const found = new Map<string, string>();
      for (const ref of wanted) {
        const id = byRef.get(ref);
        if (id) found.set(ref, id);
      }
      return found;
    },
  };
}
