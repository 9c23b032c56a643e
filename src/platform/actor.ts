// Who is asking: set on each request by the identity module, read by every other module.
import { Forbidden, Unauthorized } from './errors.ts';

export type StaffRole = 'staff' | 'manager' | 'ig_officer' | 'auditor' | 'admin';

export interface Actor {
  accountId: string;
  kind: 'citizen' | 'staff';
  name: string;
  email: string;
  roles: { organisation: string; organisationName: string; role: StaffRole }[];
  /** How the person proved who they are this session: a password, or a password and a second factor. */
  authLevel?: 'password' | 'second_factor';
  /** The sign-in method behind that level: password, password+totp, passkey, upstream:<slug>[+mfa]. */
  authMethod?: string;
  /** How sure an upstream identity provider is of who the person is (GOV.UK One Login style). */
  identityConfidence?: 'none' | 'low' | 'medium';
  /** The relying party whose access token the request carries (API calls with a bearer token). */
  clientId?: string;
  /** The scopes of that access token: what the client may do. Unset for Flagstone's own pages. */
  scopes?: string[];
  /** A machine client acting for its organisation, no person behind it: accountId is the client id. */
  machine?: boolean;
  /** The person this actor acts for under a delegation (a carer, an advice charity). */
  actingFor?: { accountId: string; name: string; delegationId: string };
  /**
   * The delegation the person chose to act under this session (set by identity). It takes
   * effect only where a module asks for it with identity's `actFor(actor, service)`, which
   * sets `actingFor` when the delegation covers that service.
   */
  delegation?: { accountId: string; name: string; delegationId: string; services: string[] };
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new Unauthorized();
  return actor;
}

/** The place's administrators hold the `admin` role in some organisation. */
export function requireAdmin(actor: Actor | null): Actor {
  const who = requireActor(actor);
  if (!who.roles.some((r) => r.role === 'admin')) throw new Forbidden('Only an administrator can do this');
  return who;
}
