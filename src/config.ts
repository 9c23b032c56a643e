// Configuration comes from the environment only, checked once at start: a wrong value
// stops Flagstone with the variable's name and what it expects.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type NotifyConfig,
  type NotifyTemplate,
  notifyTemplates,
  type SmsTemplate,
  smsTemplates,
} from './notify/index.ts';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  /** The database as the owner of its schema (DATABASE_OWNER_URL), for migrations; unset: DATABASE_URL's role does both. */
  databaseOwnerUrl: string | undefined;
  dataDir: string;
  /** The Ed25519 key that signs the ledger's checkpoints: a PEM file outside the database, made when missing. */
  ledgerKey: string;
  /** Where every signed tree head of the ledger is kept outside the database, one JSON line each. */
  ledgerHeads: string;
  /** The Ed25519 key this Flagstone co-signs other ledgers' tree heads with, as their witness (made when missing). */
  witnessKey: string;
  embeddedDbPort: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** JSON lines for machines, or one readable line each for people; `auto`: readable on a terminal. */
  logFormat: 'json' | 'pretty' | 'auto';
  trustProxy: boolean;
  bodyLimitBytes: number;
  serviceName: string;
  policiesDir: string;
  /** The folder of the outcome KPI files (FLAGSTONE_KPIS); the ones shipped when unset. */
  kpisDir?: string;
  /** The largest photo a citizen may add to a report. */
  photoLimitBytes: number;
  /** The address people and other services reach Flagstone at (FLAGSTONE_URL): its OpenID Connect issuer. */
  publicUrl: string;
  /** Whether staff must sign in with a second factor (FLAGSTONE_STAFF_SECOND_FACTOR). */
  staffSecondFactor: 'required' | 'optional';
  /** GOV.UK Notify, when an API key is set; otherwise messages stay in the outbox. */
  notify: NotifyConfig | null;
  /** The interactive map's tiles (FLAGSTONE_MAP_TILES, an XYZ address template) and their attribution; the server-drawn map alone when unset. */
  map: { tiles: string | null; attribution: string };
  /** The place's own brand in the header and footer: its name (FLAGSTONE_PLACE_NAME) and logo file (FLAGSTONE_LOGO, SVG or PNG). */
  brand: { placeName: string | null; logo: string | null };
  /** Open data: the smallest count published in statistics, and the grid locations are coarsened to (metres). */
  openData: { threshold: number; gridMetres: number; contact: string; baseUrl: string };
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, not "${raw}"`);
  }
  return raw as T;
}

function databaseUrl(env: Env, name = 'DATABASE_URL'): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL such as postgres://user:password@host:5432/flagstone`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must start with postgres:// or postgresql://`);
  }
  return raw;
}

/** DATABASE_OWNER_URL, which only goes with DATABASE_URL (the embedded database has both roles itself). */
function databaseOwnerUrl(env: Env): string | undefined {
  const owner = databaseUrl(env, 'DATABASE_OWNER_URL');
  if (owner && !databaseUrl(env)) throw new ConfigError('DATABASE_OWNER_URL needs DATABASE_URL set too');
  return owner;
}

