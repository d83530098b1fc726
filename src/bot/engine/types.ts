import { z } from 'zod'
import { readSession } from './read-session.js'
import type { Vocabulary } from './vocabulary.js'

/**
 * The engine's vocabulary. A flow is data (validated with zod when loaded); a session is the
 * state of one contact's conversation; an input is what the citizen sent (or the result of an
 * effect the runtime performed); the engine answers with replies and effects and never does I/O.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
export const JsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonSchema), z.record(z.string(), JsonSchema)]),
)

// ---------------------------------------------------------------- flow definitions

/**
 * A condition on a session variable, used by branch nodes. `var` may be a dotted path into an
 * effect result (`lookup.found`). Holds when the value equals one of `in`, or, with `present`,
 * when the variable is set (true) or unset (false). `$.<fact>` reads what the runtime knows of the
 * conversation (`$.channel`, `$.sharedScreen`), not a variable.
 */
export const ConditionSchema = z.union([
  z.object({ var: z.string(), in: z.array(JsonSchema).min(1) }),
  z.object({ var: z.string(), present: z.boolean() }),
])
export type Condition = z.infer<typeof ConditionSchema>

/** A fixed option of a choice question; `label` is an i18n key, `aliases` are extra words people type. */
export const StaticOptionSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  aliases: z.array(z.string()).default([]),
  /** not offered (nor matched) while this holds, e.g. a choice that makes no sense on a channel */
  hideWhen: ConditionSchema.optional(),
  /** in a multiple choice, only ever picked alone ("Ninguno") */
  exclusive: z.boolean().optional(),
  /** shown before the label and answerable alone ("🏥"): a choice that needs no reading */
  emoji: z.string().min(1).optional(),
})
export type StaticOption = z.infer<typeof StaticOptionSchema>

/**
 * Where a choice question's options come from: listed in the flow, or a catalog the engine gets in
 * its context (categories of the chosen sector, municipalities of the chosen department, ...).
 */
export const OptionSourceSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('static'), options: z.array(StaticOptionSchema).min(1) }),
  z.object({ from: z.literal('sectors') }),
  /** categories of the sector held in session variable `sectorVar` */
  z.object({ from: z.literal('categories'), sectorVar: z.string() }),
  z.object({ from: z.literal('departments') }),
  /**
   * municipalities of the department held in `departmentVar`, matched there first, then
   * nationwide (a match elsewhere also sets `departmentVar`)
   */
  z.object({ from: z.literal('municipalities'), departmentVar: z.string() }),
  /** the languages a citizen can switch to, each named in itself */
  z.object({ from: z.literal('locales') }),
])
export type OptionSource = z.infer<typeof OptionSourceSchema>

export const InputSpecSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('choice'),
    source: OptionSourceSchema,
    /**
     * a department question that also takes a shared location: a location the channel placed in a
     * municipality stores its department in `var`, the municipality in `municipalityVar` (labels
     * beside both) and true in `locatedVar` (false when the citizen typed or pressed instead)
     */
    locate: z.object({ municipalityVar: z.string(), locatedVar: z.string() }).optional(),
  }),
  /**
   * words, `min` to `max` characters; with `voice`, a voice note (or recording) stands in for them
   * (a citizen who writes little) and is stored as a media answer ({ media, ref, mimeType, size })
   */
  z.object({
    type: z.literal('text'),
    min: z.number().int().min(0).default(1),
    max: z.number().int().positive().default(2000),
    voice: z.boolean().optional(),
  }),
  z.object({ type: z.literal('number'), min: z.number().optional(), max: z.number().optional() }),
  z.object({ type: z.literal('yesno') }),
  /** a shared location; `optional` lets the citizen answer "no"/"saltar" to skip */
  z.object({ type: z.literal('location'), optional: z.boolean().default(false) }),
  /** a photo, voice note, video or document; `optional` allows skipping */
  z.object({ type: z.literal('media'), optional: z.boolean().default(true) }),
  /** several options of a static list ("1, 3" or "agua y luz"), at most `max`; stores the ids */
  z.object({ type: z.literal('multi'), source: OptionSourceSchema, max: z.number().int().positive() }),
  /**
   * the options of a static list in order of preference ("3, 1, 2"); all of them, or only the
   * first `top`; stores the ids, first the most preferred
   */
  z.object({ type: z.literal('ranking'), source: OptionSourceSchema, top: z.number().int().positive().optional() }),
])
export type InputSpec = z.infer<typeof InputSpecSchema>


/**
 * What a flow asks the runtime to do ("case.create"), which may be any name the handler map main.ts hands the
 * runtime has; validateEffects() checks every flow against that map at start-up.
 */
export const EffectNameSchema = z.string().min(1)
export type EffectName = z.infer<typeof EffectNameSchema>

