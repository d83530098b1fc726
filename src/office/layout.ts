import type { Context } from 'hono'
import { type HtmlValue, type SafeHtml, html } from './html.js'
import type { OfficeEnv } from './office-env.js'
import type { OfficeText } from './strings.js'

/** The address of this page in the other language: the same path and query, `lang` switched. */
function otherLanguageHref(c: Context<OfficeEnv>): string {
  const url = new URL(c.req.url)
  url.searchParams.set('lang', c.var.locale === 'es' ? 'en' : 'es')
  return `${url.pathname}${url.search}`
}

/** A form's hidden CSRF field: every form a signed-in page shows carries it. */
export function csrfField(c: Context<OfficeEnv>): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${c.var.user.csrf}">`
}

type PageInput = { title: string; body: HtmlValue; signedIn?: boolean; current?: 'inbox' | 'units' | 'rules' | 'tokens' | 'audit' }

/** The whole HTML document of an office page: one CSS file, no script, Spanish or English. */
export function officePage(c: Context<OfficeEnv>, input: PageInput): string {
  const t = c.var.t
  const user = input.signedIn === false ? undefined : (c.get('user') as OfficeEnv['Variables']['user'] | undefined)
  const link = (href: string, key: OfficeText, name: PageInput['current']) =>
    html`<li><a href="${href}"${input.current === name ? html` aria-current="page"` : ''}>${t(key)}</a></li>`
  const nav = user
    ? html`<nav aria-label="${t('nav')}"><ul>
        ${link('/oficina', 'inbox', 'inbox')}
        ${user.role === 'admin' ? [link('/oficina/admin/unidades', 'units', 'units'), link('/oficina/admin/reglas', 'rules', 'rules'), link('/oficina/admin/credenciales', 'tokens', 'tokens'), link('/oficina/admin/auditoria', 'audit', 'audit')] : ''}
      </ul></nav>`
    : ''
  const account = user
    ? html`<form method="post" action="/oficina/salir" class="signout">${csrfField(c)}<span class="who">${t('signedInAs')} ${user.label || t('staffChat')}</span> <button type="submit">${t('signOut')}</button></form>`
    : ''
  return html`<!doctype html>
<html lang="${c.var.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${input.title} · ${t('title')}</title>
<link rel="stylesheet" href="/oficina/oficina.css">
</head>
<body>
<a class="skip" href="#main">${t('skip')}</a>
<header>
  <div class="bar"><a class="brand" href="/oficina">${t('title')}</a>
  <a class="lang" href="${otherLanguageHref(c)}" hreflang="${c.var.locale === 'es' ? 'en' : 'es'}" lang="${c.var.locale === 'es' ? 'en' : 'es'}">${t('switchLanguage')}</a></div>
  ${nav}
  ${account}
</header>
<main id="main" tabindex="-1">
${input.body}
</main>
</body>
</html>`.text
}

/** A notice at the top of a page: done, or what went wrong. */
export function notice(kind: 'ok' | 'error', text: HtmlValue): SafeHtml {
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`
}
