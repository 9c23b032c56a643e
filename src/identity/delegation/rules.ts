// Pure: what a delegation lets someone do. A citizen lets a person or an organisation act for
// them for chosen services until a date; the person acting then acts as that citizen for those
// services only, and every action records both of them.
import type { Actor } from '../../platform/index.ts';

export const DELEGATED_SERVICES = {
  'your-data': 'See the records held about them and who looked at them',
  requests: 'Report problems, ask for services and follow requests for them',
} as const;
export type DelegatedService = keyof typeof DELEGATED_SERVICES;

export const isDelegatedService = (s: string): s is DelegatedService => Object.hasOwn(DELEGATED_SERVICES, s);

/**
 * The actor to decide and record a request to `service` with: acting for the citizen when the
 * person chose to act for them (`actor.delegation`) under a delegation covering the service;
 * otherwise as themselves. Other modules call this where a page may be used on someone's behalf,
 * then pass the result to governance (which decides as the citizen and records both people).
 */
export function actFor(actor: Actor, service: DelegatedService): Actor;
export function actFor(actor: Actor | null, service: DelegatedService): Actor | null;
export function actFor(actor: Actor | null, service: DelegatedService): Actor | null {
  const chosen = actor?.delegation;
  if (!actor || !chosen?.services.includes(service)) return actor;
  return {
    ...actor,
    actingFor: { accountId: chosen.accountId, name: chosen.name, delegationId: chosen.delegationId },
  };
}

/** Whether a delegation is in force on a day (ISO date): not revoked and not past its last day. */
export function inForce(delegation: { endsOn: string; revoked: boolean }, today: string): boolean {
  return !delegation.revoked && delegation.endsOn >= today;
}

/** Checks a new delegation's end date: a real date, from today, and within three years. */
export function endDateError(endsOn: string, today: string): string | null {
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(endsOn) ||
    Number.isNaN(Date.parse(endsOn)) ||
    new Date(endsOn).toISOString().slice(0, 10) !== endsOn
  ) {
    return 'Enter a real date, like 31 3 2027';
  }
  if (endsOn < today) return 'The date must be today or in the future';
  const limit = `${Number(today.slice(0, 4)) + 3}${today.slice(4)}`;
  if (endsOn > limit) return 'The date must be within 3 years';
  return null;
}
