import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicies, PolicyError, policiesFolder } from './pdp.ts';

const folders: string[] = [];
afterEach(async () => {
  for (const f of folders.splice(0)) await rm(f, { recursive: true, force: true });
});

async function withPolicy(name: string, text: string): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'flagstone-policies-'));
  folders.push(folder);
  await cp(policiesFolder, folder, { recursive: true });
  await writeFile(path.join(folder, name), text);
  return folder;
}

const staff = (clearance: number) => ({
  uid: { type: 'Flagstone::Staff', id: 's' },
  attrs: {
    organisations: [{ __entity: { type: 'Flagstone::Organisation', id: 'o1' } }],
    manages: [],
    clearance,
  },
});
const record = (organisation: string, marking: number) => ({
  uid: { type: 'Flagstone::PersonRecord', id: 'r' },
  attrs: { organisation: { __entity: { type: 'Flagstone::Organisation', id: organisation } }, marking },
});

describe('the policy decision point', () => {
  it('loads the policies of the project, each with an id and a description people can read', async () => {
    const pdp = await loadPolicies();
    expect(pdp.policies.map((p) => p.id)).toContain('sharing-agreement');
    expect(pdp.policies.every((p) => p.description.length > 20)).toBe(true);
  });

  it('names the policies that decided, and refuses what no policy permits', async () => {
    const pdp = await loadPolicies();
    expect(
      pdp.authorize({ principal: staff(1), action: 'read', resource: record('o1', 1), context: {} }),
    ).toEqual({
      allowed: true,
      policies: ['own-organisation'],
      errors: [],
    });
    expect(
      pdp.authorize({ principal: staff(1), action: 'read', resource: record('o1', 2), context: {} }).allowed,
    ).toBe(false);
    expect(
      pdp.authorize({ principal: staff(2), action: 'read', resource: record('o2', 1), context: {} }).allowed,
    ).toBe(false);
  });

  it('answers a request asked again as before, and one that differs in anything afresh', async () => {
    const pdp = await loadPolicies();
    const ask = (clearance: number, marking: number, organisation = 'o1') =>
      pdp.authorize({
        principal: staff(clearance),
        action: 'read',
        resource: record(organisation, marking),
        context: {},
      });
    for (let i = 0; i < 3; i++) {
      expect(ask(2, 2)).toEqual({ allowed: true, policies: ['own-organisation'], errors: [] });
      expect(ask(1, 2).allowed).toBe(false);
      expect(ask(2, 2, 'o2').allowed).toBe(false);
    }
    // What a caller does with an answer does not change the next one.
    ask(2, 2).policies.push('changed');
    expect(ask(2, 2).policies).toEqual(['own-organisation']);
  });

  it('stops on a policy that does not parse, naming the file, the line and the reason', async () => {
    const folder = await withPolicy(
      'broken.cedar',
      '// a comment\n\npermit (principal, action, resource)\nwhen { principal.clearance >= };\n',
    );
    await expect(loadPolicies(folder)).rejects.toThrow(PolicyError);
    await expect(loadPolicies(folder)).rejects.toThrow(/^broken\.cedar:4: /);
  });

  it('stops on a policy that does not fit the schema, naming the file, the line and the attribute', async () => {
    const folder = await withPolicy(
      'misfit.cedar',
      '\n@id("misfit")\npermit (principal is Flagstone::Staff, action == Flagstone::Action::"read", resource)\nwhen { principal.favouriteColour == "blue" };\n',
    );
    await expect(loadPolicies(folder)).rejects.toThrow(
      /^misfit\.cedar:2: policy "misfit" does not fit the schema: .*favouriteColour/,
    );
  });
});
