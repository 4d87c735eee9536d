import { demoTokenAbi, superdistMarketAbi } from "@superdist/contracts";
import { isSuperdistError } from "@superdist/errors";
import { PackageError } from "@superdist/package";
import { VerifierError } from "@superdist/verifier/client";
import {
  type Abi,
  BaseError,
  ChainMismatchError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  HttpRequestError,
  InsufficientFundsError,
  TimeoutError,
  UserRejectedRequestError,
} from "viem";
import { PackageWorkerError } from "./packageWorker.ts";

/** What went wrong, in words a buyer understands, with a stable code for tests and analytics. */
export type ErrorDescription = {
  code: string;
  message: string;
};

export type DescribeOptions = {
  /** Formats a token amount carried by a revert, e.g. in the currency of the content being bought. */
  formatAmount?: (amount: bigint) => string;
};

type Words = (args: readonly unknown[], format: (amount: bigint) => string) => string;

const percent = (bps: unknown) => `${Number(bps) / 100}%`;
const id = (value: unknown) => `#${String(value)}`;
const amount = (value: unknown, format: (amount: bigint) => string) =>
  typeof value === "bigint" ? format(value) : String(value);

/**
 * Every custom error the market and the tokens it calls can revert with, in words. Keyed by error name, as
 * decoded from the ABI; the market's errors come first, then the OpenZeppelin ones its tokens raise.
 */
export const revertWords: Record<string, Words> = {
  ContentNotFound: ([contentId]) => `There is no content ${id(contentId)} on this market.`,
  ContentPaused: () => "The publisher has paused sales of this content.",
  NotPublisher: () => "Only the publisher of this content can do that.",
  MarketPaused: () => "The market is paused for maintenance. Claims still work; try buying later.",
  MarketNotPaused: () => "The market is not paused.",
  InvalidReferrer: ([tokenId]) =>
    `License ${id(tokenId)} is not a license of this content, so it cannot refer this purchase.`,
  PriceAboveMax: ([price, maxPrice], format) =>
    `The price changed to ${amount(price, format)}, above the ${amount(maxPrice, format)} you agreed to pay. Nothing was charged; check the new price and buy again.`,
  IncorrectPayment: ([expected, sent], format) =>
    `The payment did not match the price: ${amount(expected, format)} was due, ${amount(sent, format)} was sent.`,
  TransferShortfall: ([expected, received], format) =>
    `The token kept a fee on transfer (${amount(received, format)} arrived of ${amount(expected, format)}), so it cannot pay for licenses.`,
  ScheduleTooDeep: ([depth, maxDepth]) =>
    `The reward schedule has ${String(depth)} levels; at most ${String(maxDepth)} are allowed.`,
  RewardsExceedLimit: ([sum, max]) =>
    `The rewards add up to ${percent(sum)} of the price; with the protocol fee at most ${percent(max)} is allowed.`,
  RoyaltyTooHigh: ([bps, max]) =>
    `A royalty of ${percent(bps)} is too high; at most ${percent(max)} is allowed.`,
  ProtocolFeeAboveCap: ([bps, cap]) =>
    `A protocol fee of ${percent(bps)} is above the cap of ${percent(cap)}.`,
  ZeroAddress: () => "An address is missing: the zero address cannot receive anything.",
  LicenseNotTransferable: ([tokenId]) =>
    `License ${id(tokenId)} belongs to content whose licenses cannot change hands.`,
  NothingToClaim: () => "There is nothing to claim in the chosen currencies.",
  ERC721NonexistentToken: ([tokenId]) => `License ${id(tokenId)} does not exist.`,
  ERC721IncorrectOwner: ([, tokenId]) => `You do not own license ${id(tokenId)}.`,
  ERC721InsufficientApproval: ([, tokenId]) => `You may not move license ${id(tokenId)}.`,
  ERC20InsufficientBalance: ([, balance, needed], format) =>
    `Your token balance is too low: ${amount(balance, format)} of ${amount(needed, format)} needed.`,
  ERC20InsufficientAllowance: ([, allowance, needed], format) =>
    `The market may spend only ${amount(allowance, format)} of your tokens, ${amount(needed, format)} are needed. Approve first.`,
  ERC2612ExpiredSignature: () => "The spending permission you signed has expired. Sign again.",
  ERC2612InvalidSigner: () => "The spending permission was signed by another account.",
  SafeERC20FailedOperation: () => "The token refused the transfer.",
  EnforcedPause: () => "The market is paused for maintenance. Claims still work; try buying later.",
  ReentrancyGuardReentrantCall: () => "The transaction tried to re-enter the market and was stopped.",
  OwnableUnauthorizedAccount: () => "Only the market owner can do that.",
  OwnableInvalidOwner: () => "That address cannot own the market.",
  PermitNeedsToken: () =>
    "This content is priced in ETH, which needs no spending permission; buy it directly.",
  CurrencyMismatch: () =>
    "The publisher changed the currency of this content since you saw its price. Nothing was charged; check the new price and buy again.",
  ContentIdsExhausted: ([max]) =>
    `This market cannot take more content: all ${String(max)} content ids are used.`,
  TokenIdsExhausted: ([max]) =>
    `This market cannot sell more licenses: all ${String(max)} license ids are used.`,
  ClaimForNotAllowed: () =>
    "That account has not allowed others to claim its rewards for it; only its owner can claim them.",
  FailedCall: () => "A payment the market made failed.",
  InsufficientBalance: () => "The market does not hold enough to make this payment.",
  InvalidShortString: () => "A text field is too long.",
  StringTooLong: () => "A text field is too long.",
  ERC721InvalidApprover: () => "That account cannot approve moving this license.",
  ERC721InvalidOperator: () => "That account cannot be allowed to move licenses.",
  ERC721InvalidOwner: () => "That account cannot own licenses.",
  ERC721InvalidReceiver: () => "That address cannot receive licenses.",
  ERC721InvalidSender: () => "That account cannot send this license.",
  ERC20InvalidApprover: () => "That account cannot approve spending.",
  ERC20InvalidReceiver: () => "That address cannot receive tokens.",
  ERC20InvalidSender: () => "That account cannot send tokens.",
  ERC20InvalidSpender: () => "That account cannot be allowed to spend tokens.",
  ECDSAInvalidSignature: () => "The signature is not valid.",
  ECDSAInvalidSignatureLength: () => "The signature is not valid.",
  ECDSAInvalidSignatureS: () => "The signature is not valid.",
  InvalidAccountNonce: () => "The spending permission was already used. Sign a new one.",
};

