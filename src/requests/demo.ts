// The demo's requests: a year of reports across the place, as if Flagstone had been taking them,
// so that a first start has work in every inbox (some of it overdue), a history of closed cases,
// messages in the outbox and a referral waiting. Made through the real front door (routing,
// checks, ledger entries, messages), then dated back: the cases' own dates, and their history.
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Actor } from '../platform/index.ts';
import type { ApiKeys, intakeService } from './intake/index.ts';
import type { Referrals } from './referrals/index.ts';

const DAY = 86_400_000;

/** Where reports are made: well inside each area of the demo place (lon, lat, spread in degrees). */
const neighbourhoods = [
  { lon: -2.2, lat: 52.22, spread: 0.07 }, // Ashby Vale
  { lon: -2.2, lat: 52.43, spread: 0.07 }, // Northmoor
  { lon: -1.68, lat: 52.3, spread: 0.07 }, // Castlebridge
];

/** What people report, with the answers each service asks for and a few ways of putting it. */
const reports: { service: string; attributes: Record<string, string>; said: string[] }[] = [
  {
    service: 'pothole',
    attributes: { size: 'medium' },
    said: ['Deep pothole by the bus stop', 'Pothole on the bend, cars swerving', 'Road breaking up'],
  },
  {
    service: 'street-light',
    attributes: { fault: 'out' },
    said: ['Street light out outside the school', 'Lamp post not working for a week'],
  },
  {
    service: 'missed-bin',
    attributes: { bin: 'recycling' },
    said: ['Recycling not collected this week', 'Bin missed again on our street'],
  },
  { service: 'fly-tipping', attributes: { waste: 'furniture' }, said: ['Sofa dumped in the lay-by'] },
  { service: 'graffiti', attributes: {}, said: ['Graffiti on the underpass wall'] },
  { service: 'dog-fouling', attributes: {}, said: ['Dog mess all along the path to the park'] },
  { service: 'blocked-gully', attributes: {}, said: ['Drain blocked, road floods when it rains'] },
  { service: 'abandoned-vehicle', attributes: {}, said: ['Car with no plates left for a month'] },
];

const personalRequests: [string, string][] = [
  ['antisocial-behaviour', 'Groups gathering late at night by the flats, shouting and breaking bottles.'],
  ['falls-prevention', 'My father has fallen twice this month and is nervous on the stairs.'],
  ['debt-advice', 'I am behind on my energy bills and do not know where to start.'],
  ['benefits-advice', 'I have just been made redundant and want to know what I can claim.'],
  ['council-housing-repair', 'The boiler in our council flat has stopped working.'],
  ['noise-complaint', 'Loud music from next door every night after midnight.'],
];

/** A small, seeded random source, so every demo is the same. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface DemoCasesDeps {
  db: Db;
  requests: Pick<ReturnType<typeof intakeService>, 'submit'> &
    Pick<Referrals, 'refer' | 'decideReferral'> &
    Pick<ApiKeys, 'issueKey' | 'apiKey'>;
  now: Date;
  /** A citizen of the demo, whose own requests these partly are. */
  citizen: Actor;
  /** Staff who refer a case for the referral waiting: the fire service's, under the demo's agreement. */
  referrer: Actor;
  /** Staff of the county council, who decline a referral the fire service made them. */
  receiver: Actor;
  /** Staff who take requests for callers: fewer each month as people move online (channel shift). */
  taker?: Actor;
}

/** Dates a case back: made `age` days ago, resolved `took` days later (or still open). */
async function dateBack(db: Db, reference: string, made: Date, resolvedAt: Date | null) {
  await sql`UPDATE cases SET requested_at = ${made}, updated_at = ${resolvedAt ?? made},
      expected_at = ${made}::timestamptz + (expected_at - requested_at),
      status = ${resolvedAt ? 'closed' : 'open'},
      status_reason = ${resolvedAt ? 'Fixed' : null}
    WHERE reference = ${reference}`.execute(db);
  if (resolvedAt)
    await sql`INSERT INTO case_updates (case_id, kind, body, status, organisation_id, created_at)
      SELECT id, 'public', 'Fixed. Thank you for telling us.', 'closed', organisation_id, ${resolvedAt}
        FROM cases WHERE reference = ${reference}`.execute(db);
}

