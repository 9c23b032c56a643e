// Relying parties: the other systems of the place that sign people in through Flagstone
// (a school's system, a charity's case tool, the council's apps) and machine clients that
// call Flagstone's API for their organisation. Scopes limit what each may ask for.
import type { ClientMetadata } from 'oidc-provider';
import type { Db } from '../../db/index.ts';
import type { PlacesService } from '../../places/index.ts';
import { type Actor, type FieldError, Invalid, NotFound, newId, newToken } from '../../platform/index.ts';
import type { Ledger } from '../audit.ts';
import { clientChanged } from './audit.ts';
import * as store from './store.ts';

/** What a person is asked to share (OpenID Connect scopes). */
export const PERSON_SCOPES = ['openid', 'profile', 'email', 'organisations', 'offline_access'] as const;
/** What a caller may do with Flagstone's own API. */
export const API_SCOPES = ['api:read', 'api:write'] as const;
export const ALL_SCOPES: readonly string[] = [...PERSON_SCOPES, ...API_SCOPES];

export const scopeDescriptions: Record<string, string> = {
  openid: 'Know that it is you',
  profile: 'Your name',
  email: 'Your email address',
  organisations: 'The organisations you work for and your roles',
  offline_access: 'Stay connected when you are not using it',
  'api:read': 'Read information held about you and your work',
  'api:write': 'Make changes for you',
};

export interface NewClient {
  name: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  /** A browser or mobile app that cannot keep a secret: it uses PKCE and no client authentication. */
  public?: boolean;
  /** The public keys of a client that authenticates with private_key_jwt instead of a secret. */
  jwks?: { keys: Record<string, unknown>[] };
  scopes?: string[];
  /** A machine client (client_credentials) acting for this organisation (its ref). */
  machineFor?: string;
}

export interface ClientChanges {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Redirect URIs must be exact absolute URLs, HTTPS except on this machine, and have no fragment. */
export function redirectUriProblem(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url || !/^https?:$/.test(url.protocol)) return 'Enter a full web address starting with https://';
  if (url.hash || uri.includes('#')) return 'A redirect address cannot have a fragment (#)';
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    return 'Use https:// (http:// is only allowed for localhost)';
  }
  return undefined;
}

export function clientProblems(client: {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  machine: boolean;
}): FieldError[] {
  const problems: FieldError[] = [];
  const name = client.name.trim();
  if (!name) problems.push({ field: 'name', message: 'Enter the name of the service' });
  else if (name.length > 200)
    problems.push({ field: 'name', message: 'The name must be 200 characters or fewer' });
  if (!client.machine && client.redirectUris.length === 0) {
    problems.push({ field: 'redirectUris', message: 'Enter at least one redirect address' });
  }
  for (const [field, uris] of [
    ['redirectUris', client.redirectUris],
    ['postLogoutRedirectUris', client.postLogoutRedirectUris],
  ] as const) {
    const problem = uris.map(redirectUriProblem).find(Boolean);
    if (problem) problems.push({ field, message: `${problem}: ${uris.find((u) => redirectUriProblem(u))}` });
  }
  const unknown = client.scopes.filter((s) => !ALL_SCOPES.includes(s));
  if (unknown.length) problems.push({ field: 'scopes', message: `Unknown scopes: ${unknown.join(', ')}` });
  if (!client.machine && !client.scopes.includes('openid')) {
    problems.push({ field: 'scopes', message: 'A service people sign in to needs the openid scope' });
  }
  return problems;
}

/** The client as oidc-provider wants it; disabled clients do not exist for the provider. */
export function providerMetadata(row: store.ClientRow): ClientMetadata | undefined {
  if (row.disabled) return undefined;
  const signsIn = row.grant_types.includes('authorization_code');
  return {
    client_id: row.client_id,
    client_name: row.name,
    token_endpoint_auth_method: row.auth_method,
    ...(row.client_secret ? { client_secret: row.client_secret } : {}),
    ...(row.jwks ? { jwks: row.jwks as ClientMetadata['jwks'] } : {}),
    redirect_uris: row.redirect_uris,
    post_logout_redirect_uris: row.post_logout_redirect_uris,
    grant_types: row.grant_types,
    response_types: signsIn ? ['code'] : [],
    scope: row.scopes.join(' '),
  };
}

const unique = (values: string[]) => [...new Set(values.map((v) => v.trim()).filter(Boolean))];

/** A new client's answers, tidied, and what is wrong with them (but for whether its organisation exists). */
function tidiedNewClient(client: NewClient) {
  const machine = client.machineFor !== undefined;
  const redirectUris = unique(client.redirectUris ?? []);
  const postLogoutRedirectUris = unique(client.postLogoutRedirectUris ?? []);
  const scopes = unique(
    client.scopes ?? (machine ? ['api:read'] : ['openid', 'profile', 'email', 'organisations']),
  );
  const problems = clientProblems({
    name: client.name,
    redirectUris,
    postLogoutRedirectUris,
    scopes,
    machine,
  });
  if (machine && client.public) {
    problems.push({
      field: 'public',
      message: 'A machine client must authenticate: it cannot be public',
    });
  }
  return { machine, redirectUris, postLogoutRedirectUris, scopes, problems };
}

