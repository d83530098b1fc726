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
  /** `bare`: the message was only a code ("K7QM3-XHA2P"), no word before it */
  | { name: 'status'; code?: string; bare?: true; malformed?: string }
  /** join a mesa de diálogo's group with its invite code */
  | { name: 'join'; code?: string }
  /** receive the polls of one's municipality */
  | { name: 'subscribe' }
  /** leave poll groups and subscriptions ("salir"; "salir CODE": that group only); inside a conversation, cancel it */
  | { name: 'leave'; code?: string }
  /** "seguir consulta": go back into a poll set aside */
  | { name: 'resume' }
  /** a staff command with a code: link the chat to units, acknowledge a case, read its summary */
  | { name: 'staff'; flow: string; code: string }
  /** "borrar mis datos": delete everything about this contact, after a confirmation */
  | { name: 'forget' }
  /** "mis datos": what is stored about this contact */
  | { name: 'myData' }
  /** "compartir mis datos CODE": let the office of a confidential case see the contact */
  | { name: 'release'; code: string }

/** Flows the commands open; `menu` is also where an idle contact starts. */
export const MENU_FLOW = 'menu'
export const LANGUAGE_FLOW = 'language'
export const STATUS_FLOW = 'status'
export const JOIN_FLOW = 'pollJoin'
export const SUBSCRIBE_FLOW = 'pollSubscribe'
export const LEAVE_FLOW = 'pollLeave'
export const RESUME_FLOW = 'pollResume'
export const FORGET_FLOW = 'forget'
export const MY_DATA_FLOW = 'myData'
export const RELEASE_FLOW = 'release'

// "start" is what Telegram sends (as /start) when someone opens the bot
const SINGLE_WORDS: Readonly<Record<string, GlobalCommand>> = {
  menu: { name: 'menu' }, inicio: { name: 'menu' }, start: { name: 'menu' }, 'menu principal': { name: 'menu' },
  ayuda: { name: 'help' }, help: { name: 'help' }, ayudame: { name: 'help' },
  cancelar: { name: 'cancel' }, cancel: { name: 'cancel' }, cancela: { name: 'cancel' },
  salir: { name: 'leave' }, leave: { name: 'leave' }, 'darme de baja': { name: 'leave' },
  'recibir consultas': { name: 'subscribe' }, 'receive polls': { name: 'subscribe' },
  idioma: { name: 'language' }, language: { name: 'language' }, lenguaje: { name: 'language' },
  estado: { name: 'status' }, status: { name: 'status' },
  'borrar mis datos': { name: 'forget' }, 'borrar datos': { name: 'forget' }, 'delete my data': { name: 'forget' }, 'forget me': { name: 'forget' },
  'mis datos': { name: 'myData' }, 'my data': { name: 'myData' },
  'seguir consulta': { name: 'resume' }, 'seguir encuesta': { name: 'resume' }, encuesta: { name: 'resume' },
  'continuar consulta': { name: 'resume' }, 'continue poll': { name: 'resume' }, 'resume poll': { name: 'resume' },
}
const LANGUAGE_WORDS = new Set(['idioma', 'language', 'lenguaje'])
/**
 * "estado ABC-1234": a code holds a digit, or has the dashed shape of our codes ("KXWMP-QRTVZ", or
 * an old "KXWM-PQRT").
 * Without that rule an answer that merely starts with the word ("Estado deplorable del puesto de
 * salud") would be taken for a status query.
 */
