// Events in words: an order's timeline entries and the audit log's changes, with field
// names and codes translated where the console has a label for them.
import { i18n, tc } from '@/i18n'
import type { OrderEvent } from '@/api/types'
import { camel, readChanges, valueText } from './changes'
import { joinList, money, pct } from './format'
import { groupMoney } from './money'

const t = (key: string, named?: Record<string, unknown>) => (named ? i18n.global.t(key, named) : i18n.global.t(key))
const te = (key: string) => i18n.global.te(key)

// Where a field's label is when its name is not the label key in the record's section.
const FIELD_KEYS: Record<string, string> = {
  customer_id: 'order.customer',
  product_id: 'stock.product',
  warehouse_id: 'stock.warehouse',
  lead_time_days: 'product.leadTime',
  requested_delivery_date: 'order.requestedDate',
  discount_amount: 'order.discount',
  discount_rate: 'order.discountRate',
  qty_delta: 'audit.qtyDelta',
  invoice_type: 'order.invoiceType',
  number: 'order.number',
  gross: 'order.gross',
  lines: 'order.lines',
  flags: 'order.flags',
  round: 'audit.round',
  comment: 'order.comment',
}
// Where the labels of a record's fields are when the section is not named as the record.
const SECTIONS: Record<string, string> = { settings: 'companySettings' }
// The closed sets whose codes are translated, by field.
const CODE_GROUPS: Record<string, string> = {
  roles: 'role',
  channel: 'channel',
  confirmation_channels: 'channel',
  method: 'paymentMethod',
  price_mode: 'priceMode',
  invoice_type: 'invoiceType',
  default_invoice_type: 'invoiceType',
  department: 'department',
  decision: 'decision',
  flags: 'flag',
  locale: 'locale',
}
const RATE = /(^|_)rate$/
const MONEY = /(price|limit|gross|net|tax|freight|amount|discount)$/
const DECIMAL = /^-?\d+(\.\d+)?$/

export function fieldLabel(entity: string, field: string): string {
  for (const key of [FIELD_KEYS[field], `${SECTIONS[entity] ?? entity}.${camel(field)}`, `order.${camel(field)}`, `common.${camel(field)}`]) {
    if (key && te(key)) return t(key)
  }
  return field
}

function codeLabel(entity: string, field: string, value: string): string {
  if (field === 'status') return te('customerStatus.' + value) && entity !== 'order' ? tc('customerStatus', value) : tc('status', value)
  if (field === 'password') return t('audit.passwordChanged')
  if (value === 'true' || value === 'false') {
    if (field === 'active') return t(value === 'true' ? 'common.active' : 'common.inactive')
    return t(value === 'true' ? 'common.yes' : 'common.no')
  }
  if (CODE_GROUPS[field]) return tc(CODE_GROUPS[field], value)
  if (DECIMAL.test(value) && RATE.test(field)) return pct(value)
  if (DECIMAL.test(value) && MONEY.test(field)) return groupMoney(value)
  return value
}

// Fields shown first when present (a stock adjustment reads "change, on hand, reason").
const FIRST = ['qty_delta', 'on_hand']

export interface ChangeItem {
  field: string
  label: string
  text: string
}

// An audit event's data as "label: before → after" (a change) or "label: value" items.
export function changeItems(ev: Pick<OrderEvent, 'entity' | 'action' | 'data'>): ChangeItem[] {
  const sep = t('common.listSep')
  const text = (field: string, v: unknown) => valueText(v, sep, (f, x) => codeLabel(ev.entity, f, x), field)
  const changes = readChanges(ev.action, ev.data)
  const rank = (f: string) => (FIRST.includes(f) ? FIRST.indexOf(f) : FIRST.length)
  changes.sort((a, b) => rank(a.field) - rank(b.field))
  return changes.map((c) => ({
    field: c.field,
    label: fieldLabel(ev.entity, c.field),
    text: c.changed ? `${text(c.field, c.before)} → ${text(c.field, c.after)}` : text(c.field, c.after),
  }))
}

// One line for an order's timeline entry (and the audit log's order events).
export function orderEventText(ev: Pick<OrderEvent, 'entity' | 'action' | 'data'>): string {
  const d = ev.data ?? {}
  const parts: string[] = []
  switch (ev.action) {
    case 'create':
      if (d.number) parts.push(String(d.number))
      if (d.gross) parts.push(`${t('order.gross')} ${money(String(d.gross))}`)
      break
    case 'edit':
      for (const c of changeItems(ev)) parts.push(`${c.label} ${c.text}`)
      break
    case 'submit': {
      if (d.round) parts.push(t('order.round', { n: d.round }))
      // One code per flagged line: each kind once.
      const flags = Array.isArray(d.flags) ? [...new Set(d.flags as string[])] : []
      parts.push(flags.length ? joinList(flags.map((f) => tc('flag', f))) : t('order.noFlags'))
      break
    }
    case 'review':
      if (d.round) parts.push(t('order.round', { n: d.round }))
      parts.push(`${tc('department', String(d.department))}: ${tc('decision', String(d.decision))}`)
      if (d.override_price) parts.push(t('order.overridePrice'))
      if (d.override_credit) parts.push(t('order.overrideCredit'))
      if (d.restock_date) parts.push(`${t('order.restockDate')} ${d.restock_date}`)
      if (d.comment) parts.push(`“${d.comment}”`)
      if (d.status) parts.push(`→ ${tc('status', String(d.status))}`)
      break
    case 'cancel':
    case 'hold':
      if (d.from) parts.push(`${tc('status', String(d.from))} →`)
      if (d.reason) parts.push(`${t('action.reason')}: ${d.reason}`)
      break
    case 'release':
      if (d.to) parts.push(`→ ${tc('status', String(d.to))}`)
      break
  }
  return parts.join(' · ')
}
