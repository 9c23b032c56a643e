// Federation's use-cases, put together once: which upstream identity providers are trusted
// (upstreams.ts) and signing in through them (sign-in.ts), each written to the audit ledger.
import { type FederationDeps, upstreamSignIn } from './sign-in.ts';
import { trustedUpstreams, type UpstreamOrganisations } from './upstreams.ts';

export function federation(deps: FederationDeps & { places: UpstreamOrganisations }) {
  return { ...trustedUpstreams(deps), ...upstreamSignIn(deps) };
}

export type Federation = ReturnType<typeof federation>;
