// Display helpers. Times from the server carry the business time zone's offset, so the
// wall-clock part is shown as it is.
import { groupMoney } from './money'
import { i18n } from '@/i18n'
import { ApiError } from '@/api/client'
import type { Department, Flag } from '@/api/types'

export function fmtTime(s: string | null | undefined): string {
  if (!s) return ''
  return s.slice(0, 16).replace('T', ' ')
}

export function fmtDate(s: string | null | undefined): string {
  return s ? s.slice(0, 10) : ''
}

export function money(s: string | null | undefined): string {
  return groupMoney(s)
}

export function pct(rate: string | null | undefined): string {
  if (rate === null || rate === undefined || rate === '') return ''
  // "0.13" → "13%" without floats.
  const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(rate)
  if (!m) return rate
  const frac = (m[2] ?? '').padEnd(4, '0')
  const whole = BigInt(m[1]) * 100n + BigInt(frac.slice(0, 2))
  const rest = frac.slice(2).replace(/0+$/, '')
  return whole.toString() + (rest ? '.' + rest : '') + '%'
}

// A wait in words: "45 秒", "5 分钟", "2 minutes" (whole minutes from one minute up).
export function durationText(seconds: number): string {
  const t = i18n.global.t
  if (seconds < 60) return t('common.seconds', { n: seconds }, seconds)
  const m = Math.ceil(seconds / 60)
  return t('common.minutes', { n: m }, m)
}

// A list in running text: 销售、财务 in Chinese, "Sales, Finance" in English.
export function joinList(items: string[]): string {
  return items.join(i18n.global.t('common.listSep'))
}

// Flags of one kind together, with the lines they concern ("低于最低价 · 第 1、2 行"),
// in the order the server lists them.
export interface FlagGroup {
  code: string
  department: Department
  lines: number[]
  text: string
}
export function groupFlags(flags: Flag[] | null | undefined): FlagGroup[] {
  const groups = new Map<string, FlagGroup>()
  for (const f of flags ?? []) {
    let g = groups.get(f.code)
    if (!g) groups.set(f.code, (g = { code: f.code, department: f.department, lines: [], text: '' }))
    if (f.line_no !== null && f.line_no !== undefined && !g.lines.includes(f.line_no)) g.lines.push(f.line_no)
  }
  for (const g of groups.values()) g.text = flagText(g.code, g.lines)
  return [...groups.values()]
}

// A flag's name, with the lines it concerns when it concerns lines.
export function flagText(code: string, lines: number[] = []): string {
  const t = i18n.global.t
  const name = i18n.global.te('flag.' + code) ? t('flag.' + code) : code
  if (lines.length === 0) return name
  return `${name} · ${t('order.onLines', { lines: joinList(lines.map(String)) }, lines.length)}`
}

// Today's date in the business time zone (Asia/Shanghai), YYYY-MM-DD.
export function businessToday(): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date())
  return parts
}

// A one-line text for an error: the translated title of its code and the server's
// own message, which says exactly what went wrong.
export function errorText(e: unknown): string {
  const t = i18n.global.t
  if (e instanceof ApiError) {
    const key = `errors.${e.code}`
    const title = i18n.global.te(key) ? t(key) : t('errors.unknown')
    const sep = i18n.global.locale.value === 'en' ? ': ' : '：'
    // A validation failure says what is wrong field by field.
    const fields = Object.entries(e.fields)
    if (e.code === 'validation_failed' && fields.length) {
      return title + sep + fields.map(([k, v]) => `${k} ${v}`).join('; ')
    }
    if (!e.message || e.message === title) return title
    return `${title}${sep}${e.message}`
  }
  return e instanceof Error ? e.message : String(e)
}
