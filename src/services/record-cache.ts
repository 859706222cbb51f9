// Public files computed from an RFP's record (the decision record with its robustness figures, OCDS packages)
// are kept until an event about RFPs is appended: everything they show changes only by an audited action.
// Keyed per database, so several test databases or instances in one process never share entries.

const caches = new WeakMap<object, Map<string, { head: number, value: unknown }>>()
const ENTRIES = 200

/** The value computed for `key` at audit head `head`, computing it only when the head has moved. */
export async function cachedAtHead<T> (db: object, key: string, head: number, compute: () => Promise<T>): Promise<T> {
  const cache = caches.get(db) ?? new Map<string, { head: number, value: unknown }>()
  caches.set(db, cache)
  const hit = cache.get(key)
  if (hit !== undefined && hit.head === head) return hit.value as T
  const value = await compute()
  cache.delete(key)
  if (cache.size >= ENTRIES) cache.delete(cache.keys().next().value!)
  cache.set(key, { head, value })
  return value
}
