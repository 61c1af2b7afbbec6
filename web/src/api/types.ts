// The shapes the Ordo API answers (docs/api.md, src/http/openapi.json). Money, quantities
// and rates are decimal strings.

export type Role =
  | 'admin'
  | 'sales_rep'
  | 'sales_manager'
  | 'finance'
  | 'warehouse'
  | 'production'
  | 'logistics'
  | 'service'
  | 'analyst'
  | 'auditor'
  | 'partner'

export const ROLES: Role[] = [
  'admin',
  'sales_rep',
  'sales_manager',
  'finance',
  'warehouse',
  'production',
  'logistics',
  'service',
  'analyst',
  'auditor',
  'partner',
]

export type Locale = 'zh-CN' | 'zh-TW' | 'en'

export interface User {
  id: number
  username: string
  display_name: string
  roles: Role[]
  partner_id: number | null
  active: boolean
  locale: Locale
  created_at: string
  updated_at: string
  version: number
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export interface Contact {
  name: string
  phone: string
  email: string
}

export type PaymentMethod = 'prepayment' | 'cash_on_delivery' | 'net' | 'installment'
export const PAYMENT_METHODS: PaymentMethod[] = ['prepayment', 'cash_on_delivery', 'net', 'installment']

export interface PaymentTerms {
  method: PaymentMethod
  net_days?: number
  prepay_percent?: string
}

export type InvoiceType = 'vat_special' | 'vat_normal' | 'none'
export const INVOICE_TYPES: InvoiceType[] = ['vat_special', 'vat_normal', 'none']

export interface Customer {
  id: number
  code: string
  name: string
  uscc: string
  address: string
  region: string
  contacts: Contact[]
  bank_name: string
  bank_account: string
  credit_limit: string | null
  payment_terms: PaymentTerms
  default_invoice_type: InvoiceType
  status: 'active' | 'blocked'
  partner_id: number | null
  created_at: string
  updated_at: string
  version: number
}

export interface Product {
  id: number
  sku: string
  name: string
  spec: string
  unit: string
  list_price: string
  min_price: string
  tax_rate: string
  make_to_order: boolean
  lead_time_days: number
  safety_stock: string
  active: boolean
  version: number
}

export interface Warehouse {
  id: number
  code: string
  name: string
  region: string
  address: string
  active: boolean
  version: number
}

export interface StockRow {
  product_id: number
  warehouse_id: number
  on_hand: string
  reserved: string
  available: string
  safety_stock: string
  below_safety: boolean
  version: number
}

export interface StockMovement {
  id: number
  product_id: number
  warehouse_id: number
  kind: string
  qty_delta: string
  reason: string
  order_id: number | null
  user_id: number | null
  created_at: string
}

export type OrderStatus =
  | 'draft'
  | 'pending_review'
  | 'rejected'
  | 'approved'
  | 'confirmed'
  | 'in_progress'
  | 'completed'
  | 'closed'
  | 'cancelled'
  | 'on_hold'

export const ORDER_STATUSES: OrderStatus[] = [
  'draft',
  'pending_review',
  'rejected',
  'approved',
  'confirmed',
  'in_progress',
  'completed',
  'closed',
  'cancelled',
  'on_hold',
]

export type Channel = 'phone' | 'email' | 'visit' | 'web' | 'ecommerce' | 'partner'
export const CHANNELS: Channel[] = ['phone', 'email', 'visit', 'web', 'ecommerce', 'partner']

export type Department = 'sales' | 'finance' | 'warehouse'
export const DEPARTMENTS: Department[] = ['sales', 'finance', 'warehouse']

export interface OrderLine {
  line_no: number
  product_id: number
  sku: string
  name: string
  spec: string
  unit: string
  qty: string
  unit_price: string
  discount_rate: string
  tax_rate: string
  net: string
  tax: string
  gross: string
  warehouse_id: number | null
  make_to_order: boolean
  reserved_qty: string
  backordered_qty: string
  shipped_qty: string
  delivered_qty: string
  invoiced_qty: string
  returned_qty: string
}

export interface Flag {
  code: string
  department: Department
  message: string
  line_no: number | null
}

export interface Review {
  round: number
  department: Department
  decision: 'approve' | 'reject'
  comment: string
  override_price: boolean
  override_credit: boolean
  restock_date: string | null
  reviewer_id: number
  reviewer: string
  created_at: string
}

export interface ShipTo {
  name: string
  phone: string
  address: string
  postcode: string
}

export interface Totals {
  net: string
  tax: string
  freight: string
  discount: string
  gross: string
}

export interface Order {
  id: number
  number: string
  status: OrderStatus
  status_before_hold: OrderStatus | null
  delivery_status: string
  billing_status: string
  payment_status: string
  channel: Channel
  customer_id: number
  customer_code: string
  customer_name: string
  partner_id: number | null
  price_mode: 'tax_exclusive' | 'tax_inclusive'
  totals: Totals
  amount_in_words: string
  amount_in_words_traditional: string
  requested_delivery_date: string | null
  promised_date: string | null
  ship_to: ShipTo
  payment_terms: PaymentTerms
  invoice_type: InvoiceType
  special_requirements: string
  notes: string
  external_ref: string
  needs_confirmation: boolean
  review_round: number
  cancel_reason: string
  hold_reason: string
  confirmed_by: number | null
  confirmed_at: string | null
  created_by: number
  created_at: string
  updated_at: string
  version: number
  lines?: OrderLine[]
  flags?: Flag[]
  reviews?: Review[]
}

export interface OrderEvent {
  id: number
  entity: string
  entity_id: number
  action: string
  user_id: number
  username: string
  at: string
  data: Record<string, unknown>
}

// Company settings (GET/PATCH /api/v1/settings). Everyone signed in reads `company`;
// the rest only admin. Rates are decimal strings, days whole numbers.
export interface CompanyInfo {
  name: string
  uscc: string
  address: string
  bank_name: string
  bank_account: string
  phone: string
}
export const COMPANY_FIELDS: (keyof CompanyInfo)[] = ['name', 'uscc', 'address', 'bank_name', 'bank_account', 'phone']

export const RETURN_REASONS = ['quality', 'wrong_item', 'damaged_in_transit', 'not_needed', 'other'] as const
export type ReturnReason = (typeof RETURN_REASONS)[number]
export const COMPLAINT_CATEGORIES = ['quality', 'delivery', 'service', 'billing', 'other'] as const
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number]
export const SCORECARD_METRICS = ['completion_rate', 'payment_timeliness', 'complaint_rate', 'return_rate'] as const
export type ScorecardMetric = (typeof SCORECARD_METRICS)[number]

export interface ComplaintDeadline {
  acknowledge_days: number
  resolve_days: number
}

export interface Settings {
  company: CompanyInfo
  freight_tax_rate: string
  return_policy_days: Record<ReturnReason, number>
  complaint_deadlines: Record<ComplaintCategory, ComplaintDeadline>
  scorecard_weights: Record<ScorecardMetric, string>
  allow_self_review: boolean
  confirmation_channels: Channel[]
  archive_after_days: number
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
