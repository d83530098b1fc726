// Compiles src/ to dist/ (one JavaScript file per TypeScript file, the folder layout kept) and
// copies the files the code reads beside itself (locales, pages, reference data), so `node
// dist/main.js` runs without a TypeScript loader: less memory and a faster start than tsx.
// dist/ sits at the depth of src/, so paths such as '../../migrations' resolve alike from both.
// Types are not checked here (`npm run typecheck` does): a start must not wait for the checker.
// `node scripts/build.mjs dist-NAME` builds into dist-NAME/ instead (directly under the root, so the
// relative paths hold, and named dist-* since the folder is emptied first): a benchmark measures
// its own build, which another `npm start` rebuilding dist/ meanwhile cannot remove under it.
import { cpSync, readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, URL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = join(root, 'src')
const outName = process.argv[2] ?? 'dist'
if (!/^dist(-[\w.-]+)?$/.test(outName)) throw new Error(`the build goes to dist/ or a dist-NAME/ folder under ${root}, not ${outName}`)
const dist = join(root, outName)

function filesUnder(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  )
}

const files = filesUnder(src)
const code = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
const assets = files.filter((file) => !file.endsWith('.ts'))
const began = Date.now()
rmSync(dist, { recursive: true, force: true })
await build({
  entryPoints: code,
  outdir: dist,
  outbase: src,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: 'linked',
  logLevel: 'warning',
})
for (const file of assets) cpSync(file, join(dist, relative(src, file)))
console.log(`built ${relative(root, dist)}/ (${code.length} modules, ${assets.length} files copied) in ${Date.now() - began} ms`)
