import { sql } from "@ponder/client";
import { type Address, BlockNotFoundError, type Client, type Hash } from "viem";
import { getBlock, getBlockNumber, getChainId } from "viem/actions";
import type { IndexerClient } from "../client.ts";
import { IndexerError } from "../errors.ts";
import { toAddress, toBigInt, toHash, toNumber } from "../rows.ts";

export type GetIndexStatusParameters = {
  /** A client of the chain the caller reads, to compare the index with. */
  client: Client;
  /** The market the caller expects the index to follow. */
  market?: Address;
  /** Blocks the index may trail the chain's head by and still count as caught up (default 0). */
  toleranceBlocks?: bigint;
};

export type IndexedChain = { chainId: number; market: Address; deployBlock: bigint; deployBlockHash: Hash };

export type GetIndexStatusReturnType =
  | {
      /** Down, unreachable, or answering errors: pages fall back to what the chain answers. */
      state: "unavailable";
      error: IndexerError;
      chainBlock: bigint | null;
    }
  | {
      /** Built from another chain (a restarted local node) or another market: nothing it holds applies. */
      state: "other-chain";
      error: IndexerError;
      indexedBlock: bigint;
      chainBlock: bigint | null;
      /** Null if the index has not reached the deployment block of the chain it follows. */
      indexed: IndexedChain | null;
    }
  | {
      /**
       * "Indexed to block `indexedBlock` of `chainBlock`". `behind` also while the backfill's last step, building
       * the indexes, runs: reads are slow until it is done.
       */
      state: "behind" | "caught-up";
      indexedBlock: bigint;
      indexedTimestamp: number;
      chainBlock: bigint;
      behindBlocks: bigint;
      /** Null until the index has reached the market's deployment block. */
      indexed: IndexedChain | null;
    };

type PonderStatus = Record<string, { id: number; block: { number: number; timestamp: number } }>;

/** Where the index stands against the chain's head, and whether it is an index of that chain at all. */
export async function getIndexStatus(
  indexer: IndexerClient,
  { client, market, toleranceBlocks = 0n }: GetIndexStatusParameters,
): Promise<GetIndexStatusReturnType> {
  const [status, meta, head, chainId, ready] = await Promise.allSettled([
    indexer.getJson<PonderStatus>("/status"),
    indexer.query<{ chain_id: number; market: string; deploy_block: string; deploy_block_hash: string }>(
      sql`select chain_id, market, deploy_block, deploy_block_hash from chains`,
    ),
    getBlockNumber(client, { cacheTime: 0 }),
    getChainId(client),
    indexer.isReady(),
  ]);
  const chainBlock = head.status === "fulfilled" ? head.value : null;
  if (status.status === "rejected" || meta.status === "rejected") {
    const reason = status.status === "rejected" ? status.reason : (meta as PromiseRejectedResult).reason;
    const error =
      reason instanceof IndexerError
        ? reason
        : new IndexerError("INDEXER_UNAVAILABLE", "The indexer is unavailable.", { cause: reason });
    return { state: "unavailable", error, chainBlock };
  }
  const chains = Object.values(status.value);
  const [chain] = chains;
  if (!chain || typeof chain.block?.number !== "number") {
    return {
      state: "unavailable",
      error: new IndexerError("INDEXER_UNAVAILABLE", "The indexer has not started indexing yet."),
      chainBlock,
    };
  }
  const indexedBlock = BigInt(chain.block.number);
  const [row] = meta.value;
  const indexed: IndexedChain | null = row
    ? {
        chainId: toNumber(row.chain_id),
        market: toAddress(row.market),
        deployBlock: toBigInt(row.deploy_block),
        deployBlockHash: toHash(row.deploy_block_hash),
      }
    : null;

  const otherChain = (details: string): GetIndexStatusReturnType => ({
    state: "other-chain",
    error: new IndexerError("INDEX_OF_OTHER_CHAIN", "The index was built from another chain or market.", {
      details,
    }),
    indexedBlock,
    chainBlock,
    indexed: indexed ?? {
      chainId: chain.id,
      market: market ?? ("0x" as Address),
      deployBlock: 0n,
      deployBlockHash: "0x",
    },
  });
  if (chainId.status === "fulfilled" && chain.id !== chainId.value) {
    return otherChain(`The index follows chain ${chain.id}; the client reads chain ${chainId.value}.`);
  }
  if (indexed && market && indexed.market.toLowerCase() !== market.toLowerCase()) {
    return otherChain(`The index follows market ${indexed.market}; the caller expects ${market}.`);
  }
  if (chainBlock === null) {
    // Without the chain there is nothing to compare with; the index still answers.
    return {
      state: "unavailable",
      error: new IndexerError(
        "INDEXER_UNAVAILABLE",
        "The chain did not answer, so the index cannot be checked.",
        {
          cause: (head as PromiseRejectedResult).reason,
        },
      ),
      chainBlock,
    };
  }
  if (indexedBlock > chainBlock) {
    return otherChain(`The index is at block ${indexedBlock}, past the chain's head ${chainBlock}.`);
  }
  if (indexed) {
    let hash: Hash | null;
    try {
      hash = (await getBlock(client, { blockNumber: indexed.deployBlock })).hash;
    } catch (error) {
      if (!(error instanceof BlockNotFoundError)) {
        return {
          state: "unavailable",
          error: new IndexerError(
            "INDEXER_UNAVAILABLE",
            "The chain did not answer, so the index cannot be checked.",
            {
              cause: error,
            },
          ),
          chainBlock,
        };
      }
      hash = null;
    }
    if (hash !== indexed.deployBlockHash) {
      return otherChain(
        `Block ${indexed.deployBlock} is ${hash ?? "missing"} on the chain, ${indexed.deployBlockHash} in the index.`,
      );
    }
  }
  const behindBlocks = chainBlock - indexedBlock;
  // At the head but not ready: Ponder is still building the tables' indexes after its backfill.
  const isReady = ready.status === "fulfilled" && ready.value;
  return {
    state: behindBlocks <= toleranceBlocks && isReady ? "caught-up" : "behind",
    indexedBlock,
    indexedTimestamp: chain.block.timestamp,
    chainBlock,
    behindBlocks,
    indexed,
  };
}
