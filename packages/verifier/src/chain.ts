import { superdistMarketAbi } from "@superdist/contracts";
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  decodeFunctionResult,
  getAbiItem,
  getAddress,
  getContractError,
  type Hex,
  http,
  type PublicClient,
  toFunctionSelector,
  createPublicClient as viemCreatePublicClient,
} from "viem";
import { VerifierError } from "./errors.ts";
import { JsonRpcBatcher } from "./rpc.ts";
import { defaultSignatureCallGas, verifyOwnerSignature } from "./signature.ts";

export type ChainReaderParameters = {
  rpcUrl: string;
  chainId: number;
  market: Address;
  confirmations: number;
  timeoutMs: number;
  /** How long a read waits for others to share its JSON-RPC batch. */
  batchWaitMs: number;
  /** Gas cap of each `eth_call` that checks a smart account's signature (default 1,000,000). */
  signatureCallGas?: number | undefined;
};

export type LicenseRecord = { owner: Address; contentId: bigint };

/** Where reads happen: the latest block, or a block number `confirmations` behind it. */
export type ReadBlock = { blockTag: "latest" } | { blockNumber: bigint };

/** Seconds a client should wait before retrying after the chain could not be read. */
export const chainRetryAfterSeconds = 2;

/** How long `status()` answers from its last read. */
const statusCacheMs = 1000;

// Key commitments never change once published, so a bounded cache of them saves one RPC read per re-key.
const maxCachedCommitments = 10_000;
const maxCachedLicenses = 10_000;

const licenseSelector = toFunctionSelector(getAbiItem({ abi: superdistMarketAbi, name: "license" }));
// LicenseView, four static words: owner, contentId, parent, generation.
const licenseAnswer = /^0x[0-9a-fA-F]{256}$/;

/**
 * Everything the verifier asks the chain. Reverts of the market are mapped to stable error codes; anything else
 * (refused connection, timeout, RPC error) becomes `CHAIN_UNAVAILABLE`, never a crash or a hang.
 */
export class ChainReader {
  readonly client: PublicClient;
  /** Signature checks: unbatched, so that a call running up to its gas cap never delays another request's reads. */
  readonly signatureClient: PublicClient;
  readonly #parameters: ChainReaderParameters;
  /** The ownership read of every re-key, batched as `client` batches the others. */
  readonly #rpc: JsonRpcBatcher;
  readonly #commitments = new Map<bigint, Promise<Hex>>();
  /** Licenses read at `#licensesAt`, the newest confirmed block a request has named. */
  readonly #licenses = new Map<bigint, Promise<LicenseRecord>>();
  #licensesAt = -1n;
  #status: { readAtMs: number; promise: Promise<{ chainId: number; blockNumber: bigint }> } | undefined;

  constructor(parameters: ChainReaderParameters) {
    this.#parameters = parameters;
    this.#rpc = new JsonRpcBatcher({
      url: parameters.rpcUrl,
      timeoutMs: parameters.timeoutMs,
      waitMs: parameters.batchWaitMs,
    });
    this.signatureClient = viemCreatePublicClient({
      transport: http(parameters.rpcUrl, { timeout: parameters.timeoutMs, retryCount: 0 }),
    });
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

  /**
   * Owner and content of a license token; `TOKEN_NOT_FOUND` if it does not exist (at `block`). At a block number
   * (confirmations above 0), requests for one token share one read while that block is the newest confirmed one:
   * what a block number holds changes only in a reorganisation deeper than the confirmations, which the depth is
   * there to rule out. At `latest` every request reads the chain, so that a transfer counts from the block it is in.
   */
  license(tokenId: bigint, block: ReadBlock): Promise<LicenseRecord> {
    if (!("blockNumber" in block) || block.blockNumber < this.#licensesAt)
      return this.#readLicense(tokenId, block);
    if (block.blockNumber > this.#licensesAt || this.#licenses.size >= maxCachedLicenses) {
      this.#licenses.clear();
      this.#licensesAt = block.blockNumber;
    }
    const cached = this.#licenses.get(tokenId);
    if (cached) return cached;
    const read = this.#readLicense(tokenId, block);
    this.#licenses.set(tokenId, read);
    // A token not minted yet may be by the next block, and an RPC failure says nothing about the token.
    read.catch(() => {
      if (this.#licenses.get(tokenId) === read) this.#licenses.delete(tokenId);
    });
    return read;
  }

  /**
   * What `client.readContract` of `license` would answer or throw, without its encoding, decoding and fetch: an
   * answer of the expected shape is read in place, anything else goes through viem's decoding and error mapping.
   */
  async #readLicense(tokenId: bigint, block: ReadBlock): Promise<LicenseRecord> {
    const market = this.#parameters.market;
    const args = [tokenId] as const;
    try {
      const data = (await this.#rpc.request("eth_call", [
        { data: `${licenseSelector}${tokenId.toString(16).padStart(64, "0")}`, to: market },
        "blockNumber" in block ? `0x${block.blockNumber.toString(16)}` : block.blockTag,
      ])) as Hex | null;
      if (typeof data === "string" && licenseAnswer.test(data)) {
        return {
          owner: getAddress(`0x${data.slice(26, 66)}`),
          contentId: BigInt(`0x${data.slice(66, 130)}`),
        };
      }
      const license = decodeFunctionResult({
        abi: superdistMarketAbi,
        functionName: "license",
        args,
        data: data || "0x",
      });
      return { owner: license.owner, contentId: license.contentId };
    } catch (error) {
      throw toVerifierError(
        getContractError(error as BaseError, {
          abi: superdistMarketAbi,
          address: market,
          args,
          functionName: "license",
        }),
      );
    }
  }

  /**
   * Whether `owner` signed `hash` (see `verifyOwnerSignature`), at the same block as the ownership read.
   * `beforeCall` runs before the first `eth_call` the signature needs and may throw to refuse it.
   */
  isSignedByOwner(
    owner: Address,
    request: { hash: Hex; signature: Hex },
    block: ReadBlock,
    options: { beforeCall?: (() => void) | undefined } = {},
  ): Promise<boolean> {
    return guard(
      verifyOwnerSignature({
        client: this.signatureClient,
        owner,
        hash: request.hash,
        signature: request.signature,
        block,
        gas: BigInt(this.#parameters.signatureCallGas ?? defaultSignatureCallGas),
        beforeCall: options.beforeCall,
      }),
    );
  }

  /**
   * The chain id the RPC reports and its latest block, for health checks. Calls within a second of a read share
   * its answer (or its failure): health checks are unauthenticated, and must not turn into RPC load.
   */
  status(): Promise<{ chainId: number; blockNumber: bigint }> {
    const now = performance.now();
    if (this.#status && now - this.#status.readAtMs < statusCacheMs) {
      return this.#status.promise;
    }
    const promise = guard(
      Promise.all([this.client.getChainId(), this.client.getBlockNumber({ cacheTime: 0 })]),
    ).then(([chainId, blockNumber]) => ({ chainId, blockNumber }));
    promise.catch(() => {});
    this.#status = { readAtMs: now, promise };
    return promise;
  }

  close(): void {
    this.#rpc.close();
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
