#!/usr/bin/env node
// Entry point of the `rikscha` command: loads the TypeScript sources through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
