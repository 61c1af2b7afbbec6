// What each role may do, mirroring the server's rules (docs/api.md). The server checks
// again; these only decide what the console offers.
import type { Department, Order, OrderEvent, Role, User } from '@/api/types'

export function hasAny(user: User | null, roles: Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r))
}

export const ORDER_WRITERS: Role[] = ['admin', 'sales_rep', 'sales_manager', 'partner']
export const HOLDERS: Role[] = ['admin', 'sales_manager', 'finance']
export const CUSTOMER_WRITERS: Role[] = ['admin', 'sales_rep', 'sales_manager', 'finance']
export const PRODUCT_WRITERS: Role[] = ['admin', 'sales_manager']
export const WAREHOUSE_WRITERS: Role[] = ['admin', 'warehouse']
export const STOCK_WRITERS: Role[] = ['admin', 'warehouse']
export const USER_READERS: Role[] = ['admin', 'auditor']
export const AUDIT_READERS: Role[] = ['admin', 'auditor']
export const SETTINGS_WRITERS: Role[] = ['admin']
export const REVIEWERS: Role[] = ['admin', 'sales_manager', 'finance', 'warehouse']
export const STAFF: Role[] = [
  'admin', 'sales_rep', 'sales_manager', 'finance', 'warehouse', 'production', 'logistics',
  'service', 'analyst', 'auditor',
]

const DEPT_ROLE: Record<Department, Role> = {
  sales: 'sales_manager',
  finance: 'finance',
  warehouse: 'warehouse',
}

// The departments this user may review for (admin: all three).
export function reviewDepartments(user: User | null): Department[] {
  if (!user) return []
  if (user.roles.includes('admin')) return ['sales', 'finance', 'warehouse']
  return (Object.keys(DEPT_ROLE) as Department[]).filter((d) => user.roles.includes(DEPT_ROLE[d]))
}

// Departments that have decided in the order's current round.
export function decidedDepartments(order: Order): Department[] {
  return (order.reviews ?? []).filter((r) => r.round === order.review_round).map((r) => r.department)
}

// The departments this user could still review the order for now.
export function openDepartments(user: User | null, order: Order): Department[] {
  if (order.status !== 'pending_review') return []
  const decided = decidedDepartments(order)
  return reviewDepartments(user).filter((d) => !decided.includes(d))
}

// Whether the user created the order or last edited it (the user of its latest `edit`
// event, from the order's timeline): the server refuses them a review (409 self_review)
// unless the company setting allow_self_review is on.
export function createdOrLastEdited(user: User | null, order: Order, events: Pick<OrderEvent, 'action' | 'user_id'>[]): boolean {
  if (!user) return false
  let lastEditor = order.created_by
  for (const e of events) if (e.action === 'edit') lastEditor = e.user_id
  return user.id === order.created_by || user.id === lastEditor
}

const CANCELLABLE = ['draft', 'pending_review', 'rejected', 'approved', 'confirmed', 'on_hold']
const HOLDABLE = ['draft', 'pending_review', 'rejected', 'approved', 'confirmed', 'in_progress']

export interface OrderActions {
  edit: boolean
  submit: boolean
  review: boolean
  confirm: boolean
  cancel: boolean
  hold: boolean
  release: boolean
}

export function orderActions(user: User | null, order: Order): OrderActions {
  const writer = hasAny(user, ORDER_WRITERS)
  const holder = hasAny(user, HOLDERS)
  const editable = order.status === 'draft' || order.status === 'rejected'
  return {
    edit: writer && editable,
    submit: writer && editable,
    review: openDepartments(user, order).length > 0,
    confirm: writer && order.status === 'approved',
    cancel: writer && CANCELLABLE.includes(order.status),
    hold: holder && HOLDABLE.includes(order.status),
    release: holder && order.status === 'on_hold',
  }
}

// The page each role starts on.
export function landingPath(user: User | null): string {
  if (!user) return '/login'
  const r = user.roles
  if (r.includes('admin')) return '/admin/users'
  if (r.includes('sales_manager') || r.includes('finance') || r.includes('warehouse')) return '/reviews'
  if (r.includes('sales_rep')) return '/my-orders'
  if (r.includes('partner')) return '/orders'
  return '/dashboard'
}