export const NodeSchema = z.discriminatedUnion('kind', [
  /** say something (i18n key, interpolated with the session variables) and go on */
  z.object({ kind: z.literal('say'), text: z.string(), next: z.string() }),
  /** ask a question, store the answer in `var`, go on */
  z.object({ kind: z.literal('ask'), var: z.string(), prompt: z.string(), input: InputSpecSchema, next: z.string() }),
  /** go to the first case whose condition holds, else `default` */
  z.object({
    kind: z.literal('branch'),
    cases: z.array(z.object({ when: ConditionSchema, next: z.string() })),
    default: z.string(),
  }),
  /**
   * ask the runtime to do something (create a case, look up a code). `args` maps argument names to
   * session variable names; the result is stored in `resultVar`.
   */
  z.object({
    kind: z.literal('effect'),
    effect: EffectNameSchema,
    args: z.record(z.string(), z.string()),
    resultVar: z.string(),
    next: z.string(),
  }),
  /** switch the session's language to the locale held in `var` (asked with a choice before) */
  z.object({ kind: z.literal('setLocale'), var: z.string(), next: z.string() }),
  /**
   * start the flow whose id an effect left in `flowVar` (a poll the member set aside), with the
   * variables `vars` maps to it (its name -> a path here); `otherwise` when there is none
   */
  z.object({ kind: z.literal('enter'), flowVar: z.string(), vars: z.record(z.string(), z.string()).default({}), otherwise: z.string() }),
  /** the conversation is over; an optional closing message */
  z.object({ kind: z.literal('end'), text: z.string().optional() }),
])
export type FlowNode = z.infer<typeof NodeSchema>

/**
 * How a flow is opened by a whole message typed at any point of any conversation. The words are not
 * here but in each locale file, under the key `words` (comma-separated, matched without accents or
 * case), so a new language brings its own. A code, when the trigger takes one, reaches the flow as
 * its variable `code`.
 */
export const TriggerSchema = z.object({
  /** i18n key of the words, e.g. `status.triggers` holding "estado" in es.json and "status" in en.json */
  words: z.string().min(1),
  /** `none`: the word alone; `optional`: alone, or followed by a code; `required`: only followed by a code */
  code: z.enum(['none', 'optional', 'required']).default('none'),
  /** "estado 123": one piece with a digit after the word, not shaped like a code, reaches the flow as `malformed` */
  malformed: z.boolean().optional(),
  /** a tracking code sent alone ("K7QM3-XHA2P") opens this flow with it (at most one flow says so) */
  bareCode: z.boolean().optional(),
  /**
   * the word alone inside a conversation the contact started (not the menu, nor a flow sent to them)
   * cancels that conversation instead: mid-complaint "salir" has always meant "stop this"
   */
  cancelsOwnFlow: z.boolean().optional(),
  /**
   * the word alone inside a conversation the contact started, with something told, asks once
   * before leaving it, as "menu" does: a word that may well be an answer ("¿En qué
   * establecimiento?" "Oficina"); sent again, it opens this flow
   */
  asksFirst: z.boolean().optional(),
})
export type Trigger = z.infer<typeof TriggerSchema>

export const FlowRoleSchema = z.enum(['menu', 'language'])
export type FlowRole = z.infer<typeof FlowRoleSchema>

/**
 * A flow. Every `next` names a node of the same flow, or `@otherFlow` to start that flow (with
 * fresh variables) at its `start` node.
 */
export const FlowSchema = z.object({
  id: z.string().min(1),
  /** i18n key naming the flow, used when telling a citizen where they were */
  title: z.string(),
  start: z.string(),
  nodes: z.record(z.string(), NodeSchema),
  /** minutes this flow waits for an answer before it expires, when not the context's usual (a poll waits days) */
  ttlMinutes: z.number().int().positive().optional(),
  /**
   * the flow was started for the contact, not by them (a poll invitation): there, as when idle,
   * "salir" means leaving what sent it; in any other flow "salir" cancels
   */
  optOut: z.boolean().optional(),
  /** the words that open this flow from anywhere ("estado", "vincular K7QM3-XHA2P") */
  triggers: TriggerSchema.optional(),
  /** a part the engine itself needs: where an idle contact starts (`menu`), where `idioma` leads (`language`) */
  role: FlowRoleSchema.optional(),
})
export type Flow = z.infer<typeof FlowSchema>

// ---------------------------------------------------------------- catalog (reference data)

export type LocalizedText = Record<string, string>
export type Catalog = {
  /** `emoji`: shown before the label and answerable alone */
  sectors: readonly { code: string; label: LocalizedText; emoji?: string }[]
  categories: readonly { sector: string; code: string; label: LocalizedText; emoji?: string }[]
  departments: readonly { code: string; name: string }[]
  municipalities: readonly { code: string; name: string; departmentCode: string }[]
  /** lower-case, accent-free names people type, e.g. "xela" -> 0901 */
  municipalityAliases: readonly { alias: string; code: string }[]
}

