import { z } from 'zod'
import { FlowSchema, type Flow, type FlowNode } from './types.js'

/**
 * Parses flow definitions and checks that they hold together: unique ids, every `next` names a
 * node of its flow or `@` an existing flow, every node is reachable and can reach an end (or
 * another flow). Throws one Error listing every problem, so a bad deploy fails at start-up.
 */
export function validateFlows(input: Readonly<Record<string, unknown>> | readonly unknown[]): Record<string, Flow> {
  const problems: string[] = []
  const entries: [string, unknown][] = Array.isArray(input)
    ? input.map((flow, i): [string, unknown] => [`#${i}`, flow])
    : Object.entries(input)
  const flows: Flow[] = []
  for (const [key, raw] of entries) {
    const parsed = FlowSchema.safeParse(raw)
    if (!parsed.success) {
      problems.push(`flow ${key}: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`)
      continue
    }
    if (!Array.isArray(input) && key !== parsed.data.id) problems.push(`flow under key "${key}" has id "${parsed.data.id}"`)
    if (flows.some((flow) => flow.id === parsed.data.id)) problems.push(`flow id "${parsed.data.id}" is used twice`)
    flows.push(parsed.data)
  }
  const ids = new Set(flows.map((flow) => flow.id))
  for (const flow of flows) problems.push(...flowProblems(flow, ids))
  problems.push(...roleProblems(flows))
  if (problems.length > 0) throw new Error(`invalid flows:\n- ${problems.join('\n- ')}`)
  return Object.fromEntries(flows.map((flow) => [flow.id, flow]))
}

/**
 * Checks that every effect a flow names has a handler: a flow asking for an effect nobody performs
 * would leave a citizen waiting, so start-up stops instead, naming the flow and the node.
 */
export function validateEffects(flows: Readonly<Record<string, Flow>>, handled: Iterable<string>): void {
  const known = new Set(handled)
  const problems = Object.values(flows).flatMap((flow) =>
    Object.entries(flow.nodes).flatMap(([nodeId, node]) =>
      node.kind === 'effect' && !known.has(node.effect) ? [`flow "${flow.id}" node "${nodeId}": no handler for effect "${node.effect}"`] : [],
    ),
  )
  if (problems.length > 0) throw new Error(`invalid flows:\n- ${problems.join('\n- ')}\n(effects with a handler: ${[...known].sort().join(', ')})`)
}

/** One flow per role, one flow for a code sent alone, and trigger options only where a code is taken. */
function roleProblems(flows: readonly Flow[]): string[] {
  const problems: string[] = []
  for (const role of new Set(flows.flatMap((flow) => (flow.role === undefined ? [] : [flow.role])))) {
    const holders = flows.filter((flow) => flow.role === role).map((flow) => `"${flow.id}"`)
    if (holders.length > 1) problems.push(`flows ${holders.join(', ')} all have the role "${role}"`)
  }
  const bare = flows.filter((flow) => flow.triggers?.bareCode === true).map((flow) => `"${flow.id}"`)
  if (bare.length > 1) problems.push(`flows ${bare.join(', ')} all take a code sent alone (bareCode)`)
  for (const flow of flows) {
    const trigger = flow.triggers
    if (trigger?.code === 'none' && (trigger.malformed === true || trigger.bareCode === true)) {
      problems.push(`flow "${flow.id}": its trigger takes no code, so malformed and bareCode mean nothing`)
    }
  }
  return problems
}

function flowProblems(flow: Flow, flowIds: ReadonlySet<string>): string[] {
  const problems: string[] = []
  const at = (nodeId: string) => `flow "${flow.id}" node "${nodeId}"`
  const nodes = Object.entries(flow.nodes)
  if (!Object.hasOwn(flow.nodes, flow.start)) problems.push(`flow "${flow.id}": start node "${flow.start}" does not exist`)
  for (const [nodeId, node] of nodes) {
    for (const target of targets(node)) {
      if (target.startsWith('@') ? !flowIds.has(target.slice(1)) : !Object.hasOwn(flow.nodes, target)) {
        problems.push(`${at(nodeId)}: next "${target}" does not exist`)
      }
    }
    if (node.kind === 'ask' && node.input.type === 'choice' && node.input.source.from === 'static') {
      const optionIds = node.input.source.options.map((option) => option.id)
      const repeated = optionIds.filter((id, i) => optionIds.indexOf(id) !== i)
      if (repeated.length > 0) problems.push(`${at(nodeId)}: option ids repeated: ${repeated.join(', ')}`)
    }
  }
  if (problems.length > 0) return problems

  const reachable = walk([flow.start], (id) => localTargets(flow.nodes[id]))
  for (const [nodeId] of nodes) if (!reachable.has(nodeId)) problems.push(`${at(nodeId)}: cannot be reached from "${flow.start}"`)
  // walk backwards from the exits: a node that reaches none traps the citizen (or loops forever)
  const exits = nodes.filter(([, node]) => node.kind === 'end' || targets(node).some((t) => t.startsWith('@'))).map(([id]) => id)
  const leadsTo = new Map<string, string[]>()
  for (const [nodeId, node] of nodes) {
    for (const target of localTargets(node)) leadsTo.set(target, [...(leadsTo.get(target) ?? []), nodeId])
  }
  const canFinish = walk(exits, (id) => leadsTo.get(id) ?? [])
  for (const nodeId of reachable) if (!canFinish.has(nodeId)) problems.push(`${at(nodeId)}: no end can be reached from it`)
  return problems
}

function targets(node: FlowNode): string[] {
  switch (node.kind) {
    case 'branch':
      return [...node.cases.map((c) => c.next), node.default]
    case 'end':
      return []
    case 'enter':
      return [node.otherwise]
    case 'say':
    case 'ask':
    case 'effect':
    case 'setLocale':
      return [node.next]
  }
}

function localTargets(node: FlowNode | undefined): string[] {
  return node ? targets(node).filter((target) => !target.startsWith('@')) : []
}

function walk(from: readonly string[], next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set(from)
  const queue = [...from]
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const target of next(id)) {
      if (!seen.has(target)) {
        seen.add(target)
        queue.push(target)
      }
    }
  }
  return seen
}
