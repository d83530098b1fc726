import { normalize } from './normalize.js'
import { questionReply } from './question.js'
import { currentQuestion, goIdle, startFlow, type Turn } from './run.js'
import type { EngineContext, Session } from './types.js'
import type { CodeLead, Vocabulary } from './vocabulary.js'

/**
 * A command a citizen can type at any point of any conversation: the engine's own (the menu, help,
 * cancelling, the language) or the words a flow declared to open it, with a code when they take
 * one. Which words mean what is read from the locale files (see vocabulary.ts).
 */
export type GlobalCommand =
  | { name: 'menu' }
  | { name: 'help' }
  | { name: 'cancel' }
  | { name: 'language'; locale?: string }
  /**
   * open `flow` ("estado", "vincular K7QM3-XHA2P"); `bare`: the message was only a code, no word
   * before it; `malformed`: "estado 123", a code mistyped
   */
  | { name: 'flow'; flow: string; code?: string; malformed?: string; bare?: true }

/**
 * "estado ABC-1234": a code holds a digit, or has the dashed shape of our codes ("KXWMP-QRTVZ", or
 * an old "KXWM-PQRT").
 * Without that rule an answer that merely starts with the word ("Estado deplorable del puesto de
 * salud") would be taken for a status query.
 */
const CODE = /^(?:(?=.*\d)[A-Z0-9-]{4,20}|[A-Z0-9]{5}-[A-Z0-9]{5}|[A-Z0-9]{4}-[A-Z0-9]{4})$/
/**
 * A tracking code alone ("k7qm3-xha2p", "K7QM3 XHA2P"): people paste what they were given. Only the
 * current shape, in Crockford's alphabet; an old four-and-four code needs a digit, so "BIEN-BIEN" is
 * not one.
 */
const BARE_CODE = /^([0-9A-HJKMNP-TV-Z]{5})[\s-]?([0-9A-HJKMNP-TV-Z]{5})$|^(?=[A-Z-]*\d)([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})$/
const MARKS = /\p{M}/gu

/** Reads a global command; only a whole message is one ("menu", "estado GT-12AB"), never a word inside a sentence. */
export function parseGlobalCommand(text: string, vocabulary: Vocabulary): GlobalCommand | null {
  const alone = vocabulary.alone.get(normalize(text))
  if (alone) return alone
  const raw = text.trim()
  // only the leads that begin with the message's first word can match it: most answers start with none
  const leads = vocabulary.leadsByKey.get(leadKey(raw))
  if (leads !== undefined) {
    const message = folded(raw)
    const language = languageCommand(message, leads.language, vocabulary)
    if (language) return language
    for (const lead of leads.withCode) {
      const command = withCode(lead, message)
      // a sentence that starts with the word ("unirme a la mesa") is nobody's command
      if (command !== undefined) return command
    }
  }
  // upper-casing never shortens a text, and a code alone is at most 11 characters
  if (vocabulary.codeFlow === undefined || raw.length > BARE_CODE_MAX_LENGTH) return null
  const bare = BARE_CODE.exec(raw.toUpperCase())
  if (bare) return { name: 'flow', flow: vocabulary.codeFlow, code: bare.slice(1).filter((piece) => piece !== undefined).join('-'), bare: true }
  return null
}

/** "K7QM3-XHA2P" */
const BARE_CODE_MAX_LENGTH = 11
/** the optional "/" and the letters, digits and marks a message starts with */
const FIRST_WORD = /^\/?[\p{L}\p{N}\p{M}]*/u
const ASCII_WORD = /^[A-Za-z0-9]*$/
const LEADING_LETTERS = /^[\p{L}\p{N}]*/u

/**
 * The key of the leads a message may start with (phraseKey in vocabulary.ts): the letters and
 * digits of its first word, folded as the leads are matched (folded()). A lead's words are letters
 * and digits of folded text, so a message it matches has the same key.
 */
