// The start-up join of the dashboard: modules in import order with their names intact, the forms it does not know
// refused (so the broker serves the files as they are), and the real dashboard joined into one valid script.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script, runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDashboard, joinModules } from './dashboard-bundle.ts';

const DASHBOARD = fileURLToPath(new URL('../../dashboard/', import.meta.url));
let dir = '';

function files(map: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'rikscha-join-'));
  for (const [name, text] of Object.entries(map)) writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('joinModules', () => {
  it('runs each module after the ones it imports, with renamed imports and re-exports', () => {
    const d = files({
      'app.js': [
        "import { twice, label as name } from './b.js';",
        "import {\n  base,\n} from './c.js';",
        'const out = [];',
        'out.push(twice(base), name);',
        'globalThis.result = out;',
      ].join('\n'),
      'b.js':
        "import { base } from './c.js';\nexport { base as label };\nexport function twice(x) {\n  return 2 * x;\n}\n",
      'c.js': "globalThis.order = (globalThis.order ?? '') + 'c';\nexport const base = 21;\n",
    });
    const context: { result?: unknown; order?: string } = {};
    runInNewContext(joinModules(d, 'app.js'), context);
    expect(context.result).toEqual([42, 21]);
    expect(context.order).toBe('c'); // imported twice, run once
  });

  it('refuses a form it does not join, and an import cycle', () => {
    const d = files({
      'app.js': "import { a } from './a.js';\nexport default a;\n",
      'a.js': "import { b } from './b.js';\nexport const a = b;\n",
      'b.js': "import { a } from './a.js';\nexport const b = a;\n",
    });
    expect(() => joinModules(d, 'a.js')).toThrow(/import cycle: a.js -> b.js -> a.js/);
    writeFileSync(join(d, 'b.js'), 'export const b = 1;\n');
    expect(() => joinModules(d, 'app.js')).toThrow(/app.js: .*"export default/);
  });
});

describe('buildDashboard on the real dashboard', () => {
  it('joins every module into one script and every style sheet into one, and index.html loads only those', () => {
    const built = buildDashboard(DASHBOARD);
    const js = built.get('/bundle.js')?.body.toString() ?? '';
    expect(() => new Script(js)).not.toThrow();
    for (const name of ['app.js', 'api.js', 'render-fleet.js', 'i18n.js', 'render-batteries.js'])
      expect(js).toContain(`// ---- ${name}\n`);
    const html = built.get('/')?.body.toString() ?? '';
    expect(html.match(/<link rel="stylesheet"/g)).toHaveLength(1);
    expect(html).toMatch(/<link rel="stylesheet" href="bundle\.css\?v=[\w-]+" \/>/);
    expect(html).toMatch(/<script type="module" src="bundle\.js\?v=[\w-]+"><\/script>/);
    expect(built.get('/bundle.css')?.body.toString()).toContain('/* ---- fleet.css */');
  });

  it('loads the early-request script first, versioned, before the style sheet a classic script would wait for', () => {
    const built = buildDashboard(DASHBOARD);
    const html = built.get('/')?.body.toString() ?? '';
    const boot = html.search(/<script src="boot\.js\?v=[\w-]+"><\/script>/);
    expect(boot).toBeGreaterThan(0);
    expect(boot).toBeLessThan(html.indexOf('<link rel="stylesheet"'));
    const js = built.get('/boot.js')?.body.toString() ?? '';
    expect(() => new Script(js)).not.toThrow();
    expect(js).toContain("'/api/stations'");
  });
});
