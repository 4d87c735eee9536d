// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MarketHandler} from "./utils/MarketHandler.t.sol";
import {TestBase} from "./utils/TestBase.t.sol";

/// @dev Conservation: whatever random publishing, purchases, transfers, fee changes and claims happen, the market
/// holds, in each currency, exactly what its accounts can still claim.
contract SuperdistMarketInvariantTest is TestBase {
    MarketHandler private handler;

    function setUp() public {
        handler = new MarketHandler();
        // Start with one content in each currency, so that early calls already buy something.
        uint16[8] memory fiveLevels = [uint16(5), 1000, 500, 300, 200, 100, 0, 0];
        handler.publish(0, 1, 1 ether, 0, fiveLevels);
        handler.publish(1, 2, 12_345_678, 1, fiveLevels);
        handler.publish(2, 3, 5_000_000, 2, fiveLevels);
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
        handler.purchase(4, 4, 1, 1, 4);
        assertEq(handler.purchases(), 13, "purchases");
        assertEq(handler.refusedMismatches(), 1, "mismatch refused");
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

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 64
    function invariant_ethBalanceEqualsUnclaimed() public view {
        uint256 balance = address(handler.market()).balance;
        assertEq(balance, handler.sumClaimable(address(0)), "ETH held == sum of ETH claimable");
        assertEq(balance, handler.ghostPaidIn(address(0)) - handler.ghostClaimed(address(0)), "ETH in - out");
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 64
    function invariant_tokenBalanceEqualsUnclaimed() public view {
        address market = address(handler.market());
        address[2] memory tokens = [address(handler.token()), address(handler.sixToken())];
        for (uint256 i; i < tokens.length; ++i) {
            uint256 balance = IERC20(tokens[i]).balanceOf(market);
            assertEq(balance, handler.sumClaimable(tokens[i]), "tokens held == sum of token claimable");
            assertEq(balance, handler.ghostPaidIn(tokens[i]) - handler.ghostClaimed(tokens[i]), "tokens in - out");
        }
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 64
    function invariant_noPurchasePaysInACurrencyOtherThanTheOneNamed() public view {
        assertEq(handler.ghostPaidOutsideNamed(), 0, "paid outside the named currency");
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 64
    function invariant_everyPurchaseMintsOneLicense() public view {
        assertEq(handler.market().totalSupply(), handler.ghostLicenses(), "licenses minted");
    }

    /// forge-config: default.invariant.runs = 48
    /// forge-config: default.invariant.depth = 64
    function invariant_everyCallSucceeds() public view {
        assertTrue(bytes(handler.failure()).length == 0, handler.failure());
    }
}
