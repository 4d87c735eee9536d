// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISuperdistMarket} from "../interfaces/ISuperdistMarket.sol";

/// @title RewardSchedule
/// @notice Packs a reward schedule (basis points per lineage level) into one 128-bit word, 16 bits per level,
/// level 1 in the lowest bits, so that a purchase reads the whole schedule with a single storage load.
library RewardSchedule {
    /// @dev 8 levels of 16 bits fill the 128-bit word.
    uint256 internal constant MAX_DEPTH = 8;

    /// @notice Validates and packs `bps`. Reverts if deeper than `MAX_DEPTH` or summing above `maxSum`.
    function pack(uint16[] calldata bps, uint256 maxSum) internal pure returns (uint128 packed, uint8 depth) {
        uint256 length = bps.length;
        if (length > MAX_DEPTH) revert ISuperdistMarket.ScheduleTooDeep(length, MAX_DEPTH);
        uint256 sum;
        uint256 word;
        for (uint256 i; i < length; ++i) {
            sum += bps[i];
            word |= uint256(bps[i]) << (i * 16);
        }
        if (sum > maxSum) revert ISuperdistMarket.RewardsExceedLimit(sum, maxSum);
        return (uint128(word), uint8(length));
    }

    /// @notice The basis points of `level` (1-based).
    function at(uint128 packed, uint256 level) internal pure returns (uint256) {
        return (uint256(packed) >> ((level - 1) * 16)) & 0xffff;
    }

    /// @notice The schedule as an array of `depth` levels.
    function unpack(uint128 packed, uint256 depth) internal pure returns (uint16[] memory bps) {
        bps = new uint16[](depth);
        for (uint256 i; i < depth; ++i) {
            bps[i] = uint16(uint256(packed) >> (i * 16));
        }
    }
}
