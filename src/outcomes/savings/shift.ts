// Pure: what channel shift saved, computed, not typed. Against the first months of history (the
// baseline), each later month's requests would have come in by phone, face to face or letter in
// the baseline's share; those that came online instead are contacts moved, each saving the cost
// of an assisted contact (in the baseline's mix of phone, face to face and letter) less the cost
// of one online. The unit costs are configuration (unit-costs.yaml) with their source.
import { parse } from 'yaml';
import type { Channel } from '../../requests/index.ts';

export const CHANNELS: Channel[] = ['online', 'api', 'phone', 'face_to_face', 'letter'];
const ASSISTED: Channel[] = ['phone', 'face_to_face', 'letter'];

export interface UnitCosts {
  costs: Record<Channel, number>;
  source: string;
  baselineMonths: number;
}

export interface ChannelMonth {
  /** The first day of the month, 2026-04-01. */
  month: string;
  counts: Partial<Record<Channel, number>>;
}

export interface ShiftYear {
  /** The financial year by its first calendar year: 2026 is April 2026 to March 2027. */
  year: number;
  contacts: number;
  moved: number;
  /** In pounds; negative when more contacts were assisted than at the baseline. */
  saving: number;
}

/** Reads the unit costs file; a bad one is refused with the reason. */
export function readUnitCosts(source: string): UnitCosts {
  const data = parse(source) as Record<string, unknown>;
  const costs = {} as Record<Channel, number>;
  for (const channel of CHANNELS) {
    const cost = data?.[channel];
    if (typeof cost !== 'number' || !(cost >= 0))
      throw new Error(`unit-costs.yaml: ${channel} must be a cost in pounds`);
    costs[channel] = cost;
  }
  if (typeof data.source !== 'string' || !data.source.trim())
    throw new Error('unit-costs.yaml: source is missing');
  const months = data.baseline_months;
  if (!Number.isInteger(months) || (months as number) < 1)
    throw new Error('unit-costs.yaml: baseline_months must be 1 or more');
  return { costs, source: data.source.trim(), baselineMonths: months as number };
}

export const financialYear = (month: string) =>
  Number(month.slice(0, 4)) - (Number(month.slice(5, 7)) < 4 ? 1 : 0);

const total = (counts: ChannelMonth['counts'], channels: Channel[]) =>
  channels.reduce((sum, c) => sum + (counts[c] ?? 0), 0);

/** The saving of channel shift by financial year, for one organisation's months (or the place's), in order. */
export function channelShiftSavings(months: ChannelMonth[], { costs, baselineMonths }: UnitCosts) {
  const active = months.filter((m) => total(m.counts, CHANNELS) > 0);
  const baseline = active.slice(0, baselineMonths);
  const sum = (channels: Channel[]) => baseline.reduce((n, m) => n + total(m.counts, channels), 0);
  const all = sum(CHANNELS);
  const assisted = sum(ASSISTED);
  const assistedShare = all > 0 ? assisted / all : 0;
  // The cost of an assisted contact in the baseline's mix (a phone call, when none was assisted).
  const assistedCost =
    assisted > 0 ? ASSISTED.reduce((c, ch) => c + (sum([ch]) / assisted) * costs[ch], 0) : costs.phone;
  const perMove = assistedCost - costs.online;
  const years = new Map<number, ShiftYear>();
  for (const m of active.slice(baselineMonths)) {
    const contacts = total(m.counts, CHANNELS);
    const moved = assistedShare * contacts - total(m.counts, ASSISTED);
    const year = financialYear(m.month);
    const y = years.get(year) ?? { year, contacts: 0, moved: 0, saving: 0 };
    y.contacts += contacts;
    y.moved += moved;
    y.saving += moved * perMove;
    years.set(year, y);
  }
  const rounded = [...years.values()].map((y) => ({
    ...y,
    moved: Math.round(y.moved),
    saving: Math.round(y.saving * 100) / 100,
  }));
  return {
    baseline: { months: baseline.map((m) => m.month), assistedShare, assistedCost, perMove },
    years: rounded,
  };
}
