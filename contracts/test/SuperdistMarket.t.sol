// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ISuperdistMarket} from "../interfaces/ISuperdistMarket.sol";
import {MarketFixture} from "./utils/MarketFixture.t.sol";

/// @dev Re-enters the market with a prepared call when paid or handed a license, and keeps what the call returned.
contract Reentrant is IERC721Receiver {
    address private immutable _market;
    bytes public reentry;
    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryResult;

    constructor(address market) {
        _market = market;
    }

    function setReentry(bytes calldata data) external {
        reentry = data;
    }

    function run(bytes calldata data) external payable {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = _market.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    receive() external payable {
        _reenter();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        _reenter();
        return IERC721Receiver.onERC721Received.selector;
    }

    function _reenter() private {
        if (reentry.length == 0) return;
        reentered = true;
        // solhint-disable-next-line avoid-low-level-calls
        (reentrySucceeded, reentryResult) = _market.call(reentry);
    }
}

contract SuperdistMarketTest is MarketFixture {
    /// @dev `_tokens` is the first state variable of the whole inheritance chain.
    uint256 private constant _TOKENS_SLOT = 0;

    function test_purchase_saturatesGenerationAtUint16Max() public {
        uint256 contentId = _publish(address(0), 1 ether, _fiveLevels());
        uint256 root = _buy(makeAddr("root"), contentId, 0);

        bytes32 slot = keccak256(abi.encode(root, _TOKENS_SLOT));
        uint256 record = uint256(vm.load(address(market), slot));
        assertEq(address(uint160(record)), makeAddr("root"), "slot holds the record");
        // Generation lives in the top 16 bits of the record.
        vm.store(address(market), slot, bytes32(record | (uint256(type(uint16).max) << 240)));
        assertEq(market.license(root).generation, type(uint16).max, "forged generation");

        uint256 child = _buy(makeAddr("child"), contentId, root);
        assertEq(market.license(child).generation, type(uint16).max, "saturated");
        assertEq(market.license(child).parent, root, "parent");
        uint256 grandchild = _buy(makeAddr("grandchild"), contentId, child);
        assertEq(market.license(grandchild).generation, type(uint16).max, "still saturated");
    }

    function test_claim_reentryFromPaymentHitsTheGuard() public {
        Reentrant attacker = new Reentrant(address(market));
        uint256 ethContent = _publish(address(0), 1 ether, _fiveLevels());
        uint256 tokenContent = _publish(address(token), 1000, _fiveLevels());
        vm.startPrank(publisher);
        market.setPayout(ethContent, address(attacker));
        market.setPayout(tokenContent, address(attacker));
        vm.stopPrank();
        _buy(makeAddr("buyer"), ethContent, 0);
        _buy(makeAddr("buyer"), tokenContent, 0);

        // While the ETH claim pays it, the attacker claims its token balance, which an unguarded market would pay.
        address[] memory currencies = new address[](1);
        currencies[0] = address(token);
        attacker.setReentry(abi.encodeCall(ISuperdistMarket.claim, (currencies, address(attacker))));
        currencies[0] = address(0);
        attacker.run(abi.encodeCall(ISuperdistMarket.claim, (currencies, address(attacker))));

        assertTrue(attacker.reentered(), "re-entered");
        assertTrue(!attacker.reentrySucceeded(), "re-entry refused");
        assertEq(
            uint256(bytes32(attacker.reentryResult())),
            uint256(bytes32(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)),
            "by the guard"
        );
        assertEq(address(attacker).balance, 1 ether, "ETH paid once");
        assertEq(market.claimable(address(attacker), address(0)), 0, "no ETH left");
        assertEq(market.claimable(address(attacker), address(token)), 1000, "token balance untouched");
        assertEq(token.balanceOf(address(attacker)), 0, "no token paid");
    }

    function test_purchase_reentryFromReceiverHitsTheGuard() public {
        Reentrant attacker = new Reentrant(address(market));
        uint256 free = _publish(address(0), 0, _fiveLevels());
        attacker.setReentry(abi.encodeCall(ISuperdistMarket.purchase, (free, 0, address(attacker), 0)));
        attacker.run(abi.encodeCall(ISuperdistMarket.purchase, (free, 0, address(attacker), 0)));

        assertTrue(attacker.reentered(), "re-entered");
        assertTrue(!attacker.reentrySucceeded(), "re-entry refused");
        assertEq(
            uint256(bytes32(attacker.reentryResult())),
            uint256(bytes32(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)),
            "by the guard"
        );
        assertEq(market.totalSupply(), 1, "one license");
    }

    function test_purchase_revertsWhenReferrerOfOtherContent() public {
        uint256 first = _publish(address(0), 1 ether, _fiveLevels());
        uint256 second = _publish(address(0), 1 ether, _fiveLevels());
        uint256 token = _buy(makeAddr("holder"), first, 0);
        address buyer = makeAddr("buyer");
        vm.deal(buyer, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.InvalidReferrer.selector, token, second));
        vm.prank(buyer);
        market.purchase{value: 1 ether}(second, token, buyer, 1 ether);
    }
}
