// The governance API: the vocabulary, the policies in force, clearances and the ledger's
// status; agreements have routes of their own (agreements/routes.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Forbidden, requireActor } from '../platform/index.ts';
import { ProblemResponses } from '../web/index.ts';
import { type AgreementsService, agreementRoutes } from './agreements/index.ts';
import { lawfulBases, markingLevel, markings, purposes, specialCategoryBases } from './decisions/index.ts';
import { ledgerRoutes } from './ledger/index.ts';
import { requireGovernanceRole } from './roles.ts';
import type { GovernanceService } from './service.ts';

const tags = ['Information governance'];

interface Options {
  governance: GovernanceService;
  agreements: AgreementsService;
}

export const governanceRoutes: FastifyPluginAsyncTypebox<Options> = async (
  app,
  { governance, agreements },
) => {
  app.get(
    '/api/v1/governance/vocabulary',
    { schema: { tags, summary: 'Markings, purposes and lawful bases Flagstone knows' } },
    () => ({ markings, purposes, lawfulBases, specialCategoryBases }),
  );

  app.get(
    '/api/v1/governance/policies',
    {
      schema: {
        tags,
        summary:
          'The policies in force, as written (information governance officers, auditors and administrators)',
      },
    },
    (request) => {
      requireGovernanceRole(request.actor, ['ig_officer', 'auditor', 'admin']);
      return governance.pdp.policies;
    },
  );

  await agreementRoutes(app, { agreements });

  app.put(
    '/api/v1/clearances/:accountId',
    {
      schema: {
        tags,
        summary: "Set a member of staff's clearance (administrators and information governance officers)",
        params: Type.Object({ accountId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ clearance: Type.Enum(markings) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ accountId: Type.String(), clearance: Type.String() }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const marking = request.body.clearance;
      await governance.setClearance(request.actor, request.params.accountId, markingLevel(marking));
      return { accountId: request.params.accountId, clearance: marking };
    },
  );

  await ledgerRoutes(app, { ledger: governance.ledger });

  app.get(
    '/api/v1/audit/status',
    { schema: { tags, summary: 'How many entries the audit ledger holds and its latest checkpoint' } },
    (request) => {
      const who = requireActor(request.actor);
      if (!agreements.governs(who)) throw new Forbidden('Only information governance officers and auditors');
      return governance.ledger.status();
    },
  );
};
