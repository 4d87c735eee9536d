import { getContent } from "@superdist/contracts";
import { getVerifierInfo, VerifierError } from "@superdist/verifier/client";
import type { Address, Client } from "viem";
import { SdkError } from "../errors.ts";

export type CheckVerifierParameters = {
  market: Address;
  contentId: bigint;
  verifierUrls: readonly string[];
};

export type CheckVerifierReturnType = {
  recipient: string;
  /** Blocks a purchase must be deep before the verifier serves it. */
  confirmations: number;
  url: string;
};

/**
 * Checks, before anyone pays, that the verifier answers and is the one the content names: otherwise a buyer could
 * pay and still be unable to unlock a copy.
 */
export async function checkVerifier(
  client: Client,
  { market, contentId, verifierUrls }: CheckVerifierParameters,
): Promise<CheckVerifierReturnType> {
  const [content, info] = await Promise.all([
    getContent(client, { market, contentId }),
    getVerifierInfo({ verifierUrls }).catch((cause: unknown) => {
      if (!(cause instanceof VerifierError)) throw cause;
      throw new SdkError(
        "VERIFIER_UNAVAILABLE",
        "The verifier that unlocks this content cannot be reached right now, so nothing is sold. Try again later.",
        { cause, details: cause.shortMessage },
      );
    }),
  ]);
  if (info.recipient !== content.verifierRecipient) {
    throw new SdkError(
      "VERIFIER_MISMATCH",
      "The verifier configured here is not the one this content names, so it could not unlock a copy; nothing is sold.",
      { details: `content names ${content.verifierRecipient}, ${info.url} is ${info.recipient}` },
    );
  }
  return { recipient: info.recipient, confirmations: info.confirmations, url: info.url };
}
