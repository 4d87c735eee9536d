import { decodeMetadata, getContent, getCurrency } from "@superdist/contracts";
import { cache } from "react";
import { BaseError, ContractFunctionRevertedError, createPublicClient, formatUnits, http } from "viem";
import { formatAmount } from "../../../lib/format.ts";
import { readRuntimeConfig } from "../../../lib/runtimeConfig.ts";

/** What a link preview shows of a content, read on the server when the page is served. */
export type ContentPreview =
  | {
      status: "found";
      title: string;
      description: string;
      /** A data URI: crawlers fetch it from the cover route instead. */
      image: string | undefined;
      /** "0.01 ETH", as the page shows it. */
      price: string;
      amount: string;
      symbol: string;
    }
  | { status: "missing" }
  /** No market here, or the chain did not answer: the page renders as usual and says so itself. */
  | { status: "unreadable" };

// A server waiting on a stalled node would hold every preview back; a page without one is better than a late one.
const RPC_TIMEOUT_MS = 3_000;

function isContentNotFound(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  const revert = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError && revert.data?.errorName === "ContentNotFound";
}

/** A content id as a URL spells it: digits without leading zeros, or null. */
export function parseContentId(value: string | undefined): bigint | null {
  return value !== undefined && /^[1-9][0-9]{0,76}$/.test(value) ? BigInt(value) : null;
}

/** Once per request: the metadata and the page both ask. */
export const readContentPreview = cache(async (contentId: bigint): Promise<ContentPreview> => {
  const runtime = readRuntimeConfig(process.env);
  if (!runtime.market) return { status: "unreadable" };
  const client = createPublicClient({
    transport: http(runtime.rpcUrl, { timeout: RPC_TIMEOUT_MS, retryCount: 0 }),
  });
  try {
    const content = await getContent(client, { market: runtime.market, contentId });
    const currency = await getCurrency(client, content.currency);
    const metadata = decodeMetadata(content.metadataURI);
    return {
      status: "found",
      title: content.title || metadata.name || `Content #${contentId}`,
      description: metadata.description ?? "",
      image: metadata.image,
      price: formatAmount(content.price, currency.decimals, currency.symbol, 6),
      amount: formatUnits(content.price, currency.decimals),
      symbol: currency.symbol,
    };
  } catch (error) {
    return isContentNotFound(error) ? { status: "missing" } : { status: "unreadable" };
  }
});
