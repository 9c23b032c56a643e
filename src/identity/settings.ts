// What the identity module needs of the configuration (src/config.ts reads and checks it).
import type { Config } from '../config.ts';

export interface IdentitySettings {
  /** The address people and relying parties reach Flagstone at: the OpenID Connect issuer. */
  issuer: string;
  /** The identifier of Flagstone's own API as a resource server: the audience of its access tokens. */
  apiResource: string;
  trustProxy: boolean;
  /** Staff must sign in with a second factor (FLAGSTONE_STAFF_SECOND_FACTOR, `required` by default). */
  staffSecondFactor: boolean;
}

export function identitySettings(
  config: Pick<Config, 'publicUrl' | 'trustProxy' | 'staffSecondFactor'>,
): IdentitySettings {
  return {
    issuer: config.publicUrl,
    apiResource: `${config.publicUrl}/api`,
    trustProxy: config.trustProxy,
    staffSecondFactor: config.staffSecondFactor === 'required',
  };
}
