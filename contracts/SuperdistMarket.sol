// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ISuperdistMarket} from "./interfaces/ISuperdistMarket.sol";
import {LicenseMetadata} from "./libraries/LicenseMetadata.sol";
import {RewardSchedule} from "./libraries/RewardSchedule.sol";
import {ERC721Lineage} from "./token/ERC721Lineage.sol";

/// @title SuperdistMarket
/// @notice The catalog of encrypted content and the ERC-721 license token in one contract: a purchase mints in
/// place, with no external call to a token contract. Rewards are credited up the buyer's lineage and claimed later.
/// @dev The EIP-712 domain ("SuperdistMarket", "1") is the one the verifier's re-key signatures use.
contract SuperdistMarket is ISuperdistMarket, ERC721Lineage, IERC2981, Ownable2Step, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint256 private constant _BPS = 10_000;
    /// @notice Hard cap of the protocol fee, so publishers can rely on their share.
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 500;
    /// @notice Deepest reward schedule.
    uint256 public constant MAX_DEPTH = RewardSchedule.MAX_DEPTH;
    /// @notice Highest ERC-2981 royalty.
    uint256 public constant MAX_ROYALTY_BPS = 2_500;
    /// @dev Rewards may use what the highest possible protocol fee leaves.
    uint256 private constant _MAX_REWARD_BPS = _BPS - MAX_PROTOCOL_FEE_BPS;
    /// @dev A license records its content id in 32 bits and the counter holds token ids in 48: past these, ids
    /// would alias low ones.
    uint256 private constant _MAX_CONTENT_ID = type(uint32).max;
    uint256 private constant _MAX_TOKEN_ID = type(uint48).max;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev Slots 0 and 1 are all a referrer-less purchase reads; slot 2 only when a lineage is paid.
    struct Content {
        address currency;
        uint96 price;
        address payout;
        uint16 royaltyBps;
        uint8 depth;
        bool transferable;
        bool paused;
        uint128 schedule;
        address publisher;
        bytes32 keyCommitment;
        string verifierRecipient;
        string title;
        string metadataURI;
    }

    /// @dev Everything a purchase needs from the market itself, in one slot.
    struct Globals {
        address treasury;
        uint16 feeBps;
        uint48 tokenCount;
        bool paused;
    }

    Globals private _globals;
    uint256 private _contentCount;
    mapping(uint256 contentId => Content) private _contents;
    mapping(address account => mapping(address currency => uint256)) private _claimable;
    mapping(address account => bool) private _claimForAllowed;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(address initialOwner) Ownable(initialOwner) EIP712("SuperdistMarket", "1") {}

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    modifier onlyPublisher(uint256 contentId) {
        _requireContent(contentId);
        if (_contents[contentId].publisher != msg.sender) revert NotPublisher(contentId, msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                               PUBLISHING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISuperdistMarket
    function publish(PublishParams calldata params) external returns (uint256 contentId) {
        if (_globals.paused) revert MarketPaused();
        if (params.payout == address(0)) revert ZeroAddress();
        if (params.royaltyBps > MAX_ROYALTY_BPS) revert RoyaltyTooHigh(params.royaltyBps, MAX_ROYALTY_BPS);
        (uint128 schedule, uint8 depth) = RewardSchedule.pack(params.rewardBps, _MAX_REWARD_BPS);
        contentId = ++_contentCount;
        if (contentId > _MAX_CONTENT_ID) revert ContentIdsExhausted(_MAX_CONTENT_ID);

        Content storage c = _contents[contentId];
        c.currency = params.currency;
        c.price = params.price;
        c.payout = params.payout;
        c.royaltyBps = params.royaltyBps;
        c.depth = depth;
        c.transferable = params.transferable;
        c.schedule = schedule;
        c.publisher = msg.sender;
        c.keyCommitment = params.keyCommitment;
        c.verifierRecipient = params.verifierRecipient;
        c.title = params.title;
        c.metadataURI = params.metadataURI;

        emit ContentPublished(
            contentId,
            msg.sender,
            params.currency,
            params.price,
            params.rewardBps,
            params.payout,
            params.royaltyBps,
            params.transferable,
            params.keyCommitment,
            params.verifierRecipient,
            params.title,
            params.metadataURI
        );
    }

    /// @inheritdoc ISuperdistMarket
    function setPrice(uint256 contentId, address currency, uint96 price) external onlyPublisher(contentId) {
        Content storage c = _contents[contentId];
        c.currency = currency;
        c.price = price;
        emit ContentRepriced(contentId, currency, price);
    }

    /// @inheritdoc ISuperdistMarket
    function setRewardSchedule(uint256 contentId, uint16[] calldata rewardBps) external onlyPublisher(contentId) {
        (uint128 schedule, uint8 depth) = RewardSchedule.pack(rewardBps, _MAX_REWARD_BPS);
        Content storage c = _contents[contentId];
        c.schedule = schedule;
        c.depth = depth;
        emit RewardScheduleUpdated(contentId, rewardBps);
    }

    /// @inheritdoc ISuperdistMarket
    function setPayout(uint256 contentId, address payout) external onlyPublisher(contentId) {
        if (payout == address(0)) revert ZeroAddress();
        _contents[contentId].payout = payout;
        emit PayoutUpdated(contentId, payout);
    }

    /// @inheritdoc ISuperdistMarket
    function setMetadataURI(uint256 contentId, string calldata metadataURI) external onlyPublisher(contentId) {
        _contents[contentId].metadataURI = metadataURI;
        emit ContentMetadataUpdated(contentId, metadataURI);
    }

    /// @inheritdoc ISuperdistMarket
    function setContentPaused(uint256 contentId, bool isPaused) external onlyPublisher(contentId) {
        _contents[contentId].paused = isPaused;
        emit ContentPauseSet(contentId, isPaused);
    }

    /// @inheritdoc ISuperdistMarket
    function transferPublisher(uint256 contentId, address newPublisher) external onlyPublisher(contentId) {
        if (newPublisher == address(0)) revert ZeroAddress();
        _contents[contentId].publisher = newPublisher;
        emit PublisherTransferred(contentId, msg.sender, newPublisher);
    }

    /*//////////////////////////////////////////////////////////////
                                PURCHASE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISuperdistMarket
    function purchase(
        uint256 contentId,
        uint256 referrerTokenId,
        address recipient,
        address currency,
        uint256 maxPrice
    ) external payable nonReentrant returns (uint256) {
        Content storage c = _contents[contentId];
        address expected = c.currency;
        uint256 price = c.price;
        if (expected != currency) _revertCurrencyMismatch(contentId, expected, currency);
        if (price > maxPrice) revert PriceAboveMax(price, maxPrice);
        if (currency == address(0)) {
            if (msg.value != price) revert IncorrectPayment(price, msg.value);
        } else {
            if (msg.value != 0) revert IncorrectPayment(0, msg.value);
            _pullToken(currency, price);
        }
        return _sell(c, contentId, referrerTokenId, recipient, currency, price);
    }

    /// @inheritdoc ISuperdistMarket
    function purchaseWithPermit(
        uint256 contentId,
        uint256 referrerTokenId,
        address recipient,
        address currency,
        uint256 maxPrice,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256) {
        Content storage c = _contents[contentId];
        address expected = c.currency;
        uint256 price = c.price;
        if (expected != currency) _revertCurrencyMismatch(contentId, expected, currency);
        if (currency == address(0)) {
            _requireContent(contentId);
            revert PermitNeedsToken(contentId);
        }
        if (price > maxPrice) revert PriceAboveMax(price, maxPrice);
        // A front-runner may submit the same permit first; the allowance it leaves is just as good.
        try IERC20Permit(currency).permit(msg.sender, address(this), maxPrice, deadline, v, r, s) {} catch {}
        _pullToken(currency, price);
        return _sell(c, contentId, referrerTokenId, recipient, currency, price);
    }

    /// @dev The buyer named `given`, the content is sold in `expected`. A missing content reverts as missing, not as
    /// a mismatch; its check reads another slot, so it is made here only on the way to the revert ({_sell} makes it
    /// otherwise). The comparison stays with the caller, which reads the currency and the price in one load.
    function _revertCurrencyMismatch(uint256 contentId, address expected, address given) private view {
        _requireContent(contentId);
        revert CurrencyMismatch(expected, given);
    }

    /// @dev Mints the license and credits the price: lineage levels first, then fee, then the publisher's rest.
    function _sell(
        Content storage c,
        uint256 contentId,
        uint256 referrerTokenId,
        address recipient,
        address currency,
        uint256 price
    ) private returns (uint256 tokenId) {
        address payout = c.payout;
        if (payout == address(0)) revert ContentNotFound(contentId);
        if (c.paused) revert ContentPaused(contentId);
        Globals memory g = _globals;
        if (g.paused) revert MarketPaused();

        unchecked {
            tokenId = uint256(g.tokenCount) + 1;
        }
        if (tokenId > _MAX_TOKEN_ID) revert TokenIdsExhausted(_MAX_TOKEN_ID);
        _globals.tokenCount = uint48(tokenId);

        uint256 fee = price * g.feeBps / _BPS;
        uint256 rest = price - fee;
        uint256 generation;
        if (referrerTokenId != 0) {
            (address referrer, uint256 referrerContent,, uint256 referrerGeneration) = _record(referrerTokenId);
            if (referrer == address(0) || referrerContent != contentId) {
                revert InvalidReferrer(referrerTokenId, contentId);
            }
            generation = referrerGeneration == type(uint16).max ? type(uint16).max : referrerGeneration + 1;
            uint256 depth = c.depth;
            if (depth != 0) {
                rest -= _creditLineage(c.schedule, depth, referrerTokenId, tokenId, recipient, currency, price);
            }
        }

        _mint(recipient, tokenId, uint32(contentId), uint48(referrerTokenId), uint16(generation));
        if (fee != 0) _claimable[g.treasury][currency] += fee;
        _claimable[payout][currency] += rest;
        emit LicensePurchased(
            tokenId, contentId, referrerTokenId, msg.sender, recipient, currency, price, payout, rest, fee
        );
        // The safe-mint check calls the recipient, so it comes after every state change of the purchase.
        ERC721Utils.checkOnERC721Received(msg.sender, address(0), recipient, tokenId, "");
    }

    /// @dev Credits each level's share to the owner of the ancestor at that level, now, starting at the referrer
    /// `ancestorId`. A level that is missing, or whose owner is the payer or the recipient, is left to the
    /// publisher: nobody earns on their own purchase.
    function _creditLineage(
        uint128 schedule,
        uint256 depth,
        uint256 ancestorId,
        uint256 tokenId,
        address recipient,
        address currency,
        uint256 price
    ) private returns (uint256 credited) {
        for (uint256 level = 1;; ++level) {
            (address owner,, uint256 parent,) = _record(ancestorId);
            uint256 bps = RewardSchedule.at(schedule, level);
            if (bps != 0 && owner != msg.sender && owner != recipient) {
                uint256 amount = price * bps / _BPS;
                _claimable[owner][currency] += amount;
                credited += amount;
                emit RewardCredited(owner, currency, tokenId, ancestorId, level, amount);
            }
            if (level == depth || parent == 0) break;
            ancestorId = parent;
        }
    }

    /// @dev Pulls exactly `amount`; a token that delivers less (fee on transfer) is refused.
    function _pullToken(address currency, uint256 amount) private {
        IERC20 token = IERC20(currency);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TransferShortfall(amount, received);
    }

    /*//////////////////////////////////////////////////////////////
                                 CLAIMS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISuperdistMarket
    function claim(address[] calldata currencies, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        _claim(msg.sender, currencies, to);
    }

    /// @inheritdoc ISuperdistMarket
    function claimFor(address account, address[] calldata currencies) external nonReentrant {
        if (!_claimForAllowed[account]) revert ClaimForNotAllowed(account);
        _claim(account, currencies, account);
    }

    /// @inheritdoc ISuperdistMarket
    function setClaimForAllowed(bool allowed) external {
        _claimForAllowed[msg.sender] = allowed;
        emit ClaimForAllowedSet(msg.sender, allowed);
    }

    function _claim(address account, address[] calldata currencies, address to) private {
        bool paid;
        for (uint256 i; i < currencies.length; ++i) {
            address currency = currencies[i];
            uint256 amount = _claimable[account][currency];
            if (amount == 0) continue;
            _claimable[account][currency] = 0;
            paid = true;
            emit Claimed(account, currency, to, amount);
            if (currency == address(0)) Address.sendValue(payable(to), amount);
            else IERC20(currency).safeTransfer(to, amount);
        }
        if (!paid) revert NothingToClaim(account);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISuperdistMarket
    function setProtocolFee(address treasury, uint16 bps) external onlyOwner {
        if (bps > MAX_PROTOCOL_FEE_BPS) revert ProtocolFeeAboveCap(bps, MAX_PROTOCOL_FEE_BPS);
        if (bps != 0 && treasury == address(0)) revert ZeroAddress();
        _globals.treasury = treasury;
        _globals.feeBps = bps;
        emit ProtocolFeeUpdated(treasury, bps);
    }

    /// @inheritdoc ISuperdistMarket
    function pause() external onlyOwner {
        if (_globals.paused) revert MarketPaused();
        _globals.paused = true;
        emit MarketPauseSet(true);
    }

    /// @inheritdoc ISuperdistMarket
    function unpause() external onlyOwner {
        if (!_globals.paused) revert MarketNotPaused();
        _globals.paused = false;
        emit MarketPauseSet(false);
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISuperdistMarket
    function content(uint256 contentId) external view returns (ContentView memory) {
        _requireContent(contentId);
        Content storage c = _contents[contentId];
        return ContentView({
            publisher: c.publisher,
            payout: c.payout,
            currency: c.currency,
            price: c.price,
            rewardBps: RewardSchedule.unpack(c.schedule, c.depth),
            royaltyBps: c.royaltyBps,
            transferable: c.transferable,
            paused: c.paused,
            keyCommitment: c.keyCommitment,
            verifierRecipient: c.verifierRecipient,
            title: c.title,
            metadataURI: c.metadataURI
        });
    }

    /// @inheritdoc ISuperdistMarket
    function contentCount() external view returns (uint256) {
        return _contentCount;
    }

    /// @inheritdoc ISuperdistMarket
    function license(uint256 tokenId) external view returns (LicenseView memory) {
        (address owner, uint256 contentId, uint256 parent, uint256 generation) = _requireRecord(tokenId);
        return LicenseView({owner: owner, contentId: contentId, parent: parent, generation: generation});
    }

    /// @inheritdoc ISuperdistMarket
    function lineageOf(uint256 tokenId) external view returns (uint256[] memory ancestors) {
        (, uint256 contentId, uint256 id,) = _requireRecord(tokenId);
        uint256 depth = _contents[contentId].depth;
        ancestors = new uint256[](depth);
        uint256 count;
        while (id != 0 && count < depth) {
            ancestors[count++] = id;
            (,, id,) = _record(id);
        }
        // Shrink to the ancestors that exist.
        assembly ("memory-safe") {
            mstore(ancestors, count)
        }
    }

    /// @inheritdoc ISuperdistMarket
    function claimable(address account, address currency) external view returns (uint256) {
        return _claimable[account][currency];
    }

    /// @inheritdoc ISuperdistMarket
    function claimForAllowed(address account) external view returns (bool) {
        return _claimForAllowed[account];
    }

    /// @inheritdoc ISuperdistMarket
    function totalSupply() external view returns (uint256) {
        return _globals.tokenCount;
    }

    /// @inheritdoc ISuperdistMarket
    function protocolFee() external view returns (address treasury, uint16 bps) {
        return (_globals.treasury, _globals.feeBps);
    }

    /// @inheritdoc ISuperdistMarket
    function paused() external view returns (bool) {
        return _globals.paused;
    }

    /// @notice "Superdist License".
    function name() external pure returns (string memory) {
        return "Superdist License";
    }

    /// @notice "SDL".
    function symbol() external pure returns (string memory) {
        return "SDL";
    }

    /// @notice On-chain JSON metadata: title, content id, generation and parent.
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        (, uint256 contentId, uint256 parent, uint256 generation) = _requireRecord(tokenId);
        Content storage c = _contents[contentId];
        return LicenseMetadata.tokenURI(tokenId, c.title, contentId, generation, parent, c.metadataURI);
    }

    /// @notice ERC-2981: resales pay the content's royalty to its payout address.
    function royaltyInfo(uint256 tokenId, uint256 salePrice) external view returns (address, uint256) {
        (, uint256 contentId,,) = _requireRecord(tokenId);
        Content storage c = _contents[contentId];
        return (c.payout, salePrice * c.royaltyBps / _BPS);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(ERC721Lineage, IERC165) returns (bool) {
        return interfaceId == type(IERC2981).interfaceId || super.supportsInterface(interfaceId);
    }

    /*//////////////////////////////////////////////////////////////
                                 HOOKS
    //////////////////////////////////////////////////////////////*/

    function _beforeTransfer(uint256 tokenId, uint256 contentId) internal view override {
        if (!_contents[contentId].transferable) revert LicenseNotTransferable(tokenId);
    }

    function _requireContent(uint256 contentId) private view {
        if (_contents[contentId].payout == address(0)) revert ContentNotFound(contentId);
    }
}
