/** The one error base: what callers branch on (code), what people read (shortMessage), and the cause chain. */
import assert from "node:assert/strict";
import { isSuperdistError, SuperdistError, walk } from "@superdist/errors";
import { PackageError } from "@superdist/package";
import { SdkError } from "@superdist/sdk";
import { VerifierError } from "@superdist/verifier/client";
import { BaseError } from "viem";
import { describe, test } from "vitest";

describe("SuperdistError", () => {
  test("keeps the short message for people and puts details after it in the full message", () => {
    const plain = new SuperdistError("PLAIN", "Something is wrong.");
    assert.equal(plain.message, "Something is wrong.");
    assert.equal(plain.details, undefined);
    const detailed = new SuperdistError("DETAILED", "Something is wrong.", { details: "byte 7" });
    assert.equal(detailed.shortMessage, "Something is wrong.");
    assert.equal(detailed.message, "Something is wrong.\n\nDetails: byte 7");
    assert.equal(detailed.code, "DETAILED");
  });

  test("every package's errors share the base, so one check finds them all, by code too", () => {
    const errors = [
      new PackageError("MAC_MISMATCH", "x"),
      new VerifierError("NOT_OWNER", "x"),
      new SdkError("WRONG_MARKET", "x"),
    ];
    for (const error of errors) assert.ok(isSuperdistError(error), error.name);
    assert.ok(isSuperdistError(errors[0], "MAC_MISMATCH"));
    assert.ok(!isSuperdistError(errors[0], "NOT_OWNER"));
    assert.ok(!isSuperdistError(new Error("x")));
    assert.equal(new VerifierError("NOT_OWNER", "x").status, 403);
  });

  test("walk follows the cause chain: the first match, or the innermost cause, through other libraries' errors", () => {
    const root = new PackageError("PAYLOAD_CORRUPT", "damaged");
    const viem = new BaseError("wrapped", { cause: root });
    const outer = new SdkError("WRONG_MARKET", "outer", { cause: viem });
    assert.equal(
      outer.walk((error) => error instanceof PackageError),
      root,
    );
    assert.equal(
      outer.walk((error) => error instanceof BaseError),
      viem,
    );
    assert.equal(outer.walk(), root);
    assert.equal(
      outer.walk((error) => error instanceof VerifierError),
      null,
    );
    assert.equal(walk("not an error"), "not an error");
    assert.equal(
      walk(undefined, () => true),
      null,
    );
  });

  test("a cause chain that loops ends the walk instead of hanging", () => {
    const a = new SuperdistError("A", "a");
    const b = new SuperdistError("B", "b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    assert.equal(
      a.walk((error) => error === b),
      b,
    );
    assert.equal(
      a.walk((error) => (error as SuperdistError).code === "C"),
      null,
    );
  });
});
