// The shipped rules. Amounts are in fen (100 fen = ¥1).

extension RiskRules {
    /// The rules that ship in the binary.
    ///
    /// - Scores: `review` from 40, `block` from 80; a prohibited-category hit blocks (a lone one the text model does not confirm: review).
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
                ProhibitedCategory(
                    name: "gambling",
                    terms: [
                        "赌博", "博彩", "下注", "押注", "赌场", "赌球", "赌钱", "网赌", "赌资", "赌盘",
                        "六合彩", "时时彩", "百家乐", "老虎机", "德州扑克", "真人荷官", "体育投注", "返水", "电子游艺",
                        "百人牛牛", "炸金花", "龙虎斗", "骰宝", "梭哈", "押大小", "大小单双",
                        "幸运飞艇", "分分彩", "红包扫雷", "拉霸", "真人视讯", "电竞竞猜", "彩票代购",
                        "satta matka", "megaways",
                        "gambling", "gamble", "casino", "betting", "bookmaker", "sportsbook", "roulette", "baccarat",
                        "slot machine", "igaming", "sports bet",
                        "dubo", "bocai", "duchang", "duqiu", "baijiale", "wangdu", "zhenren heguan", "laohuji",
                        "liuhecai", "shishicai", "tiyu touzhu", "zhajinhua", "longhudou", "toubao", "dianzi youyi", "yazhu",
                        "baijiale", "bairen niuniu", "suoha",
                        // Third round (TUNE3): betting and lottery slang.
                        "滚球", "让球盘", "亚盘", "串关", "洗码", "包赢", "倍投", "庄闲", "私彩", "彩金流水", "上分下分",
                        "11选5", "free bet", "sweeps coins", "sweepstakes casino",
                        "gunqiu", "yapan", "chuanguan", "ximai",
                        // Fourth round (TUNE4): slang, evasive spellings and names from the market.
                        "网上赌", "赌厅", "赌台", "赌船", "赌马", "赌狗", "叠码仔", "泥码", "打码量", "上下分",
                        "负盈利", "一码中特", "哈希竞猜", "哈希彩", "尾数竞猜", "二八杠", "推筒子", "扎金花", "大小球",
                        "欧赔", "亚洲盘", "电竞投注", "du博", "d博", "堵博", "du场", "du球", "bc盘", "bc平台", "博彩网",
                        "私人彩票", "牛牛红包", "sabong", "togel", "jueteng", "judi online", "situs judi", "slot gacor",
                        "sicbo", "sic bo", "andar bahar", "moneyline", "asian handicap", "fixed matches",
                        "provably fair", "fish table", "no deposit bonus", "rakeback", "pay per head", "bookie",
                        "cazino", "kasino", "sportbook", "sweet bonanza", "gates of olympus", "mega moolah",
                        "book of dead", "wagering requirement", "赌bo", "bo彩", "博cai", "网du", "赌chang", "下zhu",
                        "xia注", "跑狗图", "pk拾", "fruit machine", "pokies", "damaliang", "shangxiafen", "diemazai",
                        "fuyingli", "haxi jingcai", "haxicai", "erbagang", "tuitongzi", "daxiaoqiu", "shisanshui",
                        // Fifth round (TUNE5): private-lottery, credit-site, tipster and game-coin cash-out words.
                        "一肖中特", "肖中特", "特肖", "平特一肖", "三中三", "六肖", "信用网", "信用盘", "现金网", "出黑", "足球推单", "篮球推单", "赏金女王",
                        "satta king", "sure bets", "surebets", "matched betting", "yixiao zhongte", "xinyongwang",
                        "xinyongpan", "xianjinwang", "chuhei", "zuqiu tuidan",
                        // Sixth round (TUNE6): junket, private-lottery and Mark Six slang, match fixing, skin betting, racing and
                        // animal fights, prediction markets, tipster picks.
                        "码粮", "叠码", "赌团", "特马", "连肖", "二中二", "三中二", "二中特", "三中特", "黑彩", "地下彩",
                        "假球", "内幕赛果", "稳胆", "心水推荐", "roll房", "二元期权", "斗蟋蟀", "case battle",
                        "skin gambling", "skin betting", "cockfight", "gallera", "jogo do bicho", "binary options",
                        "vigorish", "sc redemption", "sports pick", "sports picks", "vip picks", "locks of the week",
                        "sleeper picks",
                        // Seventh round (TUNE7, written by a separate author): Taiwanese and Cantonese betting words,
                        // private lottery bankers, bet types of racing and sportsbooks, poker and bonus-hunting slang.
                        "私庄", "落注", "签赌", "地下运彩",
                        "wager", "parlay", "bet slip", "betslip", "live dealer", "superfecta", "trifecta box",
                        "exacta box", "freeroll", "chip dumping", "bonus abuse", "numbers racket", "bolita", "keno",
                        "rolling chips", "rolling chip",
                        // From its dev side, after that side had measured the words above (81.3%).
                        "特码", "外围足球", "足球外围", "外围球", "柏青哥", "caribbean stud", "lock of the day",
                        "locks of the day", "poker backing", "poker staking",
                        // Eighth round (TUNE8, a third author), from its tune side: red-envelope relay games, Malaysian
                        // 4D, Taiwanese and Cantonese bookies' words, racebooks and paid tips. (投注 was tried as a term
                        // and left a context: it is also "to devote", 投注精力/热情.)
                        "红包接龙", "万字票", "组头", "赌波", "craps", "racebook", "fixed match",
                        "correct score tips", "betting tips", "lock of the night", "locks of the night",
                        "马会内部", "马会资料", "free spins", "handicapper picks", "win bet", "place bet", "futures bet",
                        "prop bet", "straight bet", "exotic bet", "dime bet",
                    ],
                    operators: [
                        "皇冠体育", "新葡京", "银河娱乐", "开元棋牌", "亚博体育", "乐橙国际", "金沙娱乐", "博天堂",
                        "威尼斯人娱乐", "太阳城娱乐", "永利娱乐",
                        "1xbet", "stake.com", "pokerstars", "ggpoker", "betway", "draftkings", "fanduel",
                        "william hill", "dafabet", "parimatch", "bwin", "unibet", "betfair", "ladbrokes",
                        "paddy power", "bovada", "betmgm", "melbet", "mostbet", "huangguan tiyu", "xinpujing", "yinhe yule",
                        "kaiyuan qipai", "yabo tiyu", "jinsha yule", "botiantang",
                        // Brands from the market (2024-2026), not from any corpus item.
                        "开云体育", "乐鱼体育", "华体会", "九游会", "米乐体育", "沙巴体育", "爱游戏体育",
                        "ob体育", "kok体育", "bob体育", "宝博体育", "美高梅娱乐", "大发彩票",
                        "leyu tiyu", "huatihui", "jiuyouhui",
                        "roobet", "bc.game", "rollbit", "cloudbet", "bitstarz", "partypoker", "betfred", "betano",
                        "sportybet", "pointsbet", "sbobet", "leovegas", "betonline", "betvictor", "betsson", "betclic",
                        "betking", "betpawa", "hollywoodbets", "betrivers", "bet-at-home", "interwetten", "tipico",
                        "mybookie", "betus", "stake casino",
                        "博狗", "必发", "立博", "威廉希尔", "申博", "bbin", "pg电子", "vwin", "hard rock bet", "stake.us",
                        "chumba", "pulsz", "bogou", "weilian xier",
                        // Fourth round (TUNE4): operators, studios, wallets and sites from the market.
                        "平博", "金宝博", "明升体育", "利记体育", "易胜博", "伟德体育", "韦德国际", "竞博电竞",
                        "雷竞技", "凯发娱乐", "必威体育", "亿博体育", "鸿运国际", "dg真人", "og真人", "ag真人",
                        "mg电子", "pt电子", "jdb电子", "ky棋牌", "乐游棋牌", "雷火电竞", "im体育", "欧博真人",
                        "winamax", "betsafe", "casumo", "rizk", "vulkan vegas", "sportpesa", "odibets", "pin-up casino",
                        "reddy anna", "bitcasino", "sportsbet.io", "thunderpick", "gg.bet", "duelbits", "gamdom",
                        "csgoempire", "csgoroll", "hellcase", "rainbet", "shuffle.com", "wpt global", "prizepicks",
                        "mcluck", "wow vegas", "pragmatic play", "evolution gaming", "pg soft", "spribe",
                        "hacksaw gaming", "nolimit city", "microgaming", "playtech", "netent", "jackpot city",
                        "mr green", "stake.bet", "ibcbet", "letou", "pingbo", "jinbaobo", "yishengbo", "leijingji",
                        // Fifth round (TUNE5): private-lottery, credit-site, tipster and game-coin cash-out words.
                        "luckyland", "dream11", "my11circle", "fortune coins", "crown coins", "high 5 casino",
                        "underdog fantasy", "fliff",
                        // Sixth round (TUNE6): regional cash-in apps and sites, crypto casinos, sweepstakes and pick'em sites,
                        // skin sites, prediction markets.
                        "arenaplus", "bingoplus", "hawkplay", "lucky cola", "okbet", "fortunejack", "primedice",
                        "bitsler", "duckdice", "metaspins", "realprize", "jackpota", "polymarket", "kalshi",
                        "predictit", "bandit.camp", "farmskins", "skinclub", "csgofast", "datdrop",
                        "rustclash", "parlayplay",
                    ],
                    cues: [
                        "扑克", "德州", "荷官", "骰子", "棋牌", "牛牛", "斗地主", "捕鱼", "麻将", "快三",
                        "北京赛车", "竞猜", "太阳城", "威尼斯人", "金沙", "永利", "乐橙", "彩票", "大小", "体育", "娱乐城",
                        "*poker", "blackjack", "slots", "slot", "jackpot", "spins",
                        "odds", "dealer", "dice", "bingo", "bet*", "*bets", "stake", "pinnacle",
                        "rummy", "high roller", "teen patti", "satta", "matka", "葡京", "澳门银河", "三公", "牌九",
                        "极速赛车",
                        "crash game", "hold'em", "holdem", "mahjong", "pk10",
                        "dezhou", "qipai", "niuniu", "doudizhu", "buyu", "kuaisan", "taiyangcheng", "jinsha", "huangguan",
                        "weinisiren", "yabo", "lecheng", "yongli", "yulecheng", "tiyu", "jingcai", "puke",
                        "双色球", "首存", "赔率", "足彩", "轮盘", "爆奖", "爆分", "外围",
                        "aviator", "plinko", "scratch cards", "lotto", "powerball", "daily fantasy", "case opening",
                        "accumulator",
                        // Fourth round (TUNE4): words that are prohibited only next to a context word.
                        "德扑", "十三水", "抢庄", "斗牛", "跑得快", "血战麻将", "鱼虾蟹", "番摊", "押宝", "二十一点",
                        "俄罗斯轮盘", "刮刮乐", "刮刮卡", "体彩", "福彩", "六合", "澳门彩", "香港彩", "新澳门", "赛狗",
                        "赛马", "斗鸡", "竞彩", "盘口", "让球", "让分", "网投", "银商", "借码", "救援金", "反水",
                        "杀码", "电玩城", "水果机", "红单", "国际娱乐", "新濠", "美高梅", "金沙城", "银河国际",
                        "金币回收", "棋牌游戏", "菠菜", "judi", "pachinko", "tipster", "handicap",
                        "over under", "over/under", "in-play", "point spread", "reload bonus", "bonus buy",
                        "crazy time", "dragon tiger", "fan tan", "pai gow", "wagering", "hash game", "numbers game",
                        "cricket id", "betting id", "fish arcade", "wsop", "acr poker", "duma", "depu", "pankou",
                        "rangqiu", "北单", "任九", "胜负彩", "大乐透", "七星彩", "快乐十分", "pc蛋蛋", "幸运农场",
                        "马会", "跑胡子", "红中麻将", "开云", "乐鱼", "乐投", "lottery", "wagers", "punter", "punters",
                        // Fifth round (TUNE5): private-lottery, credit-site, tipster and game-coin cash-out words.
                        "皇冠", "推单", "元宝", "欢乐豆", "游戏币", "金豆", "fantasy sports", "yuanbao", "huanledou", "youxibi",
                        "tuidan",
                        // Sixth round (TUNE6): Macau VIP rooms, private lotteries named after a country, racing bets, animal
                        // fights, skin and prediction sites, crash and slot titles, card-room games, laundering
                        // channels (only next to a context word), English betting slang.
                        "贵宾厅", "贵宾会", "电投", "放数", "扒仔", "转码", "收码", "报码", "马报", "波色", "红波", "绿波", "蓝波", "越南彩", "泰国彩",
                        "老挝彩", "缅甸彩", "印尼彩", "河内彩", "五分彩", "三分彩", "极速彩", "独赢", "连赢", "孖宝", "三重彩", "六环彩", "马票", "马经",
                        "斗狗", "赛鸽", "饰品对战", "开箱对战", "汰换", "刀皮", "对赌", "keydrop", "预测市场", "爆点", "弹珠机", "夺宝", "拼三张",
                        "三张牌", "十点半", "比鸡", "通比", "锄大地", "掼蛋", "双扣", "字牌", "卡五星", "亲友圈", "摇摊", "掷骰", "押点", "赛果", "码商",
                        "卡商", "四件套", "四方支付", "whale", "vip host", "pagcor", "pogo", "nagaworld", "apuesta*",
                        "bicho", "trifecta", "superfecta", "exacta", "parimutuel", "horse racing", "racecard",
                        "ante-post", "each way", "dog fight", "skin roulette", "prediction market", "gonzo's quest",
                        "monopoly live", "dream catcher", "redeemable coins", "sweeps cash", "skin upgrader", "vig", "squares pool",
                        "survivor pool", "calcutta auction", "bankroll", "comp points",
                        // Chips are goods too (a poker chip set): a cue, not a context.
                        "筹码", "chouma",
                        // Seventh round (TUNE7).
                        "坐庄", "走地", "大家乐", "体验金", "stakes",
                        // Eighth round (TUNE8).
                        "飞禽走兽", "sit and go", "sit n go", "pull tabs", "pull tab", "teaser card",
                    ],
                    contexts: [
                        "充值", "上分", "下分", "提现", "真钱", "现金", "秒到账", "彩金", "代理", "注册送", "存款",
                        "出款", "兑换现金", "房卡", "计划", "包中", "买分", "在线", "娱乐",
                        "会员", "买入", "现金局", "秒提",
                        "real money", "real cash", "cash game", "buy-in", "buy in", "deposit", "top-up", "top up",
                        "recharge", "withdraw", "cash out", "credits", "bonus", "tokens", "account",
                        "funding", "wallet", "online", "site", "tournament", "live table", "entry", "vip",
                        "返点", "跟投", "计划群", "视讯", "线上", "入金",
                        "投注", "平台", "盘口", "跟单", "带单", "代购", "合买", "倍投", "包赔", "syndicate", "entry fee",
                        "chongzhi", "shangfen", "tixian", "xianjin", "zhenqian", "daili", "yule", "zaixian", "caijin", "daxiao",
                        "cunkuan", "huiyuan", "fanshui", "maifen",
                        // Fourth round (TUNE4).
                        "提款", "打码", "流水", "佣金", "返佣", "金币", "cash in", "cash-in", "agent", "引流",
                        "chukuan", "tikuan",
                        // Fifth round (TUNE5): private-lottery, credit-site, tipster and game-coin cash-out words.
                        "回收", "开户", "秒到", "huishou", "kaihu", "cash contest", "paid contest", "cash prizes",
                        // Chips are goods too (a poker chip set): a cue, not a context.
                        "兑换", "duihuan",
                        // Sixth round (TUNE6): laundering channels. (抽水, 打分, 输赢, 彩头, 单双, 洗钱,
                        // 代投, settle up and coins package were tried and dropped: next to cues as common as 体育, 大小
                        // or 彩票 they blocked ordinary probes such as "体育 比赛 评委 打分 系统" or "T恤 大小 码 单双 面".)
                        "跑分", "收卡", "代收代付",
                        // Seventh round (TUNE7).
                        "开盘", "包号", "明牌",
                    ],
                    benign: benignContext,
                    exceptions: ["扑克脸", "扑克牌魔术", "魔术扑克", "大小姐", "体育新闻", "体育馆", "体育用品", "下注释",
                        "gambling blocker", "gambling site blocker", "block gambling", "anti-gambling",
                        // `bet*` starts these words, which have nothing to do with bets.
                        "better", "between", "beta*", "betty", "bethany", "bethlehem", "bethesda", "betray*", "betel",
                        "betwixt", "bettina", "bethel",
                        // Fourth round (TUNE4): ordinary phrases of the same shape (places, goods, contracts, tickets).
                        "德州扒鸡", "betsey", "time slot", "time slots", "parking slot",
                        "expansion slot", "pcie slot", "card slot", "sim slot", "car dealer", "auto dealer",
                        "dealership", "央视体育", "体育中心", "体育场", "体育课", "体育中考", "judi dench",
                        "golf handicap", "handicap parking", "handicap accessible", "盘口路", "银商pos",
                        // Sixth round (TUNE6): ordinary phrases of the new cues' shape.
                        "国家电投", "床上用品四件套", "四件套床品", "whale watching", "whale shark", "killer whale", "对赌协议", "机场贵宾厅",
                        "贵宾厅休息室", "pogo stick", "pogo pin", "游戏皮肤", "反洗钱",
                        // Operator names inside ordinary words (申博 "applying for a PhD", 必发 "sure to ship").
                        // Seventh round (TUNE7): a legal lottery shop's fittings, party and music titles, a company.
                        "投注站", "casino night", "casino party", "russian roulette", "procter & gamble",
                        "procter and gamble", "baccarat crystal",
                        // `wager` is a term since TUNE7: a book title.
                        "the wager",
                        "九游会员", "立博物", "立博客", "立博士", "立博主", "立博览", "平博物", "华体会议", "中华体会", "考研申博", "申博材料", "申博面试", "申博经验", "申博导师", "必发货", "天必发", "小时必发", "必发顺丰",
                    ]
                ),
                ProhibitedCategory(
                    name: "crypto",
                    terms: [
                        "虚拟币", "虚拟货币", "比特币", "以太坊", "以太币", "泰达币", "狗狗币", "莱特币", "币圈", "挖矿",
                        "矿机", "加密货币", "数字货币交易", "瑞波币", "柴犬币", "稳定币", "币币交易", "提币", "充币",
                        "助记词", "收u", "u商", "炒币",
                        "zhujici", "tibi", "bibi jiaoyi", "chaiquanbi", "ruibobi", "wendingbi", "shuzi huobi jiaoyi",
                        "usdt", "usdc", "btc", "eth", "xrp", "bitcoin", "ethereum", "dogecoin", "litecoin",
                        "cryptocurrency", "crypto coin", "crypto exchange", "memecoin", "altcoin",
                        "mining rig", "seed phrase", "yield farming", "stablecoin",
                        "xunibi", "bitebi", "wakuang", "taidabi", "gougoubi", "laitebi", "yitaifang", "yitaibi",
                        "biquan", "kuangji", "jiami huobi", "xuni huobi",
                        "门罗币", "艾达币", "波卡币", "波场币", "文件币", "柚子币", "达世币", "土狗币", "元宇宙币",
                        "永续合约", "冷钱包", "热钱包", "钱包地址", "发币", "打新币", "数字资产交易",
                        "cardano", "monero", "metamask", "trust wallet", "ledger nano", "ledger live", "token sale",
                        "perpetual futures", "tron trx", "shitcoin", "bitcoin atm", "crypto signals",
                        "cloud mining", "hashrate",
                        // Fourth round (TUNE4): slang, evasive spellings and names from the market.
                        "山寨币", "主流币", "数字币", "加密资产", "meme币", "sol链", "私募代币", "空气币", "跨链桥",
                        "wallet drainer", "pump and dump", "rug pull", "wbtc", "weth", "busd", "fdusd", "arbitrum",
                        "raydium", "pump.fun", "phantom wallet", "asic miner", "antminer", "toncoin", "notcoin",
                        "shanzhaibi", "zhuliubi", "shuzibi",
                    ],
                    operators: [
                        "币安", "欧易", "火币", "抹茶交易所", "binance", "okx", "okex", "huobi", "bybit", "kucoin",
                        "kraken", "bitget", "coinbase", "gate.io", "mexc", "bitfinex", "bitmex", "deribit", "tether",
                        "bitstamp", "pancakeswap", "uniswap",
                        "库币", "币赢", "bitmart", "bingx", "phemex",
                        "poloniex", "bithumb", "upbit", "gemini exchange", "bitflyer", "coincheck", "imtoken",
                        "tokenpocket", "pionex", "htx", "sushiswap",
                        // Fourth round (TUNE4): operators, studios, wallets and sites from the market.
                        "派网", "tp钱包", "比特派", "opensea", "crypto.com app", "coinw", "lbank", "bitrue", "whitebit",
                    ],
                    cues: [
                        "空投", "合约", "区块链", "承兑", "搬砖", "数字货币", "矿池", "链上", "质押",
                        "*coin", "coins", "token", "crypto", "nft", "defi", "airdrop", "staking", "solana", "bnb",
                        "otc", "presale", "mining", "web3", "cold wallet", "blockchain", "trc",
                        "avax", "chainlink",
                        "交易所", "铭文", "数字资产", "波场", "合约交易", "芝麻开门", "币价", "爆仓", "上币",
                        "kongtou", "heyue", "chengdui", "banzhuan", "bian", "ouyi", "qukuailian", "shuzi huobi",
                        "跑分", "链游",
                        // Fourth round (TUNE4): words that are prohibited only next to a context word.
                        "大饼", "二饼", "姨太", "虚拟资产", "代币", "私钥", "出u", "换u", "喊单", "土狗", "量化机器人",
                        "搬砖机器人", "算力", "公链", "打新", "shiba inu", "sats", "dai", "sui", "aptos", "launchpad",
                        "ido", "ieo", "bored ape", "trading bot", "arbitrage bot", "private key", "gpu mining",
                        "crypto.com", "闪兑", "跨链", "u币", "hot wallet", "flash loan", "liquidity pool", "yield farm",
                    ],
                    contexts: [
                        "充值", "代买", "代购", "代充", "购买", "兑换", "出金", "入金", "提现", "交易", "收益", "分红",
                        "日息", "理财", "杠杆", "跟单", "认购", "预售", "手续费", "矿工费", "人民币", "到账", "高价",
                        "托管", "套利", "领取", "找回",
                        "buy", "purchase", "sell", "deposit", "top-up", "top up", "withdraw", "withdrawal",
                        "swap", "trade", "trading", "presale", "allocation", "claim", "gas fee", "signals", "margin",
                        "futures", "rewards", "hosting", "recovery fee", "order", "otc", "exchange", "funding",
                        "copy trading", "yield", "mining pool", "mint", "recovery", "margin deposit",
                        "质押", "打新", "返佣", "上所", "补仓", "内幕", "带单", "代付", "注册",
                        "押金", "打金", "铸造",
                        "chongzhi", "goumai", "duihuan", "chujin", "jiaoyi", "shouyi", "rengou", "yushou", "gendan", "shouu",
                        "zhaohui", "daimai", "taoli",
                        // Fourth round (TUNE4).
                        "日收益", "私募", "份额", "能量租赁", "现货", "lightning", "collateral", "hosting fee",
                        "shoukuan", "daifu",
                    ],
                    benign: benignContext,
                    exceptions: [
                        "币安全", "cryptography", "cryptographic", "比特犬", "钱包皮具", "真皮钱包", "钱包真皮", "合约机",
                        "leather wallet", "数字人民币", "coin-op", "coin op", "commemorative coin", "gold coin",
                        "coin collection", "mint tea",
                        // Exchanges that are not crypto; coins that are not tokens; a fence.
                        "证券交易所", "期货交易所", "黄金交易所", "产权交易所", "数据交易所", "商品交易所", "排放权交易所",
                        "coin cell", "coin battery", "coin laundry", "chainlink fence", "chain link fence",
                        "coin sorter", "challenge coin", "token ring", "股票合约", "期货合约",
                        // Fourth round (TUNE4): ordinary phrases of the same shape (places, goods, contracts, tickets).
                        "eth zurich", "eth zürich", "tomato staking", "plant staking", "staking kit", "arcade token",
                        "subway token", "game token", "租赁合约", "合约套餐", "合约期", "劳动合约", "购房合约",
                        "房屋合约", "质押贷款", "股权质押", "房产质押", "crypto.com arena", "承兑汇票", "银行承兑",
                        "商业承兑",
                    ]
                ),
                ProhibitedCategory(
                    name: "adult",
                    terms: [
                        "色情", "约炮", "裸聊", "援交", "卖淫", "嫖娼", "一夜情", "黄片", "成人视频", "黄色网站", "三级片",
                        "楼凤", "陪睡", "包夜", "露点", "脱衣舞", "裸体直播", "特殊服务",
                        "*porn*", "porno", "pornography", "pornhub", "escort service", "camgirl", "sexcam", "nude chat",
                        "hooker", "prostitute", "prostitution", "xxx", "hentai", "nudes", "milf",
                        "hookup",
                        "yuepao", "seqing", "luoliao", "piaochang", "yuanjiao", "maiyin", "huangpian", "sanjipian", "yiyeqing",
                        "peishui", "loudian", "teshu fuwu", "huangse wangzhan", "qingse", "loufeng", "baoye",
                        "草莓视频", "香蕉视频", "丝瓜视频", "芭乐视频", "秋葵视频", "向日葵视频", "榴莲视频",
                        "福利姬", "大保健", "外卖小妹", "情趣直播", "小黄片", "黄色小说",
                        "裸播", "裸贷", "外围女", "色情直播",
                        "bdsm", "camming", "sexting", "call girl", "brothel", "nuru", "hot singles", "cam girl",
                        "cam model", "erotic massage",
                        "fuliji", "dabaojian", "tongcheng yue", "qingqu zhibo", "chengren zhibo", "xiaohuangpian",
                        "黄网", "偷拍", "一楼一凤", "huangwang", "toupai",
                        // Fourth round (TUNE4): slang, evasive spellings and names from the market.
                        "莞式", "果聊", "luo聊", "成人网站", "成人影片", "国产自拍", "出台", "gfe", "jav", "deepnude",
                        "phone sex", "casual encounters", "sugar dating", "stripper", "camsite", "cam site", "live sex",
                        "guanshi", "guoliao", "约p", "约啪", "做爱", "性交", "口交", "成人片", "a片", "毛片", "h漫",
                        "h片", "肉番", "黄图", "色图", "涩图", "嫖客", "站街女", "包养", "裸照", "性爱", "blowjob",
                        "handjob", "gangbang", "sex tape", "escort agency", "rub and tug", "booty call", "yuepa",
                    ],
                    operators: [
                        "onlyfans", "chaturbate", "stripchat", "xvideos", "xhamster", "brazzers", "fansly", "xnxx",
                        "youporn", "redtube", "bongacams", "livejasmin", "camsoda", "麻豆传媒", "蜜桃传媒", "草榴",
                        "果冻传媒", "天美传媒", "madou chuanmei", "caoliu",
                        "manyvids", "clips4sale", "myfreecams", "jerkmate", "flirt4free",
                        "justforfans", "fancentro", "pornpics", "spankbang", "eporner",
                        // Fourth round (TUNE4): operators, studios, wallets and sites from the market.
                        "微密圈", "fanvue", "loyalfans", "streamate", "imlive", "xlovecam", "seeking arrangement",
                        "ashley madison", "adult friend finder", "onlyfans leaks",
                    ],
                    cues: [
                        "成人", "性感", "情色", "裸体", "福利", "私密", "脱衣", "激情", "小姐", "上门", "全套", "外围",
                        "adult", "sexy", "nude", "naked", "sex", "strip", "erotic", "nsfw", "av", "escort",
                        "massage", "fetish", "lap dance", "body rub", "sugar baby",
                        "陪聊", "私房照", "里番", "桑拿", "会所", "女主播", "半套",
                        "chengren", "luoti", "xinggan", "fuli", "tuoyi", "jiqing", "waiwei", "shangmen", "xiaojie", "huangse",
                        "madou", "mitao", "teshu",
                        // Common phrases that are adult only in context (a film called Happy Ending, a plush toy).
                        "无码", "happy ending", "sugar daddy", "wuma",
                        // Fourth round (TUNE4): words that are prohibited only next to a context word.
                        "空降", "学生妹", "嫩模", "商务模特", "推油", "打飞机", "色色", "涩涩", "私房写真", "擦边",
                        "擦边球", "夜场", "tantric", "lewd", "explicit", "uncensored", "dirty talk", "gentlemen's club",
                        "sensual", "spicy content",
                    ],
                    contexts: [
                        "直播", "直播间", "打赏", "刷礼物", "礼物", "主播", "私聊", "一对一", "视频", "聊天",
                        "付费", "充值", "会员", "资源", "下载", "按摩", "上门", "全套",
                        "模特",
                        "live", "stream", "live stream", "tips", "tip", "tokens", "private show", "show", "webcam",
                        "cam", "video", "videos", "chat", "membership", "premium", "subscription",
                        "meetup", "credits", "gift", "vip", "happy ending", "live room", "pass", "access",
                        "clips", "incall", "outcall", "private room", "cam show", "arrangement",
                        "小说", "私房", "技师", "photo pack", "photo set", "site",
                        "zhibo", "dashang", "shangmen", "shipin", "huiyuan", "anmo", "zhubo", "sishi", "yuyue", "xiazai",
                        // Fourth round (TUNE4).
                        "过夜", "陪玩", "套图", "写真", "extras", "bundle", "guoye", "overnight", "pics",
                    ],
                    benign: adultBenignContext,
                    exceptions: [
                        "成人教育", "成人高考", "成人英语", "成人纸尿裤", "成人疫苗", "福利院", "员工福利", "小姐姐",
                        "adult education", "sex education", "性教育", "感情色彩", "porn blocker", "porn filter",
                        "block porn", "anti-porn", "hookup kit", "hookup wire", "hookup cable", "jumper cables",
                        "黄色连衣裙", "黄色t恤", "会所健身", "桑拿浴", "防偷拍", "上门维修", "上门安装", "上门保洁", "上门回收",
                        "上门服务家电", "上门家电", "上门取件", "过滤色情", "拦截色情", "屏蔽色情", "色情过滤", "色情拦截", "adult swimming", "按摩椅",
                        // Fourth round (TUNE4): ordinary phrases of the same shape (places, goods, contracts, tickets).
                        "福利彩票", "成人口罩", "成人奶粉", "成人票", "成人门票", "adult ticket", "adult tickets",
                        "adult admission", "adult fare", "comic strip",
                    ]
                ),
            ],
            pinyin: true
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