/** Errors of the market and of the tokens it calls: a token's revert bubbles up through a purchase. */
const knownErrors: Abi = [...superdistMarketAbi, ...demoTokenAbi].filter((item) => item.type === "error");

function decodeRevert(reverted: ContractFunctionRevertedError) {
  if (reverted.data) return reverted.data;
  if (!reverted.raw || reverted.raw === "0x") return undefined;
  try {
    return decodeErrorResult({ abi: knownErrors, data: reverted.raw });
  } catch {
    return undefined;
  }
}

/** Refusals of the verifier service, by its stable error code. */
export const verifierWords: Record<string, string> = {
  NOT_OWNER: "The verifier sees another owner of this license, so it will not re-key the copy for you.",
  TOKEN_OF_OTHER_CONTENT: "That license is for another content than this copy.",
  TOKEN_NOT_FOUND: "That license does not exist (yet). If you just bought it, try again in a moment.",
  CONTENT_NOT_FOUND: "The content of this copy is not on this market.",
  DEADLINE_EXPIRED: "Your signature expired before the verifier saw it. Try again.",
  DEADLINE_TOO_FAR: "The signature's deadline is too far ahead; check your computer's clock.",
  RATE_LIMITED: "Too many re-keys just now. Wait a minute and try again.",
  NO_VERIFIER_STANZA: "This copy has no verifier key, so no verifier can re-key it.",
  MAC_MISMATCH: "This copy's header was altered, so the verifier refuses it. Get another copy.",
  KEY_COMMITMENT_MISMATCH: "This copy's key does not belong to the content it names. It is not genuine.",
  MALFORMED_HEADER: "This copy's header is damaged.",
  TOO_MANY_STANZAS: "This copy's header is damaged.",
  HEADER_TOO_LARGE: "This copy's header is too large.",
  LINEAGE_CHAIN_MISMATCH: "This copy belongs to a market on another network.",
  LINEAGE_MARKET_MISMATCH: "This copy belongs to another market.",
  INVALID_RECIPIENT: "This browser's key was refused by the verifier.",
  CHAIN_ERROR: "The verifier could not read the chain. Try again in a moment.",
  CHAIN_UNAVAILABLE: "The verifier could not read the chain. Try again in a moment.",
  NETWORK_ERROR: "The verifier cannot be reached right now. Try again later.",
  INVALID_RESPONSE: "The verifier gave an answer this app does not understand.",
};

