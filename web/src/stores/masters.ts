// Warehouses and products, loaded once per session and refreshed after edits: the
// stock screens and pickers show names for the ids the API answers with.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { fetchAll } from '@/api/client'
import type { Product, Warehouse } from '@/api/types'

export const useMasters = defineStore('masters', () => {
  const warehouses = ref<Warehouse[]>([])
  const products = ref<Map<number, Product>>(new Map())
  let warehousesLoaded: Promise<void> | null = null
  let productsLoaded: Promise<void> | null = null

  function loadWarehouses(force = false): Promise<void> {
    if (!warehousesLoaded || force) {
      warehousesLoaded = fetchAll<Warehouse>('/warehouses').then((r) => {
        warehouses.value = r.items
      })
      warehousesLoaded.catch(() => (warehousesLoaded = null))
    }
    return warehousesLoaded
  }

  function loadProducts(force = false): Promise<void> {
    if (!productsLoaded || force) {
      productsLoaded = Promise.all([
        fetchAll<Product>('/products'),
        fetchAll<Product>('/products', { active: 'false' }),
      ]).then(([a, b]) => {
        const m = new Map<number, Product>()
        for (const p of [...a.items, ...b.items]) m.set(p.id, p)
        products.value = m
      })
      productsLoaded.catch(() => (productsLoaded = null))
    }
    return productsLoaded
  }

  function warehouseName(id: number | null | undefined): string {
    if (id === null || id === undefined) return ''
    const w = warehouses.value.find((x) => x.id === id)
    return w ? w.name : '#' + id
  }

  function reset(): void {
    warehouses.value = []
    products.value = new Map()
    warehousesLoaded = null
    productsLoaded = null
  }

  return { warehouses, products, loadWarehouses, loadProducts, warehouseName, reset }
})
