// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISuperdistMarket
/// @notice A catalog of encrypted content and the ERC-721 licenses that unlock it. Each license remembers the
/// license it was bought through (its parent), so that every sale pays rewards up the lineage of copies.
/// @dev The interface owns every error, event and struct; the implementation stays lean.
interface ISuperdistMarket {
    /*//////////////////////////////////////////////////////////////
                                STRUCTS
    //////////////////////////////////////////////////////////////*/

    /// @notice What a publisher registers for a piece of content.
    /// @param price Price of one license, in `currency` units.
    /// @param currency `address(0)` for ETH, otherwise an ERC-20 token.
    /// @param rewardBps Basis points of the price credited per lineage level; index 0 is level 1, the holder
    /// of the copy the buyer bought through. At most `MAX_DEPTH` levels.
    /// @param payout Receives the price minus rewards and protocol fee.
    /// @param royaltyBps ERC-2981 royalty paid to `payout` on resales, at most `MAX_ROYALTY_BPS`.
    /// @param transferable Whether licenses of this content can change hands.
    /// @param keyCommitment Domain-separated hash of the package's file key (see docs/package-format.md).
    /// @param verifierRecipient The age recipient of the verifier that re-keys copies of this content.
    /// @param title Shown by wallets in the license metadata.
    /// @param metadataURI Off-chain metadata: description, cover, media type.
    struct PublishParams {
        uint96 price;
        address currency;
        uint16[] rewardBps;
        address payout;
        uint16 royaltyBps;
        bool transferable;
        bytes32 keyCommitment;
        string verifierRecipient;
        string title;
        string metadataURI;
    }

    /// @notice A published content, as returned by `content`.
    struct ContentView {
        address publisher;
        address payout;
        address currency;
        uint96 price;
        uint16[] rewardBps;
        uint16 royaltyBps;
        bool transferable;
        bool paused;
        bytes32 keyCommitment;
        string verifierRecipient;
        string title;
        string metadataURI;
    }

