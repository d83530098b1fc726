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
  // every line's clock and process id are numbers the logger adds, not the app's data: blanked, so
  // a digit string searched for (part of a phone number, a DPI) cannot turn up in them by chance
  return { logger: createLogger('trace', stream), output: () => chunks.join('').replace(/"(time|pid)":\d+/g, '"$1":0') }
}
