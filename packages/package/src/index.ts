export { generateIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
export type { ChunkAead, ChunkCipher } from "./aead.ts";
export {
  type DecryptBlobParameters,
  type DecryptBlobReturnType,
  decryptBlob,
  type EncryptBlobParameters,
  type EncryptBlobReturnType,
  encryptBlob,
} from "./blob.ts";
export { FILE_KEY_LENGTH, KEY_COMMITMENT_DOMAIN, keyCommitment } from "./commitment.ts";
export { isPackageError, PackageError, type PackageErrorCode, type PackageErrorOptions } from "./errors.ts";
export {
  AGE_VERSION_LINE,
  MAX_HEADER_SIZE,
  MAX_STANZAS,
  type PackageHeader,
  parseHeader,
  type RekeyHeaderParameters,
  rekeyHeader,
  type Stanza,
  type UnwrapHeaderReturnType,
  unwrapFileKey,
  unwrapHeader,
  verifyHeaderMac,
  type WriteHeaderParameters,
  writeHeader,
} from "./header.ts";
export {
  LINEAGE_STANZA,
  type Lineage,
  lineageMismatch,
  type MarketLocation,
  sameContent,
} from "./lineage.ts";
export { contentStem, copyFileName, PACKAGE_EXTENSION, plaintextFileName } from "./names.ts";
export {
  checkReplacementHeader,
  type DecryptPackageParameters,
  type DecryptPackageReturnType,
  type DecryptPayloadParameters,
  decryptPackage,
  decryptPayload,
  type EncryptPackageParameters,
  type EncryptPackageReturnType,
  encryptPackage,
  type NewPackageHeaderParameters,
  newPackageHeader,
  openHeader,
  type ProgressCallback,
  packageSize,
  type ReadPackageHeaderReturnType,
  type ReplaceHeaderOptions,
  readHeaderFromBlob,
  readPackageHeader,
  rekeyBlob,
} from "./package.ts";
export { CHUNK_SIZE, PAYLOAD_NONCE_SIZE, plaintextSizeOfPayload } from "./stream.ts";
