import { superdistMarketAbi } from "@superdist/contracts";
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  type Hex,
  http,
  type PublicClient,
  createPublicClient as viemCreatePublicClient,
} from "viem";
import { VerifierError } from "./errors.ts";
import { rekeyTypedData } from "./typedData.ts";

export type ChainReaderParameters = {
  rpcUrl: string;
  chainId: number;
  market: Address;
  confirmations: number;
  timeoutMs: number;
  /** How long a read waits for others to share its JSON-RPC batch. */
  batchWaitMs: number;
};

export type LicenseRecord = { owner: Address; contentId: bigint };

/** Where reads happen: the latest block, or a block number `confirmations` behind it. */
export type ReadBlock = { blockTag: "latest" } | { blockNumber: bigint };

/** Seconds a client should wait before retrying after the chain could not be read. */
export const chainRetryAfterSeconds = 2;

// Key commitments never change once published, so a bounded cache of them saves one RPC read per re-key.
const maxCachedCommitments = 10_000;

/**
 * Everything the verifier asks the chain. Reverts of the market are mapped to stable error codes; anything else
 * (refused connection, timeout, RPC error) becomes `CHAIN_UNAVAILABLE`, never a crash or a hang.
 */
export class ChainReader {
  readonly client: PublicClient;
  readonly #parameters: ChainReaderParameters;
  readonly #commitments = new Map<bigint, Promise<Hex>>();

  constructor(parameters: ChainReaderParameters) {
    this.#parameters = parameters;
    this.client = viemCreatePublicClient({
      // A JSON-RPC round trip costs far more CPU than the read it carries; batching the reads of concurrent
      // requests over a short window shares it (four reads in one batch cost about as much as one alone).
      transport: http(parameters.rpcUrl, {
        timeout: parameters.timeoutMs,
        retryCount: 0,
        batch: { wait: parameters.batchWaitMs },
      }),
      // Block numbers a second old only add confirmations, so they are safe to reuse under load.
      cacheTime: 1000,
    });
  }

  async readBlock(): Promise<ReadBlock> {
    if (this.#parameters.confirmations === 0) return { blockTag: "latest" };
    const latest = await guard(this.client.getBlockNumber());
    const confirmed = latest - BigInt(this.#parameters.confirmations);
    return { blockNumber: confirmed > 0n ? confirmed : 0n };
  }

  /** The on-chain key commitment of `contentId`; `CONTENT_NOT_FOUND` if it is not published (at `block`). */
  keyCommitment(contentId: bigint, block: ReadBlock): Promise<Hex> {
    const cached = this.#commitments.get(contentId);
    if (cached) return cached;
    const read = guard(
      this.client.readContract({
        address: this.#parameters.market,
        abi: superdistMarketAbi,
        functionName: "content",
        args: [contentId],
        ...block,
      }),
    ).then((content) => content.keyCommitment);
    if (this.#commitments.size >= maxCachedCommitments) this.#commitments.clear();
    this.#commitments.set(contentId, read);
    // Failures are not cached: the content may be published later, or the RPC may come back.
    read.catch(() => this.#commitments.delete(contentId));
    return read;
  }

  /** Owner and content of a license token; `TOKEN_NOT_FOUND` if it does not exist (at `block`). */
  async license(tokenId: bigint, block: ReadBlock): Promise<LicenseRecord> {
    const license = await guard(
      this.client.readContract({
        address: this.#parameters.market,
        abi: superdistMarketAbi,
        functionName: "license",
        args: [tokenId],
        ...block,
      }),
    );
    return { owner: license.owner, contentId: license.contentId };
  }

  /**
   * Whether `owner` signed the re-key request. An EOA is checked locally by recovery; a smart account falls back
   * to ERC-1271 / ERC-6492 through an `eth_call` at the same block as the ownership read.
   */
  async isSignedByOwner(
    owner: Address,
    request: { tokenId: bigint; recipient: string; header: Uint8Array; deadline: bigint; signature: Hex },
    block: ReadBlock,
  ): Promise<boolean> {
    const typedData = rekeyTypedData({
      chainId: this.#parameters.chainId,
      market: this.#parameters.market,
      tokenId: request.tokenId,
      recipient: request.recipient,
      header: request.header,
      deadline: request.deadline,
    });
    return guard(
      this.client.verifyTypedData({
        ...typedData,
        address: owner,
        signature: request.signature,
        mode: "eoa",
        ...block,
      }),
    );
  }

  /** The chain id the RPC reports and its latest block, for health checks. */
  async status(): Promise<{ chainId: number; blockNumber: bigint }> {
    const [chainId, blockNumber] = await guard(
      Promise.all([this.client.getChainId(), this.client.getBlockNumber({ cacheTime: 0 })]),
    );
    return { chainId, blockNumber };
  }
}

async function guard<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw toVerifierError(error);
  }
}

function toVerifierError(error: unknown): VerifierError {
  if (error instanceof VerifierError) return error;
  const revert =
    error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : undefined;
  if (revert instanceof ContractFunctionRevertedError) {
    switch (revert.data?.errorName) {
      case "ContentNotFound":
        return new VerifierError("CONTENT_NOT_FOUND", "The content named in the header is not published.", {
          cause: error,
        });
      case "ERC721NonexistentToken":
        return new VerifierError("TOKEN_NOT_FOUND", "The license token does not exist.", { cause: error });
      default:
        return new VerifierError("CHAIN_ERROR", "The market contract refused a read.", {
          cause: error,
          details: revert.data?.errorName ?? revert.reason ?? revert.shortMessage,
        });
    }
  }
  const shortMessage = error instanceof BaseError ? error.shortMessage : String(error);
  if (error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionZeroDataError)) {
    return new VerifierError("CHAIN_ERROR", "No market contract answers at the configured address.", {
      cause: error,
      details: shortMessage,
    });
  }
  return new VerifierError("CHAIN_UNAVAILABLE", "The chain could not be read; retry later.", {
    cause: error,
    details: shortMessage,
    retryAfter: chainRetryAfterSeconds,
  });
}
