// Files kept as evidence of a score: PDF, PNG, JPEG, CSV or plain text, told by their content
// (not by the name a browser sends), at most 5 MB, kept in the database with the draft and
// given back only as a download to those who may see the organisation's assessments.
import { type Actor, type FieldError, Invalid, NotFound } from '../../platform/index.ts';
import { decideOn } from './access.ts';
import { type Deps, openDraft } from './assessments.ts';
import * as store from './store.ts';
import type { Upload } from './uploads.ts';

export const EVIDENCE_LIMIT_BYTES = 5 * 1024 * 1024;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Pure: what kind of file this is by its first bytes (text by its name and a clean UTF-8 body); null if none allowed. */
export function evidenceType(name: string, bytes: Buffer): store.EvidenceType | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const text = /\.(csv|txt)$/i.exec(name)?.[1]?.toLowerCase();
  if (!text || bytes.includes(0)) return null;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return text === 'csv' ? 'text/csv' : 'text/plain';
}

/** Pure: the upload checked, with its kind and a safe name; Invalid saying what is wrong. */
export function checkUpload(upload: Upload | undefined) {
  const fail = (message: string): never => {
    throw new Invalid('The file has errors', [{ field: 'file', message } satisfies FieldError]);
  };
  if (!upload || upload.bytes.length === 0) return fail('Choose a file');
  if (upload.truncated || upload.bytes.length > EVIDENCE_LIMIT_BYTES)
    return fail('The file must be smaller than 5 MB');
  const mediaType = evidenceType(upload.name, upload.bytes);
  if (!mediaType) return fail('The file must be a PDF, PNG, JPEG, CSV or plain text file');
  const filename =
    upload.name
      .replace(/^.*[\\/]/, '')
      .replace(/[^\w .()-]/g, '_')
      .slice(0, 200) || 'evidence';
  return { mediaType, filename };
}

/** Keeps a file as evidence of an item in the organisation's draft (started if there is none). */
export async function addEvidenceFile(
  deps: Deps,
  actor: Actor | null,
  ref: string,
  item: string,
  upload: Upload | undefined,
  requestId?: string,
) {
  const { organisation, entry, principal } = await decideOn(
    deps,
    actor,
    ref,
    'assessMaturity',
    'evidence.add',
    requestId,
  );
  const { mediaType, filename } = checkUpload(upload);
  return deps.db.transaction().execute(async (trx) => {
    const { draft, items } = await openDraft(trx, organisation.id, principal.accountId);
    if (!items.some((i) => i.key === item)) throw new NotFound(`The framework has no item ${item}`);
    const file = { assessmentId: draft.id, item, filename, mediaType, content: (upload as Upload).bytes };
    const id = await store.addFile(trx, file, principal.accountId);
    await deps.governance.guard.write(trx, [
      entry.as({ detail: { assessment: draft.id, item, file: id, mediaType } }),
    ]);
    return { id, filename, mediaType };
  });
}

/** A kept file, for those who may see its organisation's assessments. */
export async function evidenceFile(
  deps: Deps,
  actor: Actor | null,
  ref: string,
  id: string,
  requestId?: string,
) {
  const { organisation } = await decideOn(deps, actor, ref, 'viewMaturity', 'evidence.read', requestId);
  const file = uuid.test(id) ? await store.fileContent(deps.db, id) : undefined;
  if (!file || file.organisation_id !== organisation.id) throw new NotFound('There is no such file');
  return { filename: file.filename, mediaType: file.media_type, content: file.content };
}
