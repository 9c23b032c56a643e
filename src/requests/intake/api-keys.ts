// The keys third-party apps post Open311 requests with: issued by an administrator (on the
// admin page or the command line), shown once, rotated and revoked there; each change written
// to the audit ledger. Only a key's hash is stored. Known keys are remembered as long as the
// routing table, so a busy client costs no query per request; a key rotated or revoked here
// stops at once, and on other instances within that time.
import type { Db } from '../../db/index.ts';
import type { GovernanceService } from '../../governance/index.ts';
import type { PlacesService } from '../../places/index.ts';
import {
  type Actor,
  type Clock,
  type FieldError,
  Invalid,
  NotFound,
  newToken,
  requireAdmin,
  sha256,
} from '../../platform/index.ts';
import { looksLikeId } from '../case.ts';
import { ROUTING_CACHE_MS } from '../routing/index.ts';
import * as store from './store.ts';

type Client = Awaited<ReturnType<typeof store.findApiKey>>;

/** Who issues a key: a signed-in administrator, or whoever runs the command on the server. */
export type KeyIssuer = Actor | 'command line';

export interface KeyRequest {
  /** The app's name, as its makers call it. */
  name: string;
  /** An email address to reach the app's makers at. */
  contact: string;
  /** The reference of the place's organisation the app posts for, if it is one of theirs. */
  organisation?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Places = Pick<PlacesService, 'organisationIds' | 'organisationsById'>;

/** Only an administrator manages keys; the command line stands for one. */
const issuer = (by: KeyIssuer) =>
  by === 'command line' ? null : { account: requireAdmin(by).accountId, kind: by.kind };

const inUse = (id: string) => {
  if (!looksLikeId(id)) throw new NotFound('There is no key in use with that id');
};

/** The app's name, contact and organisation, checked; every mistake named at once. */
async function checked(places: Places, input: KeyRequest) {
  const name = input.name.trim();
  const contact = input.contact.trim();
  const organisation = input.organisation?.trim() || null;
  const errors: FieldError[] = [];
  if (!name || name.length > 200)
    errors.push({ field: 'name', message: 'Enter the name of the app, up to 200 characters' });
  if (!EMAIL.test(contact) || contact.length > 254)
    errors.push({
      field: 'contact',
      message: 'Enter an email address for the makers of the app, like apps@example.com',
    });
  const organisationId = organisation
    ? (await places.organisationIds([organisation])).get(organisation)
    : null;
  if (organisation && !organisationId)
    errors.push({
      field: 'organisation',
      message: `There is no organisation with the reference ${organisation.slice(0, 40)}`,
    });
  if (errors.length) throw new Invalid('The key cannot be issued', errors);
  return { name, contact, organisation, organisationId: organisationId ?? null };
}

/** Writes a change of a key to the ledger, in the change's transaction. */
const noted = (
  governance: Pick<GovernanceService, 'ledger'>,
  trx: Db,
  by: KeyIssuer,
  action: string,
  id: string,
  detail: Record<string, string | null>,
) =>
  governance.ledger.append(trx, [
    {
      action: `open311.key_${action}`,
      actor: issuer(by),
      resource: { type: 'open311_api_key', id },
      detail: { ...detail, ...(by === 'command line' ? { via: 'command line' } : {}) },
    },
  ]);

export function apiKeys(db: Db, clock: Clock, governance: Pick<GovernanceService, 'ledger'>, places: Places) {
  const known = new Map<string, { client: Client; at: number }>();

  return {
    /** Issues a key to a third-party app: the key is in the answer, and nowhere else ever again. */
    async issueKey(by: KeyIssuer, input: KeyRequest): Promise<{ id: string; name: string; key: string }> {
      issuer(by);
      const app = await checked(places, input);
      const key = `o311_${newToken()}`;
      const id = await db.transaction().execute(async (trx) => {
        const stored = await store.insertApiKey(trx, {
          name: app.name,
          contact: app.contact,
          organisation_id: app.organisationId,
          issued_by: by === 'command line' ? null : by.accountId,
          key_hash: sha256(key),
        });
        await noted(governance, trx, by, 'issued', stored, {
          name: app.name,
          organisation: app.organisation,
        });
        return stored;
      });
      return { id, name: app.name, key };
    },

    /** Every key issued, newest first: which app, whom to contact, how many requests it posted. */
    async keys(by: KeyIssuer) {
      issuer(by);
      const rows = await store.apiKeyListing(db);
      const organisations = await places.organisationsById(rows.flatMap((r) => r.organisation_id ?? []));
      return rows.map(({ organisation_id, posts, ...row }) => ({
        ...row,
        organisation: organisation_id ? (organisations.get(organisation_id)?.ref ?? null) : null,
        posts: Number(posts ?? 0),
      }));
    },

    /** A new key for the same app; the old one stops working. */
    async rotateKey(by: KeyIssuer, id: string): Promise<{ id: string; name: string; key: string }> {
      issuer(by);
      inUse(id);
      const key = `o311_${newToken()}`;
      const name = await db.transaction().execute(async (trx) => {
        const changed = await store.changeApiKey(trx, id, { key_hash: sha256(key), at: clock.now() });
        if (!changed) throw new NotFound('There is no key in use with that id');
        await noted(governance, trx, by, 'rotated', id, { name: changed });
        return changed;
      });
      known.clear();
      return { id, name, key };
    },

    /** Stops a key working for good. */
    async revokeKey(by: KeyIssuer, id: string): Promise<void> {
      issuer(by);
      inUse(id);
      await db.transaction().execute(async (trx) => {
        const changed = await store.changeApiKey(trx, id, { revoked: clock.now() });
        if (!changed) throw new NotFound('There is no key in use with that id');
        await noted(governance, trx, by, 'revoked', id, { name: changed });
      });
      known.clear();
    },

    /** Issues a known key without the ledger: for tests and benchmarks, which need the key in advance. */
    async issueApiKey(name: string, key: string): Promise<void> {
      await store.insertApiKey(db, {
        name,
        contact: null,
        organisation_id: null,
        issued_by: null,
        key_hash: sha256(key),
      });
    },

    /** The app a key belongs to, or null. */
    async apiKey(key: string) {
      if (!key) return null;
      const keyHash = sha256(key);
      const remembered = known.get(keyHash);
      if (remembered && Date.now() - remembered.at < ROUTING_CACHE_MS) return remembered.client;
      const client = await store.findApiKey(db, keyHash);
      if (client) known.set(keyHash, { client, at: Date.now() });
      else known.delete(keyHash);
      return client;
    },
  };
}

export type ApiKeys = ReturnType<typeof apiKeys>;
