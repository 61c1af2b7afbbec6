// vue-i18n set-up. Simplified Chinese is the default; the language follows the settings
// store, and Element Plus gets the matching locale through <el-config-provider>.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import zhTW from './zh-TW'
import en from './en'
import type { Locale } from '@/api/types'

export type Messages = typeof zhCN

export const LOCALES: Locale[] = ['zh-CN', 'zh-TW', 'en']

export function normalizeLocale(value: string | null | undefined): Locale {
  return value === 'zh-TW' || value === 'en' || value === 'zh-CN' ? value : 'zh-CN'
}

const MESSAGES: Record<Locale, Messages> = { 'zh-CN': zhCN, 'zh-TW': zhTW, en }

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: MESSAGES,
  missingWarn: false,
  fallbackWarn: false,
})

export function setI18nLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  document.title = MESSAGES[locale].app.title
}

// A translation for a code from a closed set (status, role, ...), or the code itself
// when a newer server sends one the console does not know yet.
export function tc(group: string, code: string | null | undefined): string {
  if (!code) return ''
  const key = `${group}.${code}`
  return i18n.global.te(key) ? i18n.global.t(key) : code
}
