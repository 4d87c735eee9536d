// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

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
        handler.publish(0, 1, 1 ether, false, fiveLevels);
        handler.publish(1, 2, 12_345_678, true, fiveLevels);
    }

    /// @dev The handler is not a no-op: a fixed sequence buys along a lineage, moves a license and claims.
    function test_handler_buysTransfersAndClaims() public {
        uint16[8] memory none;
        for (uint256 i; i < 4; ++i) {
            handler.purchase(i, i, 0, 1);
            handler.purchase(i, i, 1, 1);
        }
        handler.transfer(0, 5);
        handler.setProtocolFee(3, 250);
        handler.setRewardSchedule(0, none);
        handler.setPrice(1, 7, false);
        handler.purchase(4, 4, 1, 1);
        assertEq(handler.purchases(), 9, "purchases");
        assertTrue(handler.sumClaimable(address(0)) != 0, "ETH owed");
        for (uint256 i; i < handler.actorCount(); ++i) {
            handler.claim(i, 0, true, true);
        }
        assertTrue(handler.claims() != 0, "claims happened");
        assertEq(handler.sumClaimable(address(0)), 0, "all ETH claimed");
        assertEq(handler.sumClaimable(address(handler.token())), 0, "all tokens claimed");
        assertEq(address(handler.market()).balance, 0, "market holds no ETH");
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
        address token = address(handler.token());
        uint256 balance = handler.token().balanceOf(address(handler.market()));
        assertEq(balance, handler.sumClaimable(token), "tokens held == sum of token claimable");
        assertEq(balance, handler.ghostPaidIn(token) - handler.ghostClaimed(token), "tokens in - out");
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
