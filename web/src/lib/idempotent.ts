// Creating a record so that a retry can never create it twice (API.md: a 5xx, a 503 or
// no answer at all means the outcome is unknown — retry with the same Idempotency-Key).
//
// Each submission attempt gets a new key. When its outcome is unknown the attempt is
// kept, and the next save reuses its key: with the same body the server either creates
// the record now or answers with the one the first request created. If the form was
// changed meanwhile, the kept attempt is sent again first, as it was, to learn what
// happened to it: if it had created the record, that record is the answer (`earlier`);
// if the server refuses it, it created nothing and the new body goes out with a new key.
//
// No imports, so that the unit tests (scripts/unit-test.mjs) can load it on its own.

// What a failed request says about the record: `unknown` (5xx, 503, no answer: it may
// exist), `refused` (the server answered and created nothing: 400, 403, 404, 409, 422…)
// or `none` (the request was not processed, which says nothing about an earlier one:
// 401, 408, 429).
export type Outcome = 'unknown' | 'refused' | 'none'

export function failureOutcome(status: number): Outcome {
  if (status === 0 || status >= 500) return 'unknown'
  if (status === 401 || status === 408 || status === 429) return 'none'
  return 'refused'
}

export interface Attempt {
  key: string
  body: string
}

export type Send<T> = (body: string, key: string) => Promise<T>

export class IdempotentCreate<T> {
  // The attempt whose outcome is unknown, if any.
  pending: Attempt | null = null

  constructor(
    private readonly newKey: () => string,
    private readonly statusOf: (e: unknown) => number,
  ) {}

  // Sends body (JSON text) with the right key; resolves with the answer and whether it
  // is the record an earlier attempt created (the body given was then not sent).
  async create(body: string, send: Send<T>): Promise<{ result: T; earlier: boolean }> {
    if (this.pending && this.pending.body !== body) {
      const result = await this.attempt(this.pending, send)
      if (result !== undefined) return { result, earlier: true }
    }
    const attempt = this.pending ?? { key: this.newKey(), body }
    const result = await this.attempt(attempt, send, true)
    return { result: result as T, earlier: false }
  }

  // One request. A refusal of a kept attempt resolves undefined (it created nothing)
  // unless `rethrow`; every other failure is thrown.
  private async attempt(a: Attempt, send: Send<T>, rethrow = false): Promise<T | undefined> {
    try {
      const result = await send(a.body, a.key)
      this.pending = null
      return result
    } catch (e) {
      const outcome = failureOutcome(this.statusOf(e))
      if (outcome === 'unknown') this.pending = a
      if (outcome === 'refused') this.pending = null
      if (outcome === 'refused' && !rethrow) return undefined
      throw e
    }
  }
}

// A random key: "console-" and 32 hex digits.
export function randomKey(): string {
  const r = new Uint8Array(16)
  crypto.getRandomValues(r)
  return 'console-' + Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('')
}
