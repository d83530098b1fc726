import { z } from 'zod'

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

const DocumentSchema = z.looseObject({
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.looseObject({ summary: z.string(), tags: z.array(z.string()), 'x-roles': z.array(z.string()) }))),
})

function block(title: string, value: unknown): string {
  return `<details><summary>${escape(title)}</summary><pre>${escape(JSON.stringify(value, null, 2))}</pre></details>`
}

/** The docs page's style, served beside it: the Content-Security-Policy allows no inline style. */
export const DOCS_CSS = `body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2rem;text-transform:capitalize}h3{margin:.2rem 0;font-size:1rem}
section{margin:.8rem 0;padding:.4rem .6rem;border-left:3px solid #ddd}.m{display:inline-block;min-width:4rem;font-family:monospace}
.get{color:#06c}.post{color:#080}.patch{color:#a60}.delete{color:#c00}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}
`

/**
 * A self-contained HTML page listing every operation of an OpenAPI document, grouped by tag, with
 * its roles and schemas. No script and no CDN: the app must be usable offline. Its style is
 * `DOCS_CSS`, served as `docs.css`.
 */
export function renderDocsPage(document: unknown): string {
  const doc = DocumentSchema.parse(document)
  const byTag = new Map<string, string[]>()
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'other'
      const roles = op['x-roles'].length > 0 ? op['x-roles'].join(', ') : 'public'
      const details = [
        Array.isArray(op.parameters) && op.parameters.length > 0 ? block('parameters', op.parameters) : '',
        op.requestBody ? block('request body', op.requestBody) : '',
        block('responses', op.responses),
      ].join('')
      const row = `<section><h3><span class="m ${escape(method)}">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code></h3><p>${escape(op.summary)} <em>(${escape(roles)})</em></p>${details}</section>`
      byTag.set(tag, [...(byTag.get(tag) ?? []), row])
    }
  }
  const sections = [...byTag].map(([tag, rows]) => `<h2>${escape(tag)}</h2>${rows.join('')}`).join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(doc.info.title)}</title><link rel="stylesheet" href="docs.css"></head><body><h1>${escape(doc.info.title)} <small>v${escape(doc.info.version)}</small></h1>
<p>Send <code>Authorization: Bearer dlg_…</code>. Errors are <code>application/problem+json</code>. The machine-readable document: <a href="openapi.json">openapi.json</a>.</p>
${sections}</body></html>`
}
