import { SuperdistError } from "@superdist/errors";

export type SdkErrorCode =
  /** The copy names another chain or market than the one the client is on. */
  | "WRONG_MARKET"
  /** The transaction was included but reverted. */
  | "TRANSACTION_REVERTED"
  /** The receipt lacks the event the transaction must emit. */
  | "EVENT_MISSING"
  /** Terms a publisher gave that the market would refuse. */
  | "INVALID_TERMS";

export class SdkError extends SuperdistError<SdkErrorCode> {
  override name = "SdkError";
}