// ---------------------------------------------------------------- inputs, replies, effects

export const MediaKindSchema = z.enum(['image', 'audio', 'voice', 'video', 'document'])
export type MediaKind = z.infer<typeof MediaKindSchema>

/** What a citizen sent, already stripped of anything platform-specific. */
export const MessageContentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  /** a button press: the id of a choice we offered (and its label, when the platform echoes it) */
  z.object({ kind: z.literal('choice'), id: z.string(), label: z.string().optional() }),
  /** `municipalityCode`: the INE code of the municipality the point falls in, set by the adapter */
  z.object({ kind: z.literal('location'), latitude: z.number(), longitude: z.number(), municipalityCode: z.string().optional() }),
  /** `ref` is the channel's own handle for the file (a Telegram file_id, a media id ...) */
  z.object({
    kind: z.literal('media'),
    media: MediaKindSchema,
    ref: z.string(),
    mimeType: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
    caption: z.string().optional(),
  }),
  /** a sticker, contact card, poll ... : we answer kindly and ask again */
  z.object({ kind: z.literal('unsupported'), what: z.string() }),
])
export type MessageContent = z.infer<typeof MessageContentSchema>

/** The result of an effect, fed back to the engine by the runtime. */
export type EffectResult = { kind: 'effect.result'; effect: EffectName; result: Json }

export type Input = MessageContent | EffectResult

export type Choice = { id: string; label: string }

/** What the engine asks a channel to say. Text is already translated. */
export type Reply = {
  text: string
  choices?: Choice[]
  /** what the question expects, so a channel can offer a location or attachment button */
  expects?: 'text' | 'choice' | 'number' | 'yesno' | 'location' | 'media'
  /** the conversation's flow ended with this message (a kiosk starts over for the next person) */
  ends?: boolean
  /** a voice note may stand in for the words asked for (a channel can offer to record or attach one) */
  takesVoice?: boolean
  /**
   * the one message key (in the session's locale) the text was built from, so a channel can send
   * the operator's recording of it beside the text (src/bot/audio-prompts.ts); set by the engine
   */
  prompt?: PromptRef
}

/** A message key in a locale: what an audio prompt is recorded for. */
export type PromptRef = { key: string; locale: string }

/** An effect: its name and its arguments, read from session variables. */
export type Effect = { type: EffectName; args: Record<string, Json> }

// ---------------------------------------------------------------- session and context

/** What a session holds; SessionSchema (below) is how a stored one is read. */
export const SessionShapeSchema = z.object({
  /** the flow in progress, or null when idle (at the main menu or between conversations) */
  flowId: z.string().nullable(),
  nodeId: z.string().nullable(),
  /** waiting for: the citizen's answer to `nodeId`, or the result of the effect at `nodeId` */
  waiting: z.enum(['input', 'effect', 'none']),
  vars: z.record(z.string(), JsonSchema),
  locale: z.string(),
  /** ISO time of the last input, for expiry */
  lastActivityAt: z.string().nullable(),
  /** how many times in a row the current question got an answer we could not use */
  retries: z.number().int().nonnegative().default(0),
})
export type Session = z.infer<typeof SessionShapeSchema>

/**
 * A stored session, checked on the way in: exactly SessionShapeSchema. A well-formed one (every
 * message's case) is read by readSession, without zod; anything else goes to zod, which reads it
 * or refuses it with its own issues, so what zod refuses is refused here too.
 */
export const SessionSchema = z.transform((value: unknown, ctx): Session => {
  const session = readSession(value)
  if (session !== undefined) return session
  const parsed = SessionShapeSchema.safeParse(value)
  if (parsed.success) return parsed.data
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue })
  return z.NEVER
})

/** i18next-style lookup, bound to nothing: the engine passes the locale each time. */
export type Translate = (locale: string, key: string, vars?: Record<string, Json>) => string

/** Everything the engine may know of the world, injected so that step() stays pure. */
export type EngineContext = {
  now: Date
  t: Translate
  catalog: Catalog
  /** every flow by id; the one whose role is `menu` is where an idle contact starts */
  flows: Readonly<Record<string, Flow>>
  /** locales a citizen can switch to with `idioma`, in the order the language question lists them */
  locales: readonly string[]
  /** the command, trigger and yes/no words of those locales, read once at start-up (buildVocabulary) */
  vocabulary: Vocabulary
  /** a session idle longer than this (minutes) is expired and the citizen told where they were */
  sessionTtlMinutes: number
  /**
   * what the runtime knows of this conversation that a flow may branch on, read in conditions as
   * `$.<name>`: the channel, whether the screen is shared (a kiosk). Never personal data.
   */
  facts?: Readonly<Record<string, Json>>
}

export type StepResult = {
  session: Session
  replies: Reply[]
  /** at most one effect; when present the session waits for its result */
  effects: Effect[]
}
