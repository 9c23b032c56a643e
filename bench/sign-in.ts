// Signing a demo member of staff in with a password alone, for the benches that read as them
// (the app started with FLAGSTONE_STAFF_SECOND_FACTOR=optional): their session cookie.
import type { FastifyInstance } from 'fastify';

export async function signInWithPassword(
  app: FastifyInstance,
  credentials: { email: string; password: string; roles: string }[],
  roles: string,
): Promise<string> {
  const person = credentials.find((c) => c.roles === roles);
  if (!person) throw new Error(`no demo ${roles}`);
  const form = await app.inject({ url: '/sign-in', headers: { accept: 'text/html' } });
  const signIn = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: {
      cookie: form.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({
      email: person.email,
      password: person.password,
      _csrf: /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '',
    }).toString(),
  });
  if (signIn.statusCode !== 303) throw new Error(`signing in as ${roles} failed with ${signIn.statusCode}`);
  return signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}
