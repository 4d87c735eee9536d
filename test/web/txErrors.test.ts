import assert from "node:assert/strict";
import { demoTokenAbi, superdistMarketAbi } from "@superdist/contracts";
import { PackageError } from "@superdist/package";
import { AlreadyOwnedError } from "@superdist/sdk";
import { VerifierError } from "@superdist/verifier/client";
import {
  type Abi,
  BaseError,
  ChainMismatchError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  HttpRequestError,
  InsufficientFundsError,
  parseEther,
  TimeoutError,
  UserRejectedRequestError,
  zeroAddress,
} from "viem";
import { hardhat } from "viem/chains";
import { describe, test } from "vitest";
import { PackageWorkerError } from "../../web/src/lib/packageWorker.ts";
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
    args: [1n, 0n, zeroAddress, zeroAddress, parseEther("0.01")],
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

  test("every revert the market or its tokens can raise is told in words, with its arguments filled in", () => {
    const sample = (type: string): unknown => {
      if (type === "address") return "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
      if (type === "bool") return true;
      if (type === "string") return "text";
      if (type.startsWith("bytes")) return `0x${"ab".repeat(Number(type.slice(5)) || 4)}`;
      if (type.endsWith("[]")) return [];
      return 7n;
    };
    const errors = [...superdistMarketAbi, ...demoTokenAbi].filter(
      (item): item is Extract<typeof item, { type: "error" }> => item.type === "error",
    );
    for (const item of errors) {
      const args = item.inputs.map((input) => sample(input.type));
      const described = describeError(reverted([item] as Abi, item.name, args), {
        formatAmount: (amount) => `${amount} units`,
      });
      assert.equal(described.code, `revert:${item.name}`, item.name);
      assert.doesNotMatch(described.message, /undefined|\[object|The contract refused/, item.name);
    }
  });

  test("a revert with only raw data is decoded from the known errors; unknown data and panics are said plainly", () => {
    const raw = encodeErrorResult({
      abi: superdistMarketAbi,
      errorName: "ContentPaused",
      args: [3n],
    } as never);
    const fromRaw = new ContractFunctionRevertedError({ abi: [], data: raw, functionName: "purchase" });
    assert.equal(describeError(new BaseError("wrapped", { cause: fromRaw })).code, "revert:ContentPaused");
    const unknown = new ContractFunctionRevertedError({
      abi: [],
      data: "0xdeadbeef",
      functionName: "purchase",
    });
    assert.deepEqual(describeError(new BaseError("wrapped", { cause: unknown })), {
      code: "revert",
      message: "The contract refused the transaction without saying why.",
    });
    const reason = new ContractFunctionRevertedError({
      abi: [],
      message: "sold out",
      functionName: "purchase",
    });
    assert.deepEqual(describeError(new BaseError("wrapped", { cause: reason })), {
      code: "revert",
      message: "The contract refused: sold out.",
    });
  });

  test("a wallet on another network, an unreachable node and anything else are told apart", () => {
    const elsewhere = new BaseError("wrapped", {
      cause: new ChainMismatchError({ chain: hardhat, currentChainId: 1 }),
    });
    assert.equal(describeError(elsewhere).code, "wrong-network");
    const offline = new BaseError("wrapped", {
      cause: new HttpRequestError({ url: "http://127.0.0.1:1", details: "connection refused" }),
    });
    assert.equal(describeError(offline).code, "network");
    const slow = new BaseError("wrapped", {
      cause: new TimeoutError({ body: {}, url: "http://127.0.0.1:1" }),
    });
    assert.equal(describeError(slow).code, "network");
    assert.equal(
      describeError(new BaseError("insufficient funds for gas * price + value")).code,
      "insufficient-funds",
    );
    assert.deepEqual(describeError(new BaseError("Something odd.")), {
      code: "unknown",
      message: "Something odd.",
    });
    assert.deepEqual(describeError(new Error("plain")), { code: "unknown", message: "plain" });
    assert.deepEqual(describeError("thrown text"), { code: "unknown", message: "thrown text" });
  });

  test("every package code has words, also from the worker; the SDK's own refusals keep their message", () => {
    for (const code of Object.keys(packageWords)) {
      if (code === "WORKER_ERROR") continue;
      assert.deepEqual(describeError(new PackageError(code as never, "raw")), {
        code: `package:${code}`,
        message: packageWords[code],
      });
    }
    assert.deepEqual(describeError(new PackageWorkerError("WORKER_ERROR", "raw")), {
      code: "package:WORKER_ERROR",
      message: packageWords.WORKER_ERROR,
    });
    const owned = new AlreadyOwnedError(4n, 2n);
    assert.deepEqual(describeError(owned), { code: "ALREADY_OWNED", message: owned.shortMessage });
    assert.match(owned.shortMessage, /license #4 of content #2/);
  });
});
