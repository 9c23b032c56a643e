// The `flagstone open311 keys` commands' words: what each prints, and a refusal as one line
// naming every field that was wrong.
import { DomainError } from '../../platform/index.ts';
import type { ApiKeys } from './api-keys.ts';

type Keys = Pick<ApiKeys, 'issueKey' | 'keys' | 'rotateKey' | 'revokeKey'>;
type Outcome = { ok: boolean; message: string };

const refusal = (error: unknown): Outcome => {
  if (!(error instanceof DomainError)) throw error;
  const fields = error.fields.map((f) => `--${f.field === 'organisation' ? 'org' : f.field}: ${f.message}`);
  return { ok: false, message: fields.length ? fields.join('\n') : error.message };
};

const shown = (issued: { id: string; name: string; key: string }) =>
  `api_key for ${issued.name}: ${issued.key}\nid: ${issued.id}\nGive the key to the app's makers now: it is not shown again.\n`;

export const open311KeysFromCommandLine = {
  add: (keys: Keys, options: { name: string; contact: string; org?: string }): Promise<Outcome> =>
    keys
      .issueKey('command line', { name: options.name, contact: options.contact, organisation: options.org })
      .then((issued) => ({ ok: true, message: shown(issued) }), refusal),

  async list(keys: Keys): Promise<string> {
    const rows = await keys.keys('command line');
    if (rows.length === 0) return 'No Open311 keys have been issued.\n';
    return rows
      .map((k) =>
        [
          k.id,
          k.revoked_at ? 'revoked' : 'in use',
          k.name,
          k.contact ?? '-',
          k.organisation ?? '-',
          `${k.posts} requests`,
        ].join('\t'),
      )
      .concat('')
      .join('\n');
  },

  rotate: (keys: Keys, id: string): Promise<Outcome> =>
    keys.rotateKey('command line', id).then((issued) => ({ ok: true, message: shown(issued) }), refusal),

  revoke: (keys: Keys, id: string): Promise<Outcome> =>
    keys
      .revokeKey('command line', id)
      .then(() => ({ ok: true, message: `Revoked: the key stops working within 30 seconds.\n` }), refusal),
};
