// The answers a citizen has given so far, kept in the database under the hash of a random
// token in a signed cookie, so that the journey works without JavaScript and across pages.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { newToken } from '../../../platform/index.ts';
import type { Photo } from '../../photos/index.ts';
import type { Drafts } from '../drafts.ts';

export type Form = Record<string, string | string[] | undefined>;
export type Answers = Record<string, string | Record<string, string | string[]>>;
const COOKIE = 'flagstone_report';
export const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');

export function journeyDraft(requests: { drafts: Drafts }) {
  async function draft(request: FastifyRequest): Promise<{ token: string; answers: Answers }> {
    const raw = request.cookies[COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : null;
    const token = unsigned?.valid && unsigned.value ? unsigned.value : null;
    const answers = token ? ((await requests.drafts.get(token)) as Answers | null) : null;
    return { token: token ?? '', answers: answers ?? {} };
  }

  async function save(request: FastifyRequest, reply: FastifyReply, answers: Answers, photos: Photo[] = []) {
    let { token } = await draft(request);
    if (!token) {
      token = newToken();
      reply.setCookie(COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        secure: 'auto',
      });
    }
    await requests.drafts.save(token, answers, photos);
  }

  async function forget(token: string, reply: FastifyReply) {
    await requests.drafts.remove(token);
    reply.clearCookie(COOKIE, { path: '/' });
  }

  return { draft, save, forget };
}
