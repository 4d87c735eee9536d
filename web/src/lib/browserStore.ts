/**
 * This browser's own storage (IndexedDB): its age identity and the copies it holds. Nothing here leaves the
 * browser; losing it is harmless, as a license owner can always have a copy re-keyed again.
 */

const DB_NAME = "superdist";
const DB_VERSION = 1;
export const IDENTITY_STORE = "identity";
export const COPY_STORE = "copies";

let opening: Promise<IDBDatabase> | undefined;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(IDENTITY_STORE);
      req.result.createObjectStore(COPY_STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = undefined;
      reject(req.error);
    };
  });
  return opening;
}

export async function readValue<T>(store: string, key: string): Promise<T | undefined> {
  const db = await open();
  return request(db.transaction(store).objectStore(store).get(key)) as Promise<T | undefined>;
}

export async function readAll<T>(store: string): Promise<T[]> {
  const db = await open();
  return request(db.transaction(store).objectStore(store).getAll()) as Promise<T[]>;
}

export async function writeValue(store: string, key: string, value: unknown): Promise<void> {
  const db = await open();
  await request(db.transaction(store, "readwrite").objectStore(store).put(value, key));
}

/** Writes `value` unless `key` already holds one, and returns what the key holds afterwards. */
export async function writeOnce<T>(store: string, key: string, value: T): Promise<T> {
  const db = await open();
  try {
    await request(db.transaction(store, "readwrite").objectStore(store).add(value, key));
    return value;
  } catch {
    const existing = await readValue<T>(store, key);
    if (existing === undefined) throw new Error(`could not store ${store}/${key}`);
    return existing;
  }
}
