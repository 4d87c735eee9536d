// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ISuperdistMarket} from "../interfaces/ISuperdistMarket.sol";
import {BlocklistToken} from "../mocks/BlocklistToken.sol";
import {MarketHandler} from "./utils/MarketHandler.t.sol";
import {TestBase} from "./utils/TestBase.t.sol";

/// @dev Whatever random publishing, purchases through random lineages, transfers, reprices (currency switches
/// included), schedule and payout changes, pauses, blocklistings and claims happen, in ETH and five tokens of which
/// three misbehave: the market holds, in each currency, exactly what its accounts can still claim; each purchase
/// credits exactly its price, in the currency named, to nobody on their own purchase; each license is one generation
/// past its parent.
contract SuperdistMarketInvariantTest is TestBase {
    /// @dev The runner's shape for `targetSelectors`, as forge-std declares it.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    MarketHandler private handler;

    function setUp() public {
        handler = new MarketHandler();
        // Start with one content in each currency, so that early calls already buy something. The fee token has
        // two: one whose 1% is a unit (every sale short, so refused), one whose 1% rounds to nothing.
        uint16[8] memory fiveLevels = [uint16(5), 1000, 500, 300, 200, 100, 0, 0];
        handler.publish(0, 1, 1 ether, 0, fiveLevels);
        handler.publish(1, 2, 12_345_678, 1, fiveLevels);
        handler.publish(2, 3, 5_000_000, 2, fiveLevels);
        handler.publish(3, 4, 10_000, 3, fiveLevels);
        handler.publish(4, 5, 99, 3, fiveLevels);
        handler.publish(5, 0, 7_000_000, 4, fiveLevels);
        handler.publish(0, 1, 3 ether, 5, fiveLevels);
    }

    /// @dev The handler is not a no-op: a fixed sequence buys along a lineage, is refused a purchase in a currency the
    /// content left, moves a license, claims, and claims for an account that allowed it.
    function test_handler_buysTransfersAndClaims() public {
        uint16[8] memory none;
        for (uint256 i; i < 4; ++i) {
            handler.purchase(i, i, 0, 1, 1);
            handler.purchase(i, i, 1, 1, 1);
            handler.purchase(i, i, 2, 1, 1);
        }
        handler.transfer(0, 5);
        handler.setProtocolFee(3, 250);
        handler.setRewardSchedule(0, none);
        handler.setPrice(1, 7, 0);
        handler.purchase(4, 4, 1, 1, 1);
        // Content 2 moves to the 6-decimal token; a buyer who names the demo token it was first sold in is refused.
        handler.setPrice(1, 12_345_678, 2);
        handler.purchase(4, 4, 1, 1, 8);
        assertEq(handler.purchases(), 13, "purchases");
        assertEq(handler.refusals(ISuperdistMarket.CurrencyMismatch.selector), 1, "mismatch refused");
        assertTrue(handler.sumClaimable(address(0)) != 0, "ETH owed");
        handler.setClaimForAllowed(1, true);
        handler.claimFor(0, 1, 7);
        handler.claimFor(0, 2, 7);
        for (uint256 i; i < handler.actorCount(); ++i) {
            handler.claim(i, 0, 7);
        }
        assertTrue(handler.claims() != 0, "claims happened");
        for (uint256 i; i < 3; ++i) {
            assertEq(handler.sumClaimable(handler.currencyAt(i)), 0, "all claimed");
        }
        assertEq(address(handler.market()).balance, 0, "market holds no ETH");
        assertEq(handler.ghostPaidOutsideNamed(), 0, "paid in the named currencies only");
        assertTrue(bytes(handler.failure()).length == 0, handler.failure());
    }

    /// @dev The misbehaving tokens and the pauses are reached: a fee on transfer is refused with nothing moved
    /// unless its 1% rounds to nothing; a token returning nothing sells and pays out along a lineage; a blocked
    /// payout is still credited, only a claim paying it the blocked token fails, and its balance can go elsewhere; a
    /// blocked payer cannot pay in that token; a paused market refuses sales and publishing, never claims.
    function test_handler_hostileTokensAndPauses() public {
        handler.purchase(0, 0, 3, 0, 1);
        assertEq(handler.refusals(ISuperdistMarket.TransferShortfall.selector), 1, "shortfall refused");
        handler.purchase(0, 0, 4, 0, 1);
        handler.purchase(0, 0, 5, 0, 1);
        for (uint256 i = 1; i < 4; ++i) {
            handler.purchaseDeep(i, i, 1);
        }
        // Actor 1, the blocklist content's payout.
        handler.setBlocked(2, true);
        handler.purchase(2, 2, 6, 0, 1);
        handler.purchaseDeep(3, 3, 1);
        handler.purchaseDeep(4, 4, 1);
        assertEq(handler.salesCreditingBlocked(), 3, "blocked payout credited");
        handler.purchase(1, 1, 6, 1, 1);
        assertEq(handler.refusals(BlocklistToken.Blocked.selector), 1, "blocked payer refused");
        assertEq(handler.purchases(), 8, "purchases");
        assertTrue(handler.deepestGeneration() >= 3, "deep lineage");
        address blocked = address(handler.blocklistToken());
        handler.claim(1, 2, 1 << 5);
        assertEq(handler.refusedClaimsToBlocked(), 1, "claim to the blocked payout refused");
        assertTrue(handler.sumClaimable(blocked) != 0, "still owed");
        handler.claim(1, 0, 1 << 5);
        assertEq(handler.claims(), 1, "claimed to another address");

        handler.setMarketPaused(0);
        handler.purchase(0, 0, 0, 0, 1);
        assertEq(handler.refusals(ISuperdistMarket.MarketPaused.selector), 1, "paused sale refused");
        uint16[8] memory none;
        handler.publish(0, 0, 1, 0, none);
        for (uint256 i; i < handler.actorCount(); ++i) {
            handler.claim(i, 2 * i, 0x3f);
        }
        for (uint256 i; i < 6; ++i) {
            address currency = handler.currencyAt(i);
            assertEq(handler.sumClaimable(currency), 0, "all claimed while paused");
            assertEq(handler.ghostPaidIn(currency), handler.ghostCredited(currency), "credits are the prices");
        }
        assertEq(IERC20(blocked).balanceOf(address(handler.market())), 0, "market holds no blocklist token");
        // The events are read: rewards were reported, none to a buyer on their own purchase.
        assertTrue(handler.ghostRewardsReported() != 0, "rewards reported");
        assertEq(handler.ghostSelfRewards(), 0, "nobody rewarded on their own purchase");
        assertEq(handler.firstBrokenLineage(), 0, "generations");
        assertTrue(bytes(handler.failure()).length == 0, handler.failure());
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev The actions only: the handler's views would spend calls of the sequence on nothing.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](14);
        selectors[0] = MarketHandler.publish.selector;
        selectors[1] = MarketHandler.purchase.selector;
        selectors[2] = MarketHandler.purchaseDeep.selector;
        selectors[3] = MarketHandler.transfer.selector;
        selectors[4] = MarketHandler.claim.selector;
        selectors[5] = MarketHandler.claimFor.selector;
        selectors[6] = MarketHandler.setClaimForAllowed.selector;
        selectors[7] = MarketHandler.setProtocolFee.selector;
        selectors[8] = MarketHandler.setRewardSchedule.selector;
        selectors[9] = MarketHandler.setPrice.selector;
        selectors[10] = MarketHandler.setPayout.selector;
        selectors[11] = MarketHandler.setMarketPaused.selector;
        selectors[12] = MarketHandler.setContentPaused.selector;
        selectors[13] = MarketHandler.setBlocked.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 256
    function invariant_ethBalanceEqualsUnclaimed() public view {
        uint256 balance = address(handler.market()).balance;
        assertEq(balance, handler.sumClaimable(address(0)), "ETH held == sum of ETH claimable");
        assertEq(balance, handler.ghostPaidIn(address(0)) - handler.ghostClaimed(address(0)), "ETH in - out");
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 256
    function invariant_tokenBalanceEqualsUnclaimed() public view {
        address market = address(handler.market());
        for (uint256 i = 1; i < 6; ++i) {
            address token = handler.currencyAt(i);
            uint256 balance = IERC20(token).balanceOf(market);
            assertEq(balance, handler.sumClaimable(token), "tokens held == sum of token claimable");
            assertEq(balance, handler.ghostPaidIn(token) - handler.ghostClaimed(token), "tokens in - out");
        }
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 256
    function invariant_everyPurchaseCreditsExactlyItsPrice() public view {
        assertEq(handler.ghostPurchasesNotCreditingTheirPrice(), 0, "purchases crediting other than their price");
        for (uint256 i; i < 6; ++i) {
            address currency = handler.currencyAt(i);
            assertEq(handler.ghostCredited(currency), handler.ghostPaidIn(currency), "credited == paid in");
        }
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 256
    function invariant_nobodyIsRewardedOnTheirOwnPurchase() public view {
        assertEq(handler.ghostSelfRewards(), 0, "rewards to the payer or recipient");
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 256
    function invariant_generationIsTheParentsPlusOne() public view {
        assertEq(handler.firstBrokenLineage(), 0, "license off its parent's generation");
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 256
    function invariant_noPurchasePaysInACurrencyOtherThanTheOneNamed() public view {
        assertEq(handler.ghostPaidOutsideNamed(), 0, "paid outside the named currency");
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 256
    function invariant_everyPurchaseMintsOneLicense() public view {
        assertEq(handler.market().totalSupply(), handler.ghostLicenses(), "licenses minted");
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 256
    function invariant_everyCallSucceeds() public view {
        assertTrue(bytes(handler.failure()).length == 0, handler.failure());
    }
}
