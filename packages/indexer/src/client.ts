// Imported by the browser: nothing here, nor in what it imports, may depend on node-only modules.
import { createClient, type SQL } from "@ponder/client";
import { IndexerError } from "./errors.ts";

export { IndexerError, type IndexerErrorCode } from "./errors.ts";

export type IndexerClient = {
  /** The indexer's base URL, e.g. `http://127.0.0.1:42069`. */
  url: string;
  /** Per request, in milliseconds. */
  timeoutMs: number;
  /** Runs one read-only statement through Ponder's SQL over HTTP and returns its rows as the server sent them. */
  query<Row = Record<string, unknown>>(statement: SQL): Promise<Row[]>;
  /** `GET <path>` on the indexer, as JSON. */
  getJson<T>(path: string): Promise<T>;
  /**
   * Whether the backfill is complete, indexes included (Ponder's `/ready`). Until then the index can be at the
   * chain's head while its indexes are still being built, and reads are slow.
   */
  isReady(): Promise<boolean>;
};

export type CreateIndexerClientParameters = {
  url: string;
  /** Default 5 s: a page should say the index is unavailable rather than wait on it. */
  timeoutMs?: number;
};

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, url: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new IndexerError("INDEXER_UNAVAILABLE", `The indexer at ${url} did not answer in ${timeoutMs} ms.`),
        ),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function toIndexerError(error: unknown, url: string): IndexerError {
  if (error instanceof IndexerError) return error;
  // `fetch` rejects with a TypeError when nothing answers; @ponder/client rethrows a server's error text.
  if (error instanceof TypeError) {
    return new IndexerError("INDEXER_UNAVAILABLE", `The indexer at ${url} is unavailable.`, {
      details: error.message,
      cause: error,
    });
  }
  return new IndexerError("INDEXER_QUERY_FAILED", `The indexer at ${url} could not answer the query.`, {
    details: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

/** A client of one indexer. It holds no connection, so creating one per page or per request costs nothing. */
export function createIndexerClient({ url, timeoutMs = 5000 }: CreateIndexerClientParameters): IndexerClient {
  const base = url.replace(/\/+$/, "");
  const { db } = createClient(`${base}/sql`);
  return {
    url: base,
    timeoutMs,
    async query<Row>(statement: SQL) {
      try {
        const result: unknown = await withTimeout(db.execute(statement), timeoutMs, base);
        // PGlite's driver answers the rows, node-postgres a result object that holds them.
        const rows = Array.isArray(result) ? result : (result as { rows?: unknown } | null)?.rows;
        if (!Array.isArray(rows)) {
          throw new IndexerError("INDEXER_INVALID_RESPONSE", `The indexer at ${base} answered without rows.`);
        }
        return rows as Row[];
      } catch (error) {
        throw toIndexerError(error, base);
      }
    },
    async isReady() {
      try {
        const response = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(timeoutMs) });
        await response.body?.cancel();
        return response.ok;
      } catch (error) {
        throw new IndexerError("INDEXER_UNAVAILABLE", `The indexer at ${base} is unavailable.`, {
          details: error instanceof Error ? error.message : String(error),
          cause: error,
        });
      }
    },
    async getJson<T>(path: string) {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new IndexerError("INDEXER_UNAVAILABLE", `The indexer at ${base} is unavailable.`, {
          details: error instanceof Error ? error.message : String(error),
          cause: error,
        });
      }
      if (!response.ok) {
        throw new IndexerError("INDEXER_UNAVAILABLE", `The indexer at ${base} answered ${response.status}.`, {
          details: (await response.text().catch(() => "")).slice(0, 500),
        });
      }
      try {
        return (await response.json()) as T;
      } catch (error) {
        throw new IndexerError("INDEXER_INVALID_RESPONSE", `The indexer at ${base} answered no JSON.`, {
          cause: error,
        });
      }
    },
  };
}

export {
  type GetAccountActivityParameters,
  type GetAccountActivityReturnType,
  getAccountActivity,
  type IndexedClaim,
  type IndexedRewardCredit,
} from "./actions/getAccountActivity.ts";
export {
  type GetAccountLicensesParameters,
  type GetAccountLicensesReturnType,
  getAccountLicenses,
} from "./actions/getAccountLicenses.ts";
export {
  type CatalogEntry,
  type ContentSale,
  type GetCatalogParameters,
  type GetCatalogReturnType,
  getCatalog,
} from "./actions/getCatalog.ts";
export {
  type ContentHolder,
  type GetContentSalesParameters,
  type GetContentSalesReturnType,
  getContentSales,
} from "./actions/getContentSales.ts";
export {
  type Descendant,
  type GetDescendantsParameters,
  type GetDescendantsReturnType,
  getDescendants,
} from "./actions/getDescendants.ts";
export {
  type GetIndexStatusParameters,
  type GetIndexStatusReturnType,
  getIndexStatus,
  type IndexedChain,
} from "./actions/getIndexStatus.ts";
export {
  type WaitForIndexedBlockParameters,
  waitForIndexedBlock,
} from "./actions/waitForIndexedBlock.ts";
export type { IndexedLicense } from "./licenses.ts";
export { buildLicenseTrees, type TreeRow } from "./tree.ts";
