// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @dev A stablecoin-like token of 6 decimals beside the 18 of the demo token: the same number is worth 10^12 times
/// more in it, which is what a publisher switching a content's currency ahead of a buyer would exploit.
contract SixDecimalToken is ERC20, ERC20Permit {
    constructor() ERC20("Six Decimal Dollar", "SIX") ERC20Permit("Six Decimal Dollar") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
