// Taking a request: placed (by the gazetteer when it has no point), checked, routed, then stored
// with its ledger entry, its photos and the email to the citizen in one transaction (a batch's).
import type { Database } from '../../db/index.ts';
import type { GovernanceService, LedgerEntry } from '../../governance/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import type { Service } from '../../places/index.ts';
import { type Actor, type Clock, Forbidden, Invalid, sha256 } from '../../platform/index.ts';
import { citizenMessages } from '../case.ts';
import { attachDraftPhotos } from '../photos/index.ts';
import type { RequestRouting } from '../routing/index.ts';
import { definitionOf } from '../service-definitions.ts';
import type { NewCaseRow } from '../store.ts';
import { batcher } from './batcher.ts';
import { type CheckedRequest, checkSubmission, type NewRequest } from './check.ts';
import { type Gazetteer, locating } from './locating.ts';
import { sameOpenCases } from './repeats.ts';

export interface Submitter {
  actor?: Actor | null;
  apiKey?: { id: string; name: string } | null;
  /** Taken by staff (the actor) for a caller: how the caller got in touch. */
  assisted?: AssistedChannel;
}

/** How a caller got in touch when staff take a request for them. */
export type AssistedChannel = 'phone' | 'face_to_face' | 'letter';
export type Channel = NewCaseRow['channel'];

/** How a request came in: assisted as staff say, an Open311 client's key or an access token (api), else the pages. */
function channelOf(by: Submitter): { channel: Channel; takenBy: string | null } {
  if (by.assisted) {
    if (by.actor?.kind !== 'staff') throw new Forbidden('Only staff take a request for a caller');
    return { channel: by.assisted, takenBy: by.actor.accountId };
  }
  return { channel: by.apiKey || by.actor?.clientId ? 'api' : 'online', takenBy: null };
}

type Routed = Extract<Awaited<ReturnType<RequestRouting['destination']>>, { ok: true }>;

/** The case's row: every column named, status too, since a batch's rows are inserted with one column list. */
function caseRow(
  s: Service,
  to: Routed,
  request: CheckedRequest,
  by: { citizen: Actor | null; apiKeyId: string | null; channel: Channel; takenBy: string | null },
  now: Date,
): Omit<NewCaseRow, 'reference'> {
  return {
    service_code: s.code,
    organisation_id: to.organisationId,
    area_id: to.areaId,
    route_basis: to.basis,
    lat: request.lat,
    lon: request.lon,
    address_string: request.addressString,
    address_id: request.addressId,
    description: request.description,
    attributes: request.attributes,
    media_url: request.mediaUrl,
    email: request.email,
    first_name: request.firstName,
    last_name: request.lastName,
    phone: request.phone,
    contact_by: request.contactBy,
    share_contact: request.shareContact,
    device_id: request.deviceId,
    account_ref: request.accountRef,
    citizen_account_id: by.citizen ? ownerOf(by.citizen) : null,
    api_key_id: by.apiKeyId,
    channel: by.channel,
    taken_by: by.takenBy,
    status: 'open' as const,
    status_reason: null,
    assignee_account_id: null,
    team: null,
    duplicate_of: null,
    requested_at: now,
    updated_at: now,
    expected_at: new Date(now.getTime() + definitionOf(s.code).targetDays * 86_400_000),
  };
}

/** Who reports as a person: a signed-in citizen, or anyone acting for a citizen under a delegation. */
const reporter = (actor: Actor | null | undefined) =>
  actor && (actor.kind === 'citizen' || actor.actingFor) ? actor : null;

/** The citizen a request is theirs: the one acted for, or the reporter themselves. */
const ownerOf = (citizen: Actor) => citizen.actingFor?.accountId ?? citizen.accountId;

/** The ledger entry of a new case: who made it (a citizen, an Open311 client or nobody known), where it went and why. */
function creation(s: Service, to: Routed, by: Submitter, requestId: string | undefined) {
  const citizen = reporter(by.actor);
  const staff = !citizen && by.assisted && by.actor?.kind === 'staff' ? by.actor : null;
  return (id: string, duplicateOf: string | null): LedgerEntry => ({
    action: 'case.create',
    actor: citizen
      ? { account: citizen.accountId, kind: citizen.kind }
      : staff
        ? { account: staff.accountId, kind: 'staff' }
        : by.apiKey
          ? { account: by.apiKey.id, kind: 'client' }
          : null,
    actingFor: citizen?.actingFor?.accountId ?? null,
    resource: { type: 'case', id, organisation: to.organisation },
    subject: citizen ? ownerOf(citizen) : null,
    requestId: requestId ?? null,
    detail: {
      service: s.code,
      area: to.area,
      basis: to.basis,
      ...(staff ? { channel: by.assisted } : {}),
      ...(duplicateOf ? { duplicateOf } : {}),
    },
  });
}

export function intakeService(
  database: Pick<Database, 'db' | 'pipelined'>,
  clock: Clock,
  governance: GovernanceService,
  notify: NotifyService,
  routing: RequestRouting,
  gazetteer: Gazetteer | null,
) {
  const locate = locating(gazetteer);
  const storeCase = batcher(database, governance, notify);

  return {
    /** Takes a request: checked, routed, stored with its ledger entry and notification in one transaction. */
    async submit(given: NewRequest, by: Submitter = {}, requestId?: string) {
      const how = channelOf(by);
      const s = await routing.service(given.service, 'service_code');
      const input = { ...given, ...(await locate.place(given)) };
      const citizen = reporter(by.actor);
      const { errors, request } = checkSubmission(s, definitionOf(s.code), input, citizen);
      if (errors.length > 0) throw new Invalid('The request has errors', errors);
      const to = await routing.destination(s, request.lat, request.lon);
      if (!to.ok) throw to.refusal;
      const apiKeyId = by.apiKey?.id ?? null;
      const row = caseRow(s, to, request, { citizen, apiKeyId, ...how }, clock.now());
      const photosOf = input.photosOf;
      const created = await storeCase({
        row,
        entry: creation(s, to, by, requestId),
        messages: (reference) =>
          citizenMessages({ ...row, reference }, 'request-received', { service: s.name }),
        after: photosOf ? (trx, id) => attachDraftPhotos(trx, sha256(photosOf), id) : undefined,
      });
      return { ...created, organisation: to.organisation, area: to.area, explanation: to.explanation };
    },

    /** The open request a report of this service at this point would be joined to, if any. */
    async alreadyReported(serviceCode: string, lat: number, lon: number): Promise<string | null> {
      const to = await routing.destination(await routing.service(serviceCode), lat, lon);
      if (!to.ok) return null;
      const [original] = await sameOpenCases(database.db, [
        { service_code: serviceCode, organisation_id: to.organisationId, lat, lon },
      ]);
      return original?.reference ?? null;
    },

    /** The gazetteer's addresses, to place a request. */
    addresses: locate,
  };
}

export type IntakeService = ReturnType<typeof intakeService>;
