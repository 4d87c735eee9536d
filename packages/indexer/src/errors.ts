// Imported by the browser client: no node-only modules.
import { SuperdistError } from "@superdist/errors";

export type IndexerErrorCode =
  /** The indexer did not answer (down, unreachable, or slower than the timeout). */
  | "INDEXER_UNAVAILABLE"
  /** The indexer answered a query with an error. */
  | "INDEXER_QUERY_FAILED"
  /** The indexer answered something that is not what its API returns. */
  | "INDEXER_INVALID_RESPONSE"
  /** The index was built from another chain than the one the caller reads (a restarted local node, say). */
  | "INDEX_OF_OTHER_CHAIN"
  /** The index has not reached the block the caller waits for. */
  | "INDEX_BEHIND"
  /** `startIndexer` could not bring the indexer up. */
  | "INDEXER_START_FAILED";

export class IndexerError extends SuperdistError<IndexerErrorCode> {
  override name = "IndexerError";
}