/** FLAGSTONE_URL without its trailing slash, or localhost and the port. */
function publicUrl(env: Env, port: number): string {
  const raw = env.FLAGSTONE_URL || `http://localhost:${port}`;
  const url = URL.parse(raw);
  if (!url) {
    throw new ConfigError(
      `FLAGSTONE_URL must be a URL such as https://services.example.gov.uk, not "${raw}"`,
    );
  }
  if (!['https:', 'http:'].includes(url.protocol) || url.search || url.hash || raw.endsWith('?')) {
    throw new ConfigError('FLAGSTONE_URL must be an http:// or https:// address with no query or fragment');
  }
  return url.href.replace(/\/$/, '');
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** FLAGSTONE_NOTIFY_API_KEY (Notify's "name-serviceid-secret") and a template id per message. */
function notify(env: Env): NotifyConfig | null {
  const apiKey = env.FLAGSTONE_NOTIFY_API_KEY;
  if (apiKey === undefined || apiKey === '') return null;
  const tail = apiKey.slice(-73);
  if (!uuid.test(tail.slice(0, 36)) || !uuid.test(tail.slice(37))) {
    throw new ConfigError('FLAGSTONE_NOTIFY_API_KEY must be a GOV.UK Notify API key (ending in two ids)');
  }
  const templateId = (template: string, suffix = '') => {
    const name = `FLAGSTONE_NOTIFY_TEMPLATE_${template.toUpperCase().replaceAll('-', '_')}${suffix}`;
    const id = env[name] ?? '';
    if (!uuid.test(id)) throw new ConfigError(`${name} must be the id of a GOV.UK Notify template`);
    return id;
  };
  const templates = {} as Record<NotifyTemplate, string>;
  for (const template of notifyTemplates) templates[template] = templateId(template);
  const sms = {} as Record<SmsTemplate, string>;
  for (const template of smsTemplates) sms[template] = templateId(template, '_SMS');
  const baseUrl = env.FLAGSTONE_NOTIFY_BASE_URL || 'https://api.notifications.service.gov.uk';
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    throw new ConfigError(
      'FLAGSTONE_NOTIFY_BASE_URL must be a URL such as https://api.notifications.service.gov.uk',
    );
  }
  return { apiKey, baseUrl: baseUrl.replace(/\/+$/, ''), templates, smsTemplates: sms };
}

/** FLAGSTONE_MAP_TILES: an http(s) address with {z}, {x} and {y} in it, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png. */
function map(env: Env): Config['map'] {
  const tiles = env.FLAGSTONE_MAP_TILES || null;
  const attribution = (env.FLAGSTONE_MAP_ATTRIBUTION ?? '').trim();
  if (tiles === null) return { tiles, attribution };
  const url = URL.parse(tiles.replaceAll('{s}', 'a'));
  if (
    !url ||
    !['https:', 'http:'].includes(url.protocol) ||
    !['{z}', '{x}', '{y}'].every((p) => tiles.includes(p))
  ) {
    throw new ConfigError(
      `FLAGSTONE_MAP_TILES must be an http:// or https:// address with {z}, {x} and {y} in it, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png, not "${tiles}"`,
    );
  }
  if (!attribution) {
    throw new ConfigError(
      'FLAGSTONE_MAP_ATTRIBUTION must say whose map the tiles are, such as "© OpenStreetMap contributors"',
    );
  }
  return { tiles, attribution };
}

/** FLAGSTONE_LOGO: an SVG or PNG file of the place's logo. */
function logo(env: Env): string | null {
  const raw = env.FLAGSTONE_LOGO;
  if (raw === undefined || raw === '') return null;
  if (!/\.(svg|png)$/i.test(raw))
    throw new ConfigError(`FLAGSTONE_LOGO must be an .svg or .png file, not "${raw}"`);
  if (!existsSync(raw)) throw new ConfigError(`FLAGSTONE_LOGO names a file that is not there: "${raw}"`);
  return path.resolve(raw);
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  return {
    host: env.HOST || 'localhost',
    port,
    databaseUrl: databaseUrl(env),
    databaseOwnerUrl: databaseOwnerUrl(env),
    dataDir: path.resolve(env.FLAGSTONE_DATA || '.flagstone'),
    ledgerKey: path.resolve(
      env.FLAGSTONE_LEDGER_KEY || path.join(env.FLAGSTONE_DATA || '.flagstone', 'ledger-key.pem'),
    ),
    ledgerHeads: path.resolve(
      env.FLAGSTONE_LEDGER_HEADS || path.join(env.FLAGSTONE_DATA || '.flagstone', 'ledger-heads.jsonl'),
    ),
    witnessKey: path.resolve(
      env.FLAGSTONE_WITNESS_KEY || path.join(env.FLAGSTONE_DATA || '.flagstone', 'witness-key.pem'),
    ),
    embeddedDbPort: integer(env, 'FLAGSTONE_DB_PORT', 54329, 1024, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    logFormat: oneOf(env, 'LOG_FORMAT', 'auto', ['json', 'pretty', 'auto']),
    trustProxy: oneOf(env, 'TRUST_PROXY', 'false', ['true', 'false']) === 'true',
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    serviceName: env.SERVICE_NAME || 'Flagstone',
    policiesDir: path.resolve(env.FLAGSTONE_POLICIES || path.join(import.meta.dirname, '..', 'policies')),
    kpisDir: env.FLAGSTONE_KPIS ? path.resolve(env.FLAGSTONE_KPIS) : undefined,
    photoLimitBytes: integer(env, 'PHOTO_LIMIT_BYTES', 10_485_760, 1024, 20_971_520),
    notify: notify(env),
    publicUrl: publicUrl(env, port),
    staffSecondFactor: oneOf(env, 'FLAGSTONE_STAFF_SECOND_FACTOR', 'required', ['required', 'optional']),
    map: map(env),
    brand: { placeName: env.FLAGSTONE_PLACE_NAME?.trim() || null, logo: logo(env) },
    openData: {
      threshold: integer(env, 'OPEN_DATA_THRESHOLD', 10, 2, 1000),
      gridMetres: integer(env, 'OPEN_DATA_GRID_METRES', 1000, 100, 100_000),
      contact: env.OPEN_DATA_CONTACT || 'open-data@example.org',
      baseUrl: publicUrl(env, port),
    },
  };
}