/// Benign-context words shared by the default categories: a book, a course, news, research, security software,
/// toys, film. They lower a lone term hit (`prohibited_<c>_benign_context`), never an operator or a combination.
private let benignContext = [
    "图书", "书籍", "教材", "课程", "教程", "讲座", "新闻", "报道", "杂志", "纪录片", "报告", "研究", "监管",
    "法治", "历史", "玩具", "玩偶", "毛绒", "过滤", "拦截", "家长控制", "戒赌", "反诈", "反诈骗", "杀毒", "安全",
    "电影", "心理学", "白皮书", "解读", "入门", "积木", "主题", "海报",
    "book", "books", "ebook", "paperback", "hardcover", "novel", "textbook", "workbook", "course", "class", "lessons",
    "lesson", "training", "webinar", "news", "magazine", "documentary", "report", "research", "regulation", "law",
    "history", "toy", "plush", "filter", "blocker", "parental control", "self-exclusion", "addiction", "antivirus",
    "themed", "theme", "cake", "poster",
    "security", "movie", "film", "dvd", "blu-ray", "catalogue", "decorations", "podcast", "newsletter", "hotel",
    "restaurant", "buffet", "酒店", "餐厅", "自助餐",
    "charity", "gala", "piggy bank", "慈善",
    // Fourth round (TUNE4): counselling, money boxes and novelty goods.
    "成瘾", "心理咨询", "存钱罐", "造型", "coasters", "cufflinks",
    // Sixth round (TUNE6): talks and lectures.
    "lecture", "seminar", "math", "数学",
]

/// Benign-context words of the default adult category: education, news and filtering only. Books, films and
/// magazines are not benign there (`porno dvd` is the prohibited good itself).
private let adultBenignContext = [
    "教材", "课程", "新闻", "报道", "研究", "监管", "法治", "过滤", "拦截", "家长控制", "反诈", "杀毒", "性教育",
    "textbook", "course", "news", "research", "regulation", "law", "filter", "blocker", "parental control",
    "antivirus", "education", "awareness", "addiction",
]
