// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ISuperdistMarket} from "../interfaces/ISuperdistMarket.sol";
import {SixDecimalToken} from "../mocks/SixDecimalToken.sol";
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

/// @dev An account that can move what it earns only by claiming it to its owner, as a contract built for the market
/// may: it has no way to transfer an ERC-20 it holds.
contract ClaimOnlyForwarder {
    ISuperdistMarket private immutable _market;
    address private immutable _owner;

    constructor(ISuperdistMarket market, address owner) {
        _market = market;
        _owner = owner;
    }

    function forward(address[] calldata currencies) external {
        _market.claim(currencies, _owner);
    }

    receive() external payable {}
}

contract SuperdistMarketTest is MarketFixture {
    /// @dev `_tokens` is the first state variable of the whole inheritance chain.
    uint256 private constant _TOKENS_SLOT = 0;
    /// @dev After ERC721Lineage's four mappings, Ownable2Step's two owners and EIP712's two fallback strings.
    uint256 private constant _GLOBALS_SLOT = 8;
    uint256 private constant _CONTENT_COUNT_SLOT = 9;
    /// @dev The token counter's place in `Globals`: after the treasury's 160 bits and the fee's 16.
    uint256 private constant _TOKEN_COUNT_SHIFT = 176;
    bytes32 private constant _PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    /// @dev A buyer who agreed to 10 demo dollars (18 decimals) and who also left an unlimited allowance on the
    /// market, from an earlier purchase, in a 6-decimal token of which they hold a million.
    function _currencySwitchVictim(address buyer) private returns (uint256 contentId, SixDecimalToken six) {
        six = new SixDecimalToken();
        contentId = _publish(address(token), 10e18, _fiveLevels());
        six.mint(buyer, 1_000_000e6);
        vm.prank(buyer);
        six.approve(address(market), type(uint256).max);
        // The publisher switches ahead of the buyer: 10^12 units of the new token are a million of it, and still
        // below the 10 * 10^18 the buyer allows.
        vm.prank(publisher);
        market.setPrice(contentId, address(six), 1_000_000e6);
    }

    function _permit(uint256 key, address spender, uint256 value, uint256 deadline)
        private
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        address owner = vm.addr(key);
        bytes32 structHash =
            keccak256(abi.encode(_PERMIT_TYPEHASH, owner, spender, value, token.nonces(owner), deadline));
        return vm.sign(key, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function test_purchase_revertsWhenTheCurrencyWasSwitchedAheadOfTheBuyer() public {
        address buyer = makeAddr("buyer");
        (uint256 contentId, SixDecimalToken six) = _currencySwitchVictim(buyer);
        token.mint(buyer, 10e18);
        vm.prank(buyer);
        token.approve(address(market), 10e18);

        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.CurrencyMismatch.selector, six, token));
        vm.prank(buyer);
        market.purchase(contentId, 0, buyer, address(token), 10e18);

        assertEq(six.balanceOf(buyer), 1_000_000e6, "nothing taken in the new currency");
        assertEq(token.balanceOf(buyer), 10e18, "nothing taken in the agreed one");
        assertEq(market.totalSupply(), 0, "no license");
        assertEq(market.claimable(publisher, address(six)), 0, "nothing credited");
    }

    function test_purchaseWithPermit_revertsWhenTheCurrencyWasSwitchedAheadOfTheBuyer() public {
        uint256 key = uint256(keccak256("permit buyer"));
        address buyer = vm.addr(key);
        (uint256 contentId, SixDecimalToken six) = _currencySwitchVictim(buyer);
        token.mint(buyer, 10e18);
        uint256 deadline = block.timestamp + 1 hours;
        // Signed for the demo dollar, which the 6-decimal token would refuse silently, leaving its open allowance.
        (uint8 v, bytes32 r, bytes32 s) = _permit(key, address(market), 10e18, deadline);

        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.CurrencyMismatch.selector, six, token));
        vm.prank(buyer);
        market.purchaseWithPermit(contentId, 0, buyer, address(token), 10e18, deadline, v, r, s);

        assertEq(six.balanceOf(buyer), 1_000_000e6, "nothing taken in the new currency");
        assertEq(token.balanceOf(buyer), 10e18, "nothing taken in the agreed one");
        assertEq(token.nonces(buyer), 0, "permit unused");
        assertEq(market.totalSupply(), 0, "no license");
    }

    function test_purchase_revertsWhenAnEthContentIsPaidInAToken() public {
        uint256 contentId = _publish(address(0), 1 ether, _fiveLevels());
        address buyer = makeAddr("buyer");
        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.CurrencyMismatch.selector, address(0), token));
        vm.prank(buyer);
        market.purchase(contentId, 0, buyer, address(token), 1 ether);
    }

    function test_purchase_missingContentRevertsAsMissingWhateverTheCurrency() public {
        address buyer = makeAddr("buyer");
        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.ContentNotFound.selector, 9));
        vm.prank(buyer);
        market.purchase(9, 0, buyer, address(token), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.ContentNotFound.selector, 9));
        vm.prank(buyer);
        market.purchaseWithPermit(9, 0, buyer, address(token), 1 ether, 0, 0, 0, 0);
    }

    function test_publish_revertsPastTheLastContentIdALicenseCanRecord() public {
        _publish(address(0), 1 ether, _fiveLevels());
        bytes32 slot = bytes32(_CONTENT_COUNT_SLOT);
        assertEq(uint256(vm.load(address(market), slot)), 1, "slot holds the content count");
        vm.store(address(market), slot, bytes32(uint256(type(uint32).max) - 1));

        uint256 last = _publish(address(0), 1 ether, _fiveLevels());
        assertEq(last, type(uint32).max, "last id");
        uint256 tokenId = _buy(makeAddr("buyer"), last, 0);
        assertEq(market.license(tokenId).contentId, last, "recorded in full");

        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.ContentIdsExhausted.selector, type(uint32).max));
        _publish(address(0), 1 ether, _fiveLevels());
        assertEq(market.contentCount(), last, "count unchanged");
    }

    function test_purchase_revertsPastTheLastTokenIdInsteadOfOverwritingTheFirst() public {
        uint256 contentId = _publish(address(0), 1 ether, _fiveLevels());
        address first = makeAddr("first");
        _buy(first, contentId, 0);
        bytes32 slot = bytes32(_GLOBALS_SLOT);
        uint256 globals = uint256(vm.load(address(market), slot));
        assertEq((globals >> _TOKEN_COUNT_SHIFT) & type(uint48).max, 1, "slot holds the token count");
        uint256 cleared = globals & ~(uint256(type(uint48).max) << _TOKEN_COUNT_SHIFT);
        vm.store(address(market), slot, bytes32(cleared | ((uint256(type(uint48).max) - 1) << _TOKEN_COUNT_SHIFT)));

        uint256 last = _buy(makeAddr("last"), contentId, 1);
        assertEq(last, type(uint48).max, "last id");
        assertEq(market.license(last).parent, 1, "parent");

        address buyer = makeAddr("buyer");
        vm.deal(buyer, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.TokenIdsExhausted.selector, type(uint48).max));
        vm.prank(buyer);
        market.purchase{value: 1 ether}(contentId, last, buyer, address(0), 1 ether);
        assertEq(market.ownerOf(1), first, "token 1 kept");
        assertEq(market.totalSupply(), type(uint48).max, "count unchanged");
    }

    function test_claimFor_revertsUnlessTheAccountAllowedIt() public {
        uint256 contentId = _publish(address(token), 1000, _fiveLevels());
        _buy(makeAddr("buyer"), contentId, 0);
        address[] memory currencies = new address[](1);
        currencies[0] = address(token);

        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.ClaimForNotAllowed.selector, publisher));
        market.claimFor(publisher, currencies);

        vm.prank(publisher);
        market.setClaimForAllowed(true);
        assertTrue(market.claimForAllowed(publisher), "allowed");
        market.claimFor(publisher, currencies);
        assertEq(token.balanceOf(publisher), 1000, "paid to the account");

        _buy(makeAddr("second buyer"), contentId, 0);
        vm.prank(publisher);
        market.setClaimForAllowed(false);
        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.ClaimForNotAllowed.selector, publisher));
        market.claimFor(publisher, currencies);
        assertEq(market.claimable(publisher, address(token)), 1000, "left to claim");
    }

    function test_claimFor_cannotStrandTokensInAnAccountThatOnlyClaims() public {
        address owner = makeAddr("owner");
        ClaimOnlyForwarder forwarder = new ClaimOnlyForwarder(market, owner);
        uint256 contentId = _publish(address(token), 1000, _fiveLevels());
        vm.prank(publisher);
        market.setPayout(contentId, address(forwarder));
        _buy(makeAddr("buyer"), contentId, 0);
        address[] memory currencies = new address[](1);
        currencies[0] = address(token);

        vm.expectRevert(abi.encodeWithSelector(ISuperdistMarket.ClaimForNotAllowed.selector, forwarder));
        vm.prank(makeAddr("griefer"));
        market.claimFor(address(forwarder), currencies);

        forwarder.forward(currencies);
        assertEq(token.balanceOf(owner), 1000, "forwarded to its owner");
        assertEq(token.balanceOf(address(forwarder)), 0, "nothing stuck");
    }

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
        attacker.setReentry(abi.encodeCall(ISuperdistMarket.purchase, (free, 0, address(attacker), address(0), 0)));
        attacker.run(abi.encodeCall(ISuperdistMarket.purchase, (free, 0, address(attacker), address(0), 0)));

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
        market.purchase{value: 1 ether}(second, token, buyer, address(0), 1 ether);
    }
}
