#!/usr/bin/env node
// Thin shim: the CLI lives in dist/cli/main.js (built by `npm install` through the prepare script).
import { run } from '../dist/cli/main.js';

run(process.argv).then((code) => {
  process.exitCode = code;
});
