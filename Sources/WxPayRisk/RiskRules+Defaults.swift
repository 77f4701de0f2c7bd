// The shipped rules. Amounts are in fen (100 fen = ¥1).

extension RiskRules {
    /// The rules that ship in the binary.
    ///
    /// - Scores: `review` from 40, `block` from 80; a prohibited-category hit always blocks.
    /// - Velocity (payments only, 10-minute windows of stream time): more than 5 payments or more than ¥20,000 per
    ///   payer; more than 8 payments, more than ¥30,000 or more than 3 distinct payers per device; more than 20
    ///   payments, more than ¥50,000 or more than 8 distinct payers per IP.
    /// - Amounts: a payment at least 10× the payer's mean over at least 5 earlier payments and at least ¥1,000
    ///   (`amount_spike`); a whole multiple of ¥1,000 from ¥5,000 up (`amount_round_large`); within ¥10 under a
    ///   ¥5,000, ¥10,000 or ¥50,000 limit, i.e. 499000 ... 499999, 999000 ... 999999 and 4999000 ... 4999999 fen
    ///   (`amount_just_below_limit`).
    /// - Refunds: within 10 minutes of the payer's last payment; refunds reaching 50% of at least 3 payments.
    /// - State: up to 50,000 payers, devices and IPs each; keys unseen for 7 days are forgotten.
    public static let defaults = RiskRules(
        thresholds: Thresholds(review: 40, block: 80),
        prohibited: Prohibited(
            weight: 100,
            latinWordBoundaryMaxLength: 5,
            categories: [
                ProhibitedCategory(name: "gambling", terms: [
                    "赌博", "博彩", "下注", "押注", "赌场", "赌球", "赌钱", "网赌", "赌资", "赌盘", "菠菜",
                    "六合彩", "时时彩", "百家乐", "老虎机", "德州扑克",
                    "gambling", "gamble", "casino", "betting", "bookmaker", "sportsbook", "roulette", "baccarat",
                    "slot machine",
                    "dubo", "bocai", "duchang", "duqiu", "baijiale", "wangdu",
                ]),
                ProhibitedCategory(name: "crypto", terms: [
                    "虚拟币", "虚拟货币", "比特币", "以太坊", "以太币", "泰达币", "狗狗币", "莱特币", "币圈", "挖矿",
                    "矿机", "加密货币", "数字货币交易",
                    "usdt", "btc", "eth", "bitcoin", "ethereum", "dogecoin", "litecoin", "cryptocurrency",
                    "crypto coin", "crypto exchange",
                    "xunibi", "bitebi", "wakuang",
                ]),
                ProhibitedCategory(name: "adult", terms: [
                    "色情", "约炮", "裸聊", "援交", "卖淫", "嫖娼", "一夜情", "黄片", "成人视频",
                    "porn", "porno", "pornography", "pornhub", "escort service", "camgirl", "sexcam", "nude chat",
                    "hooker", "prostitute", "prostitution",
                    "yuepao", "seqing", "luoliao", "piaochang",
                ]),
            ]
        ),
        velocity: Velocity(
            payer: VelocityLimit(
                windowSeconds: 600, maxCount: 5, countWeight: 40, maxAmount: 2_000_000, amountWeight: 40),
            device: VelocityLimit(
                windowSeconds: 600, maxCount: 8, countWeight: 30, maxAmount: 3_000_000, amountWeight: 30,
                maxDistinctPayers: 3, distinctPayersWeight: 45),
            ip: VelocityLimit(
                windowSeconds: 600, maxCount: 20, countWeight: 25, maxAmount: 5_000_000, amountWeight: 25,
                maxDistinctPayers: 8, distinctPayersWeight: 30)
        ),
        amount: Amount(
            historyMinCount: 5, spikeMultiplier: 10, spikeMinAmount: 100_000, spikeWeight: 35,
            roundMinAmount: 500_000, roundUnit: 100_000, roundWeight: 20,
            limits: [500_000, 1_000_000, 5_000_000], belowLimitMargin: 1_000, belowLimitWeight: 20
        ),
        refund: Refund(soonSeconds: 600, soonWeight: 25, ratioMinPayments: 3, ratioPercent: 50, ratioWeight: 30),
        invalidTimestampWeight: 20,
        state: State(maxTrackedKeys: 50_000, historyTTLSeconds: 604_800)
    )
}
