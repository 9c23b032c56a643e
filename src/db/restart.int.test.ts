// PostgreSQL going away altogether (a restart, a failover that takes a while) under a stream of
// reports: the process stays up, says it is not ready and refuses with 503 meanwhile, acknowledges
// nothing it did not store, and serves again by itself once PostgreSQL is back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/ports.ts';
import { postOpen311Request } from '../../test/support.ts';
import { createApp } from '../app.ts';
import { servicesFor } from '../compose.ts';
import { loadConfig } from '../config.ts';
import { loadDemo } from '../demo.ts';
import { demoPoints } from '../places/index.ts';
import { connect, type Database, type EmbeddedServer, migrate, startEmbedded } from './index.ts';

const KEY = 'restart-key';
const [lon, lat] = demoPoints.northmoor;
let dataDir: string;
let port: number;
let server: EmbeddedServer;
let database: Database;
let app: FastifyInstance;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'flagstone-restart-'));
  port = await freePort();
  server = await startEmbedded({ dataDir, port });
  database = connect(server.url, 4);
  await migrate(database.pool);
  const services = await servicesFor(database);
  await loadDemo(services);
  await services.requests.issueApiKey('Restart', KEY);
  app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), services);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const report = (i: number) =>
  postOpen311Request(app, {
    api_key: KEY,
    service_code: 'pothole',
    lat: String(lat + (i % 40) * 0.0002), // within 1 km, however many are sent
    long: String(lon),
    'attribute[size]': 'small',
    description: `Restart ${i}`,
  });

describe('PostgreSQL restarting under load', () => {
  it('stays up, is not ready while PostgreSQL is down, and takes reports again once it is back', async () => {
    const acknowledged: string[] = [];
    let refused = 0;
    let sent = 0;
    let running = true;
    // Four clients sending reports one after another for the whole test.
    const clients = Array.from({ length: 4 }, async () => {
      while (running) {
        const answer = await report(sent++);
        if (answer.statusCode === 201 || answer.statusCode === 200)
          acknowledged.push(answer.json()[0].service_request_id);
        else {
          expect(answer.statusCode, answer.body).toBe(503);
          refused++;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.stop();
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
    const down = await report(-1);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual([{ code: 503, description: expect.any(String) }]);
    server = await startEmbedded({ dataDir, port });
    // Back by itself: no restart of Flagstone, no operator.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await app.inject({ url: '/readyz' })).statusCode !== 200)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const before = acknowledged.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    running = false;
    await Promise.all(clients);
    expect(refused).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(before);
    // Every acknowledged report is stored, and the ledger still verifies.
    const { rows } = await database.pool.query('SELECT reference FROM cases WHERE reference = ANY($1)', [
      acknowledged,
    ]);
    expect(rows).toHaveLength(new Set(acknowledged).size); // a report near another is joined to it
    const admin = connect(server.url, 1);
    try {
      expect((await (await servicesFor(admin)).governance.ledger.verify()).ok).toBe(true);
    } finally {
      await admin.close();
    }
  }, 120_000);
});
