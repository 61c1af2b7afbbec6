// Exact decimal arithmetic for the order form, with the server's rules (docs/api.md,
// src/domain/pricing.cc). Values are BigInt counts of the smallest unit: money in cents
// (scale 2), quantities in thousandths (scale 3), rates in ten-thousandths (scale 4).
// Products are kept exact and rounded once, half away from zero. No float ever touches
// money. The server's answer is authoritative after a save.

export const MONEY_SCALE = 2
export const QTY_SCALE = 3
export const RATE_SCALE = 4

const DECIMAL_RE = /^-?\d+(\.\d+)?$/

export function pow10(n: number): bigint {
  return 10n ** BigInt(n)
}

// Parses "12", "-12.5", "0.125" into units of 10^-scale. Returns null for text that is
// not a plain decimal or that has more than `scale` decimals.
export function parseUnits(text: string | number | null | undefined, scale: number): bigint | null {
  if (text === null || text === undefined) return null
  const s = String(text).trim()
  if (!DECIMAL_RE.test(s)) return null
  const neg = s.startsWith('-')
  const body = neg ? s.slice(1) : s
  const [whole, frac = ''] = body.split('.')
  if (frac.length > scale) return null
  const units = BigInt(whole) * pow10(scale) + BigInt((frac + '0'.repeat(scale)).slice(0, scale) || '0')
  return neg ? -units : units
}

// Rounds a / b to the nearest integer, halves away from zero. b > 0.
export function divRoundHalfUp(a: bigint, b: bigint): bigint {
  if (b < 0n) {
    a = -a
    b = -b
  }
  const neg = a < 0n
  const abs = neg ? -a : a
  let q = abs / b
  const r = abs % b
  if (r * 2n >= b) q += 1n
  return neg ? -q : q
}

// units × 10^-scale as text. trim drops trailing fractional zeros ("10", "2.5").
export function formatUnits(units: bigint, scale: number, trim = false): string {
  const neg = units < 0n
  const abs = neg ? -units : units
  const p = pow10(scale)
  const whole = (abs / p).toString()
  let frac = scale > 0 ? (abs % p).toString().padStart(scale, '0') : ''
  if (trim) frac = frac.replace(/0+$/, '')
  return (neg ? '-' : '') + whole + (frac ? '.' + frac : '')
}

export function formatMoney(cents: bigint): string {
  return formatUnits(cents, MONEY_SCALE)
}

// "1234567.5" → "1,234,567.50" for display. Accepts the server's money strings.
export function groupMoney(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return ''
  const cents = parseUnits(text, MONEY_SCALE)
  if (cents === null) return String(text)
  const s = formatMoney(cents)
  const neg = s.startsWith('-')
  const [whole, frac] = (neg ? s.slice(1) : s).split('.')
  return (neg ? '-' : '') + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + frac
}

export type PriceMode = 'tax_exclusive' | 'tax_inclusive'

export interface LineAmounts {
  net: bigint
  tax: bigint
  gross: bigint
}

// One line's amounts in cents, or null when an input is not a valid decimal.
//   tax_exclusive: net = round(qty × price × (1 − discount)), tax = round(net × rate)
//   tax_inclusive: gross = round(qty × price × (1 − discount)), net = round(gross ÷ (1 + rate))
export function priceLine(
  mode: PriceMode,
  qty: string,
  unitPrice: string,
  discountRate: string,
  taxRate: string,
): LineAmounts | null {
  const q = parseUnits(qty, QTY_SCALE)
  const p = parseUnits(unitPrice, MONEY_SCALE)
  const d = parseUnits(discountRate === '' ? '0' : discountRate, RATE_SCALE)
  const t = parseUnits(taxRate === '' ? '0' : taxRate, RATE_SCALE)
  if (q === null || p === null || d === null || t === null) return null
  const one = pow10(RATE_SCALE)
  // scale 3 + 2 + 4 = 9; cents are scale 2.
  const amount = divRoundHalfUp(q * p * (one - d), pow10(QTY_SCALE + RATE_SCALE))
  if (mode === 'tax_exclusive') {
    const tax = divRoundHalfUp(amount * t, one)
    return { net: amount, tax, gross: amount + tax }
  }
  const net = divRoundHalfUp(amount * one, one + t)
  return { net, tax: amount - net, gross: amount }
}