/** How a new client authenticates: not at all (public), with its own keys, or with a secret. */
const authMethodOf = (client: NewClient): store.AuthMethod =>
  client.public ? 'none' : client.jwks ? 'private_key_jwt' : 'client_secret_basic';

/** A client with the reference and name of the organisation a machine client acts for (null for others). */
export type ClientListing = store.ClientRow & {
  organisation_ref: string | null;
  organisation_name: string | null;
};

/** What relying parties read of places: the organisation a machine client acts for. */
type Organisations = Pick<PlacesService, 'organisationIds' | 'organisationsById'>;

/** Clients with their organisations' references and names, from places. */
async function withOrganisations(places: Organisations, rows: store.ClientRow[]): Promise<ClientListing[]> {
  const organisations = await places.organisationsById(
    rows.flatMap((r) => (r.organisation_id ? [r.organisation_id] : [])),
  );
  return rows.map((row) => {
    const organisation = row.organisation_id ? organisations.get(row.organisation_id) : undefined;
    return {
      ...row,
      organisation_ref: organisation?.ref ?? null,
      organisation_name: organisation?.name ?? null,
    };
  });
}

export function relyingParties(db: Db, places: Organisations, ledger?: Pick<Ledger, 'append'>) {
  return {
    /**
     * Registers a client; the secret (confidential clients only) is shown this once.
     * `actor` is the administrator, or null from the command line.
     */
    async add(
      client: NewClient,
      actor: Actor | null = null,
    ): Promise<{ clientId: string; clientSecret?: string }> {
      const { machine, redirectUris, postLogoutRedirectUris, scopes, problems } = tidiedNewClient(client);
      let organisationId: string | undefined;
      if (client.machineFor !== undefined) {
        organisationId = (await places.organisationIds([client.machineFor])).get(client.machineFor);
        if (!organisationId) {
          problems.push({
            field: 'organisation',
            message: `There is no organisation "${client.machineFor}"`,
          });
        }
      }
      if (problems.length) throw new Invalid('The client has errors', problems);
      const clientId = newId();
      const authMethod = authMethodOf(client);
      const clientSecret = authMethod === 'client_secret_basic' ? newToken() : undefined;
      await db.transaction().execute(async (trx) => {
        await store.insertClient(trx, {
          client_id: clientId,
          name: client.name.trim(),
          auth_method: authMethod,
          client_secret: clientSecret ?? null,
          jwks: client.jwks ?? null,
          redirect_uris: redirectUris,
          post_logout_redirect_uris: postLogoutRedirectUris,
          grant_types: machine ? ['client_credentials'] : ['authorization_code', 'refresh_token'],
          scopes,
          organisation_id: organisationId ?? null,
        });
        await ledger?.append(trx, [clientChanged(actor, clientId, 'added')]);
      });
      return clientSecret ? { clientId, clientSecret } : { clientId };
    },

    list: async () => withOrganisations(places, await store.listClients(db)),

    async get(clientId: string): Promise<ClientListing> {
      const client = await store.findClient(db, clientId);
      if (!client) throw new NotFound('There is no such client');
      const [listed] = await withOrganisations(places, [client]);
      return listed as ClientListing;
    },

    async update(actor: Actor, clientId: string, changes: ClientChanges): Promise<void> {
      const current = await this.get(clientId);
      const next = {
        name: changes.name.trim(),
        redirectUris: unique(changes.redirectUris),
        postLogoutRedirectUris: unique(changes.postLogoutRedirectUris),
        scopes: unique(changes.scopes),
      };
      const problems = clientProblems({
        ...next,
        machine: current.grant_types.includes('client_credentials'),
      });
      if (problems.length) throw new Invalid('The client has errors', problems);
      await db.transaction().execute(async (trx) => {
        await store.updateClient(trx, clientId, {
          name: next.name,
          redirect_uris: next.redirectUris,
          post_logout_redirect_uris: next.postLogoutRedirectUris,
          scopes: next.scopes,
        });
        await ledger?.append(trx, [clientChanged(actor, clientId, 'changed')]);
      });
    },

    /** Disabling stops sign-ins, refreshes and the client's access tokens at once. */
    async setDisabled(actor: Actor | null, clientId: string, disabled: boolean): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (!(await store.updateClient(trx, clientId, { disabled })))
          throw new NotFound('There is no such client');
        await ledger?.append(trx, [clientChanged(actor, clientId, disabled ? 'disabled' : 'enabled')]);
      });
    },

    /** For the provider: the metadata of an enabled client, or undefined. */
    async metadata(clientId: string): Promise<ClientMetadata | undefined> {
      const row = await store.findClient(db, clientId);
      return row ? providerMetadata(row) : undefined;
    },
  };
}

export type RelyingParties = ReturnType<typeof relyingParties>;
