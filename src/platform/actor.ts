// Who is asking: set on each request by the identity module, read by every other module.
import { Forbidden, Unauthorized } from './errors.ts';

export type StaffRole = 'staff' | 'manager' | 'ig_officer' | 'auditor' | 'admin';

export interface Actor {
  accountId: string;
  kind: 'citizen' | 'staff';
  name: string;
  email: string;
  roles: { organisation: string; organisationName: string; role: StaffRole }[];
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
