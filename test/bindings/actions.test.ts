import assert from "node:assert/strict";
import { getAccountActivity, getCurrency, getOwnedLicenses, getPermitTypedData } from "@superdist/contracts";
import type { PrivateKeyAccount } from "viem";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type MarketFixture, startMarketFixture } from "../../scripts/stack/market.ts";

describe("chain reads of the bindings, against a real node", () => {
  let fixture: MarketFixture;
  let buyer: PrivateKeyAccount;

  beforeAll(async () => {
    fixture = await startMarketFixture();
    buyer = fixture.accounts[2] as PrivateKeyAccount;
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  test("an ERC-20's symbol and decimals are read from the token", async () => {
    const currency = await getCurrency(fixture.publicClient, fixture.chain.demoToken);
    assert.equal(currency.address, fixture.chain.demoToken);
    assert.equal(currency.decimals, 18);
    assert.equal(typeof currency.symbol, "string");
    assert.ok(currency.symbol.length > 0);
  });

  test("a permit is offered for a token with EIP-2612, and none where there is no permit to sign", async () => {
    const request = {
      owner: buyer.address,
      spender: fixture.chain.market,
      value: 1_000n,
      deadline: 1_900_000_000n,
    };
    const permit = await getPermitTypedData(fixture.publicClient, {
      ...request,
      token: fixture.chain.demoToken,
    });
    assert.ok(permit);
    assert.equal(permit.domain.verifyingContract, fixture.chain.demoToken);
    assert.equal(permit.domain.chainId, fixture.chain.chainId);
    assert.equal(permit.message.nonce, 0n);
    assert.equal(permit.message.owner, buyer.address);
    // The market answers eip712Domain() (its re-key domain) but has no nonces(): not a permit token.
    assert.equal(
      await getPermitTypedData(fixture.publicClient, { ...request, token: fixture.chain.market }),
      undefined,
    );
    assert.equal(
      await getPermitTypedData(fixture.publicClient, {
        ...request,
        token: "0x000000000000000000000000000000000000dEaD",
      }),
      undefined,
    );
  });

  test("a license received after fromBlock, bought before it, still names its content", async () => {
    const content = await fixture.publish();
    const tokenId = await fixture.buy(content.contentId, buyer);
    const fromBlock = (await fixture.publicClient.getBlockNumber()) + 1n;
    const receiver = fixture.accounts[5] as PrivateKeyAccount;
    await fixture.transfer(tokenId, buyer, receiver.address);
    const scope = { market: fixture.chain.market, account: receiver.address, fromBlock };

    const [owned] = await getOwnedLicenses(fixture.publicClient, scope);
    assert.equal(owned?.tokenId, tokenId);
    assert.equal(owned?.contentId, content.contentId);
    const activity = await getAccountActivity(fixture.publicClient, scope);
    assert.deepEqual(
      activity.licenses.map((l) => [l.tokenId, l.contentId, l.owner, l.level]),
      [[tokenId, content.contentId, receiver.address, 0]],
    );
  });
});
