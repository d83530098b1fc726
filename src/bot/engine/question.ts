import { sourceOptions, toChoices } from './choice-options.js'
import { listQuestionReply } from './read-list.js'
import type { EngineContext, FlowNode, Reply, Session } from './types.js'

export type AskNode = Extract<FlowNode, { kind: 'ask' }>

/** Renders a question: its prompt, the buttons it offers, and what kind of answer it expects. */
export function questionReply(node: AskNode, session: Session, ctx: EngineContext): Reply {
  const text = ctx.t(session.locale, node.prompt, session.vars)
  // a recording of the prompt may go out with it (the channels look it up)
  const prompt = { key: node.prompt, locale: session.locale }
  const spec = node.input
  switch (spec.type) {
    case 'choice': {
      const choices = toChoices(sourceOptions(spec.source, session, ctx).primary)
      // an empty list is a catalog or flow mistake the citizen cannot get past
      if (choices.length === 0) throw new Error(`question ${node.var} (${node.prompt}) has no options to offer`)
      // a question that also takes a location says so, for channels that offer a location button
      return { text, choices, expects: spec.locate ? 'location' : 'choice', prompt }
    }
    case 'yesno':
      return { text, choices: yesNoChoices(session, ctx), expects: 'yesno', prompt }
    case 'multi':
    case 'ranking':
      return { ...listQuestionReply(node, spec, session, ctx), prompt }
    case 'text':
      return { text, expects: 'text', prompt, ...(spec.voice === true ? { takesVoice: true } : {}) }
    case 'number':
    case 'location':
    case 'media':
      return { text, expects: spec.type, prompt }
  }
}

/** The two buttons of a yes/no question; their ids are what a button press sends back. */
export function yesNoChoices(session: Session, ctx: EngineContext): Reply['choices'] {
  return [
    { id: 'yes', label: ctx.t(session.locale, 'engine.yes') },
    { id: 'no', label: ctx.t(session.locale, 'engine.no') },
  ]
}
