import { Hono } from 'hono'
import { buildOpenApiDocument } from './build-document.js'
import { DOCS_CSS, renderDocsPage } from './docs-page.js'
import { allOperations } from './registry.js'

/** The OpenAPI document and its readable page, built once from the registered operations. */
export function createOpenApiRoutes() {
  const document = buildOpenApiDocument(allOperations, { title: 'Diálogo admin API', version: '1' })
  const page = renderDocsPage(document)
  return new Hono()
    .get('/openapi.json', (c) => c.json(document))
    .get('/docs', (c) => c.html(page))
    .get('/docs.css', (c) => c.body(DOCS_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }))
}
