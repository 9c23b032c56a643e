#!/usr/bin/env node
// The flagstone command: first the Node.js version (bin/check-node.js), then src/main.ts.
import './check-node.js';

await import('../src/main.ts');
