import { type Lineage, lineageMismatch, parseHeader } from "@superdist/package";
import { rekeyDeadline, rekeyTypedData, requestRekey } from "@superdist/verifier/client";
import type { Address } from "viem";
import { signTypedData } from "viem/actions";
import { SdkError } from "../errors.ts";
import type { OnStage } from "../stages.ts";
import type { ReadClient, SignerClient } from "../transact.ts";

export type RequestRekeyedHeaderParameters = {
  market: Address;
  /** The copy's header, exactly as it is: the signature covers its hash. */
  header: Uint8Array;
  /** The license the signer owns, of the copy's content. */
  tokenId: bigint;
  /** The age recipient (`age1…`) of the device the new header is for. */
  recipient: string;
  verifierUrls: readonly string[];
  publicClient?: ReadClient;
  onStage?: OnStage;
};

export type RequestRekeyedHeaderReturnType = {
  /** A header for `recipient` and `tokenId`, to put in front of the copy's untouched payload. */
  header: Uint8Array;
  /** The verifier replica that answered. */
  url: string;
};

/** Throws `WRONG_MARKET` unless the copy's lineage names this chain and market. */
export function checkCopyMarket(lineage: Lineage, location: { chainId: number; market: Address }): void {
  const mismatch = lineageMismatch(lineage, location);
  if (mismatch) {
    throw new SdkError(
      "WRONG_MARKET",
      `This copy belongs to market ${lineage.market} on chain ${lineage.chainId}, not to market ${location.market} on chain ${location.chainId}.`,
      { details: `the ${mismatch} differs` },
    );
  }
}

/**
 * The owner of `tokenId` signs an EIP-712 re-key request (one signature, no transaction), and the verifier
 * answers with a header keyed to `recipient`.
 */
export async function requestRekeyedHeader(
  client: SignerClient,
  parameters: RequestRekeyedHeaderParameters,
): Promise<RequestRekeyedHeaderReturnType> {
  const { market, header, tokenId, recipient, verifierUrls, onStage } = parameters;
  const chainId =
    client.chain?.id ?? Number(await (parameters.publicClient ?? client).request({ method: "eth_chainId" }));
  checkCopyMarket(parseHeader(header).lineage, { chainId, market });
  const deadline = rekeyDeadline();
  onStage?.({ operation: "rekey-signature", status: "signing" });
  const signature = await signTypedData(client, {
    ...rekeyTypedData({ chainId, market, tokenId, recipient, header, deadline }),
    account: client.account,
  });
  onStage?.({ operation: "rekey-signature", status: "signed" });
  onStage?.({ operation: "verifier", status: "asking" });
  const answer = await requestRekey({ verifierUrls, header, tokenId, recipient, deadline, signature });
  onStage?.({ operation: "verifier", status: "done" });
  return answer;
}
