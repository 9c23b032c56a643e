// Sending cases on to an organisation's own system, and taking its updates back. Administrators
// set a system up (its Open311 endpoint, its key — sealed, never shown again — and which
// services go there). A job makes a send for each new case of those services and posts it,
// trying again with back-off; a send that fails its last try waits, visible to administrators,
// until one of them tries again. Every send and failure is in the ledger. Updates come back by
// polling (servicerequestupdates, or the requests themselves) or pushed with the system's token;
// each is applied once, and an older one never undoes a newer one.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import type { PlacesService } from '../../places/index.ts';
import {
  type Actor,
  type Clock,
  type FieldError,
  Invalid,
  type JobDefinition,
  NotFound,
  newToken,
  requireAdmin,
  sha256,
  Unauthorized,
} from '../../platform/index.ts';
import { type CaseStatus, citizenMessages, looksLikeId, statusNames } from '../case.ts';
import { changeCase, findCase, insertUpdate } from '../store.ts';
import {
  type Outgoing,
  postedId,
  RemoteError,
  type RemoteUpdate,
  remoteCall,
  requestForm,
  requestStatuses,
  serviceRequestUpdates,
  statusHere,
} from './georeport.ts';
import * as store from './store.ts';

export const SEND_JOB = 'outbound-send';
export const UPDATES_JOB = 'outbound-updates';
/** Tries before a send waits for an administrator; the wait doubles from 30 seconds. */
export const MAX_ATTEMPTS = 6;
const FIRST_WAIT_MS = 30_000;
const LEASE_MS = 120_000;

export interface SystemInput {
  organisation: string;
  name: string;
  endpoint: string;
  apiKey: string;
  jurisdiction?: string;
  /** One line a service: "flagstone-code remote-code" (the remote code may be left out). */
  services: string;
  sendContact: boolean;
}

interface Deps {
  db: Db;
  clock: Clock;
  governance: Pick<GovernanceService, 'ledger'>;
  places: Pick<PlacesService, 'organisationIds' | 'services'>;
  notify: Pick<NotifyService, 'queue' | 'nudge'>;
  /** A secret shared by every instance, made once (identity's app secrets). */
  sharedSecret: (name: string) => Promise<string>;
}

/** Seals and opens the systems' keys with AES-256-GCM under a secret of the deployment. */
function sealing(sharedSecret: Deps['sharedSecret']) {
  const key = async () =>
    createHash('sha256')
      .update(await sharedSecret('outbound-keys'))
      .digest();
  return {
    async seal(plain: string) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await key(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
    },
    async open(sealed: string) {
      const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', await key(), iv as Buffer);
      decipher.setAuthTag(tag as Buffer);
      return Buffer.concat([decipher.update(body as Buffer), decipher.final()]).toString('utf8');
    },
  };
}

/** The system's settings checked, every mistake named at once. */
async function checkSystem({ db, places }: Deps, input: SystemInput) {
  const errors: FieldError[] = [];
  const organisationId = (await places.organisationIds([input.organisation])).get(input.organisation);
  if (!organisationId)
    errors.push({ field: 'organisation', message: 'Choose the organisation whose system it is' });
  const name = input.name.trim();
  if (!name || name.length > 200)
    errors.push({ field: 'name', message: 'Enter the name of the system, up to 200 characters' });
  const url = URL.parse(input.endpoint.trim());
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || input.endpoint.length > 500)
    errors.push({
      field: 'endpoint',
      message: 'Enter the Open311 address, like https://reports.example.org/open311/v2',
    });
  const apiKey = input.apiKey.trim();
  if (!apiKey || apiKey.length > 500)
    errors.push({ field: 'apiKey', message: 'Enter the API key the system gave you' });
  const known = new Set((await places.services()).map((s) => s.code));
  const lines = input.services
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/))
    .filter((l) => l[0]);
  const services = lines.map(([code, remote]) => ({
    service_code: code as string,
    remote_code: remote ?? (code as string),
  }));
  const unknown = services.filter((s) => !known.has(s.service_code) || s.remote_code.length > 200);
  if (services.length === 0 || unknown.length > 0)
    errors.push({
      field: 'services',
      message: unknown.length
        ? `There is no service ${unknown[0]?.service_code.slice(0, 60)}: give one service code a line`
        : 'Enter the services to send, one service code a line',
    });
  if (organisationId && name && (await store.systemNamed(db, organisationId, name)))
    errors.push({ field: 'name', message: 'The organisation has a system of that name already' });
  const taken = organisationId
    ? await store.servicesTaken(
        db,
        organisationId,
        services.map((s) => s.service_code),
      )
    : [];
  if (taken.length)
    errors.push({ field: 'services', message: `${taken[0]} is sent to another system already` });
  if (new Set(services.map((s) => s.service_code)).size !== services.length)
    errors.push({ field: 'services', message: 'Give each service once' });
  if (errors.length > 0 || !organisationId || !url) throw new Invalid('The system cannot be added', errors);
  const endpoint = url.href.replace(/\/+$/, '');
  return { organisationId, name, endpoint, apiKey, services };
}

