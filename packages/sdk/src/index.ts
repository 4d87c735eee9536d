export {
  checkPublishTerms,
  type PublishTerms,
  type TermsProblem,
  termsProblems,
} from "./actions/checkPublishTerms.ts";
export {
  type CheckVerifierParameters,
  type CheckVerifierReturnType,
  checkVerifier,
} from "./actions/checkVerifier.ts";
export {
  type FindOwnedLicenseParameters,
  type FindOwnedLicenseReturnType,
  findOwnedLicense,
} from "./actions/findOwnedLicense.ts";
export {
  type GetMarketTermsParameters,
  type GetMarketTermsReturnType,
  getMarketTerms,
} from "./actions/getMarketTerms.ts";
export {
  type GetPaymentModeParameters,
  type GetPaymentModeReturnType,
  getPaymentMode,
  type PaymentMode,
} from "./actions/getPaymentMode.ts";
export {
  type EncryptCopyParameters,
  type PublishContentParameters,
  type PublishContentReturnType,
  publishContent,
} from "./actions/publishContent.ts";
export {
  PERMIT_LIFETIME_SECONDS,
  type PurchaseLicenseParameters,
  type PurchaseLicenseReturnType,
  purchaseLicense,
} from "./actions/purchaseLicense.ts";
export { type RekeyCopyParameters, type RekeyCopyReturnType, rekeyCopy } from "./actions/rekeyCopy.ts";
export {
  checkCopyMarket,
  type RequestRekeyedHeaderParameters,
  type RequestRekeyedHeaderReturnType,
  requestRekeyedHeader,
} from "./actions/requestRekeyedHeader.ts";
export {
  type WaitForConfirmationsParameters,
  waitForConfirmations,
} from "./actions/waitForConfirmations.ts";
export { AlreadyOwnedError, SdkError, type SdkErrorCode } from "./errors.ts";
export { publishedContentId, purchasedTokenId } from "./receipts.ts";
export type { OnStage, Operation, Stage } from "./stages.ts";
export type { ReadClient, SignerClient } from "./transact.ts";
