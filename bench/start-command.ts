import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const PACKAGE = fileURLToPath(new URL('../package.json', import.meta.url))

/**
 * The Node flags `npm start` runs the app with (its last command, `node <flags> dist/main.js`),
 * so a benchmark runs the app as production does. `BENCH_NODE_FLAGS` (space-separated; empty for
 * none) replaces them, to measure a flag against the start command in the same run.
 */
export function startFlags(): string[] {
  const given = process.env.BENCH_NODE_FLAGS
  if (given !== undefined) return given.split(/\s+/).filter((flag) => flag !== '')
  const { scripts } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts?: Record<string, string> }
  const last = scripts?.start?.split('&&').at(-1)?.trim().split(/\s+/) ?? []
  if (last[0] !== 'node' || last.at(-1) !== 'dist/main.js') throw new Error(`npm start does not end in "node … dist/main.js": ${scripts?.start ?? '(none)'}`)
  return last.slice(1, -1)
}
