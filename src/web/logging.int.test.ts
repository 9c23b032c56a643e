// Logs for machines and for people: one line a request, when it is answered, never with its
// query string, cookies or headers; JSON unless asked for readable lines (or on a terminal).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { testApp } from '../../test/support.ts';

async function logsOf(env: Record<string, string>, requests: string[]) {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)));
  const t = await testApp({ LOG_LEVEL: 'info', ...env }, stream);
  try {
    for (const url of requests)
      await t.app.inject({ url, headers: { cookie: 'flagstone_session=secret-session' } });
  } finally {
    await t.close();
  }
  return lines;
}

describe('request logs', () => {
  it('writes one JSON line a request, with method, path, status and time, and no query or cookie', async () => {
    const lines = await logsOf({}, ['/api/v1/organisations?q=private-words', '/no-such-page']);
    const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.req);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      req: { method: 'GET', url: '/api/v1/organisations' },
      res: { statusCode: 200 },
      msg: expect.stringMatching(/^GET \/api\/v1\/organisations 200 \d+ ms$/),
    });
    expect(requests[1]).toMatchObject({ res: { statusCode: 404 } });
    expect(lines.join('\n')).not.toContain('private-words');
    expect(lines.join('\n')).not.toContain('secret-session');
  });

  it('writes one readable line a request when LOG_FORMAT=pretty', async () => {
    const lines = await logsOf({ LOG_FORMAT: 'pretty' }, ['/api/v1/organisations?q=private-words']);
    const request = lines.filter((line) => line.includes('GET /api/v1/organisations'));
    expect(request).toHaveLength(1);
    expect(request[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: GET \/api\/v1\/organisations 200 \d+ ms$/);
    expect(lines.join('\n')).not.toContain('private-words');
    expect(lines.some((line) => line.startsWith('{'))).toBe(false);
  });
});
