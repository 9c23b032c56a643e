// The ledger's public API: its signed tree heads with their witnesses' co-signatures, for anyone
// to keep outside its database, and this Flagstone's witness endpoint for other ledgers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemResponses } from '../../web/index.ts';
import type { Ledger } from './ledger.ts';
import { StaleHead } from './witness.ts';
import { WITNESS_PATH } from './witnesses.ts';

const tags = ['Information governance'];

/** A signed tree head as it is published and sent to witnesses. */
const TreeHeadFields = {
  treeSize: Type.Integer({ minimum: 1 }),
  rootHash: Type.String({ maxLength: 64, description: 'RFC 9162 Merkle tree head, hex' }),
  keyId: Type.String({ maxLength: 64 }),
  publicKey: Type.String({ maxLength: 1000, description: 'the Ed25519 public key, PEM' }),
  signature: Type.String({
    maxLength: 200,
    description: 'Ed25519 over "flagstone-ledger-checkpoint\\n<size>\\n<root hex>\\n", base64',
  }),
  signedAt: Type.String({ format: 'date-time' }),
};

export const ledgerRoutes: FastifyPluginAsyncTypebox<{ ledger: Ledger }> = async (app, { ledger }) => {
  app.get(
    '/api/v1/audit/heads',
    {
      schema: {
        tags,
        summary: 'The signed tree heads of the audit ledger, for anyone to keep outside its database',
        description:
          'Public: sizes and root hashes only, no entry. Keep them (or poll with `after`) and check the ledger against them with `flagstone audit verify --heads URL`: a rewritten, re-signed, shortened or emptied ledger contradicts a head kept elsewhere.',
        querystring: Type.Object(
          {
            after: Type.Optional(
              Type.Integer({ minimum: 0, description: 'only heads over more entries than this' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Array(
            Type.Object({
              ...TreeHeadFields,
              cosignatures: Type.Array(
                Type.Object({
                  witness: Type.String({ description: 'where the witness was sent the head' }),
                  keyId: Type.String(),
                  publicKey: Type.String({ description: "the witness's Ed25519 public key, PEM" }),
                  signedAt: Type.String({ format: 'date-time' }),
                  signature: Type.String({
                    description:
                      'Ed25519 over "flagstone-ledger-cosignature\\n<ledger address>\\n<key id>\\n<size>\\n<root hex>\\n<signedAt>\\n", base64',
                  }),
                }),
                { description: "the witnesses' co-signatures of this head" },
              ),
            }),
          ),
          ...ProblemResponses,
        },
      },
    },
    (request) => ledger.cosignedHeads(request.query.after ?? 0),
  );

  app.post(
    WITNESS_PATH,
    {
      schema: {
        tags,
        summary: "Co-sign a watched ledger's new tree head, as its witness",
        description:
          "Flagstone as a witness (`flagstone audit watch URL`): the head is co-signed only if the ledger's key signed it, it has no fewer entries than the last head co-signed, and `proof` (RFC 9162 consistency proof from `oldSize`, hex) shows it extends that head. 409 with `treeSize` when `oldSize` is not the size this witness last co-signed: send a proof from there.",
        body: Type.Object(
          {
            log: Type.String({
              maxLength: 2000,
              description: "the ledger's address, as the witness watches it",
            }),
            oldSize: Type.Integer({ minimum: 0 }),
            proof: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 128 }),
            head: Type.Object(TreeHeadFields),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            keyId: Type.String(),
            publicKey: Type.String(),
            signedAt: Type.String({ format: 'date-time' }),
            signature: Type.String(),
          }),
          409: Type.Object(
            {
              type: Type.String(),
              title: Type.String(),
              status: Type.Integer(),
              detail: Type.String(),
              treeSize: Type.Integer({ description: 'the size of the last head this witness co-signed' }),
            },
            { description: 'RFC 9457 problem details' },
          ),
          ...ProblemResponses,
        },
      },
    },
    async (request, reply) => {
      try {
        return await ledger.witness.addHead(request.body);
      } catch (error) {
        if (!(error instanceof StaleHead)) throw error;
        return reply.code(409).type('application/problem+json').send({
          type: 'about:blank',
          title: error.title,
          status: 409,
          detail: error.message,
          treeSize: error.treeSize,
        });
      }
    },
  );
};
