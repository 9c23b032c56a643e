// The demo's outcomes: a few savings the partners of Fellshire recorded through the ledger's own
// front door (one verified by another partner, one waiting for verification, one planned), then
// the KPIs worked out from the year of requests the demo has just made.
import type { Actor } from '../platform/index.ts';
import type { KpisService } from './kpis/index.ts';
import type { SavingsService } from './savings/index.ts';

const demoSavings = [
  {
    by: 'daniel.whitfield@fellshire-cc.example.org',
    verifier: ['aisha.begum@ashby-vale-dc.example.org', 'ashby-vale-dc'],
    organisation: 'fellshire-cc',
    title: 'One contact centre for the county and Ashby Vale',
    description:
      'Ashby Vale District Council’s calls are answered by the county’s contact centre on one system.',
    evidence: 'Joint committee report JC-2026-07, section 4: the district’s contact centre contract ended.',
    cashable: 'yes',
    recurrence: 'recurring',
    amount: '180000',
    yearsAgo: 1,
    shares: [
      { organisation: 'fellshire-cc', percent: '60' },
      { organisation: 'ashby-vale-dc', percent: '40' },
    ],
  },
  {
    by: 'yasmin.ali@fellshire-fire.example.org',
    organisation: 'fellshire-fire',
    title: 'Home fire safety and falls checks in one visit',
    description:
      'Fire service visitors check for falls risks too, so the NHS trust makes fewer separate visits.',
    evidence: 'Visit records April to September: 410 joint visits at £102 each saved by the trust.',
    cashable: 'no',
    recurrence: 'one_off',
    amount: '41820',
    yearsAgo: 0,
    shares: [
      { organisation: 'fellshire-fire', percent: '30' },
      { organisation: 'fellshire-nhs', percent: '70' },
    ],
  },
  {
    by: 'oliver.hughes@castlebridge-council.example.org',
    organisation: 'castlebridge-council',
    title: 'Referrals between organisations online instead of by paper form',
    description:
      'Referrals from the fire service and the NHS trust arrive through the platform, not by post or email.',
    evidence: 'Business case BC-2026-11: 0.4 of an officer’s time a year.',
    cashable: 'no',
    recurrence: 'recurring',
    amount: '14500',
    yearsAgo: 0,
    planned: true,
    shares: [{ organisation: 'castlebridge-council', percent: '100' }],
  },
];

export async function loadDemoOutcomes(
  outcomes: { kpis: KpisService; savings: SavingsService },
  actor: (email: string) => Promise<Actor>,
) {
  const year = outcomes.savings.thisYear();
  for (const s of demoSavings) {
    const { by, verifier, yearsAgo, planned, ...input } = s;
    const id = await outcomes.savings.record(await actor(by), {
      ...input,
      year: String(year - yearsAgo),
      state: planned ? 'planned' : 'realised',
    });
    if (verifier) {
      const [email, organisation] = verifier as [string, string];
      await outcomes.savings.move(await actor(email), id, { state: 'verified', organisation });
    }
  }
  await outcomes.kpis.recompute();
}
