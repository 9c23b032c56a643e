// The demo place: loads Fellshire (organisations, areas, services) and its demo accounts,
// each with a fresh random password that is shown once.
import { randomBytes } from 'node:crypto';
import type { Services } from './app.ts';
import { demoPlace } from './places/index.ts';
import { Conflict } from './platform/index.ts';

export interface DemoCredential {
  email: string;
  name: string;
  kind: 'citizen' | 'staff';
  roles: string;
  password: string;
}

export async function hasPlace(services: Services): Promise<boolean> {
  return (await services.places.organisations()).length > 0;
}

export async function loadDemo(services: Services): Promise<DemoCredential[]> {
  if (await hasPlace(services))
    throw new Conflict('This database already has a place; the demo is only loaded into an empty one');
  await services.places.load(demoPlace);
  const ids = await services.places.organisationIds(demoPlace.organisations.map((o) => o.ref));
  const credentials: DemoCredential[] = [];
  await services.database.db.transaction().execute(async (trx) => {
    for (const account of demoPlace.accounts) {
      const password = randomBytes(9).toString('base64url');
      await services.identity.createAccount(
        {
          ...account,
          password,
          roles: account.roles.map((r) => ({
            organisationId: ids.get(r.organisation) as string,
            role: r.role,
          })),
        },
        trx,
      );
      const roles = account.roles.map((r) => `${r.role} at ${r.organisation}`).join(', ');
      credentials.push({ email: account.email, name: account.name, kind: account.kind, roles, password });
    }
  });
  return credentials;
}

export function formatCredentials(credentials: DemoCredential[]): string {
  const width = Math.max(...credentials.map((c) => c.email.length));
  const lines = credentials.map(
    (c) => `  ${c.email.padEnd(width)}  ${c.password}  ${c.kind === 'citizen' ? 'citizen' : c.roles}`,
  );
  return ['The demo place is loaded. These sign-in details are shown once only: keep them.', ...lines].join(
    '\n',
  );
}
