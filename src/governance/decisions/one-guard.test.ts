// Personal data is decided in one place: nothing outside governance's decisions/ asks the
// policy decision point, and nothing outside governance writes a decision entry to the ledger
// by hand. A decision entry is one that names the policies that made it (`policies`); other
// modules write events (a sign-in, a linkage run, a team changed) and ask the guard for the rest.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ledger } from '../ledger/index.ts';
import type { Decision } from './guard.ts';

const src = path.resolve(import.meta.dirname, '../..');
const here = (...parts: string[]) => path.join(src, ...parts);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The code without its comments, which may speak of the policies freely. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** What a file does that only the guard may do, each with the line it is on. */
function breaches(file: string, text: string): string[] {
  const found: string[] = [];
  const inGovernance = file.startsWith(here('governance') + path.sep);
  const inDecisions = file.startsWith(here('governance', 'decisions') + path.sep);
  const lines = code(text).split('\n');
  lines.forEach((line, i) => {
    const at = `${path.relative(src, file)}:${i + 1}`;
    if (!inDecisions && /(from\s+|import\()\s*['"][^'"]*\/pdp\.ts['"]/.test(line))
      found.push(`${at} imports the policy decision point`);
    if (inGovernance) return;
    if (/\.pdp\b|\bpdp\s*\.\s*authorize\b|\bdecideOnCase\b/.test(line))
      found.push(`${at} asks the policy decision point itself`);
    if (/\bpolicies\s*:|\.policies\b/.test(line)) found.push(`${at} writes a decision entry by hand`);
  });
  return found;
}

describe('one guard for personal data', () => {
  it('is the only way any module decides on personal data or writes a decision to the ledger', () => {
    const found = sourceFiles(src).flatMap((file) => breaches(file, readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('notices a module asking the policy decision point or writing a decision by hand', () => {
    const module = here('requests', 'cases', 'example.ts');
    expect(
      breaches(module, "import { loadPolicies } from '../../governance/decisions/pdp.ts';"),
    ).toHaveLength(1);
    expect(breaches(module, 'const d = governance.pdp.authorize(ask);')).toHaveLength(1);
    expect(breaches(module, 'const d = decideOnCase(pdp, p, "readCase", facts);')).toHaveLength(1);
    expect(
      breaches(
        module,
        "await governance.ledger.record([{ ...entry, decision: 'allow', policies: d.policies }]);",
      ),
    ).toHaveLength(1);
    expect(breaches(module, "await governance.ledger.append(trx, [{ action: 'case.escalate' }]);")).toEqual(
      [],
    );
    expect(breaches(module, '// every read is decided by the policies: the ledger names them')).toEqual([]);
    expect(
      breaches(here('governance', 'service.ts'), "import { loadPolicies } from './decisions/pdp.ts';"),
    ).toHaveLength(1);
    expect(
      breaches(here('governance', 'decisions', 'guard.ts'), "import type { Entity } from './pdp.ts';"),
    ).toEqual([]);
  });

  it('gives other modules a ledger that takes events only: a decision goes through the guard', () => {
    // Checked by the type checker (npm run typecheck): the line below must not compile.
    const byHand = (ledger: Ledger, decision: Decision) =>
      // @ts-expect-error a decision's entry names its policies; the modules' ledger takes events
      ledger.record([decision.entry]);
    expect(byHand).toBeTypeOf('function');
  });
});
