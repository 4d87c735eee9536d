import { SuperdistError } from "@superdist/errors";

export type SdkErrorCode =
  /** The copy names another chain or market than the one the client is on. */
  | "WRONG_MARKET"
  /** The transaction was included but reverted. */
  | "TRANSACTION_REVERTED"
  /** The receipt lacks the event the transaction must emit. */
  | "EVENT_MISSING"
  /** Terms a publisher gave that the market would refuse. */
  | "INVALID_TERMS"
  /** Trackers, web seeds or a URL of a publication that are not URLs clients can use. */
  | "INVALID_SOURCES"
  /** The buyer already owns a license of the content: the free re-key is what they need. */
  | "ALREADY_OWNED"
  /** The content's verifier does not answer: a buyer could not unlock what they paid for. */
  | "VERIFIER_UNAVAILABLE"
  /** The verifier answering is not the one the content names. */
  | "VERIFIER_MISMATCH";

export class SdkError extends SuperdistError<SdkErrorCode> {
  override name = "SdkError";
}

/** A second sale refused: the license the buyer owns already. */
export class AlreadyOwnedError extends SdkError {
  override name = "AlreadyOwnedError";
  readonly tokenId: bigint;
  constructor(tokenId: bigint, contentId: bigint) {
    super(
      "ALREADY_OWNED",
      `You already own license #${tokenId} of content #${contentId}; nothing was bought.`,
    );
    this.tokenId = tokenId;
  }
}
