// Pages for information governance officers and auditors (auditors read, never change).
import type { FastifyInstance } from 'fastify';
import { type IdentityService, requireSecondFactor } from '../identity/index.ts';
import type { PlacesService } from '../places/index.ts';
import { type AgreementsService, agreementPages } from './agreements/index.ts';
import { requireGovernanceRole } from './roles.ts';
import type { GovernanceService } from './service.ts';

type Form = Record<string, string | string[] | undefined>;

/** Whom an account id is: its name and the organisations of its roles (identity's to say). */
export type GovernancePeople = Pick<IdentityService, 'actorById'>;

interface Options {
  governance: GovernanceService;
  agreements: AgreementsService;
  places: PlacesService;
  people: GovernancePeople;
}

export async function governancePages(
  app: FastifyInstance,
  { governance, agreements, places, people }: Options,
) {
  const viewers = ['ig_officer', 'auditor', 'admin'];
  // Agreements, break-glass reviews and the ledger are worth a second factor, whatever the setting.
  app.addHook('onRequest', requireSecondFactor);

  app.get('/governance', async (request, reply) => {
    requireGovernanceRole(request.actor, viewers);
    const queue = viewers.some((r) => request.actor?.roles.some((x) => x.role === r))
      ? await governance.breakGlassQueue(request.actor)
      : [];
    return reply.page('governance-index.njk', {
      status: await governance.ledger.status(),
      waiting: queue.filter((q) => !q.outcome).length,
    });
  });

  await agreementPages(app, { agreements, places });

  app.get('/governance/break-glass', async (request, reply) => {
    const queue = await governance.breakGlassQueue(request.actor);
    const canReview = request.actor?.roles.some((r) => r.role === 'ig_officer');
    return reply.page('break-glass.njk', { queue, canReview });
  });

  app.post<{ Params: { seq: string }; Body: Form }>(
    '/governance/break-glass/:seq',
    async (request, reply) => {
      await governance.reviewBreakGlass(
        request.actor,
        Number(request.params.seq),
        String(request.body?.outcome ?? ''),
        String(request.body?.notes ?? ''),
      );
      return reply.redirect('/governance/break-glass', 303);
    },
  );

  app.get('/governance/unusual-access', async (request, reply) => {
    const unusual = await governance.unusualAccess(request.actor);
    // Each by name and the organisations they work for, not an account id nobody can read.
    const whom = await Promise.all(unusual.map((r) => people.actorById(r.account)));
    const rows = unusual.map((r, i) => [
      { text: whom[i]?.name ?? 'An account that is closed' },
      {
        text:
          [...new Set(whom[i]?.roles.map((role) => role.organisationName) ?? [])].join(', ') ||
          r.organisations ||
          'None',
      },
      { text: String(r.reads), format: 'numeric' },
      { text: String(r.refused), format: 'numeric' },
    ]);
    return reply.page('unusual-access.njk', { rows });
  });

  app.get('/governance/policies', (request, reply) => {
    requireGovernanceRole(request.actor, viewers);
    return reply.page('policies.njk', { policies: governance.pdp.policies });
  });
}
