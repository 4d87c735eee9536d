// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title LicenseMetadata
/// @notice Builds a license's ERC-721 metadata as an on-chain `data:` URI, so wallets show it with no server.
library LicenseMetadata {
    using Strings for uint256;

    /// @notice JSON metadata with the title, content id, generation and parent of a license.
    function tokenURI(
        uint256 tokenId,
        string memory title,
        uint256 contentId,
        uint256 generation,
        uint256 parent,
        string memory contentURI
    ) internal pure returns (string memory) {
        string memory escapedTitle = Strings.escapeJSON(title);
        bytes memory json = abi.encodePacked(
            "{\"name\":\"",
            escapedTitle,
            " #",
            tokenId.toString(),
            "\",\"description\":\"License #",
            tokenId.toString(),
            " to ",
            escapedTitle,
            "\",\"external_url\":\"",
            Strings.escapeJSON(contentURI),
            "\",\"attributes\":[{\"trait_type\":\"Content\",\"value\":",
            contentId.toString(),
            "},{\"trait_type\":\"Generation\",\"value\":",
            generation.toString(),
            "},{\"trait_type\":\"Parent\",\"value\":",
            parent.toString(),
            "}]}"
        );
        return string.concat("data:application/json;base64,", Base64.encode(json));
    }
}
