// Messages and confirmations (Element Plus services, imported with their styles).
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { i18n } from '@/i18n'
import { errorText } from './format'

export function notifyError(e: unknown): void {
  ElMessage({ type: 'error', message: errorText(e), duration: 8000, showClose: true, grouping: true })
}

export function notifyOk(message: string): void {
  ElMessage.closeAll('error') // an earlier failure no longer applies
  ElMessage({ type: 'success', message, duration: 3000 })
}

export function notifyWarn(message: string): void {
  ElMessage({ type: 'warning', message, duration: 10000, showClose: true })
}

export function notifyInfo(message: string): void {
  ElMessage({ type: 'info', message, duration: 4000 })
}

// Resolves true when the user confirms.
export async function confirmBox(message: string, title?: string, type: 'warning' | 'info' = 'warning'): Promise<boolean> {
  const t = i18n.global.t
  try {
    await ElMessageBox.confirm(message, title ?? t('common.confirmTitle'), {
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      type,
    })
    return true
  } catch {
    return false
  }
}
