// Logs for machines and for people: JSON lines, or on a terminal one readable, coloured line
// each (pino-pretty). Either way a request is one line, written when it is answered, and no log
// holds a cookie, an authorisation header, a body or a query string.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty' | 'auto';

/** Fastify's logger options: the level, what is never logged, and where lines go. */
export function loggerFor(
  settings: { level: string; format: LogFormat },
  stream?: NodeJS.WritableStream,
  terminal = Boolean(process.stdout.isTTY),
) {
  const readable = settings.format === 'pretty' || (settings.format === 'auto' && !stream && terminal);
  return {
    level: settings.level,
    // Never log cookies, authorisation headers or bodies: they carry session ids and passwords.
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        url: req.url.split('?')[0],
      }),
    },
    redact: {
      paths: ['req.headers', 'res.headers', '*.password', '*.cookie', '*.authorization'],
      remove: true,
    },
    stream: readable
      ? pretty({
          colorize: terminal,
          singleLine: true,
          translateTime: 'HH:MM:ss',
          ignore: 'pid,hostname,reqId,req,res,responseTime',
          destination: stream ?? 1,
          sync: true,
        })
      : stream,
  };
}

/** One line a request, when it is answered: `GET /report 200 12 ms`, with its id. */
export const requestLog = fp(async (app: FastifyInstance) => {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0];
    const ms = Math.round(reply.elapsedTime);
    request.log.info(
      { req: request, res: { statusCode: reply.statusCode }, responseTime: ms },
      `${request.method} ${path} ${reply.statusCode} ${ms} ms`,
    );
  });
});
