// Builds the dashboard page as one self-contained HTML file: uPlot and the page's scripts
// bundled and minified by esbuild, the styles inlined. No network at run time.
//   node build.mjs --out FILE [--modules DIR]   (DIR: where `npm ci` put node_modules)
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
if (!args.out) {
  console.error('usage: node build.mjs --out FILE [--modules DIR]');
  process.exit(2);
}
const modules = path.resolve(args.modules || path.join(here, 'node_modules'));
const esbuild = createRequire(path.join(modules, 'index.js'))('esbuild');
const src = (name) => path.join(here, 'src', name);

const charts = await esbuild.build({
  entryPoints: [src('charts_uplot.js')], bundle: true, minify: true, format: 'iife',
  target: 'es2020', write: false, nodePaths: [modules], logLevel: 'warning',
});
const app = await esbuild.transform(
  (await readFile(src('format.js'), 'utf8')) + '\n' + (await readFile(src('app.js'), 'utf8')),
  { minify: true, target: 'es2020' });
const script = (charts.outputFiles[0].text + '\n' + app.code).replaceAll('</script', '<\\/script');
const style = (await readFile(src('style.css'), 'utf8')) + '\n' +
  (await readFile(path.join(modules, 'uplot', 'dist', 'uPlot.min.css'), 'utf8'));
const page = (await readFile(src('index.html'), 'utf8'))
  .replace('@FLAVOR@', () => 'charts')
  .replace('@STYLE@', () => style)
  .replace('@SCRIPT@', () => script);
await mkdir(path.dirname(path.resolve(args.out)), { recursive: true });
await writeFile(args.out, page);
console.log(`dashboard page: ${args.out} (${page.length} bytes, uPlot charts)`);
