// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {ISuperdistMarket} from "../interfaces/ISuperdistMarket.sol";

/// @dev A license holder that misbehaves when paid or when it receives a license: it reverts, or it re-enters
/// the market. Purchases crediting it must still go through; its own claims fail without touching others.
contract HostileReceiver is IERC721Receiver {
    enum Mode {
        Accept,
        Revert,
        ReenterClaim,
        ReenterPurchase
    }

    error Refused();

    ISuperdistMarket public immutable market;
    Mode public mode;
    bool public reentryBlocked;

    constructor(ISuperdistMarket market_) {
        market = market_;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function buy(uint256 contentId, uint256 referrerTokenId) external payable returns (uint256) {
        return market.purchase{value: msg.value}(contentId, referrerTokenId, address(this), address(0), msg.value);
    }

    function claimTo(address[] calldata currencies, address to) external {
        market.claim(currencies, to);
    }

    function allowClaimFor(bool allowed) external {
        market.setClaimForAllowed(allowed);
    }

    receive() external payable {
        _misbehave();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        _misbehave();
        return IERC721Receiver.onERC721Received.selector;
    }

    function _misbehave() private {
        if (mode == Mode.Revert) revert Refused();
        if (mode == Mode.ReenterClaim) {
            address[] memory currencies = new address[](1);
            try market.claim(currencies, address(this)) {} catch {
                reentryBlocked = true;
            }
        } else if (mode == Mode.ReenterPurchase) {
            try market.purchase(1, 0, address(this), address(0), type(uint256).max) {} catch {
                reentryBlocked = true;
            }
        }
    }
}
