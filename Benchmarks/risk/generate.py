#!/usr/bin/env python3
"""Generates realistic risk-batch input: N transactions (~250 bytes each) as NDJSON on stdout.

Usage: generate.py [N] [--seed S] [--start I]
--start I continues a stream: transactions I ... I+N-1 (ids and stream time go on from there, with the same payers,
devices and IPs), so `generate.py N --start 0`, `generate.py N --start N`, ... concatenated are one stream that
keeps moving forward in time (a file replayed twice would go back in time and meet every transaction again).
Mix: 60% Chinese and 40% English descriptions; ~2% carry a prohibited term (some evasive); ~5% refunds;
200,000 payers (20% of the traffic from a hot set of 2,000), 50,000 devices, 80,000 IPs; stream time advances
~0.1 s per transaction from 2026-11-01T00:00:00+08:00.
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else 1_000_000
seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
start = int(sys.argv[sys.argv.index("--start") + 1]) if "--start" in sys.argv else 0
rng = random.Random(seed if start == 0 else seed * 1_000_003 + start)

zh = ["星巴克 大杯拿铁", "美团外卖 午餐套餐", "滴滴出行 快车", "京东 小米手环8", "拼多多 纸巾24包", "电影票 两张",
      "话费充值 100元", "健身房月卡", "儿童绘本 一套", "博物馆门票", "高铁二等座 上海-杭州", "酒店住宿 两晚",
      "洗衣液 3kg", "降噪耳机", "瑜伽课 十次卡", "家政保洁 三小时", "钢琴课 一节", "蛋糕 生日 8寸", "游戏点卡 月卡",
      "视频会员 年卡", "水果 车厘子 2斤", "火锅 聚餐 四人", "驾校 报名费", "眼镜 配镜"]
en = ["Coffee beans 1kg", "Yoga mat", "Running shoes size 42", "Bluetooth speaker", "Phone case", "USB-C charger",
      "Gift card top-up", "Concert ticket", "Museum pass", "Language course", "Piano lesson", "Dog food 10kg",
      "Hotel booking 2 nights", "Train ticket", "Birthday cake", "Flower delivery", "Laptop stand", "Desk lamp",
      "The alphabet book", "Ethernet cable 5m"]
bad = ["线上赌博充值", "博彩 返水", "賭 博 籌碼", "买USDT", "b1tc0in wallet", "比特幣 充值", "约炮 会员", "ｃａｓｉｎｏ credits",
       "虚.拟.币", "porn site vip"]
refund_reasons = ["商品尺码不合适", "Item arrived damaged", "重复支付", "Changed my mind", "物流太慢"]
amounts = [990, 1500, 1999, 2500, 3800, 4999, 6800, 9900, 12800, 19900, 29900, 59900, 99900, 199900, 499900, 500000]

base = 1_793_462_400  # 2026-11-01T00:00:00+08:00 as Unix seconds
out = sys.stdout
buf = []
for i in range(start, start + n):
    t = base + i // 10
    ts = t + 8 * 3600
    days, rem = divmod(ts, 86400)
    hh, rem = divmod(rem, 3600)
    mm, ss = divmod(rem, 60)
    day = 1 + days - (base + 8 * 3600) // 86400
    payer = rng.randrange(2_000) if rng.random() < 0.2 else rng.randrange(200_000)  # 20% from a hot set
    is_refund = rng.random() < 0.05
    r = rng.random()
    if is_refund:
        desc = rng.choice(refund_reasons)
    elif r < 0.02:
        desc = rng.choice(bad)
    elif r < 0.62:
        desc = rng.choice(zh)
    else:
        desc = rng.choice(en)
    amount = rng.choice(amounts)
    line = ('{"id":"tx%09d","amount":%d,"currency":"CNY","description":"%s","user_openid":"oUpVy5%022d",'
            '"created_at":"2026-11-%02dT%02d:%02d:%02d+08:00","type":"%s","client_ip":"10.%d.%d.%d",'
            '"device_id":"dev-%08x","merchant_category":"retail"}' % (
                i, amount, desc, payer, min(day, 30), hh, mm, ss, "refund" if is_refund else "payment",
                (payer * 2654435761 >> 16) % 250, (payer * 40503) % 250, 1 + (payer * 97) % 200, (payer * 2654435761) % 50_000))
    buf.append(line)
    if len(buf) >= 10_000:
        out.write("\n".join(buf) + "\n")
        buf = []
if buf:
    out.write("\n".join(buf) + "\n")
