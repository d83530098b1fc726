import { accepted, OFFERED_VAR, refused, type Answer } from './answer.js'
import { sourceOptions, toChoices, type SourceOption } from './choice-options.js'
import { matchChoice, type ChoiceMatch } from './match-choice.js'
import { UNDERSTOOD_VAR } from './understood.js'
import type { EngineContext, Json, MessageContent, OptionSource, Session } from './types.js'

/** more buttons than this is a wall of text on WhatsApp; the closest ones come first */
const MAX_CANDIDATES = 10

/** Reads the answer to a choice question: a button id, or text matched against the options. */
export function readChoice(
  variable: string,
  source: OptionSource,
  input: MessageContent & { kind: 'text' | 'choice' },
  session: Session,
  ctx: EngineContext,
): Answer {
  const { primary, fallback } = sourceOptions(source, session, ctx)
  const everything = [...primary, ...fallback]
  const t = (key: string, vars?: Record<string, Json>) => ctx.t(session.locale, key, vars)

  if (input.kind === 'choice') {
    const picked = everything.find((option) => option.id === input.id)
    if (picked) return pick(variable, source, picked)
    return refused([{ text: t('engine.choice.staleButton'), choices: toChoices(primary), expects: 'choice' }])
  }

  const offered = session.vars[OFFERED_VAR]
  const numbered = Array.isArray(offered) ? offered.filter((id): id is string => typeof id === 'string') : undefined
  let match: ChoiceMatch = matchChoice(input.text, primary, numbered ? { numbered } : {})
  // a municipality of another department: matched only when none of the chosen one fits
  if (match.kind === 'none' && fallback.length > 0) match = matchChoice(input.text, fallback, { numbered: [] })

  switch (match.kind) {
    case 'match': {
      const picked = everything.find((option) => option.id === match.id)
      if (picked) return match.loose === true ? understood(pick(variable, source, picked), picked.label) : pick(variable, source, picked)
      break
    }
    case 'ambiguous': {
      const candidates = match.candidates
        .slice(0, MAX_CANDIDATES)
        .map((id) => everything.find((option) => option.id === id))
        .filter((option): option is SourceOption => option !== undefined)
      return refused(
        [{ text: t('engine.choice.didYouMean'), choices: toChoices(candidates), expects: 'choice' }],
        candidates.map((option) => option.id),
      )
    }
    case 'none':
      break
  }
  const answer = input.text.trim().slice(0, 60)
  return refused([{ text: t('engine.choice.notFound', { answer }), choices: toChoices(primary), expects: 'choice' }])
}

/** Notes the label a loose reading was taken for, so the citizen is told ("Entendí: …"). */
function understood(answer: Answer, label: string): Answer {
  if (answer.ok) answer.extra[UNDERSTOOD_VAR] = label
  return answer
}

/** Stores the id, its label beside it, and for a municipality the department it lies in. */
function pick(variable: string, source: OptionSource, option: SourceOption): Answer {
  const extra: Record<string, Json> = { [`${variable}Label`]: option.storedLabel }
  if (source.from === 'municipalities' && option.department) {
    extra[source.departmentVar] = option.department.code
    extra[`${source.departmentVar}Label`] = option.department.name
  }
  return accepted(option.id, extra)
}
