// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {DemoToken} from "../../demo/DemoToken.sol";
import {ISuperdistMarket} from "../../interfaces/ISuperdistMarket.sol";
import {SixDecimalToken} from "../../mocks/SixDecimalToken.sol";
import {SuperdistMarket} from "../../SuperdistMarket.sol";
import {TestBase} from "./TestBase.t.sol";

/// @dev Every external function is a target of the invariant runner, and the runner ignores a call that reverts. So
/// no function here reverts: actions skip what they cannot do, views take no index, and a market call that fails
/// or a check that does not hold is written to `failure`, which an invariant requires to stay empty.
/// Drives the market with random but valid calls from a fixed set of actors, and keeps ghost sums of what
/// entered and left it, as Solady's ERC20 invariant handler does. Everyone the market can credit (payouts, license
/// holders, the treasury) is an actor, so the sum of the actors' balances is the sum of all balances.
/// Contents are sold in ETH or one of two tokens of different decimals, and publishers change the currency, so a
/// buyer may name a currency the content left; they hold every token and leave the market an open allowance on it.
contract MarketHandler is TestBase {
    uint256 private constant _ACTORS = 6;
    uint96 private constant _MAX_PRICE = 1e24;

    // Storage, not immutables: the invariant runner recognises the handler by its code, which immutables would vary.
    SuperdistMarket public market;
    DemoToken public token;
    SixDecimalToken public sixToken;

    address[] private _actors;
    uint256[] private _contentIds;
    mapping(uint256 contentId => uint256[]) private _licenses;
    uint256[] private _allLicenses;

    /// @dev Ghost sums per currency: paid into the market by purchases, and paid out by claims.
    mapping(address currency => uint256) public ghostPaidIn;
    mapping(address currency => uint256) public ghostClaimed;
    uint256 public ghostLicenses;
    /// @dev What entered the market, summed over purchases, in currencies other than the one the buyer named.
    uint256 public ghostPaidOutsideNamed;
    /// @dev The first thing that went wrong, or empty.
    string public failure;
    uint256 public purchases;
    uint256 public refusedMismatches;
    uint256 public claims;

    constructor() {
        market = new SuperdistMarket(address(this));
        token = new DemoToken("Demo Dollar", "DUSD", address(this));
        sixToken = new SixDecimalToken();
        for (uint256 i; i < _ACTORS; ++i) {
            _actors.push(makeAddr(string.concat("actor", Strings.toString(i))));
        }
    }

    function actorCount() external view returns (uint256) {
        return _actors.length;
    }

    /// @dev ETH, the demo token or the 6-decimal token.
    function currencyAt(uint256 seed) public view returns (address) {
        uint256 which = seed % 3;
        return which == 0 ? address(0) : which == 1 ? address(token) : address(sixToken);
    }

    /// @dev The sum of every actor's unclaimed balance in `currency`.
    function sumClaimable(address currency) external view returns (uint256 sum) {
        for (uint256 i; i < _actors.length; ++i) {
            sum += market.claimable(_actors[i], currency);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function publish(
        uint256 publisherSeed,
        uint256 payoutSeed,
        uint96 price,
        uint256 currencySeed,
        uint16[8] calldata raw
    ) external {
        ISuperdistMarket.PublishParams memory p = ISuperdistMarket.PublishParams({
            price: uint96(bound(price, 0, _MAX_PRICE)),
            currency: currencyAt(currencySeed),
            rewardBps: _schedule(raw),
            payout: _actor(payoutSeed),
            royaltyBps: 0,
            transferable: true,
            keyCommitment: bytes32(0),
            verifierRecipient: "",
            title: "",
            metadataURI: ""
        });
        vm.prank(_actor(publisherSeed));
        try market.publish(p) returns (uint256 contentId) {
            _contentIds.push(contentId);
        } catch {
            _fail("publish reverted");
        }
    }

    /// @dev One `namedSeed` in four names a currency at random, as a buyer who saw the content before its
    /// publisher changed the currency would; the others name the content's own.
    function purchase(
        uint256 payerSeed,
        uint256 recipientSeed,
        uint256 contentSeed,
        uint256 referrerSeed,
        uint256 namedSeed
    ) external {
        if (_contentIds.length == 0) return;
        uint256 contentId = _contentIds[contentSeed % _contentIds.length];
        uint256[] storage licenses = _licenses[contentId];
        // One seed in eight buys without a referrer, so new roots keep appearing.
        uint256 referrer = licenses.length == 0 || referrerSeed % 8 == 0 ? 0 : licenses[referrerSeed % licenses.length];
        address payer = _actor(payerSeed);
        ISuperdistMarket.ContentView memory c = market.content(contentId);
        address named = namedSeed % 4 == 0 ? currencyAt(namedSeed / 4) : c.currency;
        uint256 value = named == address(0) ? c.price : 0;
        vm.deal(payer, payer.balance + value);
        _fundTokens(payer, c.price);
        uint256[3] memory before = _marketBalances();
        vm.prank(payer);
        uint256 tokenId;
        try market.purchase{value: value}(contentId, referrer, _actor(recipientSeed), named, c.price) returns (
            uint256 id
        ) {
            tokenId = id;
        } catch (bytes memory reason) {
            bytes memory mismatch =
                abi.encodeWithSelector(ISuperdistMarket.CurrencyMismatch.selector, c.currency, named);
            if (named == c.currency || keccak256(reason) != keccak256(mismatch)) _fail("purchase reverted");
            else ++refusedMismatches;
            return;
        }
        if (named != c.currency) _fail("purchase in another currency than the content's");
        _recordPaidOutsideNamed(before, named);
        licenses.push(tokenId);
        _allLicenses.push(tokenId);
        ghostPaidIn[c.currency] += c.price;
        ++ghostLicenses;
        ++purchases;
    }

    function transfer(uint256 licenseSeed, uint256 toSeed) external {
        if (_allLicenses.length == 0) return;
        uint256 tokenId = _allLicenses[licenseSeed % _allLicenses.length];
        address owner = market.ownerOf(tokenId);
        address to = _actor(toSeed);
        vm.prank(owner);
        try market.transferFrom(owner, to, tokenId) {} catch {
            _fail("transfer reverted");
            return;
        }
        if (market.ownerOf(tokenId) != to) _fail("transfer did not move the license");
    }

    function claim(uint256 accountSeed, uint256 toSeed, uint8 currencyMask) external {
        address account = _actor(accountSeed);
        address[] memory currencies = _owed(account, currencyMask);
        if (currencies.length == 0) return;
        uint256[] memory amounts = _amounts(account, currencies);
        // Paid to an actor (maybe another one), or out of the actor set altogether.
        address to = toSeed % 2 == 0 ? _actor(toSeed) : address(uint160(0xC1A1 + toSeed % 16));
        uint256[] memory before = _balances(to, currencies);
        vm.prank(account);
        try market.claim(currencies, to) {} catch {
            _fail("claim reverted");
            return;
        }
        _recordClaims(account, to, currencies, amounts, before);
    }

    function claimFor(uint256 callerSeed, uint256 accountSeed, uint8 currencyMask) external {
        address account = _actor(accountSeed);
        address[] memory currencies = _owed(account, currencyMask);
        if (currencies.length == 0) return;
        uint256[] memory amounts = _amounts(account, currencies);
        uint256[] memory before = _balances(account, currencies);
        bool allowed = market.claimForAllowed(account);
        vm.prank(_actor(callerSeed));
        try market.claimFor(account, currencies) {}
        catch (bytes memory reason) {
            bytes memory refusal = abi.encodeWithSelector(ISuperdistMarket.ClaimForNotAllowed.selector, account);
            if (allowed || keccak256(reason) != keccak256(refusal)) _fail("claimFor reverted");
            return;
        }
        if (!allowed) _fail("claimFor paid an account that did not allow it");
        _recordClaims(account, account, currencies, amounts, before);
    }

    function setClaimForAllowed(uint256 accountSeed, bool allowed) external {
        address account = _actor(accountSeed);
        vm.prank(account);
        try market.setClaimForAllowed(allowed) {} catch {
            _fail("setClaimForAllowed reverted");
        }
    }

    function setProtocolFee(uint256 treasurySeed, uint16 bps) external {
        try market.setProtocolFee(_actor(treasurySeed), uint16(bound(bps, 0, 500))) {} catch {
            _fail("setProtocolFee reverted");
        }
    }

    function setRewardSchedule(uint256 contentSeed, uint16[8] calldata raw) external {
        if (_contentIds.length == 0) return;
        uint256 contentId = _contentIds[contentSeed % _contentIds.length];
        vm.prank(market.content(contentId).publisher);
        try market.setRewardSchedule(contentId, _schedule(raw)) {} catch {
            _fail("setRewardSchedule reverted");
        }
    }

    function setPrice(uint256 contentSeed, uint96 price, uint256 currencySeed) external {
        if (_contentIds.length == 0) return;
        uint256 contentId = _contentIds[contentSeed % _contentIds.length];
        vm.prank(market.content(contentId).publisher);
        try market.setPrice(contentId, currencyAt(currencySeed), uint96(bound(price, 0, _MAX_PRICE))) {} catch {
            _fail("setPrice reverted");
        }
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _fail(string memory what) private {
        if (bytes(failure).length == 0) failure = what;
    }

    function _actor(uint256 seed) private view returns (address) {
        return _actors[seed % _actors.length];
    }

    /// @dev A schedule of 0 to 8 levels, each within what the 95% cap leaves; raw[0] also picks the depth.
    function _schedule(uint16[8] memory raw) private pure returns (uint16[] memory bps) {
        bps = new uint16[](raw[0] % 9);
        uint256 left = 9500;
        for (uint256 i; i < bps.length; ++i) {
            bps[i] = uint16(bound(raw[i], 0, left));
            left -= bps[i];
        }
    }

    /// @dev The currencies of `mask` (bit i for `currencyAt(i)`) in which `account` is owed something.
    function _owed(address account, uint8 mask) private view returns (address[] memory currencies) {
        currencies = new address[](3);
        uint256 count;
        for (uint256 i; i < 3; ++i) {
            address currency = currencyAt(i);
            if (mask & (1 << i) != 0 && market.claimable(account, currency) != 0) currencies[count++] = currency;
        }
        assembly ("memory-safe") {
            mstore(currencies, count)
        }
    }

    function _amounts(address account, address[] memory currencies) private view returns (uint256[] memory amounts) {
        amounts = new uint256[](currencies.length);
        for (uint256 i; i < currencies.length; ++i) {
            amounts[i] = market.claimable(account, currencies[i]);
        }
    }

    function _balances(address account, address[] memory currencies) private view returns (uint256[] memory b) {
        b = new uint256[](currencies.length);
        for (uint256 i; i < currencies.length; ++i) {
            b[i] = _balanceOf(currencies[i], account);
        }
    }

    function _balanceOf(address currency, address account) private view returns (uint256) {
        if (currency == address(0)) return account.balance;
        return currency == address(token) ? token.balanceOf(account) : sixToken.balanceOf(account);
    }

    function _marketBalances() private view returns (uint256[3] memory b) {
        for (uint256 i; i < 3; ++i) {
            b[i] = _balanceOf(currencyAt(i), address(market));
        }
    }

    /// @dev The price in both tokens, with an unlimited allowance, as a buyer of other contents would have left it.
    function _fundTokens(address payer, uint256 amount) private {
        token.mint(payer, amount);
        sixToken.mint(payer, amount);
        vm.startPrank(payer);
        token.approve(address(market), type(uint256).max);
        sixToken.approve(address(market), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev Adds to {ghostPaidOutsideNamed} how much the market's balance moved since `before` in each currency but
    /// `named`.
    function _recordPaidOutsideNamed(uint256[3] memory before, address named) private {
        uint256[3] memory afterPurchase = _marketBalances();
        for (uint256 i; i < 3; ++i) {
            if (currencyAt(i) != named) {
                uint256 a = afterPurchase[i];
                uint256 b = before[i];
                ghostPaidOutsideNamed += a > b ? a - b : b - a;
            }
        }
    }

    /// @dev Checks that `to` received each claimed amount and `account` owes nothing more, then adds to the ghost sums.
    function _recordClaims(
        address account,
        address to,
        address[] memory currencies,
        uint256[] memory amounts,
        uint256[] memory before
    ) private {
        uint256[] memory afterClaim = _balances(to, currencies);
        for (uint256 i; i < currencies.length; ++i) {
            if (afterClaim[i] != before[i] + amounts[i]) _fail("claim paid other than the balance");
            if (market.claimable(account, currencies[i]) != 0) _fail("claim left a balance");
            ghostClaimed[currencies[i]] += amounts[i];
        }
        ++claims;
    }
}
