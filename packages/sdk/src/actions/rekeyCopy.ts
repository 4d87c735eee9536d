import { readHeaderFromBlob, rekeyBlob } from "@superdist/package";
import type { Address } from "viem";
import type { OnStage } from "../stages.ts";
import type { ReadClient, SignerClient } from "../transact.ts";
import { requestRekeyedHeader } from "./requestRekeyedHeader.ts";

export type RekeyCopyParameters = {
  market: Address;
  /** Any copy of the content: the buyer's own, a friend's, the publisher's. */
  copy: Blob;
  tokenId: bigint;
  recipient: string;
  verifierUrls: readonly string[];
  publicClient?: ReadClient;
  onStage?: OnStage;
};

export type RekeyCopyReturnType = {
  /** The same payload behind a header keyed to `recipient`, naming `tokenId` as its holder. */
  copy: Blob;
  header: Uint8Array;
};

/** Re-keys a copy held in a Blob: sign, ask the verifier, splice the new header onto the untouched payload. */
export async function rekeyCopy(
  client: SignerClient,
  parameters: RekeyCopyParameters,
): Promise<RekeyCopyReturnType> {
  const current = await readHeaderFromBlob(parameters.copy);
  const { header } = await requestRekeyedHeader(client, { ...parameters, header: current.bytes });
  return { copy: await rekeyBlob(parameters.copy, header), header };
}
