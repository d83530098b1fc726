import type { Reply } from '../engine/types.js'

/**
 * A reply as plain text with its choices as a numbered list ("1. Salud"). The engine reads back
 * `1`, `uno` or the label, in the order the choices were offered, so the numbers line up.
 * Used where buttons are not available or not reliable (Baileys, long WhatsApp Cloud menus).
 */
export function numberedMenu(reply: Reply): string {
  const choices = reply.choices ?? []
  if (choices.length === 0) return reply.text
  const lines = choices.map((choice, index) => `${index + 1}. ${choice.label}`)
  return `${reply.text}\n\n${lines.join('\n')}`
}
