// Use-cases of the front door: routing, taking a request (one transaction with its ledger
// entry and notification), the public view, and staff work on cases and referrals — every
// staff or citizen read and change decided by the policies and written to the audit ledger.
import { randomInt, randomUUID } from 'node:crypto';
import type { Database, Db } from '../db/index.ts';
import type { Ask, Decision, GovernanceService, LedgerEntry, Principal } from '../governance/index.ts';
import { purposes } from '../governance/index.ts';
import type { Message, NotifyService } from '../notify/index.ts';
import type { PlacesService, Service } from '../places/index.ts';
import {
  type Actor,
  type Clock,
  Conflict,
  type FieldError,
  Forbidden,
  Invalid,
  NotFound,
  newToken,
  requireActor,
  sha256,
} from '../platform/index.ts';
import { type CaseAction, type CaseFacts, caseAsk } from './access.ts';
import * as duplicateStore from './duplicate-store.ts';
import { boxAround, SAME_PLACE_METRES, sameReport, sameThing } from './duplicates.ts';
import { assigneeName, checkAssignment } from './inbox.ts';
import { type Gazetteer, locating } from './locating.ts';
import * as photoStore from './photo-store.ts';
import type { Photo } from './photos.ts';
import { type RoutingTable, routingTable } from './routing.ts';
import { checkAttributes, definitionOf } from './service-definitions.ts';
import * as staff from './staff-store.ts';
import type { CaseStatus } from './store.ts';
import * as store from './store.ts';

const ROUTING_CACHE_MS = 30_000;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface NewRequest {
  service: string;
  lat?: number | null;
  lon?: number | null;
  addressString?: string | null;
  addressId?: string | null;
  description?: string | null;
  attributes?: Record<string, string | string[] | undefined>;
  mediaUrl?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  deviceId?: string | null;
  accountRef?: string | null;
  /** The draft (the citizen's journey) whose photos go with the request. */
  photosOf?: string | null;
}

export interface Submitter {
  actor?: Actor | null;
  apiKey?: { id: string; name: string } | null;
}

/** What anyone may see of a request: nothing that says who made it or what they wrote. */
export interface PublicRequest {
  reference: string;
  status: CaseStatus;
  statusNotes: string | null;
  serviceCode: string;
  serviceName: string;
  organisation: string;
  organisationName: string;
  requestedAt: string;
  updatedAt: string;
  expectedAt: string | null;
  address: string | null;
  addressId: string | null;
  lat: number;
  lon: number;
  mediaUrl: string | null;
}

interface Catalogue {
  table: RoutingTable;
  at: number;
  organisationIds: Map<string, string>;
  areaIds: Map<string, string>;
  services: Map<string, Service>;
  placeName: string;
}

interface PendingCase {
  row: Omit<store.NewCaseRow, 'reference'>;
  /** The ledger entry, given the case's id and the reference of the open case it was joined to. */
  entry: (id: string, duplicateOf: string | null) => LedgerEntry;
  /** The messages to send, given the reference the citizen follows. */
  messages: (reference: string) => Message[];
  /** More to store with the case, in its transaction. */
  after?: (trx: Db, id: string) => Promise<void>;
  resolve: (stored: StoredCase) => void;
  reject: (error: Error) => void;
}

/** A reference drawn for a new case was already taken (there are 32^8 references, so this is rare). */
class ReferenceTaken extends Error {}

interface StoredCase {
  id: string;
  token: string;
  reference: string;
  /** The reference of the open case it repeats and was joined to. */
  duplicateOf: string | null;
}

export const statusNames: Record<CaseStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  resolved: 'Resolved',
  closed: 'Closed',
};

const referralStatusNames = { pending: 'Waiting for a decision', accepted: 'Accepted', declined: 'Declined' };

const transitions: Record<CaseStatus, CaseStatus[]> = {
  open: ['in_progress', 'resolved', 'closed'],
  in_progress: ['open', 'resolved', 'closed'],
  resolved: ['closed', 'open'],
  closed: [],
};

export const newReference = () =>
  Array.from({ length: 9 }, (_, i) => (i === 4 ? '-' : ALPHABET[randomInt(ALPHABET.length)])).join('');

const trimmed = (v: string | null | undefined) => (v ?? '').trim() || null;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const toPublic = (row: store.CaseRow): PublicRequest => ({
  reference: row.reference,
  status: row.status,
  statusNotes: row.status_reason,
  serviceCode: row.service_code,
  serviceName: row.service_name,
  organisation: row.organisation,
  organisationName: row.organisation_name,
  requestedAt: row.requested_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  expectedAt: row.expected_at?.toISOString() ?? null,
  address: row.address_string,
  addressId: row.address_id,
  lat: row.lat,
  lon: row.lon,
  mediaUrl: row.media_url,
});

/** A case in the terms its policies decide on. */
export const facts = (row: store.CaseRow): CaseFacts => ({
  id: row.id,
  organisationId: row.organisation_id,
  markingLevel: row.marking_level,
  referredTo: row.referred_to,
  citizenAccountId: row.citizen_account_id,
});

