// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DemoToken} from "../../demo/DemoToken.sol";
import {ISuperdistMarket} from "../../interfaces/ISuperdistMarket.sol";
import {SuperdistMarket} from "../../SuperdistMarket.sol";
import {TestBase} from "./TestBase.t.sol";

/// @dev A market, the demo token, and the helpers every Solidity test of the market uses.
abstract contract MarketFixture is TestBase {
    SuperdistMarket internal market;
    DemoToken internal token;
    address internal publisher = makeAddr("publisher");
    address internal treasury = makeAddr("treasury");

    function setUp() public virtual {
        market = new SuperdistMarket(address(this));
        token = new DemoToken("Demo Dollar", "DUSD", address(this));
    }

    function _params(address currency, uint96 price, uint16[] memory rewardBps)
        internal
        view
        returns (ISuperdistMarket.PublishParams memory)
    {
        return ISuperdistMarket.PublishParams({
            price: price,
            currency: currency,
            rewardBps: rewardBps,
            payout: publisher,
            royaltyBps: 500,
            transferable: true,
            keyCommitment: keccak256("file key"),
            verifierRecipient: "age1verifier",
            title: "Song",
            metadataURI: "ipfs://song"
        });
    }

    function _publish(address currency, uint96 price, uint16[] memory rewardBps) internal returns (uint256) {
        vm.prank(publisher);
        return market.publish(_params(currency, price, rewardBps));
    }

    function _fiveLevels() internal pure returns (uint16[] memory bps) {
        bps = new uint16[](5);
        bps[0] = 1000;
        bps[1] = 500;
        bps[2] = 300;
        bps[3] = 200;
        bps[4] = 100;
    }

    /// @dev Buys `contentId` as `buyer`, funding them first with the price in the content's currency.
    function _buy(address buyer, uint256 contentId, uint256 referrer) internal returns (uint256) {
        ISuperdistMarket.ContentView memory c = market.content(contentId);
        if (c.currency == address(0)) {
            vm.deal(buyer, c.price);
            vm.prank(buyer);
            return market.purchase{value: c.price}(contentId, referrer, buyer, address(0), c.price);
        }
        token.mint(buyer, c.price);
        vm.prank(buyer);
        token.approve(address(market), c.price);
        vm.prank(buyer);
        return market.purchase(contentId, referrer, buyer, c.currency, c.price);
    }

    function _balance(address currency, address account) internal view returns (uint256) {
        return currency == address(0) ? account.balance : token.balanceOf(account);
    }
}
