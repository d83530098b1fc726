import { randomBytes } from 'node:crypto'
import type { Hono } from 'hono'
import { createCliBridgeRoutes } from '../api/cli-bridge-routes.js'
import type { Db } from '../db/client.js'
import type { Scheduler } from '../jobs/scheduler.js'
import { writeControlFile } from './control-file.js'

export type CliBridge = {
  /** writes the control file once the server listens on `port` */
  publish: (port: number) => void
  /** removes the control file, on shutdown */
  close: () => void
}

/**
 * Lets `npm run cli` work while this app holds the embedded database: mounts the loopback-only
 * CLI endpoint on `app` with a fresh secret, published in DATA_DIR/control.json.
 */
export function openCliBridge(app: Hono, db: Db, dataDir: string, now?: () => Date, scheduler?: Scheduler): CliBridge {
  const secret = randomBytes(32).toString('base64url')
  app.route('/internal/cli', createCliBridgeRoutes({ db, secret, now, scheduler }))
  let remove = () => {}
  return {
    publish: (port) => {
      remove = writeControlFile(dataDir, { port, secret, pid: process.pid })
    },
    close: () => remove(),
  }
}
