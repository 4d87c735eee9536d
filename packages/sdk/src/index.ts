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
export { type FetchCopyParameters, type FetchCopyReturnType, fetchCopy } from "./actions/fetchCopy.ts";
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
  type CopySources,
  type EncryptCopyParameters,
  type PublishContentParameters,
  type PublishContentReturnType,
  type PublishedSources,
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
export { type BencodeValue, decodeBencode, encodeBencode } from "./delivery/bencode.ts";
export type { CopySink } from "./delivery/download.ts";
export { DeliveryError, type DeliveryErrorCode } from "./delivery/errors.ts";
export {
  type CopySource,
  type Magnet,
  type MagnetParameters,
  magnetFromShareLink,
  magnetUri,
  parseCopySource,
  parseMagnet,
  shareLinkFor,
  webSeedUrl,
} from "./delivery/magnet.ts";
export {
  type CreateTorrentParameters,
  choosePieceLength,
  createTorrent,
  encodeTorrentFile,
  infoHashOf,
  isSafeFileName,
  parseTorrent,
  type Torrent,
  type TorrentInfo,
  verifyPiece,
  withSources,
} from "./delivery/torrent.ts";
export { AlreadyOwnedError, SdkError, type SdkErrorCode } from "./errors.ts";
export { publishedContentId, purchasedTokenId } from "./receipts.ts";
export type { OnStage, Operation, Stage } from "./stages.ts";
export type { ReadClient, SignerClient } from "./transact.ts";
