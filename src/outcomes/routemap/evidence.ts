// What the platform knows of each organisation, measured by itself, so that no score floats free
// of the facts. Counts only, never a person: read across the owners' tables in one statement a
// measure (decision 0016 says why), as of a given time; the KPIs' trends come from outcomes' own
// reading of them, handed in.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { MeasureKey } from './framework.ts';

export interface Measure {
  key: MeasureKey;
  label: string;
  /** The figure as a person reads it: "12", "67%". */
  value: string;
  /** The number behind it (a share is 0–100), for charts and exports. */
  figure: number;
  detail: string;
}

const DAY = 86_400_000;
const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((100 * part) / whole));

interface Counts {
  organisation_id: string;
  services_online: number;
  requests_received: number;
  overdue_cases: number;
  sharing_agreements: number;
  staff: number;
  staff_second_factor: number;
  records: number;
  records_linked: number;
  open_datasets: number;
}

/** How an organisation's outcome KPIs move: its latest complete month against the three before. */
export interface KpiTrends {
  better: number;
  worse: number;
  steady: number;
  /** KPIs with too little history, or too few cases, to show a trend. */
  unknown: number;
}

/** The KPIs' trends of these organisations (by id), from outcomes. */
export type KpiTrendsOf = (organisationIds: string[]) => Promise<Map<string, KpiTrends>>;

/** Every measure of these organisations (by id), at `now`. */
export async function measure(db: Db, organisationIds: string[], now: Date, kpiTrends?: KpiTrendsOf) {
  const result = new Map<string, Measure[]>();
  if (organisationIds.length === 0) return result;
  const trends = (await kpiTrends?.(organisationIds)) ?? new Map<string, KpiTrends>();
  const today = now.toISOString().slice(0, 10);
  const yearAgo = new Date(now.getTime() - 365 * DAY);
  const { rows } = await sql<Counts>`
    SELECT o.id AS organisation_id,
      (SELECT count(DISTINCT s.code)::int FROM services s
        WHERE s.responsible_kind IN (SELECT ac.function FROM area_coverage ac WHERE ac.organisation_id = o.id)
      ) AS services_online,
      (SELECT count(*)::int FROM cases c
        WHERE c.organisation_id = o.id AND c.requested_at > ${yearAgo} AND c.requested_at <= ${now}
      ) AS requests_received,
      (SELECT count(*)::int FROM cases c
        WHERE c.organisation_id = o.id AND c.status IN ('open', 'in_progress') AND c.expected_at < ${now}
      ) AS overdue_cases,
      (SELECT count(*)::int FROM sharing_agreements a JOIN agreement_parties p ON p.agreement_id = a.id
        WHERE p.organisation_id = o.id AND p.signed_at IS NOT NULL AND a.status = 'active'
          AND a.starts_on <= ${today}::date AND a.ends_on >= ${today}::date
      ) AS sharing_agreements,
      (SELECT count(DISTINCT r.account_id)::int FROM staff_roles r JOIN accounts ac ON ac.id = r.account_id
        WHERE r.organisation_id = o.id AND NOT ac.disabled
      ) AS staff,
      (SELECT count(DISTINCT r.account_id)::int FROM staff_roles r JOIN accounts ac ON ac.id = r.account_id
        WHERE r.organisation_id = o.id AND NOT ac.disabled AND (
          EXISTS (SELECT 1 FROM second_factors f WHERE f.account_id = r.account_id AND f.enrolled_at IS NOT NULL)
          OR EXISTS (SELECT 1 FROM passkeys k WHERE k.account_id = r.account_id))
      ) AS staff_second_factor,
      (SELECT count(*)::int FROM local_records l WHERE l.organisation_id = o.id) AS records,
      (SELECT count(*)::int FROM local_records l
        WHERE l.organisation_id = o.id AND EXISTS (SELECT 1 FROM person_links pl WHERE pl.record_id = l.id)
      ) AS records_linked,
      -- The place's catalogue is every organisation's: each dataset holds their data side by side.
      (SELECT count(DISTINCT r.dataset)::int FROM open_data_releases r
        WHERE r.withdrawn_at IS NULL AND r.published_at <= ${now}
      ) AS open_datasets
    FROM organisations o WHERE o.id = ANY(${organisationIds}::uuid[])`.execute(db);
  for (const c of rows) result.set(c.organisation_id, measuresOf(c, trends.get(c.organisation_id)));
  return result;
}

/** The counts as the measures people read. */
export function measuresOf(c: Omit<Counts, 'organisation_id'>, trends?: KpiTrends): Measure[] {
  const share = (key: MeasureKey, label: string, part: number, whole: number, of: string): Measure => ({
    key,
    label,
    value: `${percent(part, whole)}%`,
    figure: percent(part, whole),
    detail: `${part} of ${whole} ${of}`,
  });
  const count = (key: MeasureKey, label: string, n: number, detail: string): Measure => ({
    key,
    label,
    value: String(n),
    figure: n,
    detail,
  });
  return [
    count('servicesOnline', 'Services that can be requested online', c.services_online, 'in the catalogue'),
    count('requestsReceived', 'Requests received online', c.requests_received, 'in the last 12 months'),
    count('overdueCases', 'Open cases past their target', c.overdue_cases, 'now'),
    count('sharingAgreements', 'Active sharing agreements', c.sharing_agreements, 'signed and in force'),
    share(
      'secondFactorStaff',
      'Staff signing in with a second factor',
      c.staff_second_factor,
      c.staff,
      'staff',
    ),
    share('recordsLinked', 'Records linked to a person', c.records_linked, c.records, 'records'),
    count(
      'openDatasets',
      'Open datasets published',
      c.open_datasets,
      'in the place’s open data catalogue, each with a release not withdrawn',
    ),
    ...(trends ? [kpiTrendsMeasure(trends)] : []),
  ];
}

/** The KPIs getting better, as people read it: "3 better, 1 worse". */
function kpiTrendsMeasure(t: KpiTrends): Measure {
  const known = t.better + t.worse + t.steady;
  return {
    key: 'kpiTrends',
    label: 'Outcome KPIs getting better',
    value: `${t.better} better, ${t.worse} worse`,
    figure: t.better,
    detail: `of ${known} KPIs with a trend (the latest complete month against the three before), ${t.steady} about the same; ${t.unknown} with too little history or too few cases`,
  };
}
