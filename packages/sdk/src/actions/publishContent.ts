import { superdistMarketAbi } from "@superdist/contracts";
import { keyCommitment, type Lineage, writeHeader } from "@superdist/package";
import { getVerifierRecipient } from "@superdist/verifier/client";
import type { Address, Hash, TransactionReceipt } from "viem";
import { publishedContentId } from "../receipts.ts";
import type { OnStage } from "../stages.ts";
import { type ReadClient, type SignerClient, transact } from "../transact.ts";
import { checkPublishTerms, type PublishTerms } from "./checkPublishTerms.ts";
import { getMarketTerms } from "./getMarketTerms.ts";

/** What the environment needs to write the publisher's first copy: a file, a worker's Blob. */
export type EncryptCopyParameters = {
  fileKey: Uint8Array;
  holderRecipients: string[];
  verifierRecipient: string;
  lineage: Lineage;
  onProgress: (done: number, total: number | undefined) => void;
};

export type PublishContentParameters = {
  market: Address;
  terms: PublishTerms;
  /** The age recipients of the publisher's devices, which the first copy is keyed to. */
  holderRecipients: string[];
  /** The verifier that will release keys for the content; its recipient goes on chain. */
  verifierUrls: readonly string[];
  /** Encrypts the file into the publisher's package for `lineage`, wherever this environment keeps it. */
  encrypt: (parameters: EncryptCopyParameters) => Promise<void>;
  /**
   * Puts `header` in front of the package's payload: called only when the predicted content id was taken by
   * another publication meanwhile, with the id the market gave (see `ReplaceHeaderOptions.publishedAs`).
   */
  replaceHeader: (header: Uint8Array, contentId: bigint) => Promise<void>;
  publicClient?: ReadClient;
  onStage?: OnStage;
};

export type PublishContentReturnType = {
  contentId: bigint;
  transactionHash: Hash;
  receipt: TransactionReceipt;
  verifierRecipient: string;
  /** Whether the header was written again because the predicted id was taken. */
  renumbered: boolean;
};

/**
 * Publishes a content: checks the terms and the verifier, encrypts under a fresh file key (the long step, so a
 * failure there costs no transaction), registers the key commitment on chain, and repairs the header if another
 * publication took the predicted id meanwhile.
 */
export async function publishContent(
  client: SignerClient,
  parameters: PublishContentParameters,
): Promise<PublishContentReturnType> {
  const { market, terms, holderRecipients, onStage } = parameters;
  const reader = parameters.publicClient ?? client;
  const chainId = BigInt(client.chain?.id ?? (await reader.request({ method: "eth_chainId" })));
  const marketTerms = await getMarketTerms(reader, { market });
  checkPublishTerms(terms, marketTerms);
  const verifierRecipient = await getVerifierRecipient({ verifierUrls: parameters.verifierUrls });
  const fileKey = crypto.getRandomValues(new Uint8Array(16));
  const lineageFor = (contentId: bigint): Lineage => ({ chainId, market, contentId, holderTokenId: 0n });

  const predicted = marketTerms.nextContentId;
  await parameters.encrypt({
    fileKey,
    holderRecipients,
    verifierRecipient,
    lineage: lineageFor(predicted),
    onProgress: (done, total) => onStage?.({ operation: "encrypt", status: "progress", done, total }),
  });
  onStage?.({ operation: "encrypt", status: "done" });

  const receipt = await transact(
    client,
    reader,
    "publish",
    {
      address: market,
      abi: superdistMarketAbi,
      functionName: "publish",
      args: [
        {
          price: terms.price,
          currency: terms.currency,
          rewardBps: [...terms.rewardBps],
          payout: terms.payout ?? client.account.address,
          royaltyBps: terms.royaltyBps ?? 0,
          transferable: terms.transferable ?? true,
          keyCommitment: keyCommitment(fileKey),
          verifierRecipient,
          title: terms.title.trim(),
          metadataURI: terms.metadataURI,
        },
      ],
    },
    onStage,
  );
  const contentId = publishedContentId(receipt);
  const renumbered = contentId !== predicted;
  if (renumbered) {
    const header = await writeHeader({
      fileKey,
      holderRecipients,
      verifierRecipient,
      lineage: lineageFor(contentId),
    });
    await parameters.replaceHeader(header, contentId);
  }
  return { contentId, transactionHash: receipt.transactionHash, receipt, verifierRecipient, renumbered };
}