export function requestsService(
  { db, pipelined }: Pick<Database, 'db' | 'pipelined'>,
  clock: Clock,
  governance: GovernanceService,
  places: PlacesService,
  notify: NotifyService,
  gazetteer: Gazetteer | null = null,
) {
  const locate = locating(gazetteer);
  let cached: Catalogue | null = null;
  const apiKeys = new Map<string, { client: Awaited<ReturnType<typeof store.findApiKey>>; at: number }>();

  /** The routing table and the ids it names, kept for a while: places change rarely. */
  async function catalogue(): Promise<Catalogue> {
    if (cached && Date.now() - cached.at < ROUTING_CACHE_MS) return cached;
    const [areas, organisations, overrides, services, areaIds, place] = await Promise.all([
      places.areas(),
      places.organisations(),
      store.overrides(db),
      places.services(),
      store.areaIds(db),
      places.place(),
    ]);
    const table = routingTable(
      areas.map((a) => ({
        ref: a.properties.ref,
        name: a.properties.name,
        geometry: a.geometry,
        coverage: a.properties.coverage,
      })),
      overrides,
      new Map(organisations.map((o) => [o.ref, o.name])),
    );
    cached = {
      table,
      at: Date.now(),
      organisationIds: await places.organisationIds(organisations.map((o) => o.ref)),
      areaIds,
      services: new Map(services.map((x) => [x.code, x])),
      placeName: place.name,
    };
    return cached;
  }
  const table = async () => (await catalogue()).table;

  async function service(code: string, field = 'service'): Promise<Service> {
    const known = (await catalogue()).services.get(code);
    if (known) return known;
    try {
      return await places.service(code);
    } catch {
      throw new Invalid(`There is no service with the code ${code}`, [
        { field, message: `There is no service with the code ${code}` },
      ]);
    }
  }

  // Requests arriving together are stored together: one transaction, one ledger append and
  // one commit for the lot, each answered only once that commit is durable. The transaction is
  // pipelined: BEGIN goes with the search for the open cases they repeat, and the cases, their
  // messages and their ledger entries go together, so it costs three round trips (the last the
  // commit) however many requests it holds. Two batches may be in flight at once: the second
  // finds its repeats while the first holds the ledger's lock (taken last, held to the commit).
  let pending: PendingCase[] = [];
  let flushes = 0;
  let flushScheduled = false;
  const MAX_FLUSHES = 2;

  async function storeCases(
    trx: Db,
    items: PendingCase[],
    decided: (firsts: PendingCase[]) => void = () => {},
  ): Promise<StoredCase[]> {
    // A repeat of an open report is stored joined to it, and closed: its reporter follows that
    // one. The repeat may be of a report stored earlier or of one earlier in this batch.
    const originals: ({ id: string; reference: string } | number | null)[] = await sameOpenCases(
      trx,
      items.map((item) => item.row),
    );
    items.forEach((item, i) => {
      if (originals[i]) return;
      const first = items.findIndex(
        (other, f) => f < i && originals[f] === null && sameReport(other.row, item.row),
      );
      if (first >= 0) originals[i] = first;
    });
    decided(items.filter((_, i) => originals[i] === null));
    // Each case's id and reference are drawn here, so that its messages and ledger entry can be
    // sent with it.
    const drawn = items.map(() => ({ id: randomUUID(), reference: newReference() }));
    // The case each report is joined to, if any: stored already, or drawn here for one before it.
    const joinedTo = originals.map((original) => (typeof original === 'number' ? drawn[original] : original));
    const cases = items.map((item, i) => {
      const joined = joinedTo[i] ?? null;
      const row = {
        ...item.row,
        ...(drawn[i] as { id: string; reference: string }),
        duplicate_of: joined?.id ?? null,
        status: joined ? ('closed' as const) : item.row.status,
        status_reason: joined ? `Already reported as ${joined.reference}: joined to it` : null,
      };
      return { item, row, joined };
    });
    // One INSERT holds the repeats with the cases they repeat: foreign keys are checked at its end.
    const [stored] = await Promise.all([
      store.insertCases(
        trx,
        cases.map((c) => c.row),
      ),
      notify.queue(
        trx,
        cases.flatMap(({ item, row, joined }) => item.messages((joined ?? row).reference)),
      ),
      // Last: the ledger's lock is held from here to the commit.
      governance.ledger.append(
        trx,
        cases.map(({ item, row, joined }) => item.entry(row.id, joined?.reference ?? null)),
      ),
    ]);
    // A reference already taken: the transaction is rolled back and the batch drawn again.
    if (stored.length < cases.length) throw new ReferenceTaken();
    for (const { item, row } of cases) await item.after?.(trx, row.id);
    const tokens = new Map(stored.map((r) => [r.id, r.token]));
    return cases.map(({ row, joined }) => ({
      id: row.id,
      reference: row.reference,
      token: tokens.get(row.id) as string,
      duplicateOf: joined?.reference ?? null,
    }));
  }

  // A batch with a repeat of a new report in a batch still being stored waits for that commit, so
  // that it finds the report and joins it (within this instance; between instances, reports sent
  // in the same few milliseconds may each make a case). It first waits for the other batch to
  // find which of its reports are new: repeats of stored cases need no waiting for.
  interface Storing {
    batch: PendingCase[];
    firsts: PendingCase[];
    decided: Promise<void>;
    done: Promise<void>;
  }
  const storing = new Set<Storing>();
  const near = (a: PendingCase[], b: PendingCase[]) => a.some((x) => b.some((y) => sameReport(x.row, y.row)));

  async function storeBatch(batch: PendingCase[]): Promise<StoredCase[]> {
    const others = [...storing].filter((s) => near(s.batch, batch));
    // In the set before anything is awaited, so a batch that comes next sees this one.
    let decide = () => {};
    let finish = () => {};
    const entry: Storing = {
      batch,
      firsts: batch,
      decided: new Promise<void>((resolve) => (decide = resolve)),
      done: new Promise<void>((resolve) => (finish = resolve)),
    };
    storing.add(entry);
    try {
      await Promise.all(others.map((s) => s.decided));
      await Promise.all(others.filter((s) => near(s.firsts, batch)).map((s) => s.done));
      for (let attempt = 1; ; attempt++) {
        try {
          return await pipelined((trx) =>
            storeCases(trx, batch, (firsts) => {
              entry.firsts = firsts;
              decide();
            }),
          );
        } catch (error) {
          if (!(error instanceof ReferenceTaken) || attempt === 5) throw error;
        }
      }
    } finally {
      storing.delete(entry);
      decide();
      finish();
    }
  }

  async function flush(): Promise<void> {
    flushScheduled = false;
    flushes++;
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        const results = await storeBatch(batch);
        for (const [i, item] of batch.entries()) item.resolve(results[i] as never);
        notify.nudge();
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error as Error);
        // One bad row must not fail the others: store them one by one.
        else
          for (const item of batch) {
            await storeBatch([item]).then(([result]) => item.resolve(result as never), item.reject);
          }
        notify.nudge();
      }
    }
    flushes--;
  }

  function storeCase(item: Omit<PendingCase, 'resolve' | 'reject'>) {
    return new Promise<StoredCase>((resolve, reject) => {
      pending.push({ ...item, resolve, reject });
      if (flushes < MAX_FLUSHES && !flushScheduled) {
        flushScheduled = true;
        queueMicrotask(flush);
      }
    });
  }

  function checkPoint(lat: number | null | undefined, lon: number | null | undefined): FieldError[] {
    const errors: FieldError[] = [];
    if (lat === null || lat === undefined || !Number.isFinite(lat) || Math.abs(lat) > 90)
      errors.push({ field: 'lat', message: 'Give the latitude as a number from -90 to 90' });
    if (lon === null || lon === undefined || !Number.isFinite(lon) || Math.abs(lon) > 180)
      errors.push({ field: 'lon', message: 'Give the longitude as a number from -180 to 180' });
    return errors;
  }

  async function route(code: string, lat: number, lon: number) {
    const s = await service(code);
    const errors = checkPoint(lat, lon);
    if (errors.length > 0) throw new Invalid('The location is not a valid point', errors);
    const answer = (await table()).route(s, lon, lat);
    if (!answer.ok) {
      const place = (await catalogue()).placeName;
      const message =
        answer.problem === 'outside'
          ? `The location is outside ${place}: we cannot take reports there`
          : answer.explanation;
      throw new Invalid(message, [{ field: 'lat', message }]);
    }
    const organisation = await places.organisation(answer.organisation);
    const area = await places.area(answer.area);
    return {
      service: { code: s.code, name: s.name, responsibleKind: s.responsibleKind },
      organisation: { ref: organisation.ref, name: organisation.name, kind: organisation.kind },
      area: { ref: area.properties.ref, name: area.properties.name },
      basis: answer.basis,
      onBoundaryOf: answer.onBoundaryOf,
      explanation: answer.explanation,
    };
  }

  async function principal(actor: Actor | null) {
    return governance.principal(actor);
  }

  function entry(
    p: Principal | null,
    action: string,
    row: Pick<store.CaseRow, 'id' | 'organisation' | 'citizen_account_id'>,
    extra: Partial<Ask['entry']> = {},
  ): Ask['entry'] {
    return {
      action,
      actor: p ? governance.actorOf(p, row.organisation) : null,
      resource: { type: 'case', id: row.id, organisation: row.organisation },
      subject: row.citizen_account_id,
      ...extra,
    };
  }

  /** Decides an action on a case; a refusal is written to the ledger and thrown. */
  function check(p: Principal, action: CaseAction, row: store.CaseRow, requestId?: string) {
    const e = entry(p, `case.${action === 'readCase' ? 'read' : 'update'}`, row, {
      requestId: requestId ?? null,
    });
    return governance.guard.permit(p, caseAsk(action, facts(row), e));
  }

  /** Decides a read of a case as one of a list: written with the others, or left out when refused. */
  const readOf = (p: Principal, row: store.CaseRow, action: string, requestId?: string) =>
    governance.guard.decide(
      p,
      caseAsk('readCase', facts(row), entry(p, action, row, { requestId: requestId ?? null })),
    );

  async function load(by: { id?: string; reference?: string }): Promise<store.CaseRow> {
    const row = await store.findCase(db, by);
    if (!row) throw new NotFound('There is no request with that reference');
    return row;
  }

  function contactMessages(
    row: { email: string | null; reference: string },
    template: Message['template'],
    extra: Record<string, string>,
  ) {
    return row.email
      ? [
          {
            channel: 'email' as const,
            recipient: row.email,
            template,
            personalisation: { reference: row.reference, ...extra },
            reference: row.reference,
          },
        ]
      : [];
  }

  /** For each new report, the open case it would repeat: same service and organisation, within 50 metres. */
  async function sameOpenCases(
    trx: Db,
    rows: Pick<store.NewCaseRow, 'service_code' | 'organisation_id' | 'lat' | 'lon'>[],
  ) {
    const candidates = await duplicateStore.openOriginalsNear(
      trx,
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

  /** For staff: the case a report was joined to, and the reports joined to it (each read in the ledger). */
  async function joinedReports(p: Principal, row: store.CaseRow, requestId?: string) {
    const joinedTo = row.duplicate_of ? await load({ id: row.duplicate_of }) : null;
    const reports = [];
    for (const id of await duplicateStore.joinedTo(db, row.id)) {
      const other = await load({ id });
      const read = readOf(p, other, 'case.read', requestId);
      if (!read.allowed) continue;
      await governance.guard.record([read]);
      reports.push({
        id: other.id,
        reference: other.reference,
        requestedAt: other.requested_at.toISOString(),
        description: other.description,
        contact: [[other.first_name, other.last_name].filter(Boolean).join(' '), other.email, other.phone]
          .filter(Boolean)
          .join(', '),
      });
    }
    return { joinedTo: joinedTo && { id: joinedTo.id, reference: joinedTo.reference }, joined: reports };
  }

  /** What the public sees for a case: a report joined to another is seen as that one. */
  const publicFace = async (row: store.CaseRow) => (row.duplicate_of ? load({ id: row.duplicate_of }) : row);

  /** A case and the reports joined to it: everyone to tell when it changes, of this case's reference. */
  const withJoined = async (row: store.CaseRow) => [
    row,
    ...(await Promise.all((await duplicateStore.joinedTo(db, row.id)).map((id) => load({ id })))).map(
      (joined) => ({ ...joined, reference: row.reference }),
    ),
  ];

  return {
    route,

    /** The open request a report of this service at this point would be joined to, if any. */
    async alreadyReported(serviceCode: string, lat: number, lon: number): Promise<string | null> {
      const answer = (await table()).route(await service(serviceCode), lon, lat);
      if (!answer.ok) return null;
      const organisationId = (await catalogue()).organisationIds.get(answer.organisation) as string;
      const [original] = await sameOpenCases(db, [
        { service_code: serviceCode, organisation_id: organisationId, lat, lon },
      ]);
      return original?.reference ?? null;
    },

    /** The gazetteer's addresses, to place a request. */
    addresses: locate,

    /** Whether the catalogue has a service (from the routing cache: no query). */
    hasService: async (code: string) => !!(await service(code).catch(() => null)),

    async overrides() {
      return store.overrides(db);
    },

    /** Staff override routing for a service in an area: administrators, or managers of the organisation responsible there. */
    async setOverride(
      actor: Actor | null,
      input: { service: string; area: string; organisation: string; reason: string },
    ) {
      const who = requireActor(actor);
      const s = await service(input.service);
      const area = await places.area(input.area);
      const to = await places.organisation(input.organisation);
      const reason = input.reason.trim();
      if (!reason)
        throw new Invalid('Say why', [{ field: 'reason', message: 'Enter the reason for the override' }]);
      const responsible = area.properties.coverage.find((c) =>
        c.functions.includes(s.responsibleKind),
      )?.organisation;
      const may = who.roles.some(
        (r) =>
          r.role === 'admin' ||
          (r.role === 'manager' && (r.organisation === responsible || r.organisation === to.ref)),
      );
      if (!may)
        throw new Forbidden(
          'Only an administrator, or a manager of the organisation responsible there, can override routing',
        );
      const ids = await store.areaIds(db);
      const orgIds = await places.organisationIds([to.ref]);
      await db.transaction().execute(async (trx) => {
        await store.setOverride(trx, {
          service_code: s.code,
          area_id: ids.get(area.properties.ref) as string,
          organisation_id: orgIds.get(to.ref) as string,
          reason,
          set_by: who.accountId,
          set_at: clock.now(),
        });
        await governance.ledger.append(trx, [
          {
            action: 'routing.override',
            actor: { account: who.accountId, kind: who.kind },
            detail: { service: s.code, area: area.properties.ref, organisation: to.ref, reason },
          },
        ]);
      });
      cached = null;
    },

    async removeOverride(actor: Actor | null, serviceCode: string, areaRef: string) {
      const who = requireActor(actor);
      if (!who.roles.some((r) => r.role === 'admin' || r.role === 'manager'))
        throw new Forbidden('Only an administrator or a manager can remove a routing override');
      const id = (await store.areaIds(db)).get(areaRef);
      await db.transaction().execute(async (trx) => {
        if (!id || !(await store.removeOverride(trx, serviceCode, id)))
          throw new NotFound('There is no such override');
        await governance.ledger.append(trx, [
          {
            action: 'routing.override-removed',
            actor: { account: who.accountId, kind: who.kind },
            detail: { service: serviceCode, area: areaRef },
          },
        ]);
      });
      cached = null;
    },

    /** Takes a request: checked, routed, stored with its ledger entry and notification in one transaction. */
    async submit(given: NewRequest, by: Submitter = {}, requestId?: string) {
      const s = await service(given.service, 'service_code');
      const input = { ...given, ...(await locate.place(given)) };
      const definition = definitionOf(s.code);
      const errors = checkPoint(input.lat, input.lon);
      const attributes = checkAttributes(definition, input.attributes ?? {});
      errors.push(...attributes.errors);
      const description = trimmed(input.description);
      if (description && description.length > 4000)
        errors.push({ field: 'description', message: 'Use 4000 characters or fewer' });
      const email = trimmed(input.email)?.toLowerCase() ?? null;
      if (email && (!emailPattern.test(email) || email.length > 254))
        errors.push({ field: 'email', message: 'Enter an email address like name@example.com' });
      const phone = trimmed(input.phone);
      if (phone && !/^\+?[0-9 ()-]{7,30}$/.test(phone))
        errors.push({ field: 'phone', message: 'Enter a phone number, like 01632 960 001' });
      const citizen = by.actor?.kind === 'citizen' ? by.actor : null;
      if (!definition.anonymous && !email && !phone && !citizen)
        errors.push({
          field: 'email',
          message: `${s.name} needs a way to contact you: give an email address or phone number`,
        });
      for (const [field, value, max] of [
        ['first_name', input.firstName, 100],
        ['last_name', input.lastName, 100],
        ['address_string', input.addressString, 500],
        ['address_id', input.addressId, 100],
        ['device_id', input.deviceId, 200],
        ['account_id', input.accountRef, 200],
      ] as const) {
        if ((value ?? '').length > max) errors.push({ field, message: `Use ${max} characters or fewer` });
      }
      const media = trimmed(input.mediaUrl);
      if (media && (!/^https?:\/\/\S+$/.test(media) || media.length > 2000))
        errors.push({ field: 'media_url', message: 'Give the address of the photo, starting https://' });
      if (errors.length > 0) throw new Invalid('The request has errors', errors);

      const answer = (await table()).route(s, input.lon as number, input.lat as number);
      if (!answer.ok) {
        const message =
          answer.problem === 'outside'
            ? `The location is outside ${(await catalogue()).placeName}: we cannot take reports there`
            : answer.explanation;
        throw new Invalid(message, [{ field: 'lat', message }]);
      }
      const { organisationIds: orgIds, areaIds } = await catalogue();
      const now = clock.now();
      const row = {
        service_code: s.code,
        organisation_id: orgIds.get(answer.organisation) as string,
        area_id: areaIds.get(answer.area) ?? null,
        route_basis: answer.basis,
        lat: input.lat as number,
        lon: input.lon as number,
        address_string: trimmed(input.addressString),
        address_id: trimmed(input.addressId),
        description,
        attributes: attributes.values,
        media_url: media,
        email: email ?? (citizen?.email || null),
        first_name: trimmed(input.firstName),
        last_name: trimmed(input.lastName),
        phone,
        device_id: trimmed(input.deviceId),
        account_ref: trimmed(input.accountRef),
        citizen_account_id: citizen?.accountId ?? null,
        api_key_id: by.apiKey?.id ?? null,
        // Every column named, status too: the batch's rows are inserted with one column list.
        status: 'open' as const,
        status_reason: null,
        assignee_account_id: null,
        team: null,
        duplicate_of: null,
        requested_at: now,
        updated_at: now,
        expected_at: new Date(now.getTime() + definition.targetDays * 86_400_000),
      };
      const created = await storeCase({
        row,
        entry: (id, duplicateOf) => ({
          action: 'case.create',
          actor: citizen
            ? { account: citizen.accountId, kind: 'citizen' }
            : by.apiKey
              ? { account: by.apiKey.id, kind: 'client' }
              : null,
          resource: { type: 'case', id, organisation: answer.organisation },
          subject: citizen?.accountId ?? null,
          requestId: requestId ?? null,
          detail: {
            service: s.code,
            area: answer.area,
            basis: answer.basis,
            ...(duplicateOf ? { duplicateOf } : {}),
          },
        }),
        messages: (reference) =>
          contactMessages({ email: row.email, reference }, 'request-received', { service: s.name }),
        after: input.photosOf
          ? (trx, id) => photoStore.attachDraftPhotos(trx, sha256(input.photosOf as string), id)
          : undefined,
      });
      return {
        ...created,
        organisation: answer.organisation,
        area: answer.area,
        explanation: answer.explanation,
      };
    },

    /** Public requests by the Open311 filters; the caller decides the default window. */
    async publicRequests(filter: store.PublicFilter): Promise<PublicRequest[]> {
      return (await store.publicCases(db, filter)).map(toPublic);
    },

    async publicRequest(reference: string): Promise<PublicRequest | null> {
      const row = await store.findCase(db, { reference: reference.trim().toUpperCase() });
      return row ? toPublic(await publicFace(row)) : null;
    },

    async referenceOfToken(token: string): Promise<string | null> {
      if (!/^[0-9a-f-]{36}$/i.test(token)) return null;
      const row = await store.findCase(db, { token });
      return row ? (await publicFace(row)).reference : null;
    },

    /** Anyone with the reference follows a request: its public face, public updates, where it was referred. */
    async follow(reference: string) {
      const asked = await load({ reference: reference.trim().toUpperCase() });
      const row = await publicFace(asked);
      const updates = await store.updatesOf(db, row.id, ['public']);
      return {
        request: toPublic(row),
        /** The reference asked for, when it was joined to this request. */
        joined: row === asked ? null : asked.reference,
        updates: updates.map((u) => ({
          at: u.created_at.toISOString(),
          body: u.body,
          status: u.status,
          organisationName: u.organisation_name,
        })),
      };
    },

    /** Open requests of the same service near a point ("already reported?"): public fields only. */
    async nearby(serviceCode: string, lat: number, lon: number) {
      return (await store.nearbyOpen(db, serviceCode, lat, lon, 0.002)).map(toPublic);
    },

    /** A signed-in citizen's requests, across every organisation. */
    async mine(actor: Actor | null, requestId?: string) {
      const p = await principal(actor);
      if (p.kind !== 'citizen') throw new Forbidden('This list is for citizens');
      const rows = await store.casesOfCitizen(db, p.accountId);
      const entries: Decision[] = [];
      const shown: (PublicRequest & { latestUpdate: { at: string; body: string } | null })[] = [];
      for (const row of rows) {
        const read = readOf(p, row, 'case.read', requestId);
        if (!read.allowed) continue;
        entries.push(read);
        const face = await publicFace(row);
        const latest = (await store.updatesOf(db, face.id, ['public'])).at(-1);
        shown.push({
          ...toPublic(face),
          latestUpdate: latest ? { at: latest.created_at.toISOString(), body: latest.body } : null,
        });
      }
      await governance.guard.record(entries);
      return shown;
    },

    /** An organisation's inbox (and cases referred to it); each case listed is a read in the ledger. */
    async inbox(actor: Actor | null, filter: store.InboxFilter, requestId?: string) {
      const p = await principal(actor);
      if (p.kind !== 'staff') throw new Forbidden('The inbox is for staff');
      const rows = await store.inbox(db, p.organisations, filter, clock.now());
      const entries: Decision[] = [];
      const shown = [];
      for (const row of rows) {
        const read = readOf(p, row, 'case.list', requestId);
        if (!read.allowed) continue;
        entries.push(read);
        shown.push({
          ...toPublic(row),
          id: row.id,
          area: row.area,
          overdue:
            !!row.expected_at &&
            row.expected_at < clock.now() &&
            (row.status === 'open' || row.status === 'in_progress'),
          referredIn: !p.organisations.includes(row.organisation_id),
        });
      }
      await governance.guard.record(entries);
      return shown;
    },

    /** One case for staff: everything they are entitled to, the read written to the ledger. */
    async caseFor(actor: Actor | null, id: string, requestId?: string) {
      const p = await principal(actor);
      if (p.kind !== 'staff') throw new Forbidden('This is for staff');
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFound('There is no such case');
      const row = await load({ id });
      await governance.guard.record([await check(p, 'readCase', row, requestId)]);
      const holder = p.organisations.includes(row.organisation_id);
      const updates = await store.updatesOf(db, row.id, ['public', 'internal']);
      const ownIds = new Set(p.organisations);
      return {
        id: row.id,
        request: toPublic(row),
        holder,
        area: row.area,
        description: row.description,
        attributes: row.attributes as Record<string, unknown>,
        contact: {
          name: [row.first_name, row.last_name].filter(Boolean).join(' ') || null,
          email: row.email,
          phone: row.phone,
        },
        photos: await photoStore.casePhotos(db, row.id),
        ...(await joinedReports(p, row, requestId)),
        version: row.version,
        assignee: row.assignee_account_id,
        assigneeName: await assigneeName(db, row),
        team: row.team,
        transitions: transitions[row.status],
        updates: updates
          .filter(
            (u) => u.kind === 'public' || holder || (u.organisation_id && ownIds.has(u.organisation_id)),
          )
          .map((u) => ({
            kind: u.kind,
            at: u.created_at.toISOString(),
            body: u.body,
            status: u.status,
            author: u.author_name,
            organisationName: u.organisation_name,
          })),
        referrals: (await store.referralsOf(db, row.id)).map((r) => ({
          id: r.id,
          from: r.from_ref,
          fromName: r.from_name,
          to: r.to_ref,
          toName: r.to_name,
          purpose: r.purpose,
          purposeName: purposes[r.purpose as keyof typeof purposes] ?? r.purpose,
          note: r.note,
          status: r.status,
          statusName: referralStatusNames[r.status],
          reason: r.decision_reason,
          mayDecide: r.status === 'pending' && ownIds.has(r.to_organisation_id),
        })),
      };
    },

    /** A change of status, with the reason the citizen is told. */
    async changeStatus(
      actor: Actor | null,
      id: string,
      input: { status: string; reason: string; version?: number },
      requestId?: string,
    ) {
      const p = await principal(actor);
      const row = await load({ id });
      const status = input.status as CaseStatus;
      const reason = input.reason.trim();
      const errors: FieldError[] = [];
      if (!transitions[row.status]?.includes(status))
        errors.push({
          field: 'status',
          message: `A ${statusNames[row.status].toLowerCase()} request cannot become ${input.status}`,
        });
      if (!reason)
        errors.push({
          field: 'reason',
          message: 'Enter the reason: the person who made the request will see it',
        });
      if (reason.length > 1000) errors.push({ field: 'reason', message: 'Use 1000 characters or fewer' });
      if (errors.length > 0) throw new Invalid('The change has errors', errors);
      const e = await check(p, 'updateCase', row, requestId);
      await db.transaction().execute(async (trx) => {
        if (!(await store.changeCase(trx, id, { status, status_reason: reason }, clock.now(), input.version)))
          throw new Conflict('The case was changed by someone else: reload it and try again');
        await store.insertUpdate(trx, {
          case_id: id,
          kind: 'public',
          body: reason,
          status,
          organisation_id: p.organisations[0] ?? null,
          author_account_id: p.accountId,
          created_at: clock.now(),
        });
        await governance.guard.write(trx, [
          e.as({ action: 'case.status', detail: { from: row.status, to: status } }),
        ]);
        await notify.queue(
          trx,
          (await withJoined(row)).flatMap((r) =>
            contactMessages(r, 'request-updated', { status: statusNames[status], update: reason }),
          ),
        );
      });
      notify.nudge();
    },

    /** A public update (sent to the citizen) or an internal note (never public). */
    async addUpdate(
      actor: Actor | null,
      id: string,
      input: { kind: string; body: string },
      requestId?: string,
    ) {
      const p = await principal(actor);
      const row = await load({ id });
      const body = input.body.trim();
      if (input.kind !== 'public' && input.kind !== 'internal')
        throw new Invalid('Choose the kind of update', [
          { field: 'kind', message: 'Choose a public update or an internal note' },
        ]);
      if (!body || body.length > 4000)
        throw new Invalid('The update has errors', [
          { field: 'body', message: body ? 'Use 4000 characters or fewer' : 'Enter the update' },
        ]);
      const e = await check(p, 'updateCase', row, requestId);
      const ownHere = p.organisations.includes(row.organisation_id)
        ? row.organisation_id
        : (p.organisations.find((o) => row.referred_to.includes(o)) ?? null);
      await db.transaction().execute(async (trx) => {
        await store.insertUpdate(trx, {
          case_id: id,
          kind: input.kind as 'public' | 'internal',
          body,
          status: null,
          organisation_id: ownHere,
          author_account_id: p.accountId,
          created_at: clock.now(),
        });
        await store.changeCase(trx, id, {}, clock.now());
        await governance.guard.write(trx, [
          e.as({ action: input.kind === 'public' ? 'case.update' : 'case.note' }),
        ]);
        if (input.kind === 'public')
          await notify.queue(
            trx,
            (await withJoined(row)).flatMap((r) =>
              contactMessages(r, 'request-updated', { status: statusNames[row.status], update: body }),
            ),
          );
      });
      notify.nudge();
    },

    async assign(
      actor: Actor | null,
      id: string,
      input: { team?: string | null; assignee?: string | null },
      requestId?: string,
    ) {
      const p = await principal(actor);
      const row = await load({ id });
      const e = await check(p, 'updateCase', row, requestId);
      if (!p.organisations.includes(row.organisation_id))
        throw new Forbidden('Only the organisation holding the case assigns it');
      const errors = await checkAssignment(db, row.organisation_id, input);
      if (errors.length > 0) throw new Invalid('The assignment has errors', errors);
      await db.transaction().execute(async (trx) => {
        await store.changeCase(
          trx,
          id,
          { team: trimmed(input.team), assignee_account_id: trimmed(input.assignee) },
          clock.now(),
        );
        await governance.guard.write(trx, [
          e.as({ action: 'case.assign', detail: { team: trimmed(input.team) } }),
        ]);
      });
    },

    /** Refers a case to another organisation: only under an agreement in force covering cases and the purpose. */
    async refer(
      actor: Actor | null,
      id: string,
      input: { to: string; purpose: string; note: string },
      requestId?: string,
    ) {
      const p = await principal(actor);
      if (p.kind !== 'staff') throw new Forbidden('Only staff refer cases');
      const row = await load({ id });
      const errors: FieldError[] = [];
      const receiverId = input.to ? (await places.organisationIds([input.to])).get(input.to) : undefined;
      if (!receiverId) errors.push({ field: 'to', message: 'Choose the organisation to refer to' });
      else if (receiverId === row.organisation_id)
        errors.push({ field: 'to', message: 'Choose another organisation than the one holding the case' });
      if (!Object.hasOwn(purposes, input.purpose))
        errors.push({ field: 'purpose', message: 'Choose the purpose of the referral' });
      const note = input.note.trim();
      if (!note || note.length > 4000)
        errors.push({
          field: 'note',
          message: note ? 'Use 4000 characters or fewer' : 'Say what the other organisation needs to know',
        });
      if (errors.length > 0 || !receiverId) throw new Invalid('The referral has errors', errors);
      const agreements = await governance.agreementsInForce(p.organisations, receiverId);
      const receiver = await places.organisation(input.to);
      const e = await governance.guard.permit(
        p,
        caseAsk(
          'referCase',
          facts(row),
          entry(p, 'case.refer', row, {
            purpose: input.purpose,
            agreement: null,
            requestId: requestId ?? null,
            detail: { to: input.to },
          }),
          {
            refusal: `No data-sharing agreement in force lets your organisation refer this case to ${receiver.name} for ${purposes[input.purpose as keyof typeof purposes].toLowerCase()}`,
            referral: { receiverId, purpose: input.purpose, agreements },
          },
        ),
      );
      await db.transaction().execute(async (trx) => {
        await store.insertReferral(trx, {
          case_id: id,
          from_organisation_id: row.organisation_id,
          to_organisation_id: receiverId,
          purpose: input.purpose,
          agreement_id: e.entry.agreement as string,
          note,
          decision_reason: null,
          created_by: p.accountId,
          created_at: clock.now(),
          decided_by: null,
          decided_at: null,
        });
        const told = `We have referred your request to ${receiver.name}.`;
        await store.insertUpdate(trx, {
          case_id: id,
          kind: 'public',
          body: told,
          status: null,
          organisation_id: row.organisation_id,
          author_account_id: p.accountId,
          created_at: clock.now(),
        });
        await store.changeCase(trx, id, {}, clock.now());
        await governance.guard.write(trx, [e]);
        await notify.queue(trx, [
          ...contactMessages(row, 'request-updated', { status: statusNames[row.status], update: told }),
          // The receiving organisation's managers: which case, from whom and why; the rest in Flagstone.
          ...(await staff.peopleOf(trx, [receiverId], ['manager'])).map((m) => ({
            channel: 'email' as const,
            recipient: m.email,
            template: 'referral-received' as const,
            personalisation: {
              reference: row.reference,
              from: row.organisation_name,
              purpose: purposes[input.purpose as keyof typeof purposes],
            },
            reference: row.reference,
          })),
        ]);
      });
      notify.nudge();
    },

    /** The receiving organisation accepts or declines a referral, with a reason when it declines. */
    async decideReferral(
      actor: Actor | null,
      referralId: string,
      input: { accept: boolean; reason: string },
      requestId?: string,
    ) {
      const p = await principal(actor);
      const referral = await store.findReferral(db, referralId);
      if (!referral) throw new NotFound('There is no such referral');
      if (!p.organisations.includes(referral.to_organisation_id))
        throw new Forbidden('Only the organisation the case was referred to can accept or decline it');
      const reason = input.reason.trim();
      if (!input.accept && !reason)
        throw new Invalid('Say why', [
          { field: 'reason', message: 'Enter the reason for declining the referral' },
        ]);
      const row = await load({ id: referral.case_id });
      const e = await check(p, 'updateCase', row, requestId);
      await db.transaction().execute(async (trx) => {
        const decided = await store.decideReferral(trx, referralId, {
          status: input.accept ? 'accepted' : 'declined',
          reason: reason || null,
          by: p.accountId,
          at: clock.now(),
        });
        if (!decided) throw new Conflict('The referral has already been accepted or declined');
        await governance.guard.write(trx, [
          e.as({
            action: input.accept ? 'referral.accept' : 'referral.decline',
            detail: { referral: referralId },
          }),
        ]);
      });
    },

    /** A trusted Open311 client's key, shown once. */
    async createApiKey(actor: Actor | null, name: string): Promise<string> {
      const who = requireActor(actor);
      if (!who.roles.some((r) => r.role === 'admin'))
        throw new Forbidden('Only an administrator can issue API keys');
      const key = `o311_${newToken()}`;
      await store.insertApiKey(db, name.trim() || 'Open311 client', sha256(key));
      return key;
    },

    /** Issues a key without a signed-in administrator: for the command line and tests. */
    async issueApiKey(name: string, key: string): Promise<void> {
      await store.insertApiKey(db, name, sha256(key));
    },

    /**
     * The client a key belongs to. Known keys are remembered as long as the routing data
     * (ROUTING_CACHE_MS), so a busy client costs no query per request; a revoked key stops
     * working within that time.
     */
    async apiKey(key: string) {
      if (!key) return null;
      const keyHash = sha256(key);
      const known = apiKeys.get(keyHash);
      if (known && Date.now() - known.at < ROUTING_CACHE_MS) return known.client;
      const client = await store.findApiKey(db, keyHash);
      if (client) apiKeys.set(keyHash, { client, at: Date.now() });
      else apiKeys.delete(keyHash);
      return client;
    },

    /** A photo of a case, for staff entitled to the case: the read written to the ledger. */
    async casePhoto(actor: Actor | null, id: string, photoId: string, requestId?: string) {
      const p = await principal(actor);
      if (p.kind !== 'staff') throw new Forbidden('Photos of a case are for staff');
      if (!/^[0-9a-f-]{36}$/i.test(id) || !/^[0-9a-f-]{36}$/i.test(photoId))
        throw new NotFound('There is no such photo');
      const row = await load({ id });
      const e = await check(p, 'readCase', row, requestId);
      const photo = await photoStore.casePhoto(db, row.id, photoId);
      if (!photo) throw new NotFound('There is no such photo');
      await governance.guard.record([e.as({ action: 'case.photo.read', detail: { photo: photoId } })]);
      return photo;
    },

    drafts: {
      get: (token: string) => store.draft(db, sha256(token), clock.now()),
      /** Saves the answers and adds the photos with them: both or neither. */
      save: (token: string, answers: Record<string, unknown>, photos: Photo[] = []) =>
        db.transaction().execute(async (trx) => {
          await store.saveDraft(trx, sha256(token), answers, new Date(clock.now().getTime() + 86_400_000));
          await photoStore.insertDraftPhotos(trx, sha256(token), photos);
        }),
      remove: (token: string) => store.removeDraft(db, sha256(token), clock.now()),
      photos: (token: string) => (token ? photoStore.draftPhotos(db, sha256(token)) : Promise.resolve([])),
      removePhoto: (token: string, id: string) =>
        /^[0-9a-f-]{36}$/i.test(id)
          ? photoStore.removeDraftPhoto(db, sha256(token), id)
          : Promise.resolve(false),
    },
  };
}

export type RequestsService = ReturnType<typeof requestsService>;