/** What leaves for the remote system: contact details only where the system's settings allow. */
function outgoing(
  row: NonNullable<Awaited<ReturnType<typeof findCase>>>,
  remoteCode: string,
  withContact: boolean,
): Outgoing {
  return {
    remoteCode,
    reference: row.reference,
    lat: row.lat,
    lon: row.lon,
    addressString: row.address_string,
    addressId: row.address_id,
    description: row.description
      ? `${row.description}\n\n(Flagstone reference ${row.reference})`
      : `Flagstone reference ${row.reference}`,
    attributes: row.attributes as Record<string, unknown>,
    mediaUrl: row.media_url,
    contact: withContact
      ? { email: row.email, firstName: row.first_name, lastName: row.last_name, phone: row.phone }
      : null,
  };
}

type Ctx = Deps & { keys: ReturnType<typeof sealing> };

/** Posts one claimed send; success or failure written with its ledger entry in one transaction. */
async function sendOne(ctx: Ctx, send: store.SendRow) {
  const { db, clock, governance, keys } = ctx;
  const [row, system] = await Promise.all([
    findCase(db, { id: send.case_id }),
    store.systemById(db, send.system_id),
  ]);
  if (!row || !system) return;
  const remote = await db
    .selectFrom('outbound_services')
    .select('remote_code')
    .where('organisation_id', '=', row.organisation_id)
    .where('service_code', '=', row.service_code)
    .executeTakeFirst();
  const resource = { type: 'case', id: row.id, organisation: row.organisation };
  const now = () => clock.now();
  // Contact details go only where the organisation allows it and the person said yes.
  const contactGoes = system.send_contact && row.share_contact;
  try {
    const form = requestForm(
      outgoing(row, remote?.remote_code ?? row.service_code, contactGoes),
      await keys.open(system.api_key_sealed),
      system.jurisdiction_id,
    );
    const remoteId = postedId(
      await remoteCall(`${system.endpoint}/requests.xml`, { method: 'POST', body: form }),
    );
    await db.transaction().execute(async (trx) => {
      await store.markSent(trx, row.id, remoteId, now());
      await insertUpdate(trx, {
        case_id: row.id,
        kind: 'internal',
        body: `Sent to ${system.name}, where it is ${remoteId}.`,
        status: null,
        organisation_id: row.organisation_id,
        author_account_id: null,
        created_at: now(),
      });
      await governance.ledger.append(trx, [
        {
          action: 'case.sent_on',
          resource,
          detail: {
            system: system.name,
            systemId: system.id,
            remoteId,
            contact: contactGoes,
            attempt: send.attempts,
          },
        },
      ]);
    });
  } catch (error) {
    const why = error instanceof RemoteError ? error.message : 'The send could not be made';
    const last = send.attempts >= MAX_ATTEMPTS;
    const next = last ? null : new Date(now().getTime() + FIRST_WAIT_MS * 2 ** (send.attempts - 1));
    await db.transaction().execute(async (trx) => {
      await store.markFailed(trx, row.id, why, next);
      await governance.ledger.append(trx, [
        {
          action: 'case.send_failed',
          resource,
          detail: {
            system: system.name,
            systemId: system.id,
            error: why,
            attempt: send.attempts,
            final: last,
          },
        },
      ]);
    });
  }
}

