import { normalize, words } from './normalize.js'
import { questionReply } from './question.js'
import { currentQuestion, goIdle, startFlow, type Turn } from './run.js'
import type { EngineContext } from './types.js'

/** A command a citizen can type at any point of any conversation. */
export type GlobalCommand =
  | { name: 'menu' }
  | { name: 'help' }
  | { name: 'cancel' }
  | { name: 'language'; locale?: string }
  | { name: 'status'; code?: string }

/** Flows the commands open; `menu` is also where an idle contact starts. */
export const MENU_FLOW = 'menu'
export const LANGUAGE_FLOW = 'language'
export const STATUS_FLOW = 'status'

// "start" is what Telegram sends (as /start) when someone opens the bot
const SINGLE_WORDS: Readonly<Record<string, GlobalCommand>> = {
  menu: { name: 'menu' }, inicio: { name: 'menu' }, start: { name: 'menu' }, 'menu principal': { name: 'menu' },
  ayuda: { name: 'help' }, help: { name: 'help' }, ayudame: { name: 'help' },
  cancelar: { name: 'cancel' }, cancel: { name: 'cancel' }, cancela: { name: 'cancel' }, salir: { name: 'cancel' },
  idioma: { name: 'language' }, language: { name: 'language' }, lenguaje: { name: 'language' },
  estado: { name: 'status' }, status: { name: 'status' },
}
const LANGUAGE_WORDS = new Set(['idioma', 'language', 'lenguaje'])
/**
 * "estado ABC-1234": a code holds a digit, or has the dashed shape of our codes ("KXWM-PQRT").
 * Without that rule an answer that merely starts with the word ("Estado deplorable del puesto de
 * salud") would be taken for a status query.
 */
const STATUS_WORD = /^\/?(?:estado|status)\b[\s:#.-]*/iu
const CODE = /^(?:(?=.*\d)[A-Z0-9-]{4,20}|[A-Z0-9]{4}-[A-Z0-9]{4})$/

/** Reads a global command; only a whole message is one ("menu", "estado GT-12AB"), never a word inside a sentence. */
export function parseGlobalCommand(text: string, locales: readonly string[]): GlobalCommand | null {
  const normalized = normalize(text)
  const single = SINGLE_WORDS[normalized]
  if (single) return single
  const [first, second, ...rest] = words(normalized)
  if (first !== undefined && LANGUAGE_WORDS.has(first) && second !== undefined && rest.length === 0) {
    return locales.includes(second) ? { name: 'language', locale: second } : { name: 'language' }
  }
  const code = statusCode(text)
  return code === undefined ? null : { name: 'status', code }
}

/** The code of "estado ABC 123" (one to three pieces), upper-cased and without spaces. */
function statusCode(text: string): string | undefined {
  const trimmed = text.trim()
  const lead = STATUS_WORD.exec(trimmed)
  if (!lead) return undefined
  const pieces = trimmed.slice(lead[0].length).split(/\s+/u).filter((piece) => piece !== '')
  if (pieces.length === 0 || pieces.length > 3) return undefined
  const code = pieces.join('').toUpperCase().replace(/[^\p{L}\p{N}-]/gu, '')
  return CODE.test(code) ? code : undefined
}

/** Carries out a global command, leaving the session waiting for the citizen again. */
export function runGlobalCommand(turn: Turn, command: GlobalCommand, ctx: EngineContext): void {
  const { session } = turn
  const t = (key: string) => ctx.t(session.locale, key)
  switch (command.name) {
    case 'menu':
      return startFlow(turn, MENU_FLOW, ctx)
    case 'help':
      turn.replies.push({ text: t('engine.help') })
      return repeatQuestionOrMenu(turn, ctx)
    case 'cancel':
      if (session.flowId !== null) turn.replies.push({ text: t('engine.cancelled') })
      goIdle(session)
      return startFlow(turn, MENU_FLOW, ctx)
    case 'language':
      if (command.locale === undefined) return startFlow(turn, LANGUAGE_FLOW, ctx)
      session.locale = command.locale
      turn.replies.push({ text: t('engine.languageChanged') })
      return repeatQuestionOrMenu(turn, ctx)
    case 'status':
      return startFlow(turn, STATUS_FLOW, ctx, command.code === undefined ? {} : { code: command.code })
  }
}

/** After help or a language switch the citizen keeps their place, or sees the menu if they had none. */
function repeatQuestionOrMenu(turn: Turn, ctx: EngineContext): void {
  const question = currentQuestion(turn.session, ctx)
  if (question) {
    turn.replies.push(questionReply(question, turn.session, ctx))
    return
  }
  goIdle(turn.session)
  startFlow(turn, MENU_FLOW, ctx)
}
