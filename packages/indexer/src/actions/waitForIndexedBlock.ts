import type { IndexerClient } from "../client.ts";
import { IndexerError } from "../errors.ts";

export type WaitForIndexedBlockParameters = {
  blockNumber: bigint;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Default 100 ms. */
  pollingIntervalMs?: number;
};

type PonderStatus = Record<string, { block: { number: number } }>;

/**
 * Resolves with the indexed block once the index has reached `blockNumber` and its backfill is complete, e.g.
 * after a transaction, so that a page shows what the user just did. An unavailable indexer is waited for too,
 * until the deadline.
 *
 * @throws {IndexerError} `INDEX_BEHIND` at the deadline.
 */
export async function waitForIndexedBlock(
  indexer: IndexerClient,
  { blockNumber, timeoutMs = 30_000, pollingIntervalMs = 100 }: WaitForIndexedBlockParameters,
): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  let last: bigint | null = null;
  let lastError: unknown;
  for (;;) {
    try {
      const [chain] = Object.values(await indexer.getJson<PonderStatus>("/status"));
      if (chain) {
        last = BigInt(chain.block.number);
        if (last >= blockNumber && (await indexer.isReady())) return last;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new IndexerError(
        "INDEX_BEHIND",
        `The index did not reach block ${blockNumber} in ${timeoutMs} ms.`,
        {
          details: last === null ? "It never answered." : `It is at block ${last}.`,
          cause: lastError,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollingIntervalMs));
  }
}
