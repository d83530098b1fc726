import type { BotCommand } from 'grammy/types'
import type { Translate } from '../../engine/types.js'

/** The global commands in each language's words; the engine understands both sets anywhere. */
const COMMANDS = {
  es: { menu: 'menu', status: 'estado', language: 'idioma', cancel: 'cancelar', help: 'ayuda' },
  en: { menu: 'menu', status: 'status', language: 'language', cancel: 'cancel', help: 'help' },
} as const

/** The command menu Telegram shows for a language (setMyCommands). */
export function botCommands(locale: keyof typeof COMMANDS, t: Translate): BotCommand[] {
  return Object.entries(COMMANDS[locale]).map(([key, command]) => ({ command, description: t(locale, `telegram.commands.${key}`) }))
}

/** Languages with their own command menu; Spanish is also the menu for every other language. */
export const COMMAND_LOCALES = ['es', 'en'] as const
