// A stand-in for GOV.UK Notify on loopback, answering as Notify's API does, for the tests that
// send through the official client: it checks the signed token, records what arrives, answers
// each recipient as a test says (holding an answer when asked), and finds accepted messages by
// their reference as Notify's list of notifications does.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import type { NotifyConfig } from '../src/notify/index.ts';

export const SERVICE_ID = '5d2a0f3e-7b1c-4c8e-9f3a-2b6d8e1c4a70';
export const SECRET = '9c1e4b7a-3f2d-4e8b-a6c5-1d0f7e2b9a38';
export const API_KEY = `flagstone_test-${SERVICE_ID}-${SECRET}`;
export const TEMPLATE = '11111111-2222-4333-8444-555555555555';
export const SMS_TEMPLATE = '11111111-2222-4333-8444-555555555566';

export interface Received {
  path: string;
  body: Record<string, unknown>;
  issuer: string | undefined;
  /** The case reference the message is about (Notify's own reference is the outbox id). */
  ref: string | undefined;
}

/**
 * A small server speaking Notify's API shape; `answer` decides each response by recipient, and
 * a recipient's `wait` (when there is one) holds the answer until it settles.
 */
export function notifyServer(answer: (to: string) => number) {
  const received: Received[] = [];
  // The references of the messages accepted (answered 201, whether or not the answer arrived).
  const accepted = new Set<string>();
  const waits = new Map<string, () => Promise<void>>();
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    let issuer: string | undefined;
    try {
      issuer = (await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] })).payload
        .iss;
    } catch {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ status_code: 403, errors: [{ error: 'AuthError', message: 'Invalid token' }] }),
      );
      return;
    }
    const url = new URL(request.url ?? '/', 'http://notify');
    if (request.method === 'GET' && url.pathname === '/v2/notifications') {
      const reference = url.searchParams.get('reference') ?? '';
      const found = accepted.has(reference)
        ? [{ id: crypto.randomUUID(), reference, status: 'delivered' }]
        : [];
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ notifications: found, links: {} }));
      return;
    }
    const ref = (body.personalisation as Record<string, string> | undefined)?.reference;
    received.push({ path: request.url ?? '', body, issuer, ref });
    const to = String(body.email_address ?? body.phone_number);
    await waits.get(to)?.();
    const status = answer(to);
    if (status === 201) accepted.add(String(body.reference));
    const error = { 400: 'BadRequestError', 429: 'RateLimitError', 500: 'Exception' }[status as 400];
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        error
          ? { status_code: status, errors: [{ error, message: `Cannot send to ${body.email_address}` }] }
          : { id: crypto.randomUUID(), reference: body.reference, content: {}, uri: '', template: {} },
      ),
    );
  });
  return {
    received,
    waits,
    /** Holds the answers to a recipient until the function returned is called. */
    hold(to: string): () => void {
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      waits.set(to, () => held);
      return () => {
        waits.delete(to);
        release();
      };
    },
    /** Resolves once a message with this reference has arrived (its answer may be held). */
    async arrival(reference: string) {
      const deadline = Date.now() + 45_000;
      while (!received.some((r) => r.ref === reference)) {
        if (Date.now() > deadline) throw new Error(`${reference} never arrived`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Flagstone's Notify set-up against the stand-in at `baseUrl`: one email and one text template for all. */
export function notifyConfig(baseUrl: string): NotifyConfig {
  return {
    apiKey: API_KEY,
    baseUrl,
    templates: {
      'request-received': TEMPLATE,
      'request-updated': TEMPLATE,
      'case-overdue': TEMPLATE,
      'case-reminder': TEMPLATE,
      'referral-received': TEMPLATE,
      'referral-decided': TEMPLATE,
      'routemap-action-overdue': TEMPLATE,
      'account-confirm-email': TEMPLATE,
      'account-already-registered': TEMPLATE,
      'account-reset-password': TEMPLATE,
      'fixed-question': TEMPLATE,
      'alert-confirm': TEMPLATE,
      'alert-reports': TEMPLATE,
    },
    smsTemplates: { 'request-received': SMS_TEMPLATE, 'request-updated': SMS_TEMPLATE },
  };
}
