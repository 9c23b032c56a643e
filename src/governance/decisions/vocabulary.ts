// The controlled words of information governance: markings, purposes, lawful bases.
import { Invalid } from '../../platform/index.ts';

/** UK Government Security Classifications that belong on this platform, lowest first. */
export const markings = ['OFFICIAL', 'OFFICIAL-SENSITIVE'] as const;
export type Marking = (typeof markings)[number];
export const handlingDescriptors = ['PERSONAL', 'COMMERCIAL', 'LOCSEN'] as const;
export type Handling = (typeof handlingDescriptors)[number];

/** OFFICIAL is 1 and OFFICIAL-SENSITIVE 2: a clearance or a limit is the highest level it allows. */
export const markingLevel = (marking: Marking): 1 | 2 => (marking === 'OFFICIAL' ? 1 : 2);
export const markingOfLevel = (level: number): Marking => (level >= 2 ? 'OFFICIAL-SENSITIVE' : 'OFFICIAL');

/** Checks a marking as people write it; SECRET and TOP SECRET are refused by name. */
export function parseMarking(marking: string, handling?: string | null, field = 'marking') {
  const upper = marking.trim().toUpperCase();
  if (upper === 'SECRET' || upper === 'TOP SECRET') {
    throw new Invalid(`${upper} material does not belong on this platform`, [
      { field, message: `${upper} material must not be held on Flagstone: use an accredited system` },
    ]);
  }
  if (!(markings as readonly string[]).includes(upper)) {
    throw new Invalid('Unknown marking', [
      { field, message: `The marking must be ${markings.join(' or ')}` },
    ]);
  }
  const h = handling ? handling.trim().toUpperCase() : null;
  if (h && !(handlingDescriptors as readonly string[]).includes(h)) {
    throw new Invalid('Unknown handling descriptor', [
      {
        field: 'handling',
        message: `The handling descriptor must be ${handlingDescriptors.join(', ')} or none`,
      },
    ]);
  }
  if (h && upper !== 'OFFICIAL-SENSITIVE') {
    throw new Invalid('Handling descriptors go with OFFICIAL-SENSITIVE', [
      { field: 'handling', message: 'Only OFFICIAL-SENSITIVE material takes a handling descriptor' },
    ]);
  }
  return { marking: upper as Marking, handling: h as Handling | null };
}

export const purposes = {
  direct_care: 'Direct care',
  safeguarding: 'Safeguarding',
  service_delivery: 'Service delivery',
  fraud_prevention: 'Fraud prevention',
  statistics: 'Statistics and research',
  law_enforcement: 'Law enforcement',
  emergency_response: 'Emergency response',
  housing_support: 'Housing support',
} as const;
export type Purpose = keyof typeof purposes;
export const isPurpose = (value: string): value is Purpose => Object.hasOwn(purposes, value);

/** UK GDPR Article 6 lawful bases. */
export const lawfulBases = {
  consent: 'Consent (6(1)(a))',
  contract: 'Contract (6(1)(b))',
  legal_obligation: 'Legal obligation (6(1)(c))',
  vital_interests: 'Vital interests (6(1)(d))',
  public_task: 'Public task (6(1)(e))',
  legitimate_interests: 'Legitimate interests (6(1)(f))',
} as const;
export type LawfulBasis = keyof typeof lawfulBases;

/** UK GDPR Article 9 conditions for special category data. */
export const specialCategoryBases = {
  explicit_consent: 'Explicit consent (9(2)(a))',
  employment_social_protection: 'Employment and social protection (9(2)(b))',
  vital_interests: 'Vital interests (9(2)(c))',
  not_for_profit_body: 'Not-for-profit bodies (9(2)(d))',
  made_public: 'Made public by the data subject (9(2)(e))',
  legal_claims: 'Legal claims (9(2)(f))',
  substantial_public_interest: 'Substantial public interest (9(2)(g))',
  health_social_care: 'Health and social care (9(2)(h))',
  public_health: 'Public health (9(2)(i))',
  archiving_research_statistics: 'Archiving, research and statistics (9(2)(j))',
} as const;
export type SpecialCategoryBasis = keyof typeof specialCategoryBases;

export const datasets = {
  'person-records': 'Local person records',
  cases: 'Cases: service requests, their notes and referrals',
} as const;