// The unit price after the line discount, rounded to the cent (the min-price check).
export function effectiveUnitPrice(unitPrice: string, discountRate: string): bigint | null {
  const p = parseUnits(unitPrice, MONEY_SCALE)
  const d = parseUnits(discountRate === '' ? '0' : discountRate, RATE_SCALE)
  if (p === null || d === null) return null
  const one = pow10(RATE_SCALE)
  return divRoundHalfUp(p * (one - d), one)
}

export interface Totals {
  net: bigint
  tax: bigint
  freight: bigint
  discount: bigint
  gross: bigint
}

export function orderTotals(lines: (LineAmounts | null)[], freight: string, discount: string): Totals | null {
  const f = parseUnits(freight === '' ? '0' : freight, MONEY_SCALE)
  const d = parseUnits(discount === '' ? '0' : discount, MONEY_SCALE)
  if (f === null || d === null) return null
  let net = 0n
  let tax = 0n
  let gross = 0n
  for (const l of lines) {
    if (!l) return null
    net += l.net
    tax += l.tax
    gross += l.gross
  }
  return { net, tax, freight: f, discount: d, gross: gross + f - d }
}

// Percent text with up to 2 decimals ("5", "12.5") ⇄ rate text with up to 4 ("0.05").
export function percentToRate(percent: string): string | null {
  const u = parseUnits(percent === '' ? '0' : percent, 2)
  if (u === null) return null
  return formatUnits(u, RATE_SCALE, true)
}

export function rateToPercent(rate: string | null | undefined): string {
  const u = parseUnits(rate ?? '0', RATE_SCALE)
  if (u === null) return ''
  return formatUnits(u, 2, true)
}

// ---- amounts in Chinese capitals (人民银行 rules, as src/domain/chinese_amount.cc) ----

interface Glyphs {
  digits: string[]
  small: string[]
  wan: string
  yi: string
  yuan: string
  jiao: string
  fen: string
  zheng: string
  negative: string
}

const SIMPLIFIED: Glyphs = {
  digits: ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'],
  small: ['', '拾', '佰', '仟'],
  wan: '万',
  yi: '亿',
  yuan: '元',
  jiao: '角',
  fen: '分',
  zheng: '整',
  negative: '负',
}

const TRADITIONAL: Glyphs = {
  digits: ['零', '壹', '貳', '叁', '肆', '伍', '陸', '柒', '捌', '玖'],
  small: ['', '拾', '佰', '仟'],
  wan: '萬',
  yi: '億',
  yuan: '元',
  jiao: '角',
  fen: '分',
  zheng: '整',
  negative: '負',
}

// 1 <= n <= 9999: a run of inner zeros is one 零, trailing zeros dropped, 壹拾 kept.
function group(g: Glyphs, n: bigint): string {
  const places = [1000n, 100n, 10n, 1n]
  let out = ''
  let started = false
  let zeroPending = false
  for (let i = 0; i < 4; i++) {
    const d = Number((n / places[i]) % 10n)
    if (d === 0) {
      if (started) zeroPending = true
      continue
    }
    if (zeroPending) out += g.digits[0]
    out += g.digits[d] + g.small[3 - i]
    started = true
    zeroPending = false
  }
  return out
}

// n >= 1: split at 亿 (recursively) and 万; a short lower part is joined with one 零.
function integer(g: Glyphs, n: bigint): string {
  const YI = 100000000n
  const WAN = 10000n
  if (n >= YI) {
    let out = integer(g, n / YI) + g.yi
    const low = n % YI
    if (low === 0n) return out
    if (low < YI / 10n) out += g.digits[0]
    return out + integer(g, low)
  }
  if (n >= WAN) {
    let out = group(g, n / WAN) + g.wan
    const low = n % WAN
    if (low === 0n) return out
    if (low < WAN / 10n) out += g.digits[0]
    return out + group(g, low)
  }
  return group(g, n)
}

export function amountInWords(cents: bigint, traditional = false): string {
  const g = traditional ? TRADITIONAL : SIMPLIFIED
  if (cents === 0n) return g.digits[0] + g.yuan + g.zheng
  let out = cents < 0n ? g.negative : ''
  const abs = cents < 0n ? -cents : cents
  const yuan = abs / 100n
  const jiao = Number((abs / 10n) % 10n)
  const fen = Number(abs % 10n)
  if (yuan > 0n) {
    out += integer(g, yuan) + g.yuan
    if (jiao === 0 && fen === 0) return out + g.zheng
    if (jiao === 0) out += g.digits[0]
  }
  if (jiao !== 0) out += g.digits[jiao] + g.jiao
  if (fen !== 0) out += g.digits[fen] + g.fen
  return out
}
