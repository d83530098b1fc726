import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number }

export type AppProcess = {
  /** http://127.0.0.1:<port> */
  url: string
  pid: number
  child: ChildProcess
  /** everything it printed so far (stdout and stderr) */
  output: () => string
  exited: Promise<Exit>
  /** sends `signal` and resolves with how the process ended (SIGKILL after `killAfterMs`) */
  stop: (signal?: NodeJS.Signals, killAfterMs?: number) => Promise<Exit & { tookMs: number }>
}

export type AppProcessOptions = {
  /** the app's environment (PORT, HOST and LOG_LEVEL are set here unless given) */
  env: Record<string, string>
  /** how long start-up may take before the test gives up (and kills it) */
  readyTimeoutMs?: number
  /** killed with SIGKILL after this long whatever happens, so no test leaves it running */
  lifetimeMs?: number
  /** `src/main.ts` through tsx unless a built entry (`dist/main.js`) is given */
  entry?: string
  /** Node flags before the entry (a benchmark passes those `npm start` uses) */
  nodeFlags?: readonly string[]
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * The real app as a child process (`node --import tsx src/main.ts`) on 127.0.0.1 at a port of
 * its choosing (PORT=0, read from its start-up log line). Resolves once it serves HTTP.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const entry = options.entry ?? 'src/main.ts'
  const args = [...(options.nodeFlags ?? []), ...(entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry])]
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // the test's own environment is not passed on (TEST_DATABASE_URL, a developer's tokens)
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let output = ''
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal, at: Date.now() })
    })
  })
  const lifetime = setTimeout(() => child.kill('SIGKILL'), options.lifetimeMs ?? 180_000)
  lifetime.unref()
  void exited.then(() => clearTimeout(lifetime))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the app did not start within ${options.readyTimeoutMs ?? 60_000} ms:\n${output.slice(-3000)}`))
    }, options.readyTimeoutMs ?? 60_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const match = /"port":(\d+),"database":"\w+","msg":"Diálogo is running/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    void exited.then((exit) => {
      clearTimeout(timer)
      reject(new Error(`the app exited (${exit.code ?? exit.signal}) before serving:\n${output.slice(-3000)}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', killAfterMs = 15_000) {
      const began = Date.now()
      if (child.exitCode !== null || child.signalCode !== null) return { ...(await exited), tookMs: 0 }
      const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      child.kill(signal)
      const exit = await exited
      clearTimeout(killer)
      return { ...exit, tookMs: exit.at - began }
    },
  }
}

/** Polls `check` every `everyMs` until it answers something defined; throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
