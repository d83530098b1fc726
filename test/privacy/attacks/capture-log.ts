import { Writable } from 'node:stream'
import { createLogger } from '../../../src/log.js'

/** The app's logger at its most talkative level, writing where the test can read it. */
export function capturingLogger() {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString())
      done()
    },
  })
  return { logger: createLogger('trace', stream), output: () => chunks.join('') }
}
