import { PGlite, protocol, type QueryOptions, type Results, type Transaction, types } from '@electric-sql/pglite'

/**
 * PGlite whose `query` keeps its statements prepared. PGlite's own `query` parses, analyses and
 * plans the statement on every call and crosses into PostgreSQL six times doing it (parse,
 * describe, bind, describe, execute, sync); the runtime's turn statement took 680 µs of CPU that
 * way against 110 µs prepared (measured on this machine, the data directory on disk). Here a text
 * is parsed and described once, under a name of its own, and every later call is one crossing:
 * bind, execute and sync in one message. PostgreSQL keeps the plan (custom for the first five
 * executions, then generic when that is no worse), as it does for postgres.js's prepared
 * statements on the server.
 *
 * The statements kept are bounded (`maxStatements`, the least recently used closed first), since
 * a text that differs with its number of values (an insert of n rows) makes a statement per n.
 * Options other than `rowMode` and `parsers` (what drizzle passes) go the way PGlite runs them.
 * Drizzle, the migrations and `directQuery` all call `query`, so every statement of the app on
 * PGlite runs this way.
 */
export class PreparedPGlite extends PGlite {
  readonly #statements = new Map<string, PreparedStatement>()
  #maxStatements = DEFAULT_MAX_STATEMENTS
  #names = 0

  /** How many statements are kept prepared at most (at least 1). */
  set maxStatements(value: number) {
    this.#maxStatements = Math.max(1, Math.floor(value))
  }