function leadKey(raw: string): string {
  const word = (FIRST_WORD.exec(raw)?.[0] ?? '').replace(/^\//u, '')
  if (ASCII_WORD.test(word)) return word.toLowerCase()
  return LEADING_LETTERS.exec(folded(word).folded)?.[0] ?? ''
}

/** A message as typed, and folded to lower case without accents for finding the words that lead it. */
type Folded = { raw: string; folded: string; rawAt: (foldedIndex: number) => number }

function folded(raw: string): Folded {
  let folded = ''
  const at: number[] = []
  for (let i = 0; i < raw.length; ) {
    const char = String.fromCodePoint(raw.codePointAt(i) ?? 0)
    const plain = char.normalize('NFD').replace(MARKS, '').toLowerCase()
    folded += plain
    for (let k = 0; k < plain.length; k++) at.push(i)
    i += char.length
  }
  return { raw, folded, rawAt: (index) => at[index] ?? raw.length }
}

/** What follows the words of `lead`, as typed; undefined when the message does not start with them. */
function after(lead: RegExp, message: Folded): string | undefined {
  const match = lead.exec(message.folded)
  return match ? message.raw.slice(message.rawAt(match[0].length)) : undefined
}

/** "estado K7QM3-XHA2P", "salir K7QM3-XHA2P", "estado 123" (mistyped, when the trigger hears it). */
function withCode({ flow, trigger, lead }: CodeLead, message: Folded): GlobalCommand | undefined {
  const rest = after(lead, message)
  if (rest === undefined) return undefined
  const code = codeOf(rest)
  if (code !== undefined) return { name: 'flow', flow, code }
  // "estado 123": one piece with a digit is a code mistyped, not a sentence ("Estado deplorable…")
  const typed = rest.trim()
  if (trigger.malformed === true && /^\S{1,20}$/u.test(typed) && /\d/u.test(typed)) return { name: 'flow', flow, malformed: typed }
  return undefined
}

/** "idioma en", "language español": switch at once; "idioma fr" (not offered) opens the language question. */
function languageCommand(message: Folded, leads: readonly RegExp[], vocabulary: Vocabulary): GlobalCommand | undefined {
  for (const lead of leads) {
    const rest = after(lead, message)?.trim()
    if (rest === undefined || rest === '') continue
    const locale = vocabulary.languageNames.get(normalize(rest))
    if (locale !== undefined) return { name: 'language', locale }
    // "idioma en el hospital no es el mío" is a sentence
    if (!/\s/u.test(rest)) return { name: 'language' }
  }
  return undefined
}

/** The code of "ABC 123" (one to three pieces after the word), upper-cased and without spaces. */
function codeOf(rest: string): string | undefined {
  const pieces = rest.split(/\s+/u).filter((piece) => piece !== '')
  if (pieces.length === 0 || pieces.length > 3) return undefined
  const code = pieces.join('').toUpperCase().replace(/[^\p{L}\p{N}-]/gu, '')
  return CODE.test(code) ? code : undefined
}

/** Carries out a global command, leaving the session waiting for the citizen again. */
export function runGlobalCommand(turn: Turn, command: GlobalCommand, ctx: EngineContext): void {
  const { session } = turn
  const t = (key: string) => ctx.t(session.locale, key)
  const { menuFlow, languageFlow } = ctx.vocabulary
  switch (command.name) {
    case 'menu':
      // a half-told complaint is not thrown away by one word: asked once, "menu" again leaves it
      if (askedBeforeLeaving(turn, t('engine.leaveConfirm'), ctx)) return
      return startFlow(turn, menuFlow, ctx)
    case 'help':
      turn.replies.push({ text: t('engine.help') })
      return repeatQuestionOrMenu(turn, ctx)
    case 'cancel':
      if (session.flowId !== null) turn.replies.push({ text: t('engine.cancelled') })
      goIdle(session)
      return startFlow(turn, menuFlow, ctx)
    case 'language':
      if (command.locale === undefined) return languageFlow === undefined ? repeatQuestionOrMenu(turn, ctx) : startFlow(turn, languageFlow, ctx)
      session.locale = command.locale
      turn.replies.push({ text: t('engine.languageChanged') })
      return repeatQuestionOrMenu(turn, ctx)
    case 'flow': {
      const { flow, code, malformed } = command
      // a code alone, where a flow asks for a code (a mesa's invite code): it answers that question
      if (command.bare === true && code !== undefined && currentQuestion(session, ctx)?.var === 'code' && session.flowId !== null && session.flowId !== flow) {
        return startFlow(turn, session.flowId, ctx, { code })
      }
      // mid-complaint "salir" has always meant "stop this"; idle, or inside a poll, it means "no more polls"
      if (code === undefined && malformed === undefined && ctx.flows[flow]?.triggers?.cancelsOwnFlow === true && inOwnFlow(session, ctx)) {
        return runGlobalCommand(turn, { name: 'cancel' }, ctx)
      }
      // a word that may be an answer ("¿En qué establecimiento?" "Oficina"), when its flow says so: asked once, as "menu" is
      const trigger = ctx.flows[flow]?.triggers
      if (code === undefined && malformed === undefined && trigger?.asksFirst === true && flow !== session.flowId) {
        const word = firstWord(ctx.t(session.locale, trigger.words))
        if (word !== undefined && askedBeforeLeaving(turn, ctx.t(session.locale, 'engine.leaveConfirmFor', { word }), ctx)) return
      }
      return startFlow(turn, flow, ctx, code !== undefined ? { code } : malformed !== undefined ? { malformed } : {})
    }
  }
}

/**
 * Inside their own conversation, with something told and a question waiting, a word that would
 * leave it asks first (once): says `notice`, asks the question again and keeps every answer. False
 * when there is nothing to lose or it was asked already: then the word leaves.
 */
function askedBeforeLeaving(turn: Turn, notice: string, ctx: EngineContext): boolean {
  const { session } = turn
  const question = currentQuestion(session, ctx)
  if (!question || !inOwnFlow(session, ctx) || !hasAnswers(session.vars) || session.vars[LEAVE_ASKED_VAR] === true) return false
  session.vars[LEAVE_ASKED_VAR] = true
  turn.replies.push({ text: notice }, questionReply(question, session, ctx))
  return true
}

/** The first of a comma-separated list of words, as the citizen's language writes it. */
function firstWord(list: string): string | undefined {
  const [word] = list.split(',')
  const trimmed = word?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

/** The contact is inside a conversation they started themselves: not the menu, nor a poll sent to them. */
function inOwnFlow(session: Session, ctx: EngineContext): boolean {
  const flow = session.flowId === null ? undefined : ctx.flows[session.flowId]
  return flow !== undefined && flow.role !== 'menu' && flow.optOut !== true
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
  startFlow(turn, ctx.vocabulary.menuFlow, ctx)
}
