import type { BotCommand, LanguageCode } from 'grammy/types'
import { COMMAND_WORD_KEYS, type Flow, normalize, type OwnText, type Translate } from '../../engine/index.js'

/** The `/` menu Telegram shows: for one language (its ISO 639-1 code), or for everyone else. */
export type CommandMenu = { languageCode?: LanguageCode; commands: BotCommand[] }

export type CommandMenuInput = {
  flows: Readonly<Record<string, Flow>>
  /** the offered locales, each given its own menu where Telegram has a code for it */
  locales: readonly string[]
  /** whose menu everyone else sees, and whose words stand in for a locale without its own */
  defaultLocale: string
  /** a locale's own text, no fallback (Locales.own) */
  own: OwnText
  t: Translate
}

/** what Telegram accepts as a command */
const COMMAND_NAME = /^[a-z0-9_]{1,32}$/
/** setMyCommands takes a two-letter ISO 639-1 code; a locale such as `quc` sees the default menu */
const TELEGRAM_LANGUAGE = /^[a-z]{2}$/
const MAX_DESCRIPTION = 256

function isTelegramLanguage(code: string): code is LanguageCode {
  return TELEGRAM_LANGUAGE.test(code)
}

/** Where a command's description is: the engine's commands by name, a flow's by its id. */
export function descriptionKey(name: string): string {
  return `telegram.commands.${name}`
}

/**
 * One menu per offered language Telegram can name, and the default language's for all others.
 * The words come from the locale files, as the engine reads them: the engine's commands
 * (`engine.commands.*`) and the words of each flow that has a description (`telegram.commands.<flow
 * id>`; staff and poll words have none, so they stay out of a citizen's menu).
 */
export function commandMenus(input: CommandMenuInput): CommandMenu[] {
  const languages = input.locales.filter(isTelegramLanguage)
  return [...languages.map((code) => ({ languageCode: code, commands: botCommands(code, input) })), { commands: botCommands(input.defaultLocale, input) }]
}

/**
 * A language's commands: for each, the first of its words (its own, else the default language's)
 * that Telegram takes as a command. Words of several words are joined by "_" ("/mis_datos"), which
 * the engine reads as spaces; a word that still does not fit (accented letters are folded first,
 * as the engine folds them) is skipped, and a command with no such word is left out.
 */
export function botCommands(locale: string, { flows, defaultLocale, own, t }: CommandMenuInput): BotCommand[] {
  const sources: { name: string; words: string }[] = [
    { name: 'menu', words: COMMAND_WORD_KEYS.menu },
    // a word that needs a code after it cannot be pressed from the menu
    ...Object.values(flows).flatMap((flow) => (flow.triggers && flow.triggers.code !== 'required' ? [{ name: flow.id, words: flow.triggers.words }] : [])),
    { name: 'language', words: COMMAND_WORD_KEYS.language },
    { name: 'cancel', words: COMMAND_WORD_KEYS.cancel },
    { name: 'help', words: COMMAND_WORD_KEYS.help },
  ]
  const commands: BotCommand[] = []
  const taken = new Set<string>()
  for (const { name, words } of sources) {
    if (own(defaultLocale, descriptionKey(name)) === undefined) continue
    const command = commandName(own(locale, words)) ?? commandName(own(defaultLocale, words))
    if (command === undefined || taken.has(command)) continue
    taken.add(command)
    commands.push({ command, description: t(locale, descriptionKey(name)).slice(0, MAX_DESCRIPTION) })
  }
  return commands
}

/** The first word of a comma-separated list that fits as a command. */
function commandName(list: string | undefined): string | undefined {
  for (const word of (list ?? '').split(',')) {
    const name = normalize(word).replaceAll(' ', '_')
    if (COMMAND_NAME.test(name)) return name
  }
  return undefined
}
