/** Makes a switch exhaustive: the compiler rejects a call that can be reached. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`)
}
