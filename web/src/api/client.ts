// A small fetch wrapper for the Ordo API. Every call sends the bearer token; a 401 from
// any call but login ends the session (the auth store sends the user back to login).
// Non-2xx answers become ApiError with the server's code, message and details.
import type { ApiErrorBody } from './types'

const TOKEN_KEY = 'ordo.token'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>
  // Seconds to wait before trying again (429, 503): the Retry-After header, else
  // details.retry_after; null when the server did not say.
  readonly retryAfter: number | null

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    retryAfter: number | null = null,
  ) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
    this.retryAfter = retryAfter ?? parseRetryAfter(details?.retry_after)
  }

  // A 5xx or no answer at all: the request may or may not have taken effect.
  get outcomeUnknown(): boolean {
    return this.status === 0 || this.status >= 500
  }

  // details.fields of a 422 validation_failed: field path → reason.
  get fields(): Record<string, string> {
    const f = this.details?.fields
    return f && typeof f === 'object' ? (f as Record<string, string>) : {}
  }
}

// Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3).
export function parseRetryAfter(v: unknown, now: number = Date.now()): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.ceil(v) : null
  if (typeof v !== 'string' || v.trim() === '') return null
  const s = v.trim()
  if (/^\d+$/.test(s)) return Number(s)
  const at = Date.parse(s)
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - now) / 1000))
}

let unauthorizedHandler: (() => void) | null = null

export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler
}

// The console's language, sent as Accept-Language so the server's error messages and
// field reasons come back in it (zh-CN by default, as the console).
function currentLocale(): string {
  try {
    const saved = JSON.parse(localStorage.getItem('ordo.settings') ?? '{}') as { locale?: string }
    return saved.locale || 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY)
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token)
  else localStorage.removeItem(TOKEN_KEY)
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined>
  body?: unknown
  ifMatch?: number
  idempotencyKey?: string
  // Login answers 401 for a wrong password: that is not an expired session.
  noAuthRedirect?: boolean
}

export function buildQuery(query?: RequestOptions['query']): string {
  if (!query) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    p.set(k, String(v))
  }
  const s = p.toString()
  return s ? '?' + s : ''
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLocale(),
  }
  const token = getToken()
  if (token) headers.Authorization = `Bearer ${token}`
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (opts.ifMatch !== undefined) headers['If-Match'] = String(opts.ifMatch)
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey
  let resp: Response
  try {
    resp = await fetch('/api/v1' + path + buildQuery(opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e))
  }
  if (resp.status === 204) return undefined as T
  const text = await resp.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!resp.ok) {
    const err = (data as ApiErrorBody | undefined)?.error
    const apiError = new ApiError(
      resp.status,
      err?.code ?? 'http_' + resp.status,
      err?.message ?? resp.statusText,
      err?.details ?? {},
      parseRetryAfter(resp.headers.get('Retry-After')),
    )
    if (resp.status === 401 && !opts.noAuthRedirect && unauthorizedHandler) unauthorizedHandler()
    throw apiError
  }
  return data as T
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  patch: <T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PATCH', path, { ...opts, body }),
}

// Fetches every page of a list (page_size 200) up to maxPages. Returns the items and
// whether the list was cut short.
export async function fetchAll<T>(
  path: string,
  query: RequestOptions['query'] = {},
  maxPages = 20,
): Promise<{ items: T[]; total: number; truncated: boolean }> {
  const items: T[] = []
  let total = 0
  for (let page = 1; page <= maxPages; page++) {
    const r = await api.get<{ items: T[]; total: number }>(path, { ...query, page, page_size: 200 })
    total = r.total
    items.push(...r.items)
    if (items.length >= r.total || r.items.length === 0) return { items, total, truncated: false }
  }
  return { items, total, truncated: items.length < total }
}

// fn over items with at most `limit` calls at a time; the results in the items' order.
export async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
