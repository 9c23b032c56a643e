// The audit ledger's commands: verify it, sign a checkpoint, prove an entry, and its witnesses
// (those it sends its heads to, and the ledgers this Flagstone witnesses itself).

import path from 'node:path';
import type { Command } from 'commander';
import type { Services } from './compose.ts';
import type { Config } from './config.ts';
import { headKeeper, keepVerifiedState, readHeads, readVerifiedState } from './governance/index.ts';

interface CommandLine {
  withServices(work: (services: Services) => Promise<void>): Promise<void>;
  config(): Config;
  fail(message: string): never;
}

export function auditCommands(program: Command, { withServices, config, fail }: CommandLine) {
  const audit = program.command('audit').description('the tamper-evident audit ledger');
  audit
    .command('verify')
    .description(
      "check the hash chain, every signed checkpoint and the tree heads kept outside the database with their witnesses' co-signatures, from where the last verify ended (--full: from the first entry); name the first entry that does not fit",
    )
    .option(
      '--heads <file-or-url>',
      'tree heads kept elsewhere (JSON lines or a JSON array, as GET /api/v1/audit/heads gives); default: FLAGSTONE_LEDGER_HEADS',
    )
    .option('--full', 'check every entry from the first, not only those after the last verify')
    .option(
      '--state <file>',
      'where the last verify ended, kept outside the database; default: ledger-verified.json in FLAGSTONE_DATA',
    )
    .action((options: { heads?: string; full?: boolean; state?: string }) =>
      withServices(async (services) => {
        const started = performance.now();
        const heads = await readHeads(options.heads ?? config().ledgerHeads).catch((error: Error) =>
          fail(`the tree heads could not be read: ${error.message}`),
        );
        const stateFile = options.state ?? path.join(config().dataDir, 'ledger-verified.json');
        const from = options.full
          ? null
          : await readVerifiedState(stateFile).catch((error: Error) =>
              fail(`${error.message}: verify again with --full`),
            );
        const result = await services.governance.ledger.verify(
          (done) => process.stderr.write(`\rchecked ${done} entries`),
          heads,
          from ?? undefined,
        );
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write('\n');
        if (!result.ok) fail(`the audit ledger does not verify: ${result.failure?.reason}`);
        if (result.state) await keepVerifiedState(stateFile, result.state);
        const checked = result.checked ?? result.entries;
        const rate = Math.round(checked / Math.max(seconds, 1e-3));
        const since = from ? ` (${checked} of them since the last verify, at ${from.size})` : '';
        process.stdout.write(
          `The audit ledger is intact: ${result.entries} entries${since}, ${result.checkpoints} signed checkpoints and ${result.outside} tree heads kept outside the database${result.cosignatures ? ` with ${result.cosignatures} co-signatures of their witnesses` : ''} checked in ${seconds.toFixed(2)} s (${rate} entries per second)\n`,
        );
      }),
    );
  audit
    .command('checkpoint')
    .description(
      'sign a checkpoint (Merkle tree head) over every entry so far, and keep its head outside the database',
    )
    .action(() =>
      withServices(async (services) => {
        const size = await services.governance.ledger.checkpoint();
        await headKeeper(config().ledgerHeads, services.governance.ledger.heads)();
        await services.governance.ledger.sendToWitnesses();
        process.stdout.write(
          size ? `Signed a checkpoint over ${size} entries\n` : 'No new entries since the last checkpoint\n',
        );
      }),
    );
  audit
    .command('prove')
    .argument('<entry>', 'the number of the entry')
    .description('print the inclusion proof of one entry in the latest checkpoint (RFC 9162)')
    .action((entry: string) =>
      withServices(async (services) => {
        const seq = Number(entry);
        if (!Number.isInteger(seq) || seq < 1) fail('the entry must be a whole number from 1');
        const proof = await services.governance.ledger.prove(seq);
        if (!proof) fail(`no signed checkpoint covers entry ${seq} yet: run "flagstone audit checkpoint"`);
        process.stdout.write(`${JSON.stringify(proof, null, 2)}\n`);
      }),
    );

  witnessCommands(audit, { withServices, fail });
}

/** The ledger's witnesses, and the ledgers this Flagstone witnesses. */
function witnessCommands(audit: Command, { withServices, fail }: Omit<CommandLine, 'config'>) {
  audit
    .command('witness')
    .argument(
      '<url>',
      'the witness: another Flagstone (its address) or any endpoint that speaks the same JSON',
    )
    .description(
      'send every new signed tree head to a witness, with a proof that it extends the last one it co-signed; its co-signatures are published with the heads',
    )
    .action((url: string) =>
      withServices(async (services) => {
        const ledger = services.governance.ledger;
        const { url: address, added } = await ledger
          .addWitness(url)
          .catch((error: Error) => fail(error.message));
        const outcome = (await ledger.sendToWitnesses()).find((o) => o.witness === address);
        process.stdout.write(
          `${added ? 'Added the witness' : 'The witness was already there:'} ${address}\n${
            !outcome
              ? 'It is sent the next signed tree head.\n'
              : outcome.cosigned
                ? `It co-signed the tree head of ${outcome.treeSize} entries.\n`
                : `It did not co-sign the latest tree head yet (${outcome.error}); it is sent again with the next one.\n`
          }`,
        );
      }),
    );
  audit
    .command('witnesses')
    .description("the ledger's witnesses: the last tree head each co-signed, and why the last sending failed")
    .action(() =>
      withServices(async (services) => {
        const witnesses = await services.governance.ledger.witnesses();
        process.stdout.write(
          witnesses.length === 0
            ? 'No witnesses: add one with "flagstone audit witness URL"\n'
            : witnesses
                .map(
                  (w) =>
                    `${w.url}  co-signed ${w.treeSize} entries${w.error ? `  last error: ${w.error}` : ''}\n`,
                )
                .join(''),
        );
      }),
    );
  audit
    .command('watch')
    .argument('<url>', 'the address of the Flagstone whose ledger to witness')
    .description(
      "be a witness of another Flagstone's ledger: co-sign its tree heads from its latest one, held to that head's key",
    )
    .action((url: string) =>
      withServices(async (services) => {
        const head = await services.governance.ledger.witness
          .watch(url)
          .catch((error: Error) => fail(`could not watch ${url}: ${error.message}`));
        process.stdout.write(
          `Watching ${url} from its tree head of ${head.treeSize} entries, signed by the key ${head.keyId}: check that key id with the ledger's operators. Tell them to run "flagstone audit witness" with this Flagstone's address.\n`,
        );
      }),
    );
}
