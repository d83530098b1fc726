import type { FlowDefinition } from './flow-definition.js'

/**
 * Joining a mesa de diálogo's group with the code the table shared: "unirme K7QM3-XHA2P" arrives
 * with `code` set; "unirme" alone asks for it.
 */
export const pollJoinFlow = {
  id: 'pollJoin',
  title: 'pollJoin.title',
  triggers: { words: 'pollJoin.triggers', code: 'optional' },
  start: 'hasCode',
  nodes: {
    hasCode: { kind: 'branch', cases: [{ when: { var: 'code', present: true }, next: 'join' }], default: 'code' },
    code: { kind: 'ask', var: 'code', prompt: 'pollJoin.code.prompt', input: { type: 'text', min: 4, max: 20 }, next: 'join' },
    join: { kind: 'effect', effect: 'poll.join', args: { code: 'code' }, resultVar: 'joined', next: 'outcome' },
    outcome: {
      kind: 'branch',
      cases: [
        { when: { var: 'joined.limited', in: [true] }, next: 'limited' },
        { when: { var: 'joined.already', in: [true] }, next: 'already' },
        { when: { var: 'joined.joined', in: [true] }, next: 'welcome' },
      ],
      default: 'notFound',
    },
    welcome: { kind: 'end', text: 'pollJoin.welcome' },
    already: { kind: 'end', text: 'pollJoin.already' },
    notFound: { kind: 'end', text: 'pollJoin.notFound' },
    limited: { kind: 'end', text: 'pollJoin.limited' },
  },
} satisfies FlowDefinition

/** "recibir consultas": the polls of one's municipality, asked department first like a complaint. */
export const pollSubscribeFlow = {
  id: 'pollSubscribe',
  title: 'pollSubscribe.title',
  triggers: { words: 'pollSubscribe.triggers' },
  start: 'department',
  nodes: {
    department: {
      kind: 'ask',
      var: 'department',
      prompt: 'pollSubscribe.department.prompt',
      input: { type: 'choice', source: { from: 'departments' } },
      next: 'municipality',
    },
    municipality: {
      kind: 'ask',
      var: 'municipality',
      prompt: 'pollSubscribe.municipality.prompt',
      input: { type: 'choice', source: { from: 'municipalities', departmentVar: 'department' } },
      next: 'save',
    },
    save: { kind: 'effect', effect: 'poll.subscribe', args: { municipality: 'municipality' }, resultVar: 'saved', next: 'done' },
    done: { kind: 'end', text: 'pollSubscribe.done' },
  },
} satisfies FlowDefinition

/**
 * "salir": no more polls. In one group (or only subscribed) it leaves at once; in several it asks
 * which, by code, or "todas" for every group and the subscription.
 */
/**
 * "seguir consulta": back into the oldest poll the member set aside (went to the menu, or another
 * conversation came first); it starts where a reminder would.
 */
export const pollResumeFlow = {
  id: 'pollResume',
  title: 'pollResume.title',
  triggers: { words: 'pollResume.triggers' },
  start: 'find',
  nodes: {
    find: { kind: 'effect', effect: 'poll.pending', args: {}, resultVar: 'pending', next: 'resume' },
    resume: { kind: 'enter', flowVar: 'pending.flow', vars: { poll: 'pending.poll' }, otherwise: 'none' },
    none: { kind: 'end', text: 'pollResume.none' },
  },
} satisfies FlowDefinition

export const pollLeaveFlow = {
  id: 'pollLeave',
  title: 'pollLeave.title',
  // "salir CODE" leaves that group; "salir" alone mid-complaint cancels the complaint instead
  triggers: { words: 'pollLeave.triggers', code: 'optional', cancelsOwnFlow: true },
  start: 'leave',
  nodes: {
    leave: { kind: 'effect', effect: 'poll.leave', args: { which: 'code' }, resultVar: 'left', next: 'outcome' },
    outcome: {
      kind: 'branch',
      cases: [
        { when: { var: 'left.ask', in: [true] }, next: 'which' },
        { when: { var: 'left.group', present: true }, next: 'oneGroup' },
        { when: { var: 'left.left', in: [true] }, next: 'done' },
      ],
      default: 'nothing',
    },
    // the answer is named `code` so a bare group code typed here answers it (and is not read as a status lookup)
    which: { kind: 'ask', var: 'code', prompt: 'pollLeave.which.prompt', input: { type: 'text', min: 1, max: 40 }, next: 'leave' },
    oneGroup: { kind: 'end', text: 'pollLeave.oneGroup' },
    done: { kind: 'end', text: 'pollLeave.done' },
    nothing: { kind: 'end', text: 'pollLeave.nothing' },
  },
} satisfies FlowDefinition
