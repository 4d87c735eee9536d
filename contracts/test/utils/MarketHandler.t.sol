// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {DemoToken} from "../../demo/DemoToken.sol";
import {ISuperdistMarket} from "../../interfaces/ISuperdistMarket.sol";
import {BlocklistToken} from "../../mocks/BlocklistToken.sol";
import {FeeOnTransferToken} from "../../mocks/FeeOnTransferToken.sol";
import {NoReturnToken} from "../../mocks/NoReturnToken.sol";
import {SixDecimalToken} from "../../mocks/SixDecimalToken.sol";
import {SuperdistMarket} from "../../SuperdistMarket.sol";
import {TestBase, Vm} from "./TestBase.t.sol";

/// @dev Every action is a target of the invariant runner (the test leaves the views out), and the runner ignores a
/// call that reverts. So no function here reverts: actions skip what they cannot do, views take no index, and a
/// market call that fails or a check that does not hold is written to `failure`, which an invariant requires to stay
/// empty. A call the market must refuse is expected with its exact error, and a refusal must leave every balance as
/// it was.
/// Drives the market with random but valid calls from a fixed set of actors, and keeps ghost sums of what
/// entered and left it, as Solady's ERC20 invariant handler does. Everyone the market can credit (payouts, license
/// holders, the treasury) is an actor, so the sum of the actors' balances is the sum of all balances.
/// Contents are sold in ETH or one of five tokens: two well-behaved ones of different decimals, one that burns a fee
/// on transfer (the market must refuse the shortfall), one that returns nothing from `transfer` (as USDT does) and
/// one whose issuer blocks accounts (as USDC does). Publishers change the currency, so a buyer may name a currency
/// the content left; actors hold every token and leave the market an open allowance on it.
// A handler's ghost sums and counters are its point, and each is read by name.
// solhint-disable-next-line max-states-count
contract MarketHandler is TestBase {
    uint256 private constant _ACTORS = 6;
    uint256 private constant _CURRENCIES = 6;
    uint256 private constant _BPS = 10_000;
    uint96 private constant _MAX_PRICE = 1e24;

    /// @dev What a purchase is about, in one place, so the checks around it stay within the stack.
    struct Sale {
        uint256 contentId;
        uint256 referrer;
        address payer;
        address recipient;
        address named;
        address currency;
        uint256 price;
    }

    /// @dev What a purchase may move, read before and after it.
    struct Balances {
        uint256[] owed;
        uint256[] held;
        uint256 paid;
        uint256 supply;
    }

    // Storage, not immutables: the invariant runner recognises the handler by its code, which immutables would vary.
    SuperdistMarket public market;
    DemoToken public token;
    SixDecimalToken public sixToken;
    FeeOnTransferToken public feeToken;
    NoReturnToken public noReturnToken;
    BlocklistToken public blocklistToken;

    address[] private _actors;
    mapping(address account => uint256 indexPlusOne) private _actorIndex;
    uint256[] private _contentIds;
    mapping(uint256 contentId => uint256[]) private _licenses;
    uint256[] private _allLicenses;

    /// @dev Ghost sums per currency: paid into the market by purchases, credited to accounts by purchases, and paid
    /// out by claims.
    mapping(address currency => uint256) public ghostPaidIn;
    mapping(address currency => uint256) public ghostCredited;
    mapping(address currency => uint256) public ghostClaimed;
    uint256 public ghostLicenses;
    /// @dev What entered the market or was credited, summed over purchases, in currencies other than the one the
    /// buyer named.
    uint256 public ghostPaidOutsideNamed;
    /// @dev Purchases whose credits, over everyone, did not add up to their price.
    uint256 public ghostPurchasesNotCreditingTheirPrice;
    /// @dev Lineage rewards the market reported, and those of them to the payer or the recipient of the purchase
    /// paying them.
    uint256 public ghostRewardsReported;
    uint256 public ghostSelfRewards;
    /// @dev The first thing that went wrong, or empty.
    string public failure;
    uint256 public purchases;
    /// @dev Purchases refused as they had to be, by the error they were refused with.
    mapping(bytes4 errorSelector => uint256) public refusals;
    uint256 public claims;
    uint256 public refusedClaimsToBlocked;
    /// @dev Purchases that credited an account the blocklist token's issuer had blocked.
    uint256 public salesCreditingBlocked;

    constructor() {
        market = new SuperdistMarket(address(this));
        token = new DemoToken("Demo Dollar", "DUSD", address(this));
        sixToken = new SixDecimalToken();
        feeToken = new FeeOnTransferToken();
        noReturnToken = new NoReturnToken();
        blocklistToken = new BlocklistToken();
        for (uint256 i; i < _ACTORS; ++i) {
            address actor = makeAddr(string.concat("actor", Strings.toString(i)));
            _actors.push(actor);
            _actorIndex[actor] = i + 1;
            // An open allowance, as a buyer of other contents would have left it.
            vm.startPrank(actor);
            token.approve(address(market), type(uint256).max);
            sixToken.approve(address(market), type(uint256).max);
            feeToken.approve(address(market), type(uint256).max);
            noReturnToken.approve(address(market), type(uint256).max);
            blocklistToken.approve(address(market), type(uint256).max);
            vm.stopPrank();
        }
    }

    function actorCount() external view returns (uint256) {
        return _actors.length;
    }

    /// @dev ETH, the demo token, the 6-decimal token, the fee-on-transfer token, the no-return token or the
    /// blocklist token.
    function currencyAt(uint256 seed) public view returns (address) {
        uint256 which = seed % _CURRENCIES;
        if (which == 0) return address(0);
        if (which == 1) return address(token);
        if (which == 2) return address(sixToken);
        if (which == 3) return address(feeToken);
        return which == 4 ? address(noReturnToken) : address(blocklistToken);
    }

    /// @dev The sum of every actor's unclaimed balance in `currency`.
    function sumClaimable(address currency) external view returns (uint256 sum) {
        for (uint256 i; i < _actors.length; ++i) {
            sum += market.claimable(_actors[i], currency);
        }
    }

    /// @dev The first license whose generation is not its parent's plus one (0 for a root), or whose parent is a
    /// license of another content; 0 when there is none.
    function firstBrokenLineage() external view returns (uint256) {
        for (uint256 i; i < _allLicenses.length; ++i) {
            ISuperdistMarket.LicenseView memory child = market.license(_allLicenses[i]);
            if (child.parent == 0) {
                if (child.generation != 0) return _allLicenses[i];
                continue;
            }
            ISuperdistMarket.LicenseView memory parent = market.license(child.parent);
            if (parent.contentId != child.contentId || child.generation != parent.generation + 1) {
                return _allLicenses[i];
            }
        }
        return 0;
    }

    /// @dev The deepest lineage bought so far, counted in generations.
    function deepestGeneration() external view returns (uint256 deepest) {
        for (uint256 i; i < _allLicenses.length; ++i) {
            uint256 generation = market.license(_allLicenses[i]).generation;
            if (generation > deepest) deepest = generation;
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
        bool paused = market.paused();
        vm.prank(_actor(publisherSeed));
        try market.publish(p) returns (uint256 contentId) {
            if (paused) _fail("publish while the market is paused");
            _contentIds.push(contentId);
        } catch (bytes memory reason) {
            if (!paused || !_is(reason, abi.encodeWithSelector(ISuperdistMarket.MarketPaused.selector))) {
                _fail("publish reverted");
            }
        }
    }

    /// @dev Buys through a random license of the content, or none one seed in eight, so new roots keep appearing.
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
        uint256 referrer = licenses.length == 0 || referrerSeed % 8 == 0 ? 0 : licenses[referrerSeed % licenses.length];
        _purchase(contentId, referrer, payerSeed, recipientSeed, namedSeed);
    }

    /// @dev Buys through the newest license sold, whatever its content: random referrers alone grow lineages only
    /// logarithmically deep, and the schedule's deeper levels would hardly ever be paid.
    function purchaseDeep(uint256 payerSeed, uint256 recipientSeed, uint256 namedSeed) external {
        if (_allLicenses.length == 0) return;
        uint256 referrer = _allLicenses[_allLicenses.length - 1];
        _purchase(market.license(referrer).contentId, referrer, payerSeed, recipientSeed, namedSeed);
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

    /// @dev Paid to an actor (maybe another one), or out of the actor set altogether. A claim that would pay the
    /// blocklist token to a blocked address must revert with the token's error and leave the balances owed.
    function claim(uint256 accountSeed, uint256 toSeed, uint8 currencyMask) external {
        address account = _actor(accountSeed);
        address[] memory currencies = _owed(account, currencyMask);
        if (currencies.length == 0) return;
        uint256[] memory amounts = _amounts(account, currencies);
        address to = _destination(toSeed);
        uint256[] memory before = _balances(to, currencies);
        bool toBlocked = _paysBlocked(currencies, to);
        vm.prank(account);
        try market.claim(currencies, to) {}
        catch (bytes memory reason) {
            if (!toBlocked || !_is(reason, abi.encodeWithSelector(BlocklistToken.Blocked.selector, to))) {
                _fail("claim reverted");
            }
            _recordRefusedClaim(account, currencies, amounts);
            ++refusedClaimsToBlocked;
            return;
        }
        if (toBlocked) _fail("claim paid a blocked address");
        _recordClaims(account, to, currencies, amounts, before);
    }

    function claimFor(uint256 callerSeed, uint256 accountSeed, uint8 currencyMask) external {
        address account = _actor(accountSeed);
        address[] memory currencies = _owed(account, currencyMask);
        if (currencies.length == 0) return;
        uint256[] memory amounts = _amounts(account, currencies);
        uint256[] memory before = _balances(account, currencies);
        bool allowed = market.claimForAllowed(account);
        bytes memory refusal = !allowed
            ? abi.encodeWithSelector(ISuperdistMarket.ClaimForNotAllowed.selector, account)
            : _paysBlocked(currencies, account)
                ? abi.encodeWithSelector(BlocklistToken.Blocked.selector, account)
                : bytes("");
        vm.prank(_actor(callerSeed));
        try market.claimFor(account, currencies) {}
        catch (bytes memory reason) {
            if (refusal.length == 0 || !_is(reason, refusal)) _fail("claimFor reverted");
            _recordRefusedClaim(account, currencies, amounts);
            if (allowed) ++refusedClaimsToBlocked;
            return;
        }
        if (refusal.length != 0) _fail("claimFor paid where it must be refused");
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

    function setPayout(uint256 contentSeed, uint256 payoutSeed) external {
        if (_contentIds.length == 0) return;
        uint256 contentId = _contentIds[contentSeed % _contentIds.length];
        vm.prank(market.content(contentId).publisher);
        try market.setPayout(contentId, _actor(payoutSeed)) {} catch {
            _fail("setPayout reverted");
        }
    }

    /// @dev One seed in eight pauses and every other resumes, so the market is open most of the time.
    function setMarketPaused(uint256 seed) external {
        bool pause = seed % 8 == 0;
        if (market.paused() == pause) return;
        if (pause) {
            try market.pause() {} catch {
                _fail("pause reverted");
            }
        } else {
            try market.unpause() {} catch {
                _fail("unpause reverted");
            }
        }
    }

    /// @dev As {setMarketPaused}, for one content, by its publisher.
    function setContentPaused(uint256 contentSeed, uint256 seed) external {
        if (_contentIds.length == 0) return;
        uint256 contentId = _contentIds[contentSeed % _contentIds.length];
        vm.prank(market.content(contentId).publisher);
        try market.setContentPaused(contentId, seed % 8 == 0) {} catch {
            _fail("setContentPaused reverted");
        }
    }

    /// @dev The blocklist token's issuer blocks or unblocks an actor or a claim destination; never the market.
    function setBlocked(uint256 accountSeed, bool blocked) external {
        blocklistToken.setBlocked(_destination(accountSeed), blocked);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _fail(string memory what) private {
        if (bytes(failure).length == 0) failure = what;
    }

    function _is(bytes memory reason, bytes memory expected) private pure returns (bool) {
        return keccak256(reason) == keccak256(expected);
    }

    function _actor(uint256 seed) private view returns (address) {
        return _actors[seed % _actors.length];
    }

    /// @dev An actor for an even seed, else one of 16 addresses outside the actor set.
    function _destination(uint256 seed) private view returns (address) {
        return seed % 2 == 0 ? _actor(seed / 2) : address(uint160(0xC1A1 + seed % 16));
    }

    /// @dev One seed in eight names a currency at random, as a buyer who saw the content before its publisher changed
    /// the currency would; the others name the content's own. The payer holds the price in every token.
    function _purchase(
        uint256 contentId,
        uint256 referrer,
        uint256 payerSeed,
        uint256 recipientSeed,
        uint256 namedSeed
    ) private {
        ISuperdistMarket.ContentView memory c = market.content(contentId);
        Sale memory s = Sale({
            contentId: contentId,
            referrer: referrer,
            payer: _actor(payerSeed),
            recipient: _actor(recipientSeed),
            named: namedSeed % 8 == 0 ? currencyAt(namedSeed / 8) : c.currency,
            currency: c.currency,
            price: c.price
        });
        uint256 value = s.named == address(0) ? s.price : 0;
        vm.deal(s.payer, s.payer.balance + value);
        _fundTokens(s.payer, s.price);
        bytes memory refusal = _expectedRefusal(s, c.paused);
        uint256[] memory credits = refusal.length == 0 ? _expectedCredits(s, c) : new uint256[](0);
        Balances memory before = _balancesAround(s);

        vm.recordLogs();
        vm.prank(s.payer);
        try market.purchase{value: value}(s.contentId, s.referrer, s.recipient, s.named, s.price) returns (
            uint256 tokenId
        ) {
            // Recorded no further: what it credited has no expectation to be checked against.
            if (refusal.length != 0) return _fail("purchase went through where it must be refused");
            _recordPaidOutsideNamed(before.held, s.named);
            _recordCredits(s, credits, before.owed);
            _recordLicense(s, tokenId);
        } catch (bytes memory reason) {
            _recordRefusal(s, refusal, reason, before);
        }
    }

    /// @dev A purchase reverted: it must have been refused with `refusal`, and have moved nothing. A revert undoes
    /// everything; checked nonetheless, as "changes nothing" is the promise under test.
    function _recordRefusal(Sale memory s, bytes memory refusal, bytes memory reason, Balances memory before)
        private
    {
        if (refusal.length == 0 || !_is(reason, refusal)) return _fail("purchase reverted");
        ++refusals[bytes4(refusal)];
        Balances memory afterRefusal = _balancesAround(s);
        if (!_same(afterRefusal.held, before.held) || !_same(afterRefusal.owed, before.owed)) {
            _fail("a refused purchase moved balances");
        }
        if (afterRefusal.paid != before.paid || afterRefusal.supply != before.supply) {
            _fail("a refused purchase took payment or minted");
        }
    }

    function _balancesAround(Sale memory s) private view returns (Balances memory) {
        return Balances({
            owed: _claimables(),
            held: _marketBalances(),
            paid: _balanceOf(s.named, s.payer),
            supply: market.totalSupply()
        });
    }

    /// @dev The error `purchase` must revert with, in the order it checks, or empty when it must go through: the
    /// currency named, then the payment (a blocked payer cannot send the blocklist token; the fee token delivers
    /// 1% less, which is a shortfall once that 1% rounds to at least a unit), then the pauses.
    function _expectedRefusal(Sale memory s, bool contentPaused) private view returns (bytes memory) {
        if (s.named != s.currency) {
            return abi.encodeWithSelector(ISuperdistMarket.CurrencyMismatch.selector, s.currency, s.named);
        }
        if (s.currency == address(blocklistToken) && blocklistToken.blocked(s.payer)) {
            return abi.encodeWithSelector(BlocklistToken.Blocked.selector, s.payer);
        }
        if (s.currency == address(feeToken) && s.price / 100 != 0) {
            uint256 received = s.price - s.price / 100;
            return abi.encodeWithSelector(ISuperdistMarket.TransferShortfall.selector, s.price, received);
        }
        if (contentPaused) return abi.encodeWithSelector(ISuperdistMarket.ContentPaused.selector, s.contentId);
        if (market.paused()) return abi.encodeWithSelector(ISuperdistMarket.MarketPaused.selector);
        return "";
    }

    /// @dev What each actor must be credited by the sale, worked out apart from the market: the fee to the treasury,
    /// each level's share to the owner of the ancestor at that level now unless they pay or receive this license,
    /// and the rest to the payout.
    function _expectedCredits(Sale memory s, ISuperdistMarket.ContentView memory c)
        private
        returns (uint256[] memory credits)
    {
        credits = new uint256[](_ACTORS);
        (address treasury, uint16 feeBps) = market.protocolFee();
        uint256 fee = s.price * feeBps / _BPS;
        uint256 rest = s.price - fee;
        if (fee != 0) credits[_indexOf(treasury)] += fee;
        uint256 ancestor = s.referrer;
        for (uint256 level = 1; ancestor != 0 && level <= c.rewardBps.length; ++level) {
            ISuperdistMarket.LicenseView memory held = market.license(ancestor);
            uint256 bps = c.rewardBps[level - 1];
            if (bps != 0 && held.owner != s.payer && held.owner != s.recipient) {
                uint256 amount = s.price * bps / _BPS;
                credits[_indexOf(held.owner)] += amount;
                rest -= amount;
            }
            ancestor = held.parent;
        }
        credits[_indexOf(c.payout)] += rest;
    }

    /// @dev Checks the sale's credits against the expected ones and adds them to the ghost sums: what the accounts
    /// were credited, from their balances, and who the market said it rewarded, from its events.
    function _recordCredits(Sale memory s, uint256[] memory credits, uint256[] memory owedBefore) private {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256[] memory owedAfter = _claimables();
        uint256 credited;
        bool blockedCredited;
        for (uint256 a; a < _ACTORS; ++a) {
            for (uint256 k; k < _CURRENCIES; ++k) {
                uint256 b = owedBefore[a * _CURRENCIES + k];
                uint256 o = owedAfter[a * _CURRENCIES + k];
                if (currencyAt(k) != s.currency) {
                    ghostPaidOutsideNamed += o > b ? o - b : b - o;
                    continue;
                }
                if (o < b) {
                    _fail("a purchase lowered a balance");
                    continue;
                }
                if (o - b != credits[a]) _fail("a purchase credited other than its schedule");
                credited += o - b;
                if (o != b && blocklistToken.blocked(_actors[a])) blockedCredited = true;
            }
        }
        ghostPaidIn[s.currency] += s.price;
        ghostCredited[s.currency] += credited;
        if (credited != s.price) ++ghostPurchasesNotCreditingTheirPrice;
        if (blockedCredited && s.currency == address(blocklistToken)) ++salesCreditingBlocked;
        bytes32 rewarded = ISuperdistMarket.RewardCredited.selector;
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory log = logs[i];
            if (log.emitter != address(market) || log.topics.length == 0 || log.topics[0] != rewarded) continue;
            ++ghostRewardsReported;
            address account = address(uint160(uint256(log.topics[1])));
            if (account == s.payer || account == s.recipient) ++ghostSelfRewards;
        }
        ++purchases;
    }

    /// @dev Checks the new license's record: its owner, content, parent and a generation one past its parent's.
    function _recordLicense(Sale memory s, uint256 tokenId) private {
        ISuperdistMarket.LicenseView memory bought = market.license(tokenId);
        uint256 generation = s.referrer == 0 ? 0 : market.license(s.referrer).generation + 1;
        if (bought.owner != s.recipient || bought.contentId != s.contentId || bought.parent != s.referrer) {
            _fail("license recorded other than bought");
        }
        if (bought.generation != generation) _fail("license generation is not its parent's plus one");
        _licenses[s.contentId].push(tokenId);
        _allLicenses.push(tokenId);
        ++ghostLicenses;
    }

    /// @dev The index of `account` among the actors; everyone the market credits is one.
    function _indexOf(address account) private returns (uint256) {
        uint256 indexPlusOne = _actorIndex[account];
        if (indexPlusOne == 0) {
            _fail("credit expected outside the actors");
            return 0;
        }
        return indexPlusOne - 1;
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
        currencies = new address[](_CURRENCIES);
        uint256 count;
        for (uint256 i; i < _CURRENCIES; ++i) {
            address currency = currencyAt(i);
            if (mask & (1 << i) != 0 && market.claimable(account, currency) != 0) currencies[count++] = currency;
        }
        assembly ("memory-safe") {
            mstore(currencies, count)
        }
    }

    /// @dev Whether paying `currencies` to `to` sends the blocklist token to an address its issuer blocked.
    function _paysBlocked(address[] memory currencies, address to) private view returns (bool) {
        if (!blocklistToken.blocked(to)) return false;
        for (uint256 i; i < currencies.length; ++i) {
            if (currencies[i] == address(blocklistToken)) return true;
        }
        return false;
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

    /// @dev The no-return token's `balanceOf` is standard, so one interface reads every token.
    function _balanceOf(address currency, address account) private view returns (uint256) {
        if (currency == address(0)) return account.balance;
        return IERC20(currency).balanceOf(account);
    }

    function _marketBalances() private view returns (uint256[] memory b) {
        b = new uint256[](_CURRENCIES);
        for (uint256 i; i < _CURRENCIES; ++i) {
            b[i] = _balanceOf(currencyAt(i), address(market));
        }
    }

    /// @dev Every actor's claimable balance in every currency, actor-major.
    function _claimables() private view returns (uint256[] memory owed) {
        owed = new uint256[](_ACTORS * _CURRENCIES);
        for (uint256 a; a < _ACTORS; ++a) {
            for (uint256 k; k < _CURRENCIES; ++k) {
                owed[a * _CURRENCIES + k] = market.claimable(_actors[a], currencyAt(k));
            }
        }
    }

    function _same(uint256[] memory a, uint256[] memory b) private pure returns (bool) {
        return keccak256(abi.encode(a)) == keccak256(abi.encode(b));
    }

    /// @dev The price in every token; a blocked payer cannot receive the blocklist token, so gets none of it.
    function _fundTokens(address payer, uint256 amount) private {
        token.mint(payer, amount);
        sixToken.mint(payer, amount);
        feeToken.mint(payer, amount);
        noReturnToken.mint(payer, amount);
        if (!blocklistToken.blocked(payer)) blocklistToken.mint(payer, amount);
    }

    /// @dev Adds to {ghostPaidOutsideNamed} how much the market's balance moved since `before` in each currency but
    /// `named`.
    function _recordPaidOutsideNamed(uint256[] memory before, address named) private {
        uint256[] memory afterPurchase = _marketBalances();
        for (uint256 i; i < _CURRENCIES; ++i) {
            if (currencyAt(i) != named) {
                uint256 a = afterPurchase[i];
                uint256 b = before[i];
                ghostPaidOutsideNamed += a > b ? a - b : b - a;
            }
        }
    }

    /// @dev Checks that `to` received each claimed amount (less the 1% the fee token burns on the way, which the
    /// market paid all the same) and `account` owes nothing more, then adds to the ghost sums.
    function _recordClaims(
        address account,
        address to,
        address[] memory currencies,
        uint256[] memory amounts,
        uint256[] memory before
    ) private {
        uint256[] memory afterClaim = _balances(to, currencies);
        for (uint256 i; i < currencies.length; ++i) {
            uint256 received = currencies[i] == address(feeToken) ? amounts[i] - amounts[i] / 100 : amounts[i];
            if (afterClaim[i] != before[i] + received) _fail("claim paid other than the balance");
            if (market.claimable(account, currencies[i]) != 0) _fail("claim left a balance");
            ghostClaimed[currencies[i]] += amounts[i];
        }
        ++claims;
    }

    /// @dev A refused claim leaves every balance it named owed, to be claimed elsewhere.
    function _recordRefusedClaim(address account, address[] memory currencies, uint256[] memory amounts) private {
        for (uint256 i; i < currencies.length; ++i) {
            if (market.claimable(account, currencies[i]) != amounts[i]) _fail("a refused claim moved a balance");
        }
    }
}
