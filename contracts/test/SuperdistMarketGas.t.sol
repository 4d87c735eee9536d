// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MarketFixture} from "./utils/MarketFixture.t.sol";

/// @dev Named gas snapshots of the calls users pay for, written to snapshots/ by `hardhat test solidity --snapshot`
/// so that a change in their cost shows in review.
contract SuperdistMarketGasTest is MarketFixture {
    string private constant _GROUP = "SuperdistMarket";
    bytes32 private constant _PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    uint256 private _ethContent;
    uint256 private _tokenContent;
    uint256[] private _ethLine;
    uint256[] private _tokenLine;

    function setUp() public override {
        super.setUp();
        market.setProtocolFee(treasury, 250);
        _ethContent = _publish(address(0), 1 ether, _fiveLevels());
        _tokenContent = _publish(address(token), 12_345_678, _fiveLevels());
        for (uint256 i; i < 5; ++i) {
            address holder = address(uint160(0x10000 + i));
            _ethLine.push(_buy(holder, _ethContent, i == 0 ? 0 : _ethLine[i - 1]));
            _tokenLine.push(_buy(holder, _tokenContent, i == 0 ? 0 : _tokenLine[i - 1]));
        }
    }

    function test_gas_publish() public {
        vm.prank(publisher);
        market.publish(_params(address(0), 1 ether, _fiveLevels()));
        vm.snapshotGasLastCall(_GROUP, "publish five levels");
    }

    function test_gas_purchaseEthWithoutReferrer() public {
        address buyer = makeAddr("buyer");
        vm.deal(buyer, 1 ether);
        vm.prank(buyer);
        market.purchase{value: 1 ether}(_ethContent, 0, buyer, address(0), 1 ether);
        vm.snapshotGasLastCall(_GROUP, "purchase ETH, no referrer");
    }

    function test_gas_purchaseEthFiveLevels() public {
        address buyer = makeAddr("buyer");
        vm.deal(buyer, 1 ether);
        vm.prank(buyer);
        market.purchase{value: 1 ether}(_ethContent, _ethLine[4], buyer, address(0), 1 ether);
        vm.snapshotGasLastCall(_GROUP, "purchase ETH, five levels");
    }

    function test_gas_purchaseTokenFiveLevels() public {
        address buyer = makeAddr("buyer");
        token.mint(buyer, 12_345_678);
        vm.prank(buyer);
        token.approve(address(market), 12_345_678);
        vm.prank(buyer);
        market.purchase(_tokenContent, _tokenLine[4], buyer, address(token), 12_345_678);
        vm.snapshotGasLastCall(_GROUP, "purchase ERC-20, five levels");
    }

    function test_gas_purchaseWithPermitFiveLevels() public {
        uint256 key = uint256(keccak256("permit buyer"));
        address buyer = vm.addr(key);
        token.mint(buyer, 12_345_678);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(_PERMIT_TYPEHASH, buyer, address(market), 12_345_678, token.nonces(buyer), deadline)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        vm.prank(buyer);
        market.purchaseWithPermit(_tokenContent, _tokenLine[4], buyer, address(token), 12_345_678, deadline, v, r, s);
        vm.snapshotGasLastCall(_GROUP, "purchaseWithPermit, five levels");
        assertEq(market.ownerOf(market.totalSupply()), buyer, "bought");
    }

    function test_gas_claimEth() public {
        address[] memory currencies = new address[](1);
        vm.prank(publisher);
        market.claim(currencies, publisher);
        vm.snapshotGasLastCall(_GROUP, "claim ETH");
    }

    function test_gas_claimTwoCurrencies() public {
        address[] memory currencies = new address[](2);
        currencies[1] = address(token);
        vm.prank(publisher);
        market.claim(currencies, publisher);
        vm.snapshotGasLastCall(_GROUP, "claim ETH and ERC-20");
    }

    function test_gas_transferFrom() public {
        address holder = market.ownerOf(_ethLine[0]);
        vm.prank(holder);
        market.transferFrom(holder, makeAddr("new owner"), _ethLine[0]);
        vm.snapshotGasLastCall(_GROUP, "transferFrom");
    }
}