    /// @notice A license token's lineage record, as returned by `license`.
    /// @param parent The license bought through, or 0.
    /// @param generation Number of ancestors: 0 for a license bought without a referrer.
    struct LicenseView {
        address owner;
        uint256 contentId;
        uint256 parent;
        uint256 generation;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice No content has id `contentId`.
    error ContentNotFound(uint256 contentId);
    /// @notice The publisher paused sales of `contentId`.
    error ContentPaused(uint256 contentId);
    /// @notice `caller` is not the publisher of `contentId`.
    error NotPublisher(uint256 contentId, address caller);
    /// @notice The market is paused for emergencies; claims still work.
    error MarketPaused();
    /// @notice The market is not paused.
    error MarketNotPaused();
    /// @notice `tokenId` is not a license of `contentId`.
    error InvalidReferrer(uint256 tokenId, uint256 contentId);
    /// @notice The price `price` exceeds the buyer's `maxPrice`.
    error PriceAboveMax(uint256 price, uint256 maxPrice);
    /// @notice `msg.value` was `sent`, the purchase needs `expected`.
    error IncorrectPayment(uint256 expected, uint256 sent);
    /// @notice The market received `received` tokens where `expected` were due (fee-on-transfer token).
    error TransferShortfall(uint256 expected, uint256 received);
    /// @notice The schedule has `depth` levels; at most `maxDepth` are allowed.
    error ScheduleTooDeep(uint256 depth, uint256 maxDepth);
    /// @notice The schedule sums to `sum` basis points; at most `max` are allowed.
    error RewardsExceedLimit(uint256 sum, uint256 max);
    /// @notice The royalty `bps` exceeds `max`.
    error RoyaltyTooHigh(uint256 bps, uint256 max);
    /// @notice The protocol fee `bps` exceeds the hard cap `cap`.
    error ProtocolFeeAboveCap(uint256 bps, uint256 cap);
    /// @notice A zero address was given where an account is needed.
    error ZeroAddress();
    /// @notice Licenses of the content of `tokenId` cannot be transferred.
    error LicenseNotTransferable(uint256 tokenId);
    /// @notice `account` has nothing to claim in the requested currencies.
    error NothingToClaim(address account);
    /// @notice `contentId` is sold for ETH, so a permit purchase does not apply.
    error PermitNeedsToken(uint256 contentId);
    /// @notice The content is sold in `expected` (`address(0)` for ETH), not in the `given` currency the buyer
    /// agreed to pay in: the publisher changed it after the buyer saw the price.
    error CurrencyMismatch(address expected, address given);
    /// @notice Every content id a license can record is taken; `maxContentId` is the last one.
    error ContentIdsExhausted(uint256 maxContentId);
    /// @notice Every license id the token counter can hold is taken; `maxTokenId` is the last one.
    error TokenIdsExhausted(uint256 maxTokenId);
    /// @notice `account` has not allowed others to claim its balances on its behalf.
    error ClaimForNotAllowed(address account);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A content was published.
    event ContentPublished(
        uint256 indexed contentId,
        address indexed publisher,
        address indexed currency,
        uint256 price,
        uint16[] rewardBps,
        address payout,
        uint16 royaltyBps,
        bool transferable,
        bytes32 keyCommitment,
        string verifierRecipient,
        string title,
        string metadataURI
    );
    /// @notice The price of `contentId` changed; `currency` changes with it.
    event ContentRepriced(uint256 indexed contentId, address indexed currency, uint256 price);
    /// @notice Future sales of `contentId` pay this schedule.
    event RewardScheduleUpdated(uint256 indexed contentId, uint16[] rewardBps);
    /// @notice `payout` receives the publisher's share of `contentId` from now on.
    event PayoutUpdated(uint256 indexed contentId, address payout);
    /// @notice The off-chain metadata of `contentId` moved.
    event ContentMetadataUpdated(uint256 indexed contentId, string metadataURI);
    /// @notice Sales of `contentId` were paused (`paused` true) or resumed.
    event ContentPauseSet(uint256 indexed contentId, bool paused);
    /// @notice `contentId` was handed over from `previousPublisher` to `newPublisher`.
    event PublisherTransferred(
        uint256 indexed contentId, address indexed previousPublisher, address indexed newPublisher
    );
    /// @notice A license was bought.
    /// @param payer Who paid. @param recipient Who received the license.
    /// @param payoutAmount Credited to `payout`: the price minus rewards and protocol fee.
    event LicensePurchased(
        uint256 indexed tokenId,
        uint256 indexed contentId,
        uint256 indexed parent,
        address payer,
        address recipient,
        address currency,
        uint256 price,
        address payout,
        uint256 payoutAmount,
        uint256 protocolFee
    );
    /// @notice `account`, owner of `ancestorTokenId`, earned `amount` at lineage `level` from the sale of `tokenId`.
    event RewardCredited(
        address indexed account,
        address indexed currency,
        uint256 indexed tokenId,
        uint256 ancestorTokenId,
        uint256 level,
        uint256 amount
    );
    /// @notice `amount` of `currency` owed to `account` was paid to `to`.
    event Claimed(address indexed account, address indexed currency, address to, uint256 amount);
    /// @notice The protocol fee is now `bps`, credited to `treasury`.
    event ProtocolFeeUpdated(address treasury, uint256 bps);
    /// @notice The whole market was paused (true) or resumed (false) by the owner.
    event MarketPauseSet(bool paused);
    /// @notice `account` allowed (true) or stopped allowing (false) anyone to claim its balances to it.
    event ClaimForAllowedSet(address indexed account, bool allowed);

    /*//////////////////////////////////////////////////////////////
                               PUBLISHING
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers a content; the caller becomes its publisher.
    /// @dev Requirements: market not paused; `payout` non-zero; at most `MAX_DEPTH` levels; levels plus the protocol
    /// fee cap within 100%; royalty within `MAX_ROYALTY_BPS`; fewer than 2^32 - 1 contents so far. Emits
    /// {ContentPublished}.
    /// @return contentId The new content's id, starting at 1.
    function publish(PublishParams calldata params) external returns (uint256 contentId);

    /// @notice Sets the price and currency of future sales. Emits {ContentRepriced}.
    function setPrice(uint256 contentId, address currency, uint96 price) external;

    /// @notice Sets the reward schedule of future sales. Emits {RewardScheduleUpdated}.
    function setRewardSchedule(uint256 contentId, uint16[] calldata rewardBps) external;

    /// @notice Sets where the publisher's share goes. Emits {PayoutUpdated}.
    function setPayout(uint256 contentId, address payout) external;

    /// @notice Moves the off-chain metadata. Emits {ContentMetadataUpdated}.
    function setMetadataURI(uint256 contentId, string calldata metadataURI) external;

    /// @notice Pauses or resumes sales of one content. Emits {ContentPauseSet}.
    function setContentPaused(uint256 contentId, bool paused) external;

    /// @notice Hands the content over to `newPublisher`. Emits {PublisherTransferred}.
    function transferPublisher(uint256 contentId, address newPublisher) external;

    /*//////////////////////////////////////////////////////////////
                                PURCHASE
    //////////////////////////////////////////////////////////////*/

