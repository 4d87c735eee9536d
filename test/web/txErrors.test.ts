import assert from "node:assert/strict";
import { demoTokenAbi, superdistMarketAbi } from "@superdist/contracts";
import { PackageError } from "@superdist/package";
import { VerifierError } from "@superdist/verifier/client";
import {
  type Abi,
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  InsufficientFundsError,
  parseEther,
  UserRejectedRequestError,
  zeroAddress,
} from "viem";
import { describe, test } from "vitest";
import { describeError, packageWords, revertWords, verifierWords } from "../../web/src/lib/txErrors.ts";

function reverted(abi: Abi, errorName: string, args: readonly unknown[]) {
  const data = encodeErrorResult({ abi, errorName, args } as Parameters<typeof encodeErrorResult>[0]);
  const cause = new ContractFunctionRevertedError({
    abi: superdistMarketAbi,
    data,
    functionName: "purchase",
  });
  return new ContractFunctionExecutionError(cause, {
    abi: superdistMarketAbi,
    functionName: "purchase",
    args: [1n, 0n, zeroAddress, parseEther("0.01")],
  });
}

describe("revert words", () => {
  test("every custom error of the market and of the demo token has words", () => {
    const names = [...superdistMarketAbi, ...demoTokenAbi]
      .filter((item) => item.type === "error")
      .map((item) => (item as { name: string }).name);
    assert.ok(names.includes("PriceAboveMax"));
    assert.deepEqual(
      names.filter((name) => !(name in revertWords)),
      [],
    );
  });

  test("a revert is decoded through viem's error chain and its arguments are formatted", () => {
    const error = reverted(superdistMarketAbi, "PriceAboveMax", [parseEther("0.02"), parseEther("0.01")]);
    const described = describeError(error, { formatAmount: (amount) => `${Number(amount) / 1e18} ETH` });
    assert.equal(described.code, "revert:PriceAboveMax");
    assert.match(described.message, /0\.02 ETH, above the 0\.01 ETH you agreed to pay/);
  });

  test("a token's revert bubbling up through the market is decoded with the token's errors", () => {
    const error = reverted(demoTokenAbi, "ERC2612ExpiredSignature", [1n]);
    assert.equal(describeError(error).code, "revert:ERC2612ExpiredSignature");
  });

  test("a wallet's refusal and a lack of funds are told apart from reverts", () => {
    const rejected = new BaseError("wrapped", { cause: new UserRejectedRequestError(new Error("no")) });
    assert.equal(describeError(rejected).code, "rejected");
    assert.equal(describeError({ code: 4001, message: "User rejected the request." }).code, "rejected");
    const poor = new BaseError("wrapped", { cause: new InsufficientFundsError() });
    assert.equal(describeError(poor).code, "insufficient-funds");
  });

  test("verifier and package errors are told by their stable codes", () => {
    for (const code of Object.keys(verifierWords)) {
      const described = describeError(new VerifierError(code as never, "raw"));
      assert.deepEqual(described, { code: `verifier:${code}`, message: verifierWords[code] });
    }
    const damaged = describeError(new PackageError("PAYLOAD_CORRUPT", "raw"));
    assert.deepEqual(damaged, { code: "package:PAYLOAD_CORRUPT", message: packageWords.PAYLOAD_CORRUPT });
  });
});
