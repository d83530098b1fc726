import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import { resources } from '../i18n/index.js'

const page = (name: string) => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8')

/**
 * Chart.js's browser bundle, read from node_modules once at start: served by the app itself so
 * the dashboard works offline and without a CDN. The package exports no path to it, so it is found
 * beside the file its main entry resolves to.
 */
function chartBundle(): string {
  const main = createRequire(import.meta.url).resolve('chart.js')
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8')
}

/** The dashboard's texts in every language, from the app's locale files. */
function texts(): string {
  return JSON.stringify(Object.fromEntries(Object.entries(resources).map(([locale, tree]) => [locale, tree.observatory])))
}

/** The observatory dashboard at /observatorio: a static page that reads the public statistics API. */
export function createObservatoryRoutes() {
  const files: Record<string, { body: string; type: string }> = {
    '/observatorio': { body: page('index.html'), type: 'text/html; charset=utf-8' },
    '/observatorio/observatorio.css': { body: page('observatorio.css'), type: 'text/css; charset=utf-8' },
    '/observatorio/observatorio.js': { body: page('observatorio.js'), type: 'text/javascript; charset=utf-8' },
    '/observatorio/chart.umd.min.js': { body: chartBundle(), type: 'text/javascript; charset=utf-8' },
    '/observatorio/texts.json': { body: texts(), type: 'application/json; charset=utf-8' },
  }
  const app = new Hono()
  for (const [path, { body, type }] of Object.entries(files)) {
    app.get(path, (c) => c.body(body, 200, { 'content-type': type, 'cache-control': 'no-cache' }))
  }
  return app
}