    /// @notice Buys a license of `contentId` for `recipient`, through the copy of `referrerTokenId` (0 for none),
    /// paying at most `maxPrice` in `currency`.
    /// @dev `currency` and `maxPrice` are what the buyer agreed to: a publisher who changes either after the buyer
    /// saw them cannot charge more, nor charge in a token the buyer left an allowance on.
    /// Requirements: content exists and is not paused, market not paused, referrer of the same content, `currency`
    /// the content's currency, price at most `maxPrice`; ETH: `msg.value == price`; ERC-20: no ETH, allowance for
    /// the price, and the full price must arrive; fewer than 2^48 - 1 licenses so far.
    /// Emits {Transfer}, {LicensePurchased} and a {RewardCredited} per paid level.
    /// @param currency The currency the buyer agreed to pay in, `address(0)` for ETH.
    /// @return tokenId The new license.
    function purchase(
        uint256 contentId,
        uint256 referrerTokenId,
        address recipient,
        address currency,
        uint256 maxPrice
    ) external payable returns (uint256 tokenId);

    /// @notice As `purchase`, for an ERC-2612 token, with the approval signature in the same transaction.
    /// @dev The permit is for `maxPrice` and `deadline`, on `currency`. A permit already used (front-run) is
    /// tolerated when the allowance suffices.
    /// Requirements: as `purchase`, and `currency` is not ETH. Emits as `purchase`.
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
    ) external returns (uint256 tokenId);

    /*//////////////////////////////////////////////////////////////
                                 CLAIMS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays the caller's balances in `currencies` to `to`. Works while the market is paused.
    /// @dev Requirements: `to` non-zero; some balance to pay. Emits {Claimed} per paid currency.
    function claim(address[] calldata currencies, address to) external;

    /// @notice Pays `account`'s balances in `currencies` to `account`; anyone may call, once `account` allowed it.
    /// @dev Opt-in, because a contract account may be able to move tokens only through {claim}: tokens paid to it
    /// unasked would be stuck there.
    /// Requirements: `account` allowed it with {setClaimForAllowed}; some balance to pay. Emits {Claimed} per paid
    /// currency.
    function claimFor(address account, address[] calldata currencies) external;

    /// @notice Allows (or stops allowing) anyone to call {claimFor} for the caller. Emits {ClaimForAllowedSet}.
    function setClaimForAllowed(bool allowed) external;

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the protocol fee and its treasury (owner only), at most `MAX_PROTOCOL_FEE_BPS`.
    function setProtocolFee(address treasury, uint16 bps) external;

    /// @notice Pauses purchases and publishing of the whole market (owner only). Claims stay open.
    function pause() external;

    /// @notice Resumes the market (owner only).
    function unpause() external;

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    /// @notice The content `contentId`; reverts with {ContentNotFound} if it does not exist.
    function content(uint256 contentId) external view returns (ContentView memory);

    /// @notice Number of contents published; ids run from 1 to this.
    function contentCount() external view returns (uint256);

    /// @notice The license `tokenId`; reverts with {ERC721NonexistentToken} if it does not exist.
    function license(uint256 tokenId) external view returns (LicenseView memory);

    /// @notice The ancestors of `tokenId`, parent first, as many as the content's current schedule pays.
    function lineageOf(uint256 tokenId) external view returns (uint256[] memory ancestors);

    /// @notice What `account` can claim in `currency` (`address(0)` for ETH).
    function claimable(address account, address currency) external view returns (uint256);

    /// @notice Whether anyone may call {claimFor} for `account`.
    function claimForAllowed(address account) external view returns (bool);

    /// @notice Number of licenses minted so far; token ids run from 1 to this.
    function totalSupply() external view returns (uint256);

    /// @notice The protocol fee in basis points and its treasury.
    function protocolFee() external view returns (address treasury, uint16 bps);

    /// @notice Whether the market is paused.
    function paused() external view returns (bool);
}