/** Problems with a package file, by the format's stable error code. */
export const packageWords: Record<string, string> = {
  NOT_AGE: "This is not a superdist package.",
  HEADER_TRUNCATED: "The file ends inside its header: it is incomplete.",
  HEADER_MALFORMED: "The package header is damaged.",
  HEADER_TOO_LARGE: "The package header is too large to be genuine.",
  TOO_MANY_STANZAS: "The package header is too large to be genuine.",
  LINEAGE_MISSING: "This age file carries no lineage, so it is not a superdist package.",
  LINEAGE_DUPLICATE: "This package names two lineages; it was tampered with.",
  LINEAGE_MALFORMED: "The package's lineage is damaged.",
  MAC_MISMATCH: "The package header was altered after it was written. Do not trust this copy.",
  NO_MATCHING_IDENTITY: "This copy is not keyed to this browser.",
  PAYLOAD_TRUNCATED: "The file is incomplete: it ends before the content does.",
  PAYLOAD_CORRUPT: "The file is damaged: part of the content does not check out.",
  TRAILING_DATA: "Extra bytes follow the content: the file was altered.",
  REKEY_CONTENT_MISMATCH: "The new header is for another content.",
  WORKER_ERROR: "Decryption stopped unexpectedly in this browser.",
};

function isBaseError(error: unknown): error is BaseError {
  return error instanceof BaseError;
}

function rpcCode(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "number") {
    return error.code;
  }
  return undefined;
}

/** Turns whatever a wallet, node or contract threw into words, following viem's error chain to its cause. */
export function describeError(error: unknown, options: DescribeOptions = {}): ErrorDescription {
  const format = options.formatAmount ?? ((value: bigint) => value.toString());
  if (error instanceof VerifierError) {
    return { code: `verifier:${error.code}`, message: verifierWords[error.code] ?? error.shortMessage };
  }
  if (error instanceof PackageError || error instanceof PackageWorkerError) {
    return { code: `package:${error.code}`, message: packageWords[error.code] ?? error.shortMessage };
  }
  // The SDK's and the browser's own refusals say what is wrong already, in words.
  if (isSuperdistError(error)) return { code: error.code, message: error.shortMessage };
  if (!isBaseError(error)) {
    if (rpcCode(error) === 4001)
      return { code: "rejected", message: "You rejected the request in your wallet." };
    const message = error instanceof Error ? error.message : String(error);
    return { code: "unknown", message };
  }
  if (error.walk((cause) => cause instanceof UserRejectedRequestError || rpcCode(cause) === 4001)) {
    return { code: "rejected", message: "You rejected the request in your wallet." };
  }
  if (error.walk((cause) => cause instanceof InsufficientFundsError)) {
    return {
      code: "insufficient-funds",
      message: "Your account does not have enough ETH to pay for this and the network fee.",
    };
  }
  const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    const decoded = decodeRevert(reverted);
    if (decoded !== undefined && decoded.errorName !== "Error" && decoded.errorName !== "Panic") {
      const words = revertWords[decoded.errorName];
      return {
        code: `revert:${decoded.errorName}`,
        message: words ? words(decoded.args ?? [], format) : `The contract refused: ${decoded.errorName}.`,
      };
    }
    if (reverted.reason) return { code: "revert", message: `The contract refused: ${reverted.reason}.` };
    return { code: "revert", message: "The contract refused the transaction without saying why." };
  }
  if (error.walk((cause) => cause instanceof ChainMismatchError)) {
    return {
      code: "wrong-network",
      message: "Your wallet is on another network. Switch network and try again.",
    };
  }
  if (error.walk((cause) => cause instanceof HttpRequestError || cause instanceof TimeoutError)) {
    return {
      code: "network",
      message: "The network node did not answer. Check your connection and try again.",
    };
  }
  if (/insufficient funds/i.test(error.message)) {
    return {
      code: "insufficient-funds",
      message: "Your account does not have enough ETH to pay for this and the network fee.",
    };
  }
  return { code: "unknown", message: error.shortMessage };
}
