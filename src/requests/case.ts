// The words every part of the front door shares: a case's status and the moves between them,
// what the public sees of a case, a case in the terms its policies decide on, and the email
// that tells the person who made a request what became of it. Pure.
import type { Message } from '../notify/index.ts';
import { govukDate } from '../web/index.ts';
import type { CaseFacts } from './access.ts';
import type { CaseRow, CaseStatus } from './store.ts';

export type { CaseRow, CaseStatus } from './store.ts';

export const statusNames: Record<CaseStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** The statuses a case of each status may move to (a closed case stays closed). */
export const transitions: Record<CaseStatus, CaseStatus[]> = {
  open: ['in_progress', 'resolved', 'closed'],
  in_progress: ['open', 'resolved', 'closed'],
  resolved: ['closed', 'open'],
  closed: [],
};

/** What anyone may see of a request: nothing that says who made it or what they wrote. */
export interface PublicRequest {
  reference: string;
  status: CaseStatus;
  statusNotes: string | null;
  serviceCode: string;
  serviceName: string;
  organisation: string;
  organisationName: string;
  requestedAt: string;
  updatedAt: string;
  expectedAt: string | null;
  address: string | null;
  addressId: string | null;
  lat: number;
  lon: number;
  mediaUrl: string | null;
}

export const toPublic = (row: CaseRow): PublicRequest => ({
  reference: row.reference,
  status: row.status,
  statusNotes: row.status_reason,
  serviceCode: row.service_code,
  serviceName: row.service_name,
  organisation: row.organisation,
  organisationName: row.organisation_name,
  requestedAt: row.requested_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  expectedAt: row.expected_at?.toISOString() ?? null,
  address: row.address_string,
  addressId: row.address_id,
  lat: row.lat,
  lon: row.lon,
  mediaUrl: row.media_url,
});

/** A case in the terms its policies decide on. */
export const facts = (row: CaseRow): CaseFacts => ({
  id: row.id,
  organisationId: row.organisation_id,
  markingLevel: row.marking_level,
  referrals: row.referrals,
  citizenAccountId: row.citizen_account_id,
});

/**
 * The message to the person who made a request: by the channel they chose (email or text), else
 * by email when they gave an address, by text when they gave only a phone number; none otherwise.
 */
export function citizenMessages(
  row: {
    email?: string | null;
    phone?: string | null;
    contact_by?: 'email' | 'sms' | null;
    reference: string;
  },
  template: Message['template'],
  extra: Record<string, string>,
): Message[] {
  const channel = row.contact_by ?? (row.email ? 'email' : 'sms');
  const recipient = channel === 'email' ? row.email : row.phone;
  return recipient
    ? [
        {
          channel,
          recipient,
          template,
          personalisation: { reference: row.reference, ...extra },
          reference: row.reference,
        },
      ]
    : [];
}

/** Whether a string has the shape of the ids the database makes (of cases, photos, tokens). */
export const looksLikeId = (id: string) => /^[0-9a-f-]{36}$/i.test(id);

/** A reference as people type it, in any case, with a space, a hyphen or neither: "dp60 1v5t" is DP60-1V5T. */
export function normalReference(typed: string): string {
  const bare = typed.toUpperCase().replace(/[\s-]+/g, '');
  return /^[0-9A-Z]{8}$/.test(bare) ? `${bare.slice(0, 4)}-${bare.slice(4)}` : typed.trim().toUpperCase();
}

/** A date as GOV.UK writes it, "7 December 2026" (web's one formatter); empty for none. */
export const longDate = (iso: string | null) => (iso ? govukDate(iso) : '');
