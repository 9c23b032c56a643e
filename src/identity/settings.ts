// The identity module's settings, from the environment like the rest of the configuration
// (src/config.ts) and checked at start: a wrong value stops Flagstone with its name.
import { type Config, ConfigError } from '../config.ts';

export interface IdentitySettings {
  /** The address people and relying parties reach Flagstone at: the OpenID Connect issuer. */
  issuer: string;
  /** The identifier of Flagstone's own API as a resource server: the audience of its access tokens. */
  apiResource: string;
  trustProxy: boolean;
  /** Staff must sign in with a second factor (FLAGSTONE_STAFF_SECOND_FACTOR, `required` by default). */
  staffSecondFactor: boolean;
}

type Env = Record<string, string | undefined>;

function issuer(env: Env, port: number): string {
  const raw = env.FLAGSTONE_URL || `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `FLAGSTONE_URL must be a URL such as https://services.example.gov.uk, not "${raw}"`,
    );
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search ||
    url.hash ||
    raw.endsWith('?')
  ) {
    throw new ConfigError('FLAGSTONE_URL must be an http:// or https:// address with no query or fragment');
  }
  return url.href.replace(/\/$/, '');
}

export function identitySettings(config: Pick<Config, 'port' | 'trustProxy'>, env: Env = process.env) {
  const url = issuer(env, config.port);
  const staff = env.FLAGSTONE_STAFF_SECOND_FACTOR || 'required';
  if (staff !== 'required' && staff !== 'optional') {
    throw new ConfigError(`FLAGSTONE_STAFF_SECOND_FACTOR must be one of required, optional, not "${staff}"`);
  }
  return {
    issuer: url,
    apiResource: `${url}/api`,
    trustProxy: config.trustProxy,
    staffSecondFactor: staff === 'required',
  } satisfies IdentitySettings;
}
