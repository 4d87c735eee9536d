import {
  BaseError,
  ChainMismatchError,
  ContractFunctionRevertedError,
  HttpRequestError,
  InsufficientFundsError,
  TimeoutError,
  UserRejectedRequestError,
} from "viem";

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
    const errorName = reverted.data?.errorName;
    if (errorName !== undefined) {
      const words = revertWords[errorName];
      return {
        code: `revert:${errorName}`,
        message: words ? words(reverted.data?.args ?? [], format) : `The contract refused: ${errorName}.`,
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