/** Applies one remote update in a transaction: 'applied', 'repeat' (seen before) or 'unknown' (a request never sent). */
async function applyUpdate(
  ctx: Ctx,
  system: store.SystemRow,
  update: RemoteUpdate,
): Promise<'applied' | 'repeat' | 'unknown'> {
  const { db, clock, governance, notify } = ctx;
  const status = statusHere(update.status);
  if (status === null)
    throw new Invalid('The update has errors', [
      { field: 'status', message: `Flagstone does not know the status ${update.status.slice(0, 40)}` },
    ]);
  const outcome = await db.transaction().execute(async (trx) => {
    const send = await store.sendOfRemote(trx, system.id, update.remoteId);
    if (!send) return 'unknown' as const;
    if (!(await store.firstTime(trx, system.id, update.updateId, send.case_id, clock.now())))
      return 'repeat' as const;
    const row = await findCase(trx, { id: send.case_id });
    if (!row) return 'unknown' as const;
    // An update older than one applied already may add its words, never its status.
    const newer = !send.remote_updated_at || update.updatedAt > send.remote_updated_at;
    const changes = newer && status !== row.status && !(status === 'open' && row.status === 'in_progress');
    const body = update.description || (changes ? `${statusNames[status]} in ${system.name}.` : '');
    if (!body) return 'applied' as const;
    if (changes)
      await changeCase(
        trx,
        row.id,
        { status, status_reason: status === 'resolved' ? body.slice(0, 1000) : null },
        clock.now(),
      );
    else await changeCase(trx, row.id, {}, clock.now());
    await insertUpdate(trx, {
      case_id: row.id,
      kind: 'public',
      body,
      status: changes ? status : null,
      organisation_id: row.organisation_id,
      author_account_id: null,
      created_at: clock.now(),
    });
    if (newer) await store.setRemoteUpdatedAt(trx, row.id, update.updatedAt);
    await governance.ledger.append(trx, [
      {
        action: 'case.remote_update',
        resource: { type: 'case', id: row.id, organisation: row.organisation },
        detail: { system: system.name, updateId: update.updateId, status: update.status, applied: changes },
      },
    ]);
    const shown: CaseStatus = changes ? status : row.status;
    await notify.queue(
      trx,
      citizenMessages(row, 'request-updated', { status: statusNames[shown], update: body }),
    );
    return 'applied' as const;
  });
  if (outcome === 'applied') notify.nudge();
  return outcome;
}

/** One system's updates since the last poll: servicerequestupdates, or else its requests asked for by id. */
async function pollSystem(ctx: Ctx, system: store.SystemRow) {
  const { db, clock, keys } = ctx;
  const ids = await store.openRemoteIds(db, system.id);
  if (ids.length === 0) return { applied: 0 };
  const key = await keys.open(system.api_key_sealed);
  const since = system.updates_since ?? new Date(clock.now().getTime() - 7 * 86_400_000);
  const query = new URLSearchParams({ api_key: key, start_date: since.toISOString() });
  let updates: RemoteUpdate[];
  try {
    updates = serviceRequestUpdates(
      await remoteCall(`${system.endpoint}/servicerequestupdates.xml?${query}`),
    );
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    const byId = new URLSearchParams({ service_request_id: ids.join(',') });
    updates = requestStatuses(await remoteCall(`${system.endpoint}/requests.xml?${byId}`));
  }
  // An update with a status Flagstone does not know changes nothing; a repeat is known by its id.
  const known = updates
    .filter((u) => statusHere(u.status) !== null)
    .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
  let applied = 0;
  for (const update of known) if ((await applyUpdate(ctx, system, update)) === 'applied') applied++;
  const newest = known.at(-1)?.updatedAt;
  if (newest) await store.setUpdatesSince(db, system.id, newest);
  return { applied };
}

