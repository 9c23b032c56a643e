// The open case a new report repeats: the same service held by the same organisation, within
// 50 metres (duplicates.ts), found among the open cases in a box around it with one query.
import type { Db } from '../../db/index.ts';
import type { NewCaseRow } from '../store.ts';
import { boxAround, SAME_PLACE_METRES, sameThing } from './duplicates.ts';
import { openOriginalsNear } from './store.ts';

/** For each new report, the open case it would repeat, if any. */
export async function sameOpenCases(
  db: Db,
  rows: Pick<NewCaseRow, 'service_code' | 'organisation_id' | 'lat' | 'lon'>[],
) {
  const candidates = await openOriginalsNear(
    db,
    rows.map((r) => ({
      service: r.service_code,
      organisation: r.organisation_id,
      ...boxAround(r, SAME_PLACE_METRES),
    })),
  );
  return rows.map((r, i) =>
    sameThing(
      candidates.filter((c) => c.i === i),
      r,
    ),
  );
}
