// Run by `npm install` (postinstall): fixes known defects of installed dependencies in place,
// each guarded by the exact text it replaces, so a release that fixed it is left alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * postgres.js 3.4.9 (porsager/postgres#1154, #1208): a write queued behind setImmediate on a
 * connection that closed meanwhile calls `socket.write` on null and the TypeError, thrown from the
 * immediate, takes the whole process down (seen here when PostgreSQL restarts under load). And
 * teardown clears that immediate without forgetting it, so the connection never flushes again.
 * Fixed: the write is dropped and the connection's queries fail with CONNECTION_CLOSED (the caller
 * can retry), and teardown forgets the timer and the buffered bytes.
 */
const postgresFixes = [
  {
    before: `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`,
    after: `  function nextWrite(fn) {
    if (!socket) {
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`,
  },
  {
    before: `      error(Errors.connection('CONNECTION_DESTROYED', options))

    clearImmediate(nextWriteTimer)
`,
    after: `      error(Errors.connection('CONNECTION_DESTROYED', options))

    clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null
`,
  },
  {
    before: `    incomings = null
    clearImmediate(nextWriteTimer)
`,
    after: `    incomings = null
    clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null
`,
  },
]

const patches = [
  { file: 'node_modules/postgres/src/connection.js', fixes: postgresFixes },
  { file: 'node_modules/postgres/cjs/src/connection.js', fixes: postgresFixes },
]

for (const { file, fixes } of patches) {
  const path = `${root}/${file}`
  if (!existsSync(path)) continue
  let text = readFileSync(path, 'utf8')
  let changed = false
  for (const { before, after } of fixes) {
    if (text.includes(after)) continue
    if (!text.includes(before)) {
      console.warn(`patch-dependencies: ${file} has changed upstream; one fix was not applied (check whether the release fixed it)`)
      continue
    }
    text = text.replace(before, after)
    changed = true
  }
  if (changed) {
    writeFileSync(path, text)
    console.log(`patch-dependencies: patched ${file}`)
  }
}
