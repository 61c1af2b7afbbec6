// What an audit event says changed, in every form the server has written it:
//   {"credit_limit": {"before": "1.00", "after": "2.00"}}  update events now: changed fields only
//   {"active": [true, false]}                              older update and edit events: [before, after]
//   {"name": "x", "code": "C1"}                            plain values: create, adjust, older updates
// The console turns each into "field: before → after" or "field: value".
// And the other way round: what a form changed, for a PATCH (changedPart).
//
// No imports, so that the unit tests (scripts/unit-test.mjs) can load it on its own.

export interface Change {
  field: string
  // A change has both; a plain value has only `after`.
  before?: unknown
  after: unknown
  changed: boolean
}

function isBeforeAfter(v: unknown): v is { before: unknown; after: unknown } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const keys = Object.keys(v)
  return keys.length === 2 && keys.includes('before') && keys.includes('after')
}

// Actions whose two-element arrays are [before, after] pairs; elsewhere an array is a
// value (a submit's flags, a create's lines).
const PAIR_ACTIONS = new Set(['update', 'edit'])

export function readChanges(action: string, data: unknown): Change[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return []
  const out: Change[] = []
  for (const [field, v] of Object.entries(data as Record<string, unknown>)) {
    if (isBeforeAfter(v)) out.push({ field, before: v.before, after: v.after, changed: true })
    else if (PAIR_ACTIONS.has(action) && Array.isArray(v) && v.length === 2) {
      out.push({ field, before: v[0], after: v[1], changed: true })
    } else out.push({ field, after: v, changed: false })
  }
  return out
}

// A value as short text: scalars as they are, lists joined, objects as "key value"
// pairs; `label` translates the codes it knows (roles, statuses). null and "" are "—".
export function valueText(
  v: unknown,
  sep: string,
  label: (field: string, value: string) => string = (_f, x) => x,
  field = '',
): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'string') return label(field, v)
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  if (typeof v === 'boolean') return label(field, String(v))
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(x, sep, label, field)).join(sep) : '—'
  if (typeof v === 'object') {
    const text = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => (typeof x === 'object' ? valueText(x, sep, label, k) : label(k, String(x))))
      .join(' ')
    return text || '—' // every field empty (a company with no details yet)
  }
  return String(v)
}

// snake_case API field → camelCase label key ("credit_limit" → "creditLimit").
export function camel(field: string): string {
  return field.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

// The part of `after` that differs from `before`, for a PATCH that replaces objects key by
// key (the company settings): objects keep only their changed keys, recursively; anything
// else (text, numbers, lists) has changed or not as a whole. undefined when nothing has.
export function changedPart(before: unknown, after: unknown): unknown {
  if (isPlainObject(before) && isPlainObject(after)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(after)) {
      const c = changedPart(before[k], v)
      if (c !== undefined) out[k] = c
    }
    return Object.keys(out).length ? out : undefined
  }
  return JSON.stringify(before) === JSON.stringify(after) ? undefined : after
}