/**
 * About 30 reports a month for a year: older ones closed within a few days of their target,
 * this month's open (and those older than their target overdue), some with an email address so
 * the outbox has messages to show. Then a referral waiting for Castlebridge Council, one the
 * county council declined (its decision in the history, the citizen told what happens next),
 * and a report from someone who gave only a phone number (told by text).
 */
export async function loadDemoCases({
  db,
  requests,
  now,
  citizen,
  referrer,
  receiver,
  taker,
}: DemoCasesDeps) {
  const random = seeded(2026);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
  // A reporting app posts a share of them by Open311, with a key of its own.
  const app = await requests.issueKey('command line', {
    name: 'Fix It Fellshire',
    contact: 'apps@fixit.example',
  });
  const byApp = { apiKey: await requests.apiKey(app.key) };
  for (let age = 360; age >= 0; age -= 12) {
    for (let n = 0; n < 12; n++) {
      const place = pick(neighbourhoods);
      const report = pick(reports);
      const made = new Date(now.getTime() - (age + random() * 12) * DAY);
      const recent = now.getTime() - made.getTime() < 21 * DAY;
      // A year ago half the reports came by phone, in person or by letter; now about one in six.
      const assisted =
        random() < 0.5 - (0.33 * (360 - age)) / 360
          ? pick(['phone', 'phone', 'face_to_face', 'letter'] as const)
          : null;
      const created = await requests.submit(
        {
          service: report.service,
          lat: place.lat + (random() - 0.5) * place.spread,
          lon: place.lon + (random() - 0.5) * place.spread,
          description: pick(report.said),
          attributes: report.attributes,
          email: recent && random() < 0.5 ? `resident${n}@example.com` : null,
          ...(assisted ? { firstName: 'Caller', phone: '01632 960 000' } : {}),
        },
        assisted && taker ? { actor: taker, assisted } : n % 3 === 0 ? byApp : {},
      );
      const took = 1 + random() * 12;
      await dateBack(db, created.reference, made, recent ? null : new Date(made.getTime() + took * DAY));
    }
  }
  // Requests only a signed-in citizen makes, so the police, the NHS trust and the advice network
  // have work too: made over the last three weeks, still open.
  for (const [i, [service, description]] of personalRequests.entries()) {
    const place = neighbourhoods[i % neighbourhoods.length] as (typeof neighbourhoods)[number];
    const created = await requests.submit(
      { service, lat: place.lat, lon: place.lon, description },
      { actor: citizen },
    );
    await dateBack(db, created.reference, new Date(now.getTime() - (2 + i * 3) * DAY), null);
  }
  const visit = await requests.submit(
    {
      service: 'home-fire-safety-visit',
      lat: 52.3,
      lon: -1.68,
      description: 'My mother lives alone and has had two falls; please visit to check her smoke alarms.',
    },
    { actor: citizen },
  );
  await requests.refer(referrer, visit.id, {
    to: 'castlebridge-council',
    purpose: 'safeguarding',
    note: 'Visited: two recent falls and no working smoke alarm upstairs. Please assess for care support.',
  });
  const check = await requests.submit(
    {
      service: 'home-fire-safety-visit',
      lat: 52.32,
      lon: -1.66,
      description: 'I use a mobility scooter and charge it in the hallway; is that safe?',
    },
    { actor: citizen },
  );
  const referral = await requests.refer(referrer, check.id, {
    to: 'fellshire-cc',
    purpose: 'safeguarding',
    note: 'Lives alone; scooter charged by the only way out. May need an occupational therapy visit.',
  });
  // Someone who gave only a phone number: told by text.
  await requests.submit({
    service: 'graffiti',
    lat: 52.31,
    lon: -1.67,
    description: 'Graffiti on the bus shelter by the school',
    phone: '07700 900982',
  });
  await requests.decideReferral(receiver, referral.id, {
    accept: false,
    reason: 'Already known to our occupational therapy team, who visited last week.',
  });
}
