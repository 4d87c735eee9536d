import { ETH, getContent, getPermitTypedData, superdistMarketAbi } from "@superdist/contracts";
import type { IndexerClient } from "@superdist/indexer/client";
import {
  type Address,
  erc20Abi,
  type Hash,
  isAddressEqual,
  parseSignature,
  type TransactionReceipt,
} from "viem";
import { signTypedData } from "viem/actions";
import { AlreadyOwnedError } from "../errors.ts";
import { purchasedTokenId } from "../receipts.ts";
import type { OnStage } from "../stages.ts";
import { type ReadClient, type SignerClient, transact } from "../transact.ts";
import { checkVerifier } from "./checkVerifier.ts";
import { findOwnedLicense } from "./findOwnedLicense.ts";
import { getPaymentMode, type PaymentMode } from "./getPaymentMode.ts";
import { waitForConfirmations } from "./waitForConfirmations.ts";

/** How long a purchase permit stays valid: long enough to confirm in a wallet, short if it leaks. */
export const PERMIT_LIFETIME_SECONDS = 1_800n;

export type PurchaseLicenseParameters = {
  market: Address;
  contentId: bigint;
  /** The license of the copy bought through (its holder is rewarded), or 0n for none. */
  referrerTokenId: bigint;
  /** Who receives the license; the payer by default. */
  recipient?: Address;
  /**
   * The most the buyer agreed to pay, in `currency`; by default the price read now. A price raised meanwhile then
   * reverts with `PriceAboveMax` instead of charging more.
   */
  maxPrice?: bigint;
  /**
   * The currency the buyer saw the price in (`ETH` or a token), given with `maxPrice`; by default the currency read
   * now. A content moved to another currency meanwhile reverts with `CurrencyMismatch` before anything is approved
   * or signed: a number of units means nothing without its token.
   */
  currency?: Address;
  /**
   * The content's verifier. When given, it is checked before anything is paid (it answers, and it is the one the
   * content names), and the purchase resolves only once it is deep enough for that verifier to serve it.
   */
  verifierUrls?: readonly string[];
  /** Buy although the recipient owns a license of the content already; refused otherwise (`ALREADY_OWNED`). */
  again?: boolean;
  /** Where the market's history starts, for finding licenses already owned. */
  fromBlock?: bigint;
  /** The market's indexer, so that finding licenses already owned scans only the blocks it has not indexed. */
  indexer?: IndexerClient;
  /** Reads and receipts go through this client when given. */
  publicClient?: ReadClient;
  onStage?: OnStage;
};

export type PurchaseLicenseReturnType = {
  tokenId: bigint;
  transactionHash: Hash;
  receipt: TransactionReceipt;
  mode: PaymentMode;
};

/**
 * Buys a license of `contentId` through `referrerTokenId`: in ETH, or in the content's ERC-20 with a permit
 * where the token has one, otherwise approving exactly the price first. Refuses a second license unless `again`,
 * and with `verifierUrls` checks the verifier first and waits for its depth after. Resolves with the new token id.
 */
export async function purchaseLicense(
  client: SignerClient,
  parameters: PurchaseLicenseParameters,
): Promise<PurchaseLicenseReturnType> {
  const { market, contentId, referrerTokenId, onStage } = parameters;
  const reader = parameters.publicClient ?? client;
  const payer = client.account.address;
  const recipient = parameters.recipient ?? payer;
  // Everything that can refuse the sale is asked before the buyer signs anything.
  if (!parameters.again) {
    const owned = await findOwnedLicense(reader, {
      market,
      contentId,
      account: recipient,
      fromBlock: parameters.fromBlock,
      indexer: parameters.indexer,
    });
    if (owned) throw new AlreadyOwnedError(owned.tokenId, contentId);
  }
  const verifier = parameters.verifierUrls
    ? await checkVerifier(reader, { market, contentId, verifierUrls: parameters.verifierUrls })
    : undefined;
  const content = await getContent(reader, { market, contentId });
  const price = parameters.maxPrice ?? content.price;
  const currency = parameters.currency ?? content.currency;
  // Moved to another currency: nothing is approved or signed, and the purchase as agreed goes straight to its
  // simulation, which the market refuses with `CurrencyMismatch`.
  const mode: PaymentMode = isAddressEqual(currency, content.currency)
    ? await getPaymentMode(reader, { market, currency, payer, price })
    : isAddressEqual(currency, ETH)
      ? "eth"
      : "allowance";
  const purchase = { address: market, abi: superdistMarketAbi } as const;
  let receipt: TransactionReceipt;

  if (mode === "permit") {
    const deadline = BigInt(Math.floor(Date.now() / 1000)) + PERMIT_LIFETIME_SECONDS;
    const typed = await getPermitTypedData(reader, {
      token: currency,
      owner: payer,
      spender: market,
      value: price,
      deadline,
    });
    if (!typed) throw new Error("The token stopped answering its permit domain.");
    onStage?.({ operation: "permit", status: "signing" });
    const signature = await signTypedData(client, { ...typed, account: client.account });
    onStage?.({ operation: "permit", status: "signed" });
    const { r, s, v, yParity } = parseSignature(signature);
    receipt = await transact(
      client,
      reader,
      "purchase",
      {
        ...purchase,
        functionName: "purchaseWithPermit",
        args: [
          contentId,
          referrerTokenId,
          recipient,
          currency,
          price,
          deadline,
          Number(v ?? BigInt(yParity + 27)),
          r,
          s,
        ],
      },
      onStage,
    );
  } else {
    if (mode === "approve") {
      await transact(
        client,
        reader,
        "approval",
        { address: currency, abi: erc20Abi, functionName: "approve", args: [market, price] },
        onStage,
      );
    }
    receipt = await transact(
      client,
      reader,
      "purchase",
      {
        ...purchase,
        functionName: "purchase",
        args: [contentId, referrerTokenId, recipient, currency, price],
        ...(mode === "eth" ? { value: price } : {}),
      },
      onStage,
    );
  }
  const tokenId = purchasedTokenId(receipt);
  if (verifier && verifier.confirmations > 0) {
    await waitForConfirmations(reader, {
      blockNumber: receipt.blockNumber,
      confirmations: verifier.confirmations,
      onStage,
    });
  }
  return { tokenId, transactionHash: receipt.transactionHash, receipt, mode };
}
