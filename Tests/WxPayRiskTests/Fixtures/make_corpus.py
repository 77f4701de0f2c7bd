#!/usr/bin/env python3
"""Writes corpus.ndjson: labeled transactions for the risk engine's corpus test.

Each line is a transaction (docs/functions.md) plus "expected" (the action a payments reviewer wants), "why". Every line
has its own payer and no device or IP, one hour apart, so lines do not interact: the corpus measures the text
rules (true and false positives) and the stateless amount rules. Velocity and refund patterns are unit-tested.
Run: python3 make_corpus.py > corpus.ndjson
"""
import json

clean_zh = [
    "星巴克 大杯拿铁", "美团外卖 午餐套餐", "滴滴出行 快车", "京东 小米手环8", "拼多多 纸巾24包", "电影票 两张",
    "话费充值 100元", "水费 2026年11月", "健身房月卡", "儿童绘本 一套", "博物馆门票 成人", "打赌输了请喝奶茶",
    "比特犬狗粮 10kg", "色彩搭配课程", "感情色彩浓厚的小说", "注册会员年费", "虚拟主机一年", "挖掘机租赁 一天",
    "博士论文打印装订", "彩票站旁边的便利店 矿泉水", "色拉酱 两瓶", "下载注册送积分", "情人节鲜花", "特价机票 上海-北京",
    "以太网网线 5米", "币值换算课程 教材", "赌气离家出走题材电影票", "博弈论 教材", "网课 Python 入门", "咖啡豆 500g",
    "宠物医院 疫苗", "停车费", "高铁二等座", "酒店住宿 两晚", "洗衣液 3kg", "耳机 降噪", "瑜伽课 十次卡", "中药 煎服",
    "理发 洗剪吹", "家政保洁 三小时", "钢琴课 一节", "英语四级报名费", "快递费", "蛋糕 生日", "手机壳", "书法练习本",
    "游泳馆 单次", "羽毛球拍", "扫地机器人", "空气净化器滤芯", "婴儿奶粉 3段", "登山鞋", "露营帐篷", "茶叶 龙井",
    "月饼礼盒", "年货 坚果", "菜市场 蔬菜", "水果 车厘子", "挂号费 内科", "眼镜 配镜", "牙科 洗牙", "驾校 报名",
    "乐高 积木", "桌游 狼人杀", "钓鱼竿", "自行车 维修", "充电宝", "电费缴纳", "燃气费", "物业费 季度",
    "保险 年缴", "捐款 希望工程", "点歌 KTV", "剧本杀 门票", "密室逃脱 门票", "陶艺体验", "画展 门票", "音乐节 门票",
    "游戏点卡 月卡", "视频会员 年卡", "网盘 会员", "外卖 奶茶", "早餐 包子", "小龙虾 外卖", "火锅 聚餐", "烧烤 夜宵",
]
clean_en = [
    "The alphabet book for kids", "Between-season sale jacket", "Ethernet cable 5m", "Cryptography textbook",
    "Bitter melon 2kg", "Methane detector", "Dubai tour deposit", "Essex county map", "Debut album CD",
    "Scuba diving boots", "Assortment of 100 pens", "Porcelain tea set", "Ethics seminar ticket", "Trusted courier fee",
    "Better bet on quality: winter coat", "Mustard seeds", "Sussex cottage stay", "Dubbed movie rental",
    "Coffee beans 1kg", "Yoga mat", "Running shoes", "Bluetooth speaker", "Phone case", "USB-C charger",
    "Gift card top-up", "Concert ticket", "Museum pass", "Language course", "Piano lesson", "Dog food",
    "Cat litter", "Hotel booking", "Train ticket", "Taxi ride", "Lunch set", "Birthday cake", "Flower delivery",
    "Laptop stand", "Desk lamp", "Board game night", "Cinema popcorn", "Bike repair", "Tennis racket",
    "Sunscreen SPF50", "Winter boots", "Kids puzzle 1000 pieces", "Printer ink", "Cloud storage plan", "VPN-free router",
    "Slot car racing set", "Casing for pipes", "Scotch tape", "Thermos bottle", "Adult bicycle helmet",
    "Adult education course fee", "Sextant replica (nautical)", "Middlesex hospital parking", "Bethlehem trip deposit",
    "Hospital co-pay",
]
prohibited = {
    "gambling": [
        "线上赌博平台充值", "博彩返水", "今晚世界杯下注", "赌场筹码", "澳门赌球", "网赌上分", "六合彩 特码", "时时彩 计划",
        "百家乐 代理", "老虎机 金币", "德州扑克 买分", "菠菜 平台 充值", "賭博", "賭場 籌碼", "時時彩", "百家樂",
        "赌 博", "赌.博", "赌*博", "博-彩", "下 注", "赌\u200b博", "賭　博", "ｄｕｂｏ", "dubo 充值", "DuBo",
        "bocai888", "BoCai 平台", "baijiale 代打", "wangdu 上分", "Online casino chips", "CASINO credits",
        "c a s i n o", "c4s1n0 deposit", "g@mbling debt", "Sports betting top-up", "sportsbook account",
        "roulette spins", "baccarat table", "slot machine tokens", "bookmaker payment", "gamble now",
    ],
    "crypto": [
        "买比特币", "比特币充值", "虚拟币交易", "虚拟货币 兑换", "以太坊 gas", "泰达币 出金", "狗狗币", "莱特币 矿池",
        "币圈 培训", "挖矿 收益", "矿机 托管", "加密货币 投资", "比特幣", "虛擬幣 充值", "虛擬貨幣", "以太幣", "挖礦",
        "比 特 币", "比.特.币", "虚-拟-币", "buy USDT now", "ＵＳＤＴ 充值", "U S D T", "100usdt", "充值usdt",
        "u5dt otc", "BTC 到账", "ETH gas fee", "bitcoin wallet", "b1tc0in", "B-I-T-C-O-I-N", "ｂｉｔｃｏｉｎ",
        "ethereum node", "dogecoin tip", "litecoin", "cryptocurrency course, buy BTC", "crypto exchange fee", "xunibi",
        "bitebi 充值", "wakuang",
    ],
    "adult": [
        "色情视频 会员", "约炮 软件", "裸聊 充值", "援交", "卖淫", "嫖娼", "一夜情 交友", "黄片 下载", "成人视频 VIP",
        "色 情", "約炮", "裸 聊", "賣淫", "黃片", "色\u200b情", "p0rn", "porn site", "PORNOGRAPHY", "porno dvd",
        "pornhub premium", "escort service", "camgirl tips", "sexcam token", "nude chat", "hooker", "prostitution",
        "yuepao", "seqing 网站", "luoliao", "piaochang",
    ],
}

