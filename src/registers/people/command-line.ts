// The command line of golden people: `flagstone link`, with a progress bar per stage on
// standard error and a report on standard output.
import { DomainError } from '../../platform/index.ts';
import { progressBar } from '../importing/index.ts';
import { TRAINING_FLOOR } from './engine.ts';
import type { LinkingService } from './linking.ts';

/** How long each stage took, on one line: "load 0.2 s, normalise 0.1 s, ...". */
export const phaseLine = (phases: { stage: string; seconds: number }[]) =>
  phases.map((p) => `${p.stage} ${p.seconds.toFixed(1)} s`).join(', ');

/**
 * Runs linkage over every organisation's records, with a progress bar per stage. Refused, with
 * nothing changed, while another run holds the lock.
 */
export async function linkFromCommandLine(
  linking: LinkingService,
  options: { force?: boolean },
): Promise<{ ok: boolean; message: string }> {
  const bar = progressBar('');
  let stage = '';
  const started = performance.now();
  let report: Awaited<ReturnType<LinkingService['run']>>;
  try {
    report = await linking.run({
      force: options.force,
      onProgress: (name, done, total) => {
        if (name !== stage) {
          if (stage) bar.stop();
          stage = name;
          // without a terminal the bar is silent: say which stage has begun instead
          if (!process.stderr.isTTY) process.stderr.write(`${name}…\n`);
          bar.start(Math.max(total, 1), done, { extra: ` ${name}` });
        } else bar.update(done, { extra: ` ${name}` });
      },
    });
  } catch (error) {
    if (stage) bar.stop();
    if (error instanceof DomainError) return { ok: false, message: error.message };
    throw error;
  }
  if (stage) bar.stop();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!report.ran)
    return {
      ok: true,
      message: `Nothing to link: no record changed and no pair was decided since the last run (${report.records} records, ${report.people} people). Use --force to run anyway.\n`,
    };
  const message = [
    `Linked ${report.records} records (${report.changed} new or changed) in ${seconds} s: ${report.candidatePairs} candidate pairs compared${report.records < TRAINING_FLOOR ? ' (the synthetic training population included)' : ''}`,
    `  ${report.automatic} pairs linked automatically, ${report.review} waiting for review`,
    `  ${report.people} people: ${report.created} new, ${report.merged} merged, ${report.split} split`,
    `  time: ${phaseLine(report.phases)}`,
    '',
  ].join('\n');
  return { ok: true, message };
}
