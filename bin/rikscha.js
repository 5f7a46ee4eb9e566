#!/usr/bin/env node
// Entry point of the `rikscha` command. In the repository it runs the TypeScript sources through tsx; an installed
// package (`npm pack` builds dist/ and ships no sources) runs the compiled JavaScript, which starts faster and
// holds less memory on a small Pi.
import { existsSync } from 'node:fs';

const sources = new URL('../cli/main.ts', import.meta.url);
if (existsSync(sources) && process.env.RIKSCHA_COMPILED !== '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
