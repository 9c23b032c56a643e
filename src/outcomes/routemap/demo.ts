// The demo's routemap, through the module's own front door: most of the organisations of the
// place assessed a year ago and again last month (so there is change to see), one not assessed
// yet, a draft under way, and action plans, one of them joint.
import { demoPlace } from '../../places/index.ts';
import type { Actor } from '../../platform/index.ts';
import { itemsOf } from './framework.ts';
import type { RoutemapService } from './service.ts';

const DAY = 86_400_000;

/** Each organisation's usual level, and which round(s) it submitted: 1 a year ago, 2 last month. */
const demoOrganisations = [
  { ref: 'fellshire-cc', level: 3, rounds: [1, 2] },
  { ref: 'castlebridge-council', level: 3, rounds: [1, 2] },
  { ref: 'ashby-vale-dc', level: 2, rounds: [1, 2] },
  { ref: 'northmoor-dc', level: 2, rounds: [2] },
  { ref: 'fellshire-nhs', level: 3, rounds: [1, 2] },
  { ref: 'fellshire-fire', level: 2, rounds: [1, 2] },
  { ref: 'fellshire-police', level: 2, rounds: [2] },
];

/** A level near the organisation's usual one, different item by item, a step up in the later round. */
function levelOf(base: number, organisation: number, item: number, round: number) {
  const wobble = ((organisation * 7 + item * 3) % 5) - 2; // -2 to 2
  const up = round === 2 && (organisation + item) % 3 === 0 ? 1 : 0;
  return Math.min(5, Math.max(1, base + Math.sign(wobble) * (Math.abs(wobble) > 1 ? 1 : 0) + up));
}

export async function loadDemoRoutemap(
  routemap: RoutemapService,
  actorByEmail: (email: string) => Promise<Actor>,
  now: Date,
) {
  const managerOf = (ref: string) =>
    actorByEmail(
      demoPlace.accounts.find((a) => a.roles.some((r) => r.organisation === ref && r.role === 'manager'))
        ?.email ?? '',
    );
  const framework = await routemap.currentFramework();
  const items = itemsOf(framework);
  for (const round of [1, 2]) {
    const at = new Date(now.getTime() - (round === 1 ? 365 : 30) * DAY);
    const service = routemap.asOf(at);
    for (const [o, organisation] of demoOrganisations.entries()) {
      if (!organisation.rounds.includes(round)) continue;
      const actor = await managerOf(organisation.ref);
      const scores = items.map((item, i) => {
        const score = levelOf(organisation.level, o, i, round);
        const reason = `${item.levels[score - 1]} This is where we are after our review with partners.`;
        const links = i % 4 === 0 ? [`https://${organisation.ref}.example.org/routemap/${item.key}`] : [];
        return { item: item.key, input: { score, reason, links } };
      });
      await service.saveScores(actor, organisation.ref, scores);
      await service.submit(actor, organisation.ref);
    }
  }
  // A new round under way at the county council.
  const county = await managerOf('fellshire-cc');
  await routemap.saveScores(
    county,
    'fellshire-cc',
    items.slice(0, 4).map((item) => ({
      item: item.key,
      input: { score: 4, reason: `${item.levels[3]} Agreed at the partnership board.`, links: [] },
    })),
  );
  const due = (days: number) => new Date(now.getTime() + days * DAY).toISOString().slice(0, 10);
  await routemap.actions.add(county, 'fellshire-cc', {
    item: 'shared-services',
    title: 'Move the district councils’ waste services onto one case system',
    ownerName: 'Daniel Whitfield',
    ownerEmail: 'daniel.whitfield@fellshire-cc.example.org',
    dueOn: due(90),
    partners: ['ashby-vale-dc', 'northmoor-dc'],
  });
  await routemap.actions.add(county, 'fellshire-cc', {
    item: 'information-governance',
    title: 'Agree one information sharing protocol for the place',
    ownerName: 'Priya Raman',
    ownerEmail: 'priya.raman@fellshire-cc.example.org',
    dueOn: due(45),
    partners: ['fellshire-nhs', 'fellshire-police', 'fellshire-fire'],
  });
  await routemap.actions.add(await managerOf('fellshire-fire'), 'fellshire-fire', {
    item: 'professionalism',
    title: 'Every member of staff signs in with a second factor',
    ownerName: 'Station manager',
    ownerEmail: 'prevention@fellshire-fire.example.org',
    dueOn: due(14),
    partners: [],
  });
}
