import { superdistMarketAbi } from "@superdist/contracts";
import { type Hash, parseEventLogs, type TransactionReceipt } from "viem";
import { SdkError } from "./errors.ts";

// The one place that reads what a market transaction did out of its receipt.

function included(receipt: TransactionReceipt, what: string): void {
  if (receipt.status !== "success") {
    throw new SdkError("TRANSACTION_REVERTED", `The ${what} was included but reverted; nothing changed.`, {
      details: `transaction ${receipt.transactionHash}`,
    });
  }
}

/** The license a purchase minted. */
export function purchasedTokenId(receipt: TransactionReceipt): bigint {
  included(receipt, "purchase");
  const [event] = parseEventLogs({
    abi: superdistMarketAbi,
    logs: receipt.logs,
    eventName: "LicensePurchased",
  });
  if (!event) throw missing(receipt.transactionHash, "LicensePurchased");
  return event.args.tokenId;
}

/** The content id a publication was given. */
export function publishedContentId(receipt: TransactionReceipt): bigint {
  included(receipt, "publication");
  const [event] = parseEventLogs({
    abi: superdistMarketAbi,
    logs: receipt.logs,
    eventName: "ContentPublished",
  });
  if (!event) throw missing(receipt.transactionHash, "ContentPublished");
  return event.args.contentId;
}

export function requireSuccess(receipt: TransactionReceipt, what: string): void {
  included(receipt, what);
}

function missing(hash: Hash, event: string): SdkError {
  return new SdkError("EVENT_MISSING", `The transaction emitted no ${event} event.`, {
    details: `transaction ${hash}`,
  });
}