const STATUS_WORD = /^\/?(?:estado|status)\b[\s:#.-]*/iu
const CODE = /^(?:(?=.*\d)[A-Z0-9-]{4,20}|[A-Z0-9]{5}-[A-Z0-9]{5}|[A-Z0-9]{4}-[A-Z0-9]{4})$/
/**
 * A tracking code alone ("k7qm3-xha2p", "K7QM3 XHA2P"): people paste what they were given. Only the
 * current shape, in Crockford's alphabet; an old four-and-four code needs a digit, so "BIEN-BIEN" is
 * not one.
 */
const BARE_CODE = /^([0-9A-HJKMNP-TV-Z]{5})[\s-]?([0-9A-HJKMNP-TV-Z]{5})$|^(?=[A-Z-]*\d)([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})$/
/** "salir K7QM3-XHA2P": leave the group of that invite code only */
const LEAVE_WORD = /^\/?(?:salir|leave)\b[\s:#.-]*/iu
/** "unirme MESA-4821": the code of a group, shaped like a case code */
const JOIN_WORD = /^\/?(?:unirme|unirse|join)\b[\s:#.-]*/iu

/** Staff commands, each a word and a code ("vincular K7QM3-XHA2P", "acuso K7QM3-XHA2P"), by the flow they open. */
const STAFF_WORDS: readonly { word: RegExp; flow: string }[] = [
  { word: /^\/?(?:vincular|link)\b[\s:#.-]*/iu, flow: 'staffLink' },
  { word: /^\/?(?:acuso|ack)\b[\s:#.-]*/iu, flow: 'staffAck' },
  { word: /^\/?(?:caso|case)\b[\s:#.-]*/iu, flow: 'staffCase' },
]
/** "compartir mis datos K7QM3-XHA2P" */
const RELEASE_WORDS = /^\/?(?:compartir mis datos|share my data)\b[\s:#.-]*/iu

/** Reads a global command; only a whole message is one ("menu", "estado GT-12AB"), never a word inside a sentence. */
export function parseGlobalCommand(text: string, locales: readonly string[]): GlobalCommand | null {
  const normalized = normalize(text)
  const single = SINGLE_WORDS[normalized]
  if (single) return single
  const [first, second, ...rest] = words(normalized)
  if (first !== undefined && LANGUAGE_WORDS.has(first) && second !== undefined && rest.length === 0) {
    return locales.includes(second) ? { name: 'language', locale: second } : { name: 'language' }
  }
  if (first !== undefined && JOIN_WORD.test(text.trim())) {
    if (second === undefined) return { name: 'join' }
    const code = codeAfter(JOIN_WORD, text)
    return code === undefined ? null : { name: 'join', code }
  }
  const leaveCode = second !== undefined ? codeAfter(LEAVE_WORD, text) : undefined
  if (leaveCode !== undefined) return { name: 'leave', code: leaveCode }
  const releaseCode = codeAfter(RELEASE_WORDS, text)
  if (releaseCode !== undefined) return { name: 'release', code: releaseCode }
  for (const { word, flow } of STAFF_WORDS) {
    const staffCode = codeAfter(word, text)
    if (staffCode !== undefined) return { name: 'staff', flow, code: staffCode }
  }
  const code = codeAfter(STATUS_WORD, text)
  if (code !== undefined) return { name: 'status', code }
  // "estado 123": one piece with a digit is a code mistyped, not a sentence ("Estado deplorable…")
  const typed = text.trim().replace(STATUS_WORD, '')
  if (STATUS_WORD.test(text.trim()) && /^\S{1,20}$/u.test(typed) && /\d/u.test(typed)) return { name: 'status', malformed: typed }
  const bare = BARE_CODE.exec(text.trim().toUpperCase())
  if (bare) return { name: 'status', code: bare.slice(1).filter((piece) => piece !== undefined).join('-'), bare: true }
  return null
}

/** The code of "estado ABC 123" (one to three pieces after the word), upper-cased and without spaces. */
function codeAfter(word: RegExp, text: string): string | undefined {
  const trimmed = text.trim()
  const lead = word.exec(trimmed)
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
    case 'menu': {
      // a half-told complaint is not thrown away by one word: asked once, "menu" again leaves it
      const question = currentQuestion(session, ctx)
      // a poll sent to the member (optOut) is set aside, not lost: "seguir consulta" brings it back
      const own = session.flowId !== null && ctx.flows[session.flowId]?.optOut !== true
      if (question && own && session.flowId !== MENU_FLOW && hasAnswers(session.vars) && session.vars[LEAVE_ASKED_VAR] !== true) {
        session.vars[LEAVE_ASKED_VAR] = true
        turn.replies.push({ text: t('engine.leaveConfirm') }, questionReply(question, session, ctx))
        return
      }
      return startFlow(turn, MENU_FLOW, ctx)
    }
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
    case 'status': {
      // a code alone, where a flow asks for a code (a mesa's invite code): it answers that question
      const asking = command.bare === true ? currentQuestion(session, ctx) : undefined
      if (asking?.var === 'code' && session.flowId !== null && session.flowId !== STATUS_FLOW && command.code !== undefined) {
        return startFlow(turn, session.flowId, ctx, { code: command.code })
      }
      if (command.malformed !== undefined) return startFlow(turn, STATUS_FLOW, ctx, { malformed: command.malformed })
      return startFlow(turn, STATUS_FLOW, ctx, command.code === undefined ? {} : { code: command.code })
    }
    case 'join':
      return startFlow(turn, JOIN_FLOW, ctx, command.code === undefined ? {} : { code: command.code })
    case 'subscribe':
      return startFlow(turn, SUBSCRIBE_FLOW, ctx)
    case 'leave': {
      // "salir CODE" names a group: leave that one, whatever was going on
      if (command.code !== undefined) {
        goIdle(session)
        return startFlow(turn, LEAVE_FLOW, ctx, { code: command.code })
      }
      // mid-complaint "salir" has always meant "stop this"; idle, or inside a poll, it means "no more polls"
      const flow = session.flowId === null ? undefined : ctx.flows[session.flowId]
      if (flow && flow.id !== MENU_FLOW && flow.optOut !== true) return runGlobalCommand(turn, { name: 'cancel' }, ctx)
      goIdle(session)
      return startFlow(turn, LEAVE_FLOW, ctx)
    }
    case 'resume':
      goIdle(session)
      return startFlow(turn, RESUME_FLOW, ctx)
    case 'staff':
      return startFlow(turn, command.flow, ctx, { code: command.code })
    case 'forget':
      return startFlow(turn, FORGET_FLOW, ctx)
    case 'myData':
      return startFlow(turn, MY_DATA_FLOW, ctx)
    case 'release':
      return startFlow(turn, RELEASE_FLOW, ctx, { code: command.code })
  }
}

/** Set once "menu" was asked about leaving a half-told conversation; the flow's end removes it. */
const LEAVE_ASKED_VAR = '_leaveAsked'

/** The citizen has told something in this flow (variables of our own bookkeeping start with "_"). */
function hasAnswers(vars: Record<string, unknown>): boolean {
  return Object.keys(vars).some((name) => !name.startsWith('_'))
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
