// The identity commands of `flagstone`: rotating the signing keys, registering relying parties.
// They print what the operator needs (a client's secret is shown this once only). Each takes
// the identity service the composition root built.
import { readFile } from 'node:fs/promises';
import { DomainError, Invalid } from '../platform/index.ts';
import type { IdentityService } from './service.ts';

export async function rotateKeysFromCommandLine(identity: Pick<IdentityService, 'keys'>): Promise<string> {
  const { kid, retiredUnpublishedAfter } = await identity.keys.rotate();
  return [
    `Tokens are now signed with the new key ${kid}.`,
    `The previous key stays published until ${retiredUnpublishedAfter.toISOString()}, when the last tokens it signed have expired.`,
    'Running instances start signing with the new key within 30 seconds.',
    '',
  ].join('\n');
}

export interface ClientOptions {
  name: string;
  redirectUri: string[];
  postLogoutRedirectUri: string[];
  public?: boolean;
  scope?: string;
  machineFor?: string;
  jwksFile?: string;
}

export async function addClientFromCommandLine(
  identity: Pick<IdentityService, 'clients'>,
  options: ClientOptions,
): Promise<{ ok: boolean; message: string }> {
  let jwks: { keys: Record<string, unknown>[] } | undefined;
  if (options.jwksFile) {
    try {
      jwks = JSON.parse(await readFile(options.jwksFile, 'utf8'));
    } catch {
      return { ok: false, message: `${options.jwksFile} is not a readable JSON Web Key Set` };
    }
    if (!Array.isArray(jwks?.keys) || jwks.keys.some((k) => 'd' in k)) {
      return {
        ok: false,
        message: `${options.jwksFile} must be a JWKS of public keys ({"keys": [...]}, no private parts)`,
      };
    }
  }
  try {
    const { clientId, clientSecret } = await identity.clients.add({
      name: options.name,
      redirectUris: options.redirectUri,
      postLogoutRedirectUris: options.postLogoutRedirectUri,
      public: options.public,
      scopes: options.scope?.split(/\s+/).filter(Boolean),
      machineFor: options.machineFor,
      jwks,
    });
    const lines = [`client_id: ${clientId}`];
    if (clientSecret)
      lines.push(`client_secret: ${clientSecret}`, 'Keep the secret safe: it is not shown again.');
    return { ok: true, message: `${lines.join('\n')}\n` };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return {
      ok: false,
      message: `the client was not added:\n${error.fields.map((f) => `  ${f.message}`).join('\n')}`,
    };
  }
}

export interface UpstreamOptions {
  slug: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  for: string;
  vtr?: string;
}

/** Adds an upstream OpenID Connect provider people sign in through: citizens, or one organisation's staff. */
export async function addUpstreamFromCommandLine(
  identity: Pick<IdentityService, 'upstreams'>,
  options: UpstreamOptions,
): Promise<{ ok: boolean; message: string }> {
  try {
    await identity.upstreams.add({ ...options, forOrganisation: options.for });
  } catch (error) {
    if (error instanceof Invalid) {
      return {
        ok: false,
        message: `${error.message}:\n${error.fields.map((f) => `  ${f.message}`).join('\n')}`,
      };
    }
    if (error instanceof DomainError) return { ok: false, message: error.message };
    throw error;
  }
  const who = options.for === 'citizens' ? 'Citizens' : `Staff of ${options.for}`;
  return {
    ok: true,
    message: `${who} can now sign in with ${options.name} (${options.issuer}).\nRegister this redirect address with it: FLAGSTONE_URL/sign-in/with/${options.slug}/return\n`,
  };
}
