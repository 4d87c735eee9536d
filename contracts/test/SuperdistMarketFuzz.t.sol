// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISuperdistMarket} from "../interfaces/ISuperdistMarket.sol";
import {MarketFixture} from "./utils/MarketFixture.t.sol";

contract SuperdistMarketFuzzTest is MarketFixture {
    uint256 private constant _BPS = 10_000;
    uint256 private constant _MAX_CHAIN = 10;
    address private constant _PAYER = address(0xBEEF);

    /// @dev A schedule of `depth` levels drawn from `raw`, each level within what the 95% cap leaves.
    function _schedule(uint16[8] memory raw, uint256 depth) private pure returns (uint16[] memory bps) {
        bps = new uint16[](depth);
        uint256 left = 9500;
        for (uint256 i; i < depth; ++i) {
            bps[i] = uint16(bound(raw[i], 0, left));
            left -= bps[i];
        }
    }

    function _holder(uint256 i) private pure returns (address) {
        return address(uint160(0x10000 + i));
    }

    /// @dev holders 0..length-1 buy in a line, each through the previous one's license.
    function _line(uint256 contentId, uint256 length) private returns (uint256[] memory tokens) {
        tokens = new uint256[](length);
        for (uint256 i; i < length; ++i) {
            tokens[i] = _buy(_holder(i), contentId, i == 0 ? 0 : tokens[i - 1]);
        }
    }

    /// @dev Everyone a sale could credit: the holders, the payer, the publisher's payout and the treasury.
    function _claimables(address currency, uint256 length) private view returns (uint256[] memory values) {
        values = new uint256[](length + 3);
        for (uint256 i; i < length; ++i) {
            values[i] = market.claimable(_holder(i), currency);
        }
        values[length] = market.claimable(_PAYER, currency);
        values[length + 1] = market.claimable(publisher, currency);
        values[length + 2] = market.claimable(treasury, currency);
    }

    function _purchaseAs(address payer, uint256 contentId, uint256 referrer, address recipient) private {
        ISuperdistMarket.ContentView memory c = market.content(contentId);
        if (c.currency == address(0)) {
            vm.deal(payer, c.price);
            vm.prank(payer);
            market.purchase{value: c.price}(contentId, referrer, recipient, address(0), c.price);
        } else {
            token.mint(payer, c.price);
            vm.prank(payer);
            token.approve(address(market), c.price);
            vm.prank(payer);
            market.purchase(contentId, referrer, recipient, c.currency, c.price);
        }
    }

    function testFuzz_purchase_creditsSumExactlyToPrice(
        uint96 price,
        uint16[8] memory raw,
        uint256 depth,
        uint256 feeBps,
        uint256 length,
        bool inToken
    ) public {
        depth = bound(depth, 0, 8);
        feeBps = bound(feeBps, 0, 500);
        length = bound(length, 0, _MAX_CHAIN);
        uint16[] memory bps = _schedule(raw, depth);
        address currency = inToken ? address(token) : address(0);
        market.setProtocolFee(treasury, uint16(feeBps));
        uint256 contentId = _publish(currency, price, bps);
        uint256[] memory tokens = _line(contentId, length);

        uint256[] memory before = _claimables(currency, length);
        uint256 marketBefore = _balance(currency, address(market));
        _purchaseAs(_PAYER, contentId, length == 0 ? 0 : tokens[length - 1], _PAYER);
        uint256[] memory afterSale = _claimables(currency, length);

        uint256 total;
        uint256 rewards;
        for (uint256 i; i < length; ++i) {
            // Holder i is at level length - i of this sale.
            uint256 level = length - i;
            uint256 expected = level <= depth ? uint256(price) * bps[level - 1] / _BPS : 0;
            uint256 credited = afterSale[i] - before[i];
            assertEq(credited, expected, "level credit");
            rewards += credited;
        }
        uint256 fee = uint256(price) * feeBps / _BPS;
        assertEq(afterSale[length] - before[length], 0, "payer earns nothing");
        assertEq(afterSale[length + 2] - before[length + 2], fee, "fee to treasury");
        assertEq(afterSale[length + 1] - before[length + 1], price - rewards - fee, "publisher keeps the rest");
        for (uint256 i; i < afterSale.length; ++i) {
            total += afterSale[i] - before[i];
        }
        assertEq(total, price, "credits sum to the price");
        assertEq(_balance(currency, address(market)) - marketBefore, price, "market received the price");
    }

    function testFuzz_purchase_neverPaysTheBuyerOrMoreThanThePrice(
        uint96 price,
        uint16[8] memory raw,
        uint256 length,
        uint256 payerIndex,
        uint256 recipientIndex
    ) public {
        length = bound(length, 1, _MAX_CHAIN);
        payerIndex = bound(payerIndex, 0, length - 1);
        recipientIndex = bound(recipientIndex, 0, length - 1);
        uint16[] memory bps = _schedule(raw, 8);
        market.setProtocolFee(treasury, 500);
        uint256 contentId = _publish(address(0), price, bps);
        uint256[] memory tokens = _line(contentId, length);
        address payer = _holder(payerIndex);
        address recipient = _holder(recipientIndex);

        uint256[] memory before = _claimables(address(0), length);
        _purchaseAs(payer, contentId, tokens[length - 1], recipient);
        uint256[] memory afterSale = _claimables(address(0), length);

        assertEq(afterSale[payerIndex], before[payerIndex], "payer credited nothing");
        assertEq(afterSale[recipientIndex], before[recipientIndex], "recipient credited nothing");
        uint256 total;
        for (uint256 i; i < afterSale.length; ++i) {
            uint256 credited = afterSale[i] - before[i];
            assertLe(credited, price, "no single credit above the price");
            total += credited;
        }
        assertEq(total, price, "credits sum to the price");
    }

    function testFuzz_publish_scheduleRoundTripsOrReverts(uint16[] memory bps) public {
        uint256 sum;
        for (uint256 i; i < bps.length; ++i) {
            sum += bps[i];
        }
        vm.prank(publisher);
        if (bps.length > 8) {
            vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.ScheduleTooDeep.selector, bps.length, 8));
            market.publish(_params(address(0), 1, bps));
        } else if (sum > 9500) {
            vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.RewardsExceedLimit.selector, sum, 9500));
            market.publish(_params(address(0), 1, bps));
        } else {
            uint256 contentId = market.publish(_params(address(0), 1, bps));
            uint16[] memory stored = market.content(contentId).rewardBps;
            assertEq(stored.length, bps.length, "depth");
            for (uint256 i; i < bps.length; ++i) {
                assertEq(stored[i], bps[i], "level");
            }
        }
    }

    function testFuzz_purchase_revertsOnWrongPayment(uint96 price, uint256 sent) public {
        sent = bound(sent, 0, type(uint128).max);
        vm.assume(sent != price);
        uint256 contentId = _publish(address(0), price, _fiveLevels());
        vm.deal(_PAYER, sent);
        vm.prank(_PAYER);
        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.IncorrectPayment.selector, price, sent));
        market.purchase{value: sent}(contentId, 0, _PAYER, address(0), price);
    }

    function testFuzz_purchase_revertsAboveMaxPrice(uint96 price, uint256 maxPrice) public {
        vm.assume(maxPrice < price);
        uint256 contentId = _publish(address(0), price, _fiveLevels());
        vm.deal(_PAYER, price);
        vm.prank(_PAYER);
        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.PriceAboveMax.selector, price, maxPrice));
        market.purchase{value: price}(contentId, 0, _PAYER, address(0), maxPrice);
    }

    function testFuzz_setProtocolFee_capped(uint16 bps) public {
        if (bps > 500) {
            vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.ProtocolFeeAboveCap.selector, bps, 500));
            market.setProtocolFee(treasury, bps);
        } else {
            market.setProtocolFee(treasury, bps);
            (, uint16 stored) = market.protocolFee();
            assertEq(stored, bps, "fee");
        }
    }

    function testFuzz_royaltyInfo_isTheContentShare(uint16 royaltyBps, uint128 salePrice) public {
        royaltyBps = uint16(bound(royaltyBps, 0, 2500));
        ISuperdistMarket.PublishParams memory p = _params(address(0), 0, _fiveLevels());
        p.royaltyBps = royaltyBps;
        vm.prank(publisher);
        uint256 contentId = market.publish(p);
        uint256 tokenId = _buy(_PAYER, contentId, 0);
        (address receiver, uint256 amount) = market.royaltyInfo(tokenId, salePrice);
        assertEq(receiver, publisher, "receiver");
        assertEq(amount, uint256(salePrice) * royaltyBps / _BPS, "amount");
        assertLe(amount, salePrice / 4, "at most 25%");
    }
}
