import assert from "node:assert/strict";
import {
  DeploymentNotFoundError,
  type Erc5267Domain,
  ETH,
  getCurrency,
  permitTypedData,
  resolveDeployment,
} from "@superdist/contracts";
import { createPublicClient, http } from "viem";
import { polygon } from "viem/chains";
import { describe, test } from "vitest";

const token = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
const salt = `0x${"ab".repeat(32)}` as const;
const request = {
  nonce: 4n,
  owner: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  spender: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  value: 10n ** 18n,
  deadline: 1_900_000_000n,
};
const domainOf = (fields: number): Erc5267Domain => [
  `0x${fields.toString(16).padStart(2, "0")}`,
  "Demo Dollar",
  "2",
  31337n,
  token,
  salt,
  [],
];

describe("permitTypedData", () => {
  test("the domain holds exactly the fields whose ERC-5267 bit is set", () => {
    const order = ["name", "version", "chainId", "verifyingContract", "salt"];
    for (let fields = 0; fields < 32; fields++) {
      const { domain } = permitTypedData({ ...request, eip712Domain: domainOf(fields) });
      const expected = order.filter((_, bit) => fields & (1 << bit));
      assert.deepEqual(Object.keys(domain), expected, `fields 0b${fields.toString(2)}`);
    }
    assert.deepEqual(permitTypedData({ ...request, eip712Domain: domainOf(0x1f) }).domain, {
      name: "Demo Dollar",
      version: "2",
      chainId: 31337,
      verifyingContract: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      salt,
    });
  });

  test("the message is EIP-2612's Permit, with checksummed addresses", () => {
    const permit = permitTypedData({ ...request, eip712Domain: domainOf(0x0f) });
    assert.equal(permit.primaryType, "Permit");
    assert.deepEqual(permit.message, {
      owner: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      spender: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      value: 10n ** 18n,
      nonce: 4n,
      deadline: 1_900_000_000n,
    });
    assert.deepEqual(
      permit.types.Permit.map((f) => `${f.type} ${f.name}`),
      ["address owner", "address spender", "uint256 value", "uint256 nonce", "uint256 deadline"],
    );
  });

  test("an owner or spender that is not an address is refused before anything is signed", () => {
    for (const bad of [{ owner: "0x1234" }, { spender: "market" }]) {
      assert.throws(() => permitTypedData({ ...request, ...bad, eip712Domain: domainOf(0x0f) }), /Address/);
    }
  });
});

describe("getCurrency", () => {
  // ETH needs no read: the client is never asked anything.
  const client = (chain?: typeof polygon) =>
    createPublicClient({ chain, transport: http("http://127.0.0.1:1", { retryCount: 0 }) });

  test("ETH is the chain's own currency, with 18 decimals; ETH when the client names no chain", async () => {
    assert.deepEqual(await getCurrency(client(polygon), ETH), { address: ETH, symbol: "POL", decimals: 18 });
    assert.deepEqual(await getCurrency(client(), ETH), { address: ETH, symbol: "ETH", decimals: 18 });
  });
});

describe("resolveDeployment", () => {
  test("a chain without a generated deployment needs the market address", () => {
    assert.throws(
      () => resolveDeployment(8453),
      (error) => {
        assert.ok(error instanceof DeploymentNotFoundError);
        assert.equal(error.code, "DEPLOYMENT_NOT_FOUND");
        assert.match(error.message, /chain 8453; pass the market address explicitly/);
        return true;
      },
    );
    const market = "0x000000000000000000000000000000000000dEaD";
    assert.deepEqual(resolveDeployment(8453, { market }), {
      chainId: 8453,
      market,
      demoToken: undefined,
      deployBlock: 0,
    });
  });
});