  /** The texts kept prepared, least recently used first (tests). */
  get preparedTexts(): string[] {
    return [...this.#statements.keys()]
  }

  override async query<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    if (!preparable(options)) return super.query<T>(text, params, options)
    await this._checkReady()
    return this._runExclusiveTransaction(() => this._runExclusiveQuery(() => this.#run<T>(text, params, options, true)))
  }

  override async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    return super.transaction((tx) => callback(this.#prepared(tx)))
  }

  /** The transaction PGlite hands out, its `query` prepared like this client's (the transaction's lock is held). */
  #prepared(tx: Transaction): Transaction {
    const query = async <R>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<R>> => {
      if (tx.closed) throw new Error('Transaction is closed')
      if (!preparable(options)) return tx.query<R>(text, params, options)
      return this._runExclusiveQuery(() => this.#run<R>(text, params, options, false))
    }
    return {
      query,
      sql: <R>(strings: TemplateStringsArray, ...values: unknown[]) => tx.sql<R>(strings, ...values),
      exec: (text, options) => tx.exec(text, options),
      rollback: () => tx.rollback(),
      listen: (channel, callback) => tx.listen(channel, callback),
      get closed() {
        return tx.closed
      },
    }
  }

  /** Runs `text` prepared, holding PGlite's query lock; `outside` when no transaction is open (PGlite's own then syncs its files). */
  async #run<T>(text: string, params: unknown[], options: QueryOptions | undefined, outside: boolean): Promise<Results<T>> {
    const statement = this.#statements.get(text) ?? (await this.#prepare(text, options))
    // the most recently used last: the first in the map is the one closed when the bound is reached
    this.#statements.delete(text)
    this.#statements.set(text, statement)
    const values = params.map((value, index) => this.#serialized(value, statement.parameterTypes[index]))
    let answer: Awaited<ReturnType<PGlite['execProtocolStream']>>
    try {
      answer = await this.execProtocolStream(
        joined([protocol.serialize.bind({ statement: statement.name, values }), protocol.serialize.execute({}), protocol.serialize.sync()]),
        protocolOptions(options),
      )
    } catch (error) {
      // A table changed under the statement so that its columns differ: PostgreSQL will not run
      // it again. Forgotten here, it is prepared afresh at the next call.
      if (isChangedResultType(error)) this.#forget(text)
      throw error
    }
    if (outside) await this.syncToFs()
    // each column's parser found once: PGlite's own query copied all its parsers (hundreds, with
    // the array types) into a new object for every statement drizzle ran, about 150 µs each
    const parsers = statement.fields.map(({ dataTypeID }): Parser | undefined => options?.parsers?.[dataTypeID] ?? this.parsers[dataTypeID] ?? types.parsers[dataTypeID])
    return results<T>(answer, statement.fields, parsers, options?.rowMode ?? 'object')
  }

  /** Parses and describes `text` under a new name, closing the least recently used statement when the bound is reached. */
  async #prepare(text: string, options: QueryOptions | undefined): Promise<PreparedStatement> {
    const closing: Uint8Array[] = []
    while (this.#statements.size >= this.#maxStatements) {
      const [oldest] = this.#statements
      if (!oldest) break
      this.#statements.delete(oldest[0])
      closing.push(protocol.serialize.close({ type: 'S', name: oldest[1].name }))
    }
    const name = `dialogo_${++this.#names}`
    const answer = await this.execProtocolStream(
      joined([...closing, protocol.serialize.parse({ name, text }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]),
      protocolOptions(options),
    )
    let parameterTypes: number[] = []
    let fields: Field[] = []
    for (const message of answer) {
      if (message instanceof protocol.messages.ParameterDescriptionMessage) parameterTypes = message.dataTypeIDs
      if (message instanceof protocol.messages.RowDescriptionMessage) fields = message.fields.map(({ name: field, dataTypeID }) => ({ name: field, dataTypeID }))
    }
    return { name, parameterTypes, fields }
  }

  #forget(text: string): void {
    const statement = this.#statements.get(text)
    if (!statement) return
    this.#statements.delete(text)
    // closed with the next statement prepared would be tidier; closing now keeps it simple and is rare
    this.execProtocolRawSync(joined([protocol.serialize.close({ type: 'S', name: statement.name }), protocol.serialize.sync()]))
  }

  /** A parameter as PGlite's own `query` hands it over: null, its type's serializer, or its text (serializers given per call go PGlite's own way). */
  #serialized(value: unknown, type: number | undefined): string | null {
    if (value === null || value === undefined) return null
    const serializer = type === undefined ? undefined : this.serializers[type]
    if (serializer) return serializer(value)
    return String(value)
  }
}

/** Statements kept prepared at most: the app runs about a hundred distinct ones. */
const DEFAULT_MAX_STATEMENTS = 256

type Field = { name: string; dataTypeID: number }
type PreparedStatement = { name: string; parameterTypes: number[]; fields: Field[] }

/** The options this client prepares for; any other (a blob, parameter types, serializers given per call) runs as PGlite runs it. */
function preparable(options: QueryOptions | undefined): boolean {
  if (!options) return true
  return Object.keys(options).every((key) => key === 'rowMode' || key === 'parsers' || key === 'onNotice')
}

/** How a statement's messages are run: PGlite's own query syncs its files itself, after the statement; notices go where the call asked. */
function protocolOptions(options: QueryOptions | undefined) {
  return { syncToFs: false, ...(options?.onNotice ? { onNotice: options.onNotice } : {}) }
}

function isChangedResultType(error: unknown): boolean {
  return error instanceof protocol.messages.DatabaseError && error.code === '0A000'
}

function joined(parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.byteLength
  const message = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    message.set(part, offset)
    offset += part.byteLength
  }
  return message
}

type Parser = types.Parser

/** The rows and the counts PostgreSQL answered, in the shape PGlite's `query` gives (its first result). */
function results<T>(answer: readonly { name: string }[], fields: Field[], parsers: (Parser | undefined)[], rowMode: 'array' | 'object'): Results<T> {
  const rows: unknown[] = []
  for (const message of answer) {
    if (message instanceof protocol.messages.DataRowMessage) {
      const values = message.fields.map((value, index): unknown => {
        if (value === null) return null
        const parser = parsers[index]
        return parser ? (parser(value, fields[index]?.dataTypeID ?? types.TEXT) as unknown) : value
      })
      if (rowMode === 'array') rows.push(values)
      else {
        const row: Record<string, unknown> = {}
        fields.forEach((field, index) => {
          row[field.name] = values[index]
        })
        rows.push(row)
      }
    } else if (message instanceof protocol.messages.CommandCompleteMessage) {
      const words = message.text.split(' ')
      const command = words[0] ?? ''
      const count = Number.parseInt(words[words.length - 1] ?? '', 10)
      const affectedRows = ['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE'].includes(command) ? count : 0
      const done: Results<T> & { command: string; rowCount?: number } = { rows: rows as T[], fields, command, affectedRows }
      if (!Number.isNaN(count)) done.rowCount = count
      return done
    }
  }
  return { rows: rows as T[], fields, affectedRows: 0 }
}
