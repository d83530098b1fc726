import type { Reply } from '../../engine/types.js'
import { numberedMenu } from '../numbered-menu.js'

// Limits of the Cloud API's interactive messages.
const MAX_BUTTONS = 3
const BUTTON_TITLE = 20
const MAX_ROWS = 10
const ROW_TITLE = 24
const ROW_DESCRIPTION = 72
const INTERACTIVE_BODY = 1024
const TEXT_BODY = 4096
const TEMPLATE_PARAMETER = 1024

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`)

const textMessage = (to: string, body: string) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { body: cut(body, TEXT_BODY), preview_url: false },
})

/**
 * A reply as a Cloud API message: reply buttons for up to three short choices, a list for up to
 * ten, numbered text otherwise (or when the text is too long for an interactive body).
 * `listButton` is the list's button label in the citizen's language.
 */
export function renderCloudMessage(to: string, reply: Reply, listButton: string): object {
  const choices = reply.choices ?? []
  if (choices.length === 0) return textMessage(to, reply.text)
  if (reply.text.length > INTERACTIVE_BODY || choices.length > MAX_ROWS) return textMessage(to, numberedMenu(reply))
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'interactive' }
  if (choices.length <= MAX_BUTTONS && choices.every((choice) => choice.label.length <= BUTTON_TITLE)) {
    return {
      ...base,
      interactive: {
        type: 'button',
        body: { text: reply.text },
        action: { buttons: choices.map((choice) => ({ type: 'reply', reply: { id: choice.id, title: choice.label } })) },
      },
    }
  }
  const rows = choices.map((choice) =>
    choice.label.length <= ROW_TITLE
      ? { id: choice.id, title: choice.label }
      : // the full label goes in the description, which has room for it
        { id: choice.id, title: cut(choice.label, ROW_TITLE), description: cut(choice.label, ROW_DESCRIPTION) },
  )
  return {
    ...base,
    interactive: { type: 'list', body: { text: reply.text }, action: { button: cut(listButton, BUTTON_TITLE), sections: [{ rows }] } },
  }
}

export type CloudTemplate = { name: string; language: string }

/**
 * A reply inside the configured template (one body parameter), the only kind of message the
 * Cloud API delivers outside the 24-hour window. Parameters may not hold line breaks, tabs or
 * more than four spaces in a row, so the text is folded onto one line.
 */
export function renderTemplateMessage(to: string, reply: Reply, template: CloudTemplate): object {
  const text = numberedMenu(reply)
    .split(/\s*\n+\s*/)
    .filter((line) => line !== '')
    .join(' · ')
    .replace(/[\t ]{2,}/g, ' ')
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      components: [{ type: 'body', parameters: [{ type: 'text', text: cut(text, TEMPLATE_PARAMETER) }] }],
    },
  }
}
