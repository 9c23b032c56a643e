// What the identity module needs of the configuration (src/config.ts reads and checks it; identity
// names the few values it takes rather than depending on the whole configuration).

export interface IdentitySettings {
  /** The address people and relying parties reach Flagstone at: the OpenID Connect issuer. */
  issuer: string;
  /** The identifier of Flagstone's own API as a resource server: the audience of its access tokens. */
  apiResource: string;
  trustProxy: boolean;
  /** Staff must sign in with a second factor (FLAGSTONE_STAFF_SECOND_FACTOR, `required` by default). */
  staffSecondFactor: boolean;
}

export function identitySettings(config: {
  publicUrl: string;
  trustProxy: boolean;
  staffSecondFactor: 'required' | 'optional';
}): IdentitySettings {
  return {
    issuer: config.publicUrl,
    apiResource: `${config.publicUrl}/api`,
    trustProxy: config.trustProxy,
    staffSecondFactor: config.staffSecondFactor === 'required',
  };
}