/** Adds a system; its push token is in the answer and nowhere else ever again. */
async function addSystem(
  ctx: Ctx,
  actor: Actor | null,
  input: SystemInput,
): Promise<{ id: string; name: string; pushToken: string }> {
  const { db, clock, governance, keys } = ctx;
  const admin = requireAdmin(actor);
  const s = await checkSystem(ctx, input);
  const pushToken = `push_${newToken()}`;
  const sealed = await keys.seal(s.apiKey);
  const id = await db.transaction().execute(async (trx) => {
    const stored = await store.insertSystem(
      trx,
      {
        organisation_id: s.organisationId,
        name: s.name,
        endpoint: s.endpoint,
        jurisdiction_id: input.jurisdiction?.trim() || null,
        api_key_sealed: sealed,
        send_contact: input.sendContact,
        push_token_hash: sha256(pushToken),
        created_by: admin.accountId,
        created_at: clock.now(),
      },
      s.services,
    );
    await governance.ledger.append(trx, [
      {
        action: 'outbound.system_added',
        actor: { account: admin.accountId, kind: 'staff' },
        resource: { type: 'outbound_system', id: stored, organisation: input.organisation },
        detail: {
          name: s.name,
          endpoint: s.endpoint,
          services: s.services.map((x) => x.service_code).join(' '),
          contact: input.sendContact,
        },
      },
    ]);
    return stored;
  });
  return { id, name: s.name, pushToken };
}

export function outboundService(deps: Deps) {
  const { db, clock, governance } = deps;
  const keys = sealing(deps.sharedSecret);
  const ctx: Ctx = { ...deps, keys };
  return {
    addSystem: (actor: Actor | null, input: SystemInput) => addSystem(ctx, actor, input),

    /** The systems, their sends counted, and the sends in trouble: for administrators only. */
    async systems(actor: Actor | null) {
      requireAdmin(actor);
      const [systems, troubled] = await Promise.all([store.systemsWithCounts(db), store.troubledSends(db)]);
      return { systems, troubled };
    },

    /** Tries a failed send again now. */
    async retrySend(actor: Actor | null, caseId: string) {
      const admin = requireAdmin(actor);
      if (!looksLikeId(caseId)) throw new NotFound('There is no failed send for that case');
      await db.transaction().execute(async (trx) => {
        if (!(await store.retry(trx, caseId, clock.now())))
          throw new NotFound('There is no failed send for that case');
        await governance.ledger.append(trx, [
          {
            action: 'case.send_retried',
            actor: { account: admin.accountId, kind: 'staff' },
            resource: { type: 'case', id: caseId },
          },
        ]);
      });
    },

    /** Makes the sends of new cases, then posts those due: the send job's work. */
    async sendDue(limit = 20) {
      const added = await store.addSends(db, clock.now());
      const due = await store.claimDue(db, clock.now(), new Date(clock.now().getTime() + LEASE_MS), limit);
      for (const send of due) await sendOne(ctx, send);
      return { added, tried: due.length };
    },

    /** Asks each system for its updates: the updates job's work. A system out of reach waits for the next poll. */
    async pollUpdates() {
      let applied = 0;
      const failed: string[] = [];
      for (const system of await store.allSystems(db)) {
        try {
          applied += (await pollSystem(ctx, system)).applied;
        } catch (error) {
          if (!(error instanceof RemoteError)) throw error;
          failed.push(system.id);
        }
      }
      return { applied, failed };
    },

    /** An update pushed by a system, known by its token: applied once, or refused. */
    async acceptPushed(token: string, update: RemoteUpdate | null) {
      const system = token ? await store.systemByPushToken(db, sha256(token)) : undefined;
      if (!system) throw new Unauthorized('Send the push token Flagstone gave the system in X-Push-Token');
      if (!update)
        throw new Invalid('The update has errors', [
          { field: 'update', message: 'Give update_id, service_request_id, status and updated_datetime' },
        ]);
      const outcome = await applyUpdate(ctx, system, update);
      if (outcome === 'unknown')
        throw new NotFound(`No request ${update.remoteId.slice(0, 60)} was sent to ${system.name}`);
      return outcome;
    },

    /** Where each of these cases is held, if it was sent on. */
    heldIn: (caseIds: string[]) => store.heldIn(db, caseIds),

    /** The system this organisation's requests for the service go to with contact details, if any. */
    takesContact: (organisationRef: string, serviceCode: string) =>
      store.systemTakingContact(db, organisationRef, serviceCode),

    jobs(): JobDefinition[] {
      return [
        { name: SEND_JOB, cron: '* * * * *', policy: 'stately', run: () => this.sendDue() },
        { name: UPDATES_JOB, cron: '*/5 * * * *', policy: 'stately', run: () => this.pollUpdates() },
      ];
    },
  };
}

export type OutboundService = ReturnType<typeof outboundService>;
