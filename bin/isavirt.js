#!/usr/bin/env node
// The `isavirt` command: the compiled CLI (npm ci builds dist/ through the `prepare` script).
import { main } from '../dist/cli/main.js';

// A reader that stops early (`isavirt disasm ... | head`) closes the pipe: that ends the output,
// it is not an error of ours.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