lines = []
day = 0
def tx(desc, expected, why, amount=1999, ttype="payment", attach=None, merchant_category=None):
    n = len(lines)
    hour = n % 24
    dayn = 1 + (n // 24) % 28
    t = {
        "id": f"c{n:04d}",
        "amount": amount,
        "currency": "CNY",
        "description": desc,
        "user_openid": f"oCorpus{n:05d}",
        "created_at": f"2026-10-{dayn:02d}T{hour:02d}:{(n*7)%60:02d}:00+08:00",
        "type": ttype,
    }
    if attach is not None:
        t["attach"] = attach
    if merchant_category is not None:
        t["merchant_category"] = merchant_category
    t["expected"] = expected
    t["why"] = why
    lines.append(t)

for d in clean_zh:
    tx(d, "approve", "clean (zh)")
for d in clean_en:
    tx(d, "approve", "clean (en), including words that contain short terms")
for category, texts in prohibited.items():
    for d in texts:
        tx(d, "block", f"prohibited {category}")
# Other fields carry terms too.
tx("会员充值", "block", "prohibited gambling in attach", attach="channel=博彩&ref=1")
tx("Membership", "block", "prohibited crypto in attach", attach="pay with usdt")
tx("Top-up", "block", "prohibited adult in merchant_category", merchant_category="adult porn")
tx("会员", "block", "structured attach carries a term", attach='{"note":"比特币"}')
tx("游戏点卡", "approve", "clean attach", attach="order=123&sku=9")
tx("点卡", "approve", "clean merchant category", merchant_category="digital goods")
# Refund reasons.
tx("客户误充值到赌博平台，申请退款", "block", "prohibited gambling in a refund reason", amount=5000, ttype="refund")
tx("refund: wrong bitcoin address", "block", "prohibited crypto in a refund reason", amount=5000, ttype="refund")
tx("商品尺码不合适", "approve", "clean refund reason", amount=5000, ttype="refund")
tx("Item arrived damaged", "approve", "clean refund reason", amount=5000, ttype="refund")
# Amount rules on their own stay below review; two together reach it.
tx("笔记本电脑", "approve", "round large sum alone (weight 20)", amount=600_000)
tx("手机 旗舰款", "approve", "just below the ¥5,000 limit alone (weight 20)", amount=499_900)
tx("Laptop", "approve", "just below the ¥10,000 limit alone", amount=999_999)
tx("课程", "approve", "¥9,990.00 is the first amount inside the ¥10 margin under ¥10,000", amount=999_000)
tx("家具", "approve", "¥4,980.00 is more than ¥10 under the limit", amount=498_000)
tx("黄金首饰", "approve", "round ¥10,000 (weight 20)", amount=1_000_000)
tx("车位定金", "review", "¥50,000 in one payment: over the payer's ¥20,000 window, and round", amount=5_000_000)
tx("装修款", "approve", "ordinary large amount", amount=1_234_567)
tx("赌博 筹码", "block", "prohibited even at a small amount", amount=100)
tx("dubo", "block", "prohibited even with a big round amount", amount=1_000_000)

# More clean traffic in both languages.
for d in ["会员 年卡", "牛奶 一箱", "运动手表", "打印纸 A4", "床上四件套", "保温杯", "雨伞", "口罩 50只",
          "学费 第一学期", "考试报名费", "旅游 跟团", "签证 办理费", "加油 92号", "洗车", "维修 空调"]:
    tx(d, "approve", "clean (zh)")
for d in ["Parking fee", "Gym membership", "Grocery delivery", "Phone bill", "Water bill", "Pet grooming",
          "Guitar strings", "Ski pass", "Car wash", "Dental cleaning", "Tuition deposit", "Passport photo",
          "Baby stroller", "Camping stove", "Plant pot"]:
    tx(d, "approve", "clean (en)")

# Sequences: these lines share a payer (or a device) on purpose, a few minutes apart.
def seq(payer, minute, desc, expected, why, amount=1999, ttype="payment", device=None):
    n = len(lines)
    t = {"id": f"c{n:04d}", "amount": amount, "currency": "CNY", "description": desc, "user_openid": payer,
         "created_at": f"2026-11-20T10:{minute:02d}:00+08:00", "type": ttype}
    if device:
        t["device_id"] = device
    t["expected"] = expected
    t["why"] = why
    lines.append(t)

for k in range(6):
    seq("oSeqVelocity", k, f"游戏点卡 第{k+1}张", "approve" if k < 5 else "review",
        "payer velocity: the 6th payment in 10 minutes" if k == 5 else "payer velocity: within the limit")
for k in range(4):
    seq(f"oSeqDevice{k}", 10 + k, "Gift card", "approve" if k < 3 else "review",
        "a 4th distinct payer on one device within 10 minutes" if k == 3 else "shared device: within the limit",
        device="dev-shared-1")
for k in range(5):
    seq("oSeqSpike", 11 * k, "早餐", "approve", "building the payer's history (11 minutes apart)", amount=2000)
seq("oSeqSpike", 55, "手表", "review", "spike (250x the payer's mean) and a round ¥5,000", amount=500_000)
for k in range(3):
    seq("oSeqRefund", 30 + k, "衣服", "approve", "payments before refunds", amount=9900)
seq("oSeqRefund", 34, "尺码不合适", "approve", "refund soon after payment alone (weight 25)", amount=9900, ttype="refund")
seq("oSeqRefund", 35, "颜色不喜欢", "review", "second refund: soon after payment and 2 refunds for 3 payments",
    amount=9900, ttype="refund")

for t in lines:
    print(json.dumps(t, ensure_ascii=False))
