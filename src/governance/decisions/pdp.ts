// The one policy decision point. Policies are Cedar files in policies/, checked against the
// Cedar schema when Flagstone starts (a bad policy stops it, naming file, line and reason),
// then parsed once and kept; every decision names the policies that made it.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

export const policiesFolder = path.resolve(import.meta.dirname, '../../../policies');

export class PolicyError extends Error {}

export type EntityRef = { type: string; id: string };
export interface Entity {
  uid: EntityRef;
  attrs: Record<string, cedar.CedarValueJson>;
  parents?: EntityRef[];
}

export interface AuthorizationRequest {
  principal: Entity;
  action: string;
  resource: Entity;
  context: Record<string, cedar.CedarValueJson>;
}

export interface Decision {
  allowed: boolean;
  policies: string[];
  errors: string[];
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function describe(file: string, text: string, errors: cedar.DetailedError[]): string {
  return errors
    .map((e) => {
      const at = e.sourceLocations?.[0];
      return `${file}${at ? `:${lineOf(text, at.start)}` : ''}: ${e.message}${e.help ? ` (${e.help})` : ''}`;
    })
    .join('\n');
}

export interface PolicyDecisionPoint {
  authorize(request: AuthorizationRequest): Decision;
  /** The policies in force, for people to read: id, description, file. */
  policies: { id: string; description: string; file: string; text: string }[];
  /** SHA-256 over the schema and every policy file, to notice a change of policy. */
  digest: string;
}

let loaded = 0;

/** How many answers a decision point remembers. */
const MAX_ANSWERS = 10_000;

/** Reads, checks and pre-parses the policies of a folder; throws PolicyError naming what is wrong. */
export async function loadPolicies(folder = policiesFolder): Promise<PolicyDecisionPoint> {
  const names = (await readdir(folder)).sort();
  const schemaName = names.find((n) => n.endsWith('.cedarschema'));
  if (!schemaName) throw new PolicyError(`${folder}: no .cedarschema file`);
  const schemaText = await readFile(path.join(folder, schemaName), 'utf8');
  const schemaCheck = cedar.checkParseSchema(schemaText);
  if (schemaCheck.type === 'failure')
    throw new PolicyError(describe(schemaName, schemaText, schemaCheck.errors));

  const digest = createHash('sha256').update(schemaText);
  const staticPolicies: Record<string, string> = {};
  const policies: PolicyDecisionPoint['policies'] = [];
  for (const file of names.filter((n) => n.endsWith('.cedar'))) {
    const text = await readFile(path.join(folder, file), 'utf8');
    digest.update(file).update(text);
    const parsed = cedar.checkParsePolicySet({ staticPolicies: text });
    if (parsed.type === 'failure') throw new PolicyError(describe(file, text, parsed.errors));
    const parts = cedar.policySetTextToParts(text);
    if (parts.type === 'failure') throw new PolicyError(describe(file, text, parts.errors));
    for (const [index, policy] of parts.policies.entries()) {
      const id = /@id\("([^"]+)"\)/.exec(policy)?.[1] ?? `${file}#${index}`;
      if (staticPolicies[id]) throw new PolicyError(`${file}: the policy id "${id}" is used twice`);
      const validation = cedar.validate({
        schema: schemaText,
        policies: { staticPolicies: { [id]: policy } },
      });
      const offset = text.indexOf(policy.trim().slice(0, 40));
      const where = `${file}:${lineOf(text, Math.max(offset, 0))}`;
      if (validation.type === 'failure')
        throw new PolicyError(`${where}: ${validation.errors.map((e) => e.message).join('; ')}`);
      if (validation.validationErrors.length > 0) {
        const reasons = validation.validationErrors.map((e) => e.error.message).join('; ');
        throw new PolicyError(`${where}: policy "${id}" does not fit the schema: ${reasons}`);
      }
      staticPolicies[id] = policy;
      const description = /@description\("([^"]+)"\)/.exec(policy)?.[1] ?? '';
      policies.push({ id, description, file, text: policy.trim() });
    }
  }
  const setId = `flagstone-${++loaded}`;
  const schemaId = `${setId}-schema`;
  const preparsed = cedar.preparsePolicySet(setId, { staticPolicies });
  if (preparsed.type === 'failure') throw new PolicyError(preparsed.errors.map((e) => e.message).join('; '));
  const preparsedSchema = cedar.preparseSchema(schemaId, schemaText);
  if (preparsedSchema.type === 'failure')
    throw new PolicyError(preparsedSchema.errors.map((e) => e.message).join('; '));

  // A decision is a function of the request alone (the policies of this set never change; a new
  // set is a new decision point), so one asked again is answered from memory: asking Cedar costs
  // far more than the rest of a read. The key is the whole request, so no two requests that
  // differ in anything Cedar is given share an answer. Forgotten all at once when full.
  const answered = new Map<string, Decision>();
  return {
    policies,
    digest: digest.digest('hex'),
    authorize(request: AuthorizationRequest): Decision {
      const key = JSON.stringify(request);
      const known = answered.get(key);
      if (known) return { ...known, policies: [...known.policies], errors: [...known.errors] };
      const decision = decideOnce(request);
      if (answered.size >= MAX_ANSWERS) answered.clear();
      answered.set(key, decision);
      return { ...decision, policies: [...decision.policies], errors: [...decision.errors] };
    },
  };

  function decideOnce(request: AuthorizationRequest): Decision {
    const entities = [request.principal, request.resource].map((e) => ({ parents: [], ...e }));
    const answer = cedar.statefulIsAuthorized({
      principal: request.principal.uid,
      action: { type: 'Flagstone::Action', id: request.action },
      resource: request.resource.uid,
      context: request.context,
      entities,
      preparsedPolicySetId: setId,
      preparsedSchemaName: schemaId,
      validateRequest: true,
    });
    if (answer.type === 'failure') {
      return { allowed: false, policies: [], errors: answer.errors.map((e) => e.message) };
    }
    return {
      allowed: answer.response.decision === 'allow',
      policies: answer.response.diagnostics.reason,
      errors: answer.response.diagnostics.errors.map((e) => e.error.message),
    };
  }
}
