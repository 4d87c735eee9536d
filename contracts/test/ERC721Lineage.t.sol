// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC721Lineage} from "../token/ERC721Lineage.sol";
import {TestBase} from "./utils/TestBase.t.sol";

/// @dev The token base without the market: mints on request and lets every token move, so that only the base's own
/// rules are under test.
contract LineageToken is ERC721Lineage {
    function mint(address to, uint256 tokenId, uint32 contentId, uint48 parent, uint16 generation) external {
        _mint(to, tokenId, contentId, parent, generation);
    }

    function record(uint256 tokenId) external view returns (address, uint256, uint256, uint256) {
        return _requireRecord(tokenId);
    }

    function name() external pure returns (string memory) {
        return "Lineage";
    }

    function symbol() external pure returns (string memory) {
        return "LIN";
    }

    function tokenURI(uint256 tokenId) external view returns (string memory) {
        _requireOwned(tokenId);
        return "";
    }

    function _beforeTransfer(uint256, uint256) internal view override {}
}

contract ERC721LineageTest is TestBase {
    LineageToken private _token;
    address private _holder = makeAddr("holder");
    address private _stranger = makeAddr("stranger");

    function setUp() public {
        _token = new LineageToken();
        _token.mint(_holder, 7, 3, 5, 2);
    }

    function test_mint_writesOwnerAndLineage() public view {
        (address owner, uint256 contentId, uint256 parent, uint256 generation) = _token.record(7);
        assertEq(owner, _holder, "owner");
        assertEq(contentId, 3, "content");
        assertEq(parent, 5, "parent");
        assertEq(generation, 2, "generation");
        assertEq(_token.balanceOf(_holder), 1, "balance");
    }

    function test_mint_revertsForTheZeroReceiver() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidReceiver.selector, address(0)));
        _token.mint(address(0), 8, 3, 0, 0);
    }

    function test_mint_revertsForAnExistingToken() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidSender.selector, address(0)));
        _token.mint(_stranger, 7, 4, 0, 0);
    }

    function test_transferFrom_keepsTheLineage() public {
        vm.prank(_holder);
        _token.transferFrom(_holder, _stranger, 7);
        (address owner, uint256 contentId, uint256 parent, uint256 generation) = _token.record(7);
        assertEq(owner, _stranger, "owner");
        assertEq(contentId, 3, "content");
        assertEq(parent, 5, "parent");
        assertEq(generation, 2, "generation");
        assertEq(_token.balanceOf(_holder), 0, "old balance");
        assertEq(_token.balanceOf(_stranger), 1, "new balance");
    }

    /// @dev OpenZeppelin's order: the caller's approval is checked before the `from` it names is compared.
    function testFuzz_transferFrom_unauthorizedCallerRevertsWithInsufficientApproval(address caller, address from)
        public
    {
        vm.assume(caller != _holder && caller != address(0));
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InsufficientApproval.selector, caller, 7));
        vm.prank(caller);
        _token.transferFrom(from, _stranger, 7);
    }

    function testFuzz_transferFrom_authorizedCallerNamingAnotherOwnerRevertsWithIncorrectOwner(address from) public {
        vm.assume(from != _holder);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721IncorrectOwner.selector, from, 7, _holder));
        vm.prank(_holder);
        _token.transferFrom(from, _stranger, 7);
    }

    function test_transferFrom_revertsForAMissingTokenWhateverTheCaller() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 8));
        vm.prank(_stranger);
        _token.transferFrom(_holder, _stranger, 8);
    }
}
