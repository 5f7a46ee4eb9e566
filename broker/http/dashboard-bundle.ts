// The dashboard joined at start-up (never per request): its ES modules into one script, its style sheets into one,
// and index.html pointing at both. Unjoined, the page found its ~40 modules five imports deep, one round trip per
// level, before it could ask the API anything (~700 ms of a 1.8 s first render with 50 stations).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { etagOf } from './negotiate.ts';

/** One file of the joined dashboard, served from memory, compressed once. */
export interface BuiltFile {
  type: string;
  etag: string;
  body: Buffer;
  br: Buffer;
  gzip: Buffer;
}

export type BuiltDashboard = Map<string, BuiltFile>;

/** The dashboard only uses these module forms; anything else makes the build refuse (the files are served as are). */
const IMPORT = /^import\s*\{([^}]*)\}\s*from\s*'\.\/([\w.-]+\.js)';[ \t]*$/gm;
const EXPORT_DECL = /^export (async function|function|const|class) ([\w$]+)/gm;
const EXPORT_LIST = /^export\s*\{([^}]*)\};[ \t]*$/gm;
const LEFT_OVER = /^[ \t]*(?:import|export)\b.*$/m;
const STYLESHEET = /^[ \t]*<link rel="stylesheet" href="([\w.-]+\.css)" \/>\n/gm;
const SCRIPT = '<script type="module" src="app.js"></script>';
/** The classic script that sends the first API requests before the joined script has loaded (dashboard/boot.js). */
const BOOT = '<script src="boot.js"></script>';

interface Module {
  name: string;
  deps: string[];
  code: string;
}

/** `a, b as c` into [[local, exported], ...]. */
function specifiers(list: string): Array<[string, string]> {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [local = '', alias] = s.split(/\s+as\s+/);
      return [local, alias ?? local];
    });
}

/**
 * One module as a function scope: its imports read from the modules before it, its exports returned. The dashboard
 * exports no `let` and has no import cycles (both checked), so a module's imports are settled before it runs and
 * copying them is the same as ES modules' live bindings.
 */
function wrap(name: string, dir: string, vars: Map<string, string>): Module {
  const source = readFileSync(join(dir, name), 'utf8');
  const deps: string[] = [];
  const exported: Array<[string, string]> = [];
  let code = source.replace(IMPORT, (_, list: string, from: string) => {
    deps.push(from);
    const names = specifiers(list).map(([imported, local]) => (imported === local ? local : `${imported}: ${local}`));
    return `const { ${names.join(', ')} } = ${varOf(from, vars)};`;
  });
  code = code.replace(EXPORT_DECL, (_, kind: string, id: string) => {
    exported.push([id, id]);
    return `${kind} ${id}`;
  });
  code = code.replace(EXPORT_LIST, (_, list: string) => {
    exported.push(...specifiers(list));
    return '';
  });
  const left = LEFT_OVER.exec(code);
  if (left) throw new Error(`${name}: an import or export form the start-up build does not join: "${left[0].trim()}"`);
  const returned = exported.map(([local, as]) => (local === as ? local : `${as}: ${local}`)).join(', ');
  return { name, deps, code: `const ${varOf(name, vars)} = (() => {\n${code}\nreturn { ${returned} };\n})();\n` };
}

function varOf(name: string, vars: Map<string, string>): string {
  let v = vars.get(name);
  if (!v) vars.set(name, (v = `__module${vars.size}`));
  return v;
}

/** Every module reachable from `entry`, each after the modules it imports. */
export function joinModules(dir: string, entry: string): string {
  const vars = new Map<string, string>();
  const done = new Map<string, Module>();
  const order: Module[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, from: string[]): void => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`import cycle: ${[...from, name].join(' -> ')}`);
    visiting.add(name);
    const mod = wrap(name, dir, vars);
    for (const dep of mod.deps) visit(dep, [...from, name]);
    visiting.delete(name);
    done.set(name, mod);
    order.push(mod);
  };
  visit(entry, []);
  return order.map((m) => `// ---- ${m.name}\n${m.code}`).join('\n');
}

const version = (text: string): string => createHash('sha1').update(text).digest('base64url').slice(0, 10);

/**
 * The joined dashboard: `/` and `/index.html` (one style sheet, one script), `/bundle.js` and `/bundle.css`, and
 * `/boot.js` (the early API requests) where index.html loads it.
 * Throws when the files do not have the shape it knows (then the caller serves the files as they are).
 */
export function buildDashboard(dir: string): BuiltDashboard {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  if (!html.includes(SCRIPT)) throw new Error(`index.html has no ${SCRIPT}`);
  const sheets = [...html.matchAll(STYLESHEET)].map((m) => m[1] ?? '');
  const css = sheets.map((f) => `/* ---- ${f} */\n${readFileSync(join(dir, f), 'utf8')}`).join('\n');
  const js = joinModules(dir, 'app.js');
  const boot = html.includes(BOOT) ? readFileSync(join(dir, 'boot.js'), 'utf8') : undefined;
  let first = true;
  const page = html
    .replace(STYLESHEET, (line) => {
      if (!first) return '';
      first = false;
      return line.replace(/href="[^"]+"/, `href="bundle.css?v=${version(css)}"`);
    })
    .replace(SCRIPT, `<script type="module" src="bundle.js?v=${version(js)}"></script>`)
    .replace(BOOT, boot === undefined ? BOOT : `<script src="boot.js?v=${version(boot)}"></script>`);
  const file = (type: string, text: string): BuiltFile => ({
    type,
    etag: etagOf(text),
    body: Buffer.from(text),
    // Once per start. Brotli 5 takes the 240 KB script to 59 KB in ~20 ms; 9 saves 2 KB more for ~10x the time,
    // paid by every test that starts a central.
    br: brotliCompressSync(text, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }),
    gzip: gzipSync(text, { level: 6 }),
  });
  const index = file('text/html; charset=utf-8', page);
  return new Map([
    ['/', index],
    ['/index.html', index],
    ['/bundle.js', file('text/javascript; charset=utf-8', js)],
    ['/bundle.css', file('text/css; charset=utf-8', css)],
    ...(boot === undefined ? [] : [['/boot.js', file('text/javascript; charset=utf-8', boot)] as const]),
  ]);
}
