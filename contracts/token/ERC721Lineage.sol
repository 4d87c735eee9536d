// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC165, IERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";

/// @title ERC721Lineage
/// @notice ERC-721 whose per-token record packs the owner with the token's content, parent and generation in one
/// storage slot, as Solady packs `extraData` beside the owner. Minting a license is then one fresh slot plus the
/// owner's balance, and walking a lineage costs one load per level.
/// @dev Semantics, errors (IERC6093) and the order of checks follow OpenZeppelin's ERC721: mint and transfer take one
/// path, {_update}, which checks authorization before `transferFrom` compares the owner it was given. Tokens are
/// never burned.
abstract contract ERC721Lineage is ERC165, IERC721, IERC721Metadata, IERC721Errors {
    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev 160 + 32 + 48 + 16 bits: one slot per token. Only this contract sees the layout: a subclass mints with
    /// {_mint} and reads with {_record} and {_requireRecord}.
    struct TokenRecord {
        address owner;
        uint32 contentId;
        uint48 parent;
        uint16 generation;
    }

    mapping(uint256 tokenId => TokenRecord) private _tokens;
    mapping(address owner => uint256) private _balances;
    mapping(uint256 tokenId => address) private _tokenApprovals;
    mapping(address owner => mapping(address operator => bool)) private _operatorApprovals;

    /*//////////////////////////////////////////////////////////////
                              ERC-721 LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view virtual override(ERC165, IERC165) returns (bool) {
        return interfaceId == type(IERC721).interfaceId || interfaceId == type(IERC721Metadata).interfaceId
            || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC721
    function balanceOf(address owner) public view virtual returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _balances[owner];
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 tokenId) public view virtual returns (address) {
        return _requireOwned(tokenId);
    }

    /// @inheritdoc IERC721
    function approve(address to, uint256 tokenId) public virtual {
        address owner = _requireOwned(tokenId);
        if (msg.sender != owner && !_operatorApprovals[owner][msg.sender]) revert ERC721InvalidApprover(msg.sender);
        _tokenApprovals[tokenId] = to;
        emit Approval(owner, to, tokenId);
    }

    /// @inheritdoc IERC721
    function getApproved(uint256 tokenId) public view virtual returns (address) {
        _requireOwned(tokenId);
        return _tokenApprovals[tokenId];
    }

    /// @inheritdoc IERC721
    function setApprovalForAll(address operator, bool approved) public virtual {
        if (operator == address(0)) revert ERC721InvalidOperator(operator);
        _operatorApprovals[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    /// @inheritdoc IERC721
    function isApprovedForAll(address owner, address operator) public view virtual returns (bool) {
        return _operatorApprovals[owner][operator];
    }

    /// @inheritdoc IERC721
    function transferFrom(address from, address to, uint256 tokenId) public virtual {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        // A transfer keeps the token's lineage, so none is given. As in OpenZeppelin's, `from` is compared only after
        // {_update} has checked the caller: one who may not move the token is told so, whatever `from` it names.
        address previousOwner = _update(to, tokenId, msg.sender, 0, 0, 0);
        if (previousOwner != from) revert ERC721IncorrectOwner(from, tokenId, previousOwner);
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 tokenId) public virtual {
        safeTransferFrom(from, to, tokenId, "");
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public virtual {
        transferFrom(from, to, tokenId);
        ERC721Utils.checkOnERC721Received(msg.sender, from, to, tokenId, data);
    }

    /*//////////////////////////////////////////////////////////////
                            INTERNAL LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @dev Mints `tokenId` to `to` with its content, parent and generation, as OpenZeppelin's `_mint`: `to` must
    /// not be zero and the token must not exist. A safe mint's receiver check is the caller's, to be made once its
    /// own state is written.
    function _mint(address to, uint256 tokenId, uint32 contentId, uint48 parent, uint16 generation) internal {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        address previousOwner = _update(to, tokenId, address(0), contentId, parent, generation);
        if (previousOwner != address(0)) revert ERC721InvalidSender(address(0));
    }

    /// @dev The one path by which a token gets an owner, as OpenZeppelin's `_update`: a mint when `tokenId` has no
    /// owner yet, which writes `to`, `contentId`, `parent` and `generation` as its record in one store; else a
    /// transfer to `to`, which runs {_beforeTransfer} and keeps the record's lineage (the last three arguments are
    /// then unused). A non-zero `auth` must be the owner or approved by them. `to` is never zero: there are no
    /// burns. Returns the owner before the update.
    function _update(address to, uint256 tokenId, address auth, uint32 contentId, uint48 parent, uint16 generation)
        private
        returns (address from)
    {
        TokenRecord storage record = _tokens[tokenId];
        from = record.owner;
        if (auth != address(0)) _checkAuthorized(from, auth, tokenId);
        if (from == address(0)) {
            _tokens[tokenId] =
                TokenRecord({owner: to, contentId: contentId, parent: parent, generation: generation});
        } else {
            _beforeTransfer(tokenId, record.contentId);
            // As in OpenZeppelin's, clearing the approval emits no Approval: the Transfer implies it.
            delete _tokenApprovals[tokenId];
            unchecked {
                _balances[from] -= 1;
            }
            record.owner = to;
        }
        unchecked {
            _balances[to] += 1;
        }
        emit Transfer(from, to, tokenId);
    }

    /// @dev Reverts unless `spender` is the owner of `tokenId`, its approved address or an operator of the owner;
    /// a token without an owner reverts as missing.
    function _checkAuthorized(address owner, address spender, uint256 tokenId) private view {
        if (owner == spender || _operatorApprovals[owner][spender] || _tokenApprovals[tokenId] == spender) return;
        if (owner == address(0)) revert ERC721NonexistentToken(tokenId);
        revert ERC721InsufficientApproval(spender, tokenId);
    }

    /// @dev The record of `tokenId`, all zero for a token that does not exist. Fields come back as values, not as a
    /// memory struct, which would cost an allocation per read on a lineage walk.
    function _record(uint256 tokenId)
        internal
        view
        returns (address owner, uint256 contentId, uint256 parent, uint256 generation)
    {
        TokenRecord storage record = _tokens[tokenId];
        return (record.owner, record.contentId, record.parent, record.generation);
    }

    /// @dev The record of `tokenId`, which must exist.
    function _requireRecord(uint256 tokenId)
        internal
        view
        returns (address owner, uint256 contentId, uint256 parent, uint256 generation)
    {
        (owner, contentId, parent, generation) = _record(tokenId);
        if (owner == address(0)) revert ERC721NonexistentToken(tokenId);
    }

    /// @dev The owner of `tokenId`, which must exist.
    function _requireOwned(uint256 tokenId) internal view returns (address owner) {
        (owner,,,) = _requireRecord(tokenId);
    }

    /*//////////////////////////////////////////////////////////////
                                 HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @dev Called by {_update} on every transfer (never on a mint), after the caller's authorization: the one place
    /// for the rules of transfers a token adds to ERC-721's.
    function _beforeTransfer(uint256 tokenId, uint256 contentId) internal view virtual;
}
