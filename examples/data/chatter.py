# ruff: noqa: E501  (prose data: long strings read better unwrapped)
"""Everything that is not a scripted Q&A thread (all text written for this project).

Joins are generated from members.MEMBERS. Each entry here: ``day`` (offset from
2026-09-01), ``time``, ``author`` (member key), and then one of
``text`` (a string, or a list of strings and entity dicts), ``kind: "sticker"`` with
``emoji``, ``kind: "photo"`` with ``text`` as caption, or ``kind: "pin"`` with ``target``
(label of the pinned message). Optional: ``label`` (to reply to or pin), ``reply``
(label), ``reactions`` ({emoji: [member keys]}), ``role`` (intro, resource, unanswered,
event, thanks_only, phatic, rhetorical), ``duplicate_of`` (label of an earlier share of the
same link), ``forwarded_from``, ``edited`` (time on the same day).
"""

# Hand-laid-out data (one message per entry reads better), so the formatter leaves it alone.
# fmt: off

CHATTER = []

# ---- days 0-13: founding members, first joins, first event -------------------------------
CHATTER += [
    {"day": 0, "time": "09:00", "author": "dalu", "label": "rules",
     "text": "欢迎来到 Data & Python 学习群 / Welcome to the Learning Circle! 群规三条：1）提问请把报错和代码贴全，"
             "说清楚系统和 Python 版本；2）别人的回答对你有用，回复一句谢谢或者点个👍，方便后面整理知识库；"
             "3）不发广告，招聘信息请先跟群主打招呼。中文英文都可以 / Chinese or English, both are fine."},
    {"day": 0, "time": "09:01", "author": "dalu", "kind": "pin", "target": "rules"},
    {"day": 0, "time": "09:04", "author": "ana", "text": "Hi everyone 👋 glad this group finally exists."},
    {"day": 0, "time": "09:12", "author": "ajie", "text": "早！终于建群了"},
    {"day": 0, "time": "09:30", "author": "wang_sh", "text": "早上好～ 先占个座"},
    {"day": 0, "time": "10:02", "author": "zhou", "text": "来了来了"},
    {"day": 0, "time": "12:40", "author": "kevin", "kind": "sticker", "emoji": "👋"},
    {"day": 0, "time": "21:30", "author": "priya", "text": "Evening from my side of the world 🌙 Ping me anytime for ML stuff."},
    {"day": 0, "time": "21:35", "author": "dalu", "text": "人差不多齐了，接下来几周会陆续拉朋友进来，大家多互动～"},

    {"day": 1, "time": "08:45", "author": "ana", "label": "res_pandas_guide", "role": "resource",
     "text": ["Bookmark-worthy: the pandas user guide is much better than people think, especially "
              "the chapters on indexing and reshaping ",
              {"type": "link", "text": "https://pandas.pydata.org/docs/user_guide/index.html"}],
     "reactions": {"👍": ["wang_sh", "ajie", "kevin"]}},
    {"day": 1, "time": "09:10", "author": "ajie", "text": "pandas 官方文档确实被低估了，大部分问题里面都有答案"},
    {"day": 1, "time": "13:00", "author": "zhou", "text": "午饭后犯困中"},
    {"day": 1, "time": "20:12", "author": "wang_bj", "label": "intro_wang_bj", "role": "intro",
     "text": "大家好，我是北京的小王，大三学生，统计专业，正在自学 Python 和数据分析。想找一起刷题、互相监督的"
             "学习伙伴。和上海那位小王不是同一个人哈哈。"},
    {"day": 1, "time": "20:15", "author": "wang_sh", "reply": "intro_wang_bj", "text": "哈哈哈终于来了另一个小王，欢迎！"},
    {"day": 1, "time": "20:20", "author": "dalu", "reply": "intro_wang_bj", "text": "欢迎北京小王～"},
    {"day": 1, "time": "20:22", "author": "wang_bj", "kind": "sticker", "emoji": "😄"},

    {"day": 2, "time": "08:30", "author": "dalu", "text": "早安☀️"},
    {"day": 2, "time": "12:18", "author": "lily", "label": "intro_lily", "role": "intro",
     "text": "大家好，我是 Lily，在杭州做产品经理。平时要看很多数据报表，想自己学点 SQL 和 Python，不想每次都"
             "等数据同学排期。请多指教～"},
    {"day": 2, "time": "12:25", "author": "dalu", "reply": "intro_lily", "text": "欢迎 Lily！"},
    {"day": 2, "time": "15:00", "author": "kevin",
     "text": "The merging page Ana linked has a diagram for every join type, reading the whole thing now."},
    {"day": 2, "time": "22:10", "author": "wang_sh", "text": "今天加班到现在，撤了，晚安"},

    {"day": 3, "time": "08:31", "author": "ajie", "kind": "sticker", "emoji": "☕"},
    {"day": 3, "time": "12:00", "author": "zhou", "text": "周五了，撑住"},
    {"day": 3, "time": "12:02", "author": "kevin", "text": "哈哈哈"},
    {"day": 3, "time": "22:46", "author": "momo", "kind": "sticker", "emoji": "👋"},

    {"day": 4, "time": "10:20", "author": "kevin", "label": "kevin_checkin",
     "text": "周末打卡：在看 pandas 文档的 reshaping 部分，stack/unstack 终于有点感觉了"},
    {"day": 4, "time": "10:25", "author": "wang_sh", "reply": "kevin_checkin", "text": "加油！pivot 和 melt 也顺便看看"},
    {"day": 4, "time": "19:40", "author": "chen", "label": "intro_chen", "role": "intro",
     "text": "大家好，我是陈姐，在广州做了八年财务，最近下定决心转行做数据分析。基础比较弱，希望在群里找到一起学习"
             "的伙伴，也欢迎转行成功的朋友多给建议。"},
    {"day": 4, "time": "19:45", "author": "dalu", "reply": "intro_chen", "text": "欢迎陈姐！群里好几位都是转行过来的"},
    {"day": 4, "time": "19:48", "author": "wang_sh", "reply": "intro_chen", "text": "欢迎！我也是转行的，一起加油"},

    {"day": 5, "time": "09:02", "author": "weiming", "label": "intro_weiming", "role": "intro",
     "text": "Hi all, I'm Wei Ming from Singapore, working as a business analyst at a logistics company. "
             "Mostly SQL and Tableau at work, and I'm trying to get better at Python. Happy to help with "
             "SQL questions."},
    {"day": 5, "time": "09:10", "author": "ana", "reply": "intro_weiming", "text": "Welcome Wei Ming!"},
    {"day": 5, "time": "11:00", "author": "wang_sh", "label": "res_pyda", "role": "resource",
     "text": "推荐一本书：《利用Python进行数据分析》（Python for Data Analysis）第三版，作者把英文版放到网上免费看了 "
             "https://wesmckinney.com/book/",
     "reactions": {"👍": ["chen", "wang_bj", "lily", "kevin"]}},
    {"day": 5, "time": "11:05", "author": "chen", "reply": "res_pyda", "role": "thanks_only", "text": "感谢分享！"},
    {"day": 5, "time": "11:30", "author": "wang_bj", "reply": "res_pyda", "text": "收藏了"},
    {"day": 5, "time": "21:00", "author": "momo", "text": "晚安各位"},

    {"day": 6, "time": "09:00", "author": "ajie", "text": "周一，早"},
    {"day": 6, "time": "09:01", "author": "zhou", "kind": "sticker", "emoji": "😴"},
    {"day": 6, "time": "17:31", "author": "tom", "label": "intro_tom", "role": "intro",
     "text": "Hi all, I'm Tom from London, a PhD student in epidemiology. I use R every day and I'm moving "
             "parts of my analysis to Python. Interested in statistics, causal inference and plots that "
             "don't look terrible. Happy to help with stats questions."},
    {"day": 6, "time": "17:40", "author": "priya", "reply": "intro_tom", "text": "Welcome Tom! Finally another stats person here."},

    {"day": 7, "time": "12:00", "author": "dalu", "label": "event1", "role": "event",
     "text": "【活动】周六线上分享会：pandas 实战\n时间：9月12日（周六）20:00–21:30\n主讲：上海-数据分析-小王\n"
             "内容：用一份模拟的电商订单数据，从读取、清洗到分组汇总和画图完整走一遍。\n会议链接周六下午发群里，"
             "欢迎带着自己的数据和问题来。",
     "reactions": {"🎉": ["wang_sh", "chen", "lily", "wang_bj", "kevin"]}},
    {"day": 7, "time": "12:01", "author": "dalu", "kind": "pin", "target": "event1"},
    {"day": 7, "time": "12:05", "author": "wang_sh", "reply": "event1", "text": "有点紧张😂 代码和数据我这两天整理好"},
    {"day": 7, "time": "12:10", "author": "chen", "reply": "event1", "text": "报名！"},
    {"day": 7, "time": "12:30", "author": "lily", "reply": "event1", "text": "+1，正好想学 groupby"},
    {"day": 7, "time": "12:45", "author": "tom", "reply": "event1",
     "text": "I'll join too. My Chinese is slow, but code is code 😄"},

    {"day": 8, "time": "08:40", "author": "priya", "label": "res_sklearn_pitfalls", "role": "resource",
     "text": "If you do any ML: scikit-learn's 'Common pitfalls' page is short and will save you from "
             "data leakage mistakes https://scikit-learn.org/stable/common_pitfalls.html",
     "reactions": {"👍": ["tom", "ana"]}},
    {"day": 8, "time": "08:55", "author": "tom", "reply": "res_sklearn_pitfalls",
     "text": "Bookmarked. This page should be mandatory reading."},
    {"day": 8, "time": "20:52", "author": "fang", "label": "intro_fang", "role": "intro",
     "text": "大家好，我是芳芳，武汉的中学数学老师。学校在推数据化教学，我想学 Python 处理成绩数据，顺便给学生开一门"
             "兴趣课。零基础，请大家多多关照。"},
    {"day": 8, "time": "21:00", "author": "dalu", "reply": "intro_fang", "text": "欢迎芳芳老师！"},
    {"day": 8, "time": "21:02", "author": "wang_bj", "reply": "intro_fang", "text": "老师好！"},

    {"day": 9, "time": "08:10", "author": "chen", "text": "打卡：今天学完了 SELECT、WHERE 和 ORDER BY"},
    {"day": 9, "time": "13:15", "author": "daniel", "label": "intro_daniel", "role": "intro",
     "text": "Hi all, I'm Daniel from Toronto, working as a software engineer on payment backends. "
             "Interested in data engineering and getting better at pandas. Happy to help with Python, "
             "testing and API design."},
    {"day": 9, "time": "13:20", "author": "ana", "reply": "intro_daniel", "text": "Welcome Daniel 👋"},
    {"day": 9, "time": "19:30", "author": "momo", "label": "unans_polars", "role": "unanswered",
     "text": "有人用过 Polars 吗？跟 pandas 比到底能快多少，现在值得学吗？"},
    {"day": 9, "time": "22:00", "author": "wang_sh", "label": "wang_sh_sheets", "text": "刚收到一个 37 个 sheet 的 Excel，叹气"},
    {"day": 9, "time": "22:02", "author": "ajie", "reply": "wang_sh_sheets",
     "text": "哈哈哈 pd.read_excel(path, sheet_name=None) 一把全读进来，得到一个字典"},

    {"day": 10, "time": "09:00", "author": "ajie", "label": "res_sqlbolt", "role": "resource",
     "text": "SQL 练手推荐 SQLBolt，交互式的，每一课十分钟左右 https://sqlbolt.com/",
     "reactions": {"👍": ["chen", "lily"]}},
    {"day": 10, "time": "09:10", "author": "chen", "reply": "res_sqlbolt", "text": "谢谢阿杰！正好在学 SQL"},
    {"day": 10, "time": "18:00", "author": "kevin", "text": "Friday! 🎉"},
    {"day": 10, "time": "18:02", "author": "daniel", "kind": "sticker", "emoji": "🎉"},
    {"day": 10, "time": "18:05", "author": "weiming", "text": "Have a good weekend all"},

    {"day": 11, "time": "15:30", "author": "dalu", "reply": "event1",
     "text": "提醒：今晚 20:00 分享会，会议链接已经更新在群公告里，记得提前几分钟进。"},
    {"day": 11, "time": "19:58", "author": "dalu", "text": "还有两分钟开始，大家进会议室啦"},
    {"day": 11, "time": "21:32", "author": "dalu", "kind": "photo", "label": "photo_event1",
     "text": "今晚分享会截图，感谢小王的精彩分享！代码和数据已经放到群文件。",
     "reactions": {"👏": ["wang_sh", "chen", "lily", "wang_bj", "fang"], "❤": ["kevin"]}},
    {"day": 11, "time": "21:35", "author": "chen", "text": "讲得太好了，groupby 那段终于懂了"},
    {"day": 11, "time": "21:36", "author": "wang_bj", "text": "+1 收获很大"},
    {"day": 11, "time": "21:40", "author": "wang_sh", "text": "谢谢大家捧场🙏 以后有问题随时在群里问"},
    {"day": 11, "time": "21:50", "author": "lin", "kind": "sticker", "emoji": "👋"},

    {"day": 12, "time": "10:00", "author": "fang", "label": "fang_son",
     "text": "哈哈哈 昨天分享的时候我儿子在旁边跟着听，说以后也要学编程"},
    {"day": 12, "time": "10:05", "author": "lily", "reply": "fang_son", "text": "哈哈哈 从小培养"},
    {"day": 12, "time": "10:06", "author": "wang_sh", "reply": "fang_son", "text": "好可爱😂"},

    {"day": 13, "time": "10:41", "author": "chloe", "label": "intro_chloe", "role": "intro",
     "text": "Hi all, I'm Chloé from Paris, working as a product designer. I'm learning Python to analyse "
             "user research data. I'm also looking for a technical cofounder for a small side project "
             "about learning tools, so if that sounds interesting, send me a DM."},
    {"day": 13, "time": "10:50", "author": "dalu", "reply": "intro_chloe", "text": "Welcome Chloé!"},
    {"day": 13, "time": "11:00", "author": "daniel", "reply": "intro_chloe", "text": "Sounds fun, I'll DM you"},
    {"day": 13, "time": "20:30", "author": "chen", "text": "打卡：SQLBolt 做到第 6 课，JOIN 开始有点绕"},
]

# ---- days 14-27: more joins, hiring, study check-ins, Mid-Autumn ---------------------------
CHATTER += [
    {"day": 14, "time": "08:00", "author": "zhou", "label": "zhou_rm",
     "text": "早，今天有同事在测试服务器上 rm -rf 了一个不该删的目录，一早上都在恢复备份"},
    {"day": 14, "time": "08:05", "author": "ajie", "reply": "zhou_rm", "text": "哈哈哈 运维日常"},
    {"day": 14, "time": "08:09", "author": "zhou", "text": "还好有每日备份，不然真要哭了"},
    {"day": 14, "time": "12:30", "author": "lily", "text": "午休时间做了两课 SQLBolt，感觉产品经理也能学会"},
    {"day": 14, "time": "21:00", "author": "fang", "text": "今晚就开始学 pandas，先把 Anaconda 装上"},

    {"day": 15, "time": "09:10", "author": "weiming", "text": "Morning all ☀️"},
    {"day": 15, "time": "18:40", "author": "kevin", "label": "kevin_dash",
     "text": "My manager just asked for 'a quick dashboard' by tomorrow 🙃"},
    {"day": 15, "time": "18:44", "author": "daniel", "reply": "kevin_dash", "text": "The word 'quick' is doing a lot of work there"},
    {"day": 15, "time": "18:45", "author": "kevin", "kind": "sticker", "emoji": "😂"},
    {"day": 15, "time": "22:12", "author": "aming", "label": "intro_aming", "role": "intro",
     "text": "大家好，我是阿明，在西安读研二，方向是交通数据挖掘。明年找工作，想找几个一起准备数据分析面试、互相"
             "模拟面试的伙伴，有兴趣的可以私聊我。"},
    {"day": 15, "time": "22:20", "author": "wang_bj", "reply": "intro_aming", "text": "我也在准备！算我一个"},
    {"day": 15, "time": "22:25", "author": "dalu", "reply": "intro_aming", "text": "欢迎阿明～"},

    {"day": 16, "time": "07:45", "author": "ken", "kind": "sticker", "emoji": "🙏"},
    {"day": 16, "time": "12:00", "author": "momo", "text": "午饭吃撑了，下午肯定犯困"},
    {"day": 16, "time": "20:00", "author": "priya", "label": "priya_typo",
     "text": "Just finished a three-hour debugging session on a model. The bug was a typo in a column "
             "name. Every single time."},
    {"day": 16, "time": "20:05", "author": "tom", "reply": "priya_typo", "text": "Classic 😂"},
    {"day": 16, "time": "20:06", "author": "ana", "reply": "priya_typo", "text": "Been there. Every. Time."},
    {"day": 16, "time": "21:30", "author": "aming", "text": "打卡：复习了假设检验，整理了两页笔记"},

    {"day": 17, "time": "09:30", "author": "tom", "label": "res_thinkstats", "role": "resource",
     "text": "A free stats book that uses Python code instead of heavy formulas: Think Stats "
             "https://greenteapress.com/wp/think-stats-2e/",
     "reactions": {"👍": ["priya", "chloe", "weiming"]}},
    {"day": 17, "time": "09:40", "author": "weiming", "reply": "res_thinkstats", "text": "Adding it to my list, thanks Tom"},
    {"day": 17, "time": "18:00", "author": "dalu", "text": "周五快乐，周末愉快～"},
    {"day": 17, "time": "18:03", "author": "wang_bj", "kind": "sticker", "emoji": "🎉"},

    {"day": 18, "time": "11:30", "author": "amy", "label": "intro_amy", "role": "intro",
     "text": "大家好，我是苏州的 Amy，做 HR。我们公司（苏州工业园区的一家制造业企业）在招两名初级数据分析师，要求会 "
             "SQL 和 Excel，会 Python 加分，应届生也可以。已经和群主打过招呼了，感兴趣的朋友可以私聊我发简历。"},
    {"day": 18, "time": "11:35", "author": "dalu", "reply": "intro_amy", "text": "欢迎 Amy，招聘信息我这边确认过了～"},
    {"day": 18, "time": "11:40", "author": "chen", "reply": "intro_amy", "text": "已私聊"},
    {"day": 18, "time": "11:42", "author": "aming", "reply": "intro_amy", "text": "应届生也可以的话我也私聊一下"},
    {"day": 18, "time": "15:00", "author": "wang_bj", "text": "周末打卡：matplotlib 画了十几张图，中文终于都正常显示了"},

    {"day": 19, "time": "10:00", "author": "lily", "label": "lily_coffee", "text": "周日早上的咖啡 + SQL，感觉自己很自律"},
    {"day": 19, "time": "10:04", "author": "fang", "reply": "lily_coffee", "text": "哈哈哈 向你学习"},
    {"day": 19, "time": "21:00", "author": "aming", "text": "打卡 Day 1：SQL 50 做了 6 道，连续登录那题果然很有意思"},

    {"day": 20, "time": "10:00", "author": "zhou", "label": "res_docker", "role": "resource",
     "text": "Docker 入门推荐官方的 Get started，比网上很多教程靠谱 https://docs.docker.com/get-started/",
     "reactions": {"👍": ["ajie", "lin"]}},
    {"day": 20, "time": "16:10", "author": "tunde", "label": "intro_tunde", "role": "intro",
     "text": "Hi all, I'm Tunde from Lagos, a backend developer (mostly Go and Python). Thanks for the "
             "invite, 大刘! I'm looking for a remote data engineering role, so I'm learning Airflow and dbt "
             "at the moment. Happy to help with APIs, Postgres and Linux."},
    {"day": 20, "time": "16:15", "author": "ana", "reply": "intro_tunde",
     "text": "Welcome Tunde! Happy to share what I've learned about dbt."},
    {"day": 20, "time": "16:20", "author": "dalu", "reply": "intro_tunde", "text": "Welcome!"},
    {"day": 20, "time": "21:00", "author": "aming", "label": "aming_d2", "text": "打卡 Day 2：SQL 50 又做了 5 道，窗口函数还是不熟"},
    {"day": 20, "time": "21:05", "author": "wang_bj", "reply": "aming_d2", "text": "同进度，一起加油"},

    {"day": 21, "time": "10:15", "author": "ken", "label": "unans_csv_versioning", "role": "unanswered",
     "text": "Is there a sane way to version large CSV files that change every week? Git LFS, DVC, or "
             "something else?"},
    {"day": 21, "time": "12:00", "author": "wang_sh", "label": "weather", "role": "rhetorical", "text": "今天天气不错吧？"},
    {"day": 21, "time": "12:05", "author": "zhou", "text": "成都还在下雨"},
    {"day": 21, "time": "20:30", "author": "chloe",
     "text": "Spent the evening cleaning survey data in pandas instead of Excel. Slower today, faster "
             "forever, I hope."},

    {"day": 22, "time": "08:20", "author": "daniel", "text": "Morning! Coffee number two already."},
    {"day": 22, "time": "21:40", "author": "xiaoyu", "label": "intro_xiaoyu", "role": "intro",
     "text": "大家好，我是小雨，重庆的自由职业者，主要接数据可视化和小程序的外包项目。想系统地学一下数据分析，也很乐意"
             "和大家合作做项目。"},
    {"day": 22, "time": "21:45", "author": "dalu", "reply": "intro_xiaoyu", "text": "欢迎小雨！"},
    {"day": 22, "time": "21:50", "author": "fang", "reply": "intro_xiaoyu", "text": "欢迎～"},

    {"day": 23, "time": "12:30", "author": "wang_sh", "label": "midautumn", "text": "明天中秋节，提前祝大家中秋快乐🥮",
     "reactions": {"❤": ["chen", "fang", "lily"]}},
    {"day": 23, "time": "12:35", "author": "chen", "reply": "midautumn", "text": "中秋快乐！"},
    {"day": 23, "time": "12:36", "author": "ken", "kind": "sticker", "emoji": "🌕"},
    {"day": 23, "time": "12:40", "author": "priya", "text": "Happy Mid-Autumn Festival everyone 🥮"},

    {"day": 24, "time": "20:00", "author": "fang", "label": "fang_moon", "text": "中秋快乐！今晚的月亮好圆"},
    {"day": 24, "time": "20:05", "author": "lin", "reply": "fang_moon", "text": "哈哈哈 我在加班，看不到月亮"},
    {"day": 24, "time": "20:10", "author": "xiaoyu", "reply": "fang_moon", "text": "重庆今晚多云，只能看你们的照片了"},
    {"day": 24, "time": "20:30", "author": "ajie", "kind": "sticker", "emoji": "🌕"},

    {"day": 25, "time": "10:00", "author": "kevin", "label": "res_missing", "role": "resource",
     "text": "Not strictly data, but 'The Missing Semester of Your CS Education' is the best intro to the "
             "shell, git and editors I know: https://missing.csail.mit.edu/",
     "reactions": {"👍": ["daniel", "zhou", "tunde", "wang_bj"]}},
    {"day": 25, "time": "10:15", "author": "zhou", "reply": "res_missing", "text": "这个课的 shell 和 git 两节强烈推荐"},
    {"day": 25, "time": "15:00", "author": "tunde", "label": "tunde_weekend",
     "text": "Weekend project: loading a public transport dataset into Postgres and playing with dbt models."},
    {"day": 25, "time": "15:10", "author": "ana", "reply": "tunde_weekend", "text": "Nice, dbt + Postgres is a great combo to learn on."},

    {"day": 26, "time": "09:50", "author": "xiaoyu", "label": "anyone", "role": "phatic", "text": "有人吗？"},
    {"day": 26, "time": "09:55", "author": "zhou", "reply": "anyone", "text": "在的"},
    {"day": 26, "time": "09:57", "author": "xiaoyu", "text": "周末群里好安静，还以为大家都出去玩了"},
    {"day": 26, "time": "21:00", "author": "chen", "label": "chen_bolt", "text": "打卡：SQLBolt 全部做完了🎉"},
    {"day": 26, "time": "21:02", "author": "wang_sh", "reply": "chen_bolt", "text": "厉害！下一步可以开始 pandas 了"},

    {"day": 27, "time": "09:00", "author": "amy",
     "text": "谢谢大家，这周已经收到好几份简历，有合适的我们会尽快安排面试"},
    {"day": 27, "time": "09:30", "author": "chloe", "label": "chloe_update",
     "text": "Update for anyone curious: Daniel and I had a call about the side project, we're building a "
             "first prototype 🎨"},
    {"day": 27, "time": "09:35", "author": "daniel", "reply": "chloe_update", "text": "Yes! Small steps, but it's fun."},
    {"day": 27, "time": "22:00", "author": "momo", "text": "晚安～"},
]

# ---- days 28-41: National Day holiday, second event announced -----------------------------
CHATTER += [
    {"day": 28, "time": "08:30", "author": "ajie", "text": "早"},
    {"day": 28, "time": "09:00", "author": "lin", "text": "打卡：今天又遇到一次冲突，自己处理好了，已经不怕了"},
    {"day": 28, "time": "12:10", "author": "tunde",
     "text": "Lunch break reading: the dbt docs on incremental models. Brain slightly melted."},

    {"day": 29, "time": "09:00", "author": "aming", "label": "res_pyda_again", "role": "resource",
     "duplicate_of": "res_pyda",
     "text": "分享一本书：Wes McKinney 的 Python for Data Analysis 第三版，在线免费看 https://wesmckinney.com/book",
     "reactions": {"👍": ["xiaoyu", "fang"]}},
    {"day": 29, "time": "09:05", "author": "wang_sh", "reply": "res_pyda_again", "text": "哈哈这本我之前也分享过，确实是入门必读"},
    {"day": 29, "time": "18:00", "author": "dalu", "label": "holiday",
     "text": "明天开始国庆假期，祝大家假期愉快！假期里群里照样欢迎提问和分享🎆",
     "reactions": {"🎉": ["ana", "chen", "lily", "kevin", "fang"]}},
    {"day": 29, "time": "18:05", "author": "chen", "reply": "holiday", "text": "国庆快乐！"},
    {"day": 29, "time": "18:06", "author": "amy", "reply": "holiday", "text": "假期愉快～"},
    {"day": 29, "time": "18:10", "author": "tom",
     "text": "Enjoy the holiday everyone! Meanwhile in London it's just a normal rainy Wednesday."},

    {"day": 30, "time": "09:00", "author": "lily", "text": "国庆第一天，在高速上堵着"},
    {"day": 30, "time": "09:02", "author": "lily", "kind": "sticker", "emoji": "😭"},
    {"day": 30, "time": "10:00", "author": "wang_bj", "text": "在家写毕业设计的数据处理部分"},
    {"day": 30, "time": "20:00", "author": "ken", "text": "Happy National Day to everyone in China 🎉"},

    {"day": 31, "time": "11:00", "author": "daniel", "label": "res_asyncio", "role": "resource",
     "text": ["If async/await confuses you, the official asyncio docs got a lot better: ",
              {"type": "link", "text": "https://docs.python.org/3/library/asyncio.html"}],
     "reactions": {"👍": ["ken", "ana"]}},
    {"day": 31, "time": "11:20", "author": "tunde", "reply": "res_asyncio",
     "text": "The 'Coroutines and Tasks' page is the one that finally made it click for me."},
    {"day": 31, "time": "16:00", "author": "xiaoyu", "text": "在洪崖洞，人山人海"},
    {"day": 31, "time": "16:01", "author": "xiaoyu", "kind": "sticker", "emoji": "😵"},

    {"day": 32, "time": "10:30", "author": "momo", "label": "momo_docker", "text": "假期第三天，打算把 Docker 学了"},
    {"day": 32, "time": "10:35", "author": "zhou", "reply": "momo_docker", "text": "官方 Get started 走一遍，有问题随时来群里问"},
    {"day": 32, "time": "21:00", "author": "fang", "label": "fang_hw", "text": "哈哈哈 假期在家陪孩子做作业，比写代码累多了"},
    {"day": 32, "time": "21:05", "author": "chen", "reply": "fang_hw", "text": "哈哈哈 深有同感"},

    {"day": 33, "time": "11:00", "author": "kevin", "kind": "sticker", "emoji": "😎"},
    {"day": 33, "time": "20:00", "author": "aming", "label": "aming_sql50", "text": "打卡 Day 15：SQL 50 全部刷完了！",
     "reactions": {"👍": ["wang_sh", "wang_bj", "amy"]}},
    {"day": 33, "time": "20:05", "author": "wang_bj", "reply": "aming_sql50", "text": "太强了，我还差 12 道"},

    {"day": 34, "time": "10:00", "author": "zhou", "label": "pycon", "forwarded_from": "PyCon China",
     "text": "PyCon China 2026 线上大会议程已公布：数据科学分会场有 pandas 新版本特性、DuckDB 实战、数据管道测试等"
             "主题，欢迎报名收看。"},
    {"day": 34, "time": "10:10", "author": "ajie", "reply": "pycon", "text": "DuckDB 那场想听"},
    {"day": 34, "time": "15:00", "author": "weiming", "text": "Back to work today while you're all on holiday 😅"},

    {"day": 35, "time": "09:30", "author": "fang", "label": "unans_pycharm_remote", "role": "unanswered",
     "text": "请问 PyCharm 社区版能不能连远程服务器上的 Python 解释器？学校的服务器只开了 SSH。"},
    {"day": 35, "time": "14:00", "author": "lily", "text": "假期最后两天，补了一下 pandas 的 merge，终于分清 left 和 inner 了"},
    {"day": 35, "time": "22:00", "author": "wang_sh", "text": "晚安，明天回上海"},

    {"day": 36, "time": "10:00", "author": "lily", "label": "res_kaggle", "role": "resource",
     "text": "Kaggle Learn 的短课很适合碎片时间，每门几个小时，带在线练习 https://www.kaggle.com/learn",
     "reactions": {"👍": ["fang", "chen", "xiaoyu"]}},
    {"day": 36, "time": "10:05", "author": "fang", "reply": "res_kaggle", "role": "thanks_only", "text": "感谢推荐！"},
    {"day": 36, "time": "19:00", "author": "dalu", "text": "假期最后一天，收收心，明天上班上学都加油💪"},

    {"day": 37, "time": "08:30", "author": "ajie", "label": "ajie_mail", "text": "节后第一天，一百封未读邮件"},
    {"day": 37, "time": "08:32", "author": "zhou", "reply": "ajie_mail", "text": "哈哈哈 我三百封"},
    {"day": 37, "time": "12:00", "author": "amy", "text": "招聘进展：面试已经安排上了，群里来的同学准备得都很认真"},
    {"day": 37, "time": "20:00", "author": "priya", "label": "priya_deploy",
     "text": "Long day. Deployed a model, nothing broke. Suspicious."},
    {"day": 37, "time": "20:04", "author": "ana", "reply": "priya_deploy", "text": "Enjoy it while it lasts 😄"},

    {"day": 38, "time": "18:00", "author": "kevin", "text": "Friday again. This week went fast."},
    {"day": 38, "time": "18:02", "author": "momo", "kind": "sticker", "emoji": "🎉"},

    {"day": 39, "time": "10:00", "author": "tom", "label": "tom_plot",
     "text": "Made my first matplotlib figure that my supervisor didn't ask me to redo. Small wins."},
    {"day": 39, "time": "10:05", "author": "priya", "reply": "tom_plot", "text": "That's a big win actually 🎉"},
    {"day": 39, "time": "10:06", "author": "chloe", "reply": "tom_plot", "text": "As a designer I'd love to see it 👀"},
    {"day": 39, "time": "15:00", "author": "xiaoyu", "text": "周末接了个数据看板的小单子，正好用上最近学的 pandas"},

    {"day": 40, "time": "12:00", "author": "dalu", "label": "event2", "role": "event",
     "text": "【活动】周六线上分享会：SQL 面试题串讲\n时间：10月17日（周六）20:00–21:00\n主讲：深圳-后端-阿杰\n"
             "内容：分组聚合、窗口函数、连续登录、留存率，边写边讲，最后留二十分钟现场答疑。\n正在找工作或准备实习的同学"
             "一定来。",
     "reactions": {"🎉": ["ajie", "aming", "wang_bj", "chen", "lily", "amy"]}},
    {"day": 40, "time": "12:05", "author": "ajie", "reply": "event2", "text": "我尽量讲得接地气一点😂"},
    {"day": 40, "time": "12:10", "author": "aming", "reply": "event2", "text": "必到！"},
    {"day": 40, "time": "12:12", "author": "wang_bj", "reply": "event2", "text": "必到+1"},
    {"day": 40, "time": "12:20", "author": "amy", "reply": "event2", "text": "我也来听听，顺便看看大家关注哪些点"},

    {"day": 41, "time": "09:00", "author": "chen", "label": "chen_pandas",
     "text": "打卡：pandas 第一周，read_csv、筛选、groupby 都过了一遍"},
    {"day": 41, "time": "09:05", "author": "wang_sh", "reply": "chen_pandas", "text": "进度很快！"},
    {"day": 41, "time": "13:00", "author": "momo", "text": "昨晚那个向量化的例子我自己试了，快了几百倍"},
]

# ---- days 42-56: second event, offers, the last week ---------------------------------------
CHATTER += [
    {"day": 42, "time": "08:40", "author": "daniel", "label": "daniel_cold", "text": "Morning from a very cold Toronto ❄️"},
    {"day": 42, "time": "08:45", "author": "weiming", "reply": "daniel_cold", "text": "32 degrees here, happy to swap"},
    {"day": 42, "time": "12:30", "author": "aming", "label": "aming_mock",
     "text": "打卡：今天和同学模拟面试了一次，被问到留存率，答得磕磕绊绊"},
    {"day": 42, "time": "12:35", "author": "wang_bj", "reply": "aming_mock", "text": "周六阿杰会讲留存率，正好"},
    {"day": 42, "time": "21:00", "author": "lin", "label": "lin_dev", "text": "测试的日常：开发说在他电脑上是好的"},
    {"day": 42, "time": "21:02", "author": "ajie", "reply": "lin_dev", "text": "哈哈哈 经典"},
    {"day": 42, "time": "21:03", "author": "zhou", "reply": "lin_dev", "text": "那就把他的电脑一起发布上线"},
    {"day": 42, "time": "21:05", "author": "lin", "kind": "sticker", "emoji": "😂"},

    {"day": 43, "time": "09:00", "author": "ana", "text": "Berlin is grey and wet today. Perfect weather for refactoring a pipeline."},
    {"day": 43, "time": "13:00", "author": "tunde", "label": "tunde_interview",
     "text": "I have a final-round interview for a remote data engineering job next week. Nervous but prepared 🤞",
     "reactions": {"🔥": ["ana", "daniel", "priya", "zhou"]}},
    {"day": 43, "time": "13:05", "author": "ana", "reply": "tunde_interview", "text": "You've got this, Tunde!"},
    {"day": 43, "time": "13:06", "author": "daniel", "reply": "tunde_interview", "text": "Good luck! 🍀"},
    {"day": 43, "time": "20:30", "author": "xiaoyu", "text": "今天交付了第一个用 pandas 做的看板项目，客户很满意",
     "reactions": {"👏": ["dalu", "fang", "wang_sh"]}},

    {"day": 44, "time": "08:30", "author": "fang", "label": "fang_class",
     "text": "早，今天给学生上了第一节 Python 兴趣课，来了二十多个孩子",
     "reactions": {"❤": ["dalu", "chen", "lily", "wang_bj"]}},
    {"day": 44, "time": "08:35", "author": "dalu", "reply": "fang_class", "text": "芳芳老师太棒了！"},
    {"day": 44, "time": "08:37", "author": "lily", "reply": "fang_class", "text": "好羡慕这些学生"},
    {"day": 44, "time": "12:00", "author": "ken", "text": "Lunch in Tokyo: ramen again. Zero regrets."},

    {"day": 45, "time": "09:00", "author": "dalu", "reply": "event2",
     "text": "提醒：明晚 20:00 SQL 面试题串讲，会议链接明天下午发群公告"},
    {"day": 45, "time": "18:00", "author": "kevin", "kind": "sticker", "emoji": "🎉"},
    {"day": 45, "time": "18:05", "author": "weiming", "text": "Weekend plan: rebuild my old churn model with a proper pipeline."},

    {"day": 46, "time": "19:55", "author": "dalu", "text": "五分钟后开始，大家进会议室～"},
    {"day": 46, "time": "21:05", "author": "aming", "text": "阿杰讲得太清楚了，留存率那题终于会写了"},
    {"day": 46, "time": "21:06", "author": "wang_bj", "text": "+1，笔记记了三页"},
    {"day": 46, "time": "21:08", "author": "amy", "text": "很有收获，从面试官的角度也听到不少"},
    {"day": 46, "time": "21:10", "author": "ajie", "text": "谢谢大家来听🙏 课件已经发到群文件"},
    {"day": 46, "time": "21:12", "author": "dalu", "text": "感谢阿杰！下次分享的主题大家可以在群里提"},
    {"day": 46, "time": "21:15", "author": "chen", "kind": "sticker", "emoji": "👏"},

    {"day": 47, "time": "10:00", "author": "chen", "label": "chen_w2", "text": "打卡：pandas 第二周，开始用公司的报销数据练手"},
    {"day": 47, "time": "10:05", "author": "wang_sh", "reply": "chen_w2", "text": "用自己熟悉的数据练最好了"},
    {"day": 47, "time": "15:00", "author": "momo", "text": "下午在咖啡店写代码，旁边一桌在讨论大模型"},

    {"day": 48, "time": "09:00", "author": "zhou", "text": "周一，早"},
    {"day": 48, "time": "09:01", "author": "ajie", "kind": "sticker", "emoji": "☕"},
    {"day": 48, "time": "19:30", "author": "lily", "label": "lily_sql",
     "text": "今天第一次自己写 SQL 拉了一份周报数据，没找数据同学，开心",
     "reactions": {"👏": ["wang_sh", "chen", "dalu"]}},
    {"day": 48, "time": "19:35", "author": "wang_sh", "reply": "lily_sql", "text": "厉害了！"},

    {"day": 49, "time": "11:00", "author": "xiaoyu", "label": "res_missing_again", "role": "resource",
     "duplicate_of": "res_missing",
     "text": "朋友转给我的一门课，讲命令行和 git 的，写得很好 "
             "https://missing.csail.mit.edu/?utm_source=wechat&utm_medium=share",
     "reactions": {"👍": ["lin"]}},
    {"day": 49, "time": "11:10", "author": "kevin",
     "text": "Ha, that's the course I posted last month. Glad it travels 😄"},
    {"day": 49, "time": "20:00", "author": "tom", "label": "tom_paper",
     "text": "Submitted a paper draft today. Going to sleep for a week."},
    {"day": 49, "time": "20:02", "author": "priya", "reply": "tom_paper", "text": "Congrats! 🎉"},
    {"day": 49, "time": "20:05", "author": "ana", "reply": "tom_paper", "text": "Congrats Tom!"},

    {"day": 50, "time": "09:00", "author": "ana", "text": "Morning all"},
    {"day": 50, "time": "14:00", "author": "tunde", "label": "tunde_offer",
     "text": "Update: I got the offer! Remote data engineer, starting in November. Thanks everyone for the "
             "tips and the encouragement 🙏",
     "reactions": {"🎉": ["ana", "daniel", "priya", "zhou", "dalu", "kevin"], "❤": ["chloe"]}},
    {"day": 50, "time": "14:05", "author": "ana", "reply": "tunde_offer", "text": "Congratulations!! Well deserved."},
    {"day": 50, "time": "14:06", "author": "dalu", "reply": "tunde_offer", "text": "恭喜 Tunde！🎉"},
    {"day": 50, "time": "14:10", "author": "daniel", "reply": "tunde_offer", "text": "Amazing news!"},
    {"day": 50, "time": "14:15", "author": "zhou", "reply": "tunde_offer", "text": "Congrats! 恭喜"},
    {"day": 50, "time": "14:20", "author": "kevin", "reply": "tunde_offer", "text": "Congrats man!"},

    {"day": 51, "time": "10:30", "author": "daniel", "label": "unans_parquet_feather", "role": "unanswered",
     "text": "What's the practical difference between Parquet and Feather for storing intermediate "
             "DataFrames? Which one do you use day to day?"},
    {"day": 51, "time": "18:00", "author": "fang", "label": "fang_class2", "text": "第二节兴趣课讲了 for 循环，孩子们学得比我快"},
    {"day": 51, "time": "18:05", "author": "chen", "reply": "fang_class2", "text": "哈哈哈 后生可畏"},

    {"day": 52, "time": "09:30", "author": "amy", "label": "amy_done",
     "text": "招聘更新：两个岗位都招到人了，其中一位就是咱们群里的朋友。谢谢大家的支持！",
     "reactions": {"🎉": ["dalu", "chen", "aming", "wang_sh"]}},
    {"day": 52, "time": "09:35", "author": "dalu", "reply": "amy_done", "text": "恭喜恭喜！"},
    {"day": 52, "time": "09:40", "author": "aming", "reply": "amy_done", "text": "恭喜！"},
    {"day": 52, "time": "18:00", "author": "kevin", "text": "Friday 🍻"},
    {"day": 52, "time": "18:01", "author": "wang_bj", "kind": "sticker", "emoji": "🍻"},

    {"day": 53, "time": "10:00", "author": "xiaoyu", "label": "xiaoyu_review",
     "text": "周末整理了一下这两个月学的东西，发现进步还挺大的"},
    {"day": 53, "time": "10:05", "author": "wang_sh", "reply": "xiaoyu_review", "text": "坚持下来就是胜利"},
    {"day": 53, "time": "15:00", "author": "chloe", "label": "chloe_users",
     "text": "Our prototype has its first ten users! Tiny, but real.",
     "reactions": {"🔥": ["daniel", "tom", "ana"]}},
    {"day": 53, "time": "15:05", "author": "daniel", "reply": "chloe_users", "text": "🎉🎉"},

    {"day": 54, "time": "11:00", "author": "chen", "label": "unans_powerbi_mysql", "role": "unanswered",
     "text": "请问 Power BI 连接 MySQL 8 一直提示 SSL 连接错误，有人遇到过吗？怎么解决？"},
    {"day": 54, "time": "16:00", "author": "lin", "text": "周日加班测试上线，祈祷一切顺利"},
    {"day": 54, "time": "16:01", "author": "lin", "kind": "sticker", "emoji": "🙏"},

    {"day": 55, "time": "09:00", "author": "dalu", "label": "kb_plan",
     "text": "群里两个月的精华问答我在整理成知识库，大家之前回复的谢谢和👍都派上用场了，感谢各位！",
     "reactions": {"👍": ["ana", "ajie", "wang_sh", "priya", "zhou", "chen"]}},
    {"day": 55, "time": "09:05", "author": "ajie", "reply": "kb_plan", "text": "期待"},
    {"day": 55, "time": "09:07", "author": "ana", "reply": "kb_plan", "text": "Great idea, looking forward to it."},
    {"day": 55, "time": "21:00", "author": "wang_bj", "label": "wang_bj_sql50", "text": "今晚把 SQL 50 剩下的题刷完了"},
    {"day": 55, "time": "21:05", "author": "aming", "reply": "wang_bj_sql50", "text": "恭喜通关🎓"},

    {"day": 56, "time": "08:30", "author": "zhou", "text": "早"},
    {"day": 56, "time": "08:31", "author": "momo", "kind": "sticker", "emoji": "👋"},
    {"day": 56, "time": "12:00", "author": "priya",
     "text": "Quick note: I'll be travelling next week, so slower replies from me, but I'll catch up."},
    {"day": 56, "time": "20:00", "author": "weiming", "text": "Good night all 🌙"},
]

# ---- scattered small talk over the whole period ---------------------------------------------
CHATTER += [
    {"day": 2, "time": "22:15", "author": "ajie", "text": "晚安"},
    {"day": 3, "time": "18:30", "author": "lily", "text": "下班！周末愉快"},
    {"day": 8, "time": "12:00", "author": "kevin", "text": "Lunch break pandas: 20 minutes a day, day 6."},
    {"day": 10, "time": "18:10", "author": "tom", "kind": "sticker", "emoji": "🍺"},
    {"day": 13, "time": "12:00", "author": "ajie", "text": "新的一周，早"},
    {"day": 18, "time": "20:00", "author": "ken", "text": "Saturday data cleaning session, with coffee ☕"},
    {"day": 22, "time": "12:00", "author": "wang_sh", "text": "中午吃了一碗生煎，满足"},
    {"day": 25, "time": "21:00", "author": "aming", "text": "打卡 Day 7：窗口函数终于顺了"},
    {"day": 27, "time": "12:00", "author": "weiming", "text": "Monday lunch SQL puzzle with colleagues. I won 😎"},
    {"day": 31, "time": "20:00", "author": "ana", "text": "Happy holidays to everyone celebrating 🎉"},
    {"day": 37, "time": "09:00", "author": "lin", "text": "节后第一天，测试环境又挂了"},
    {"day": 39, "time": "20:00", "author": "lily", "text": "周六晚上在看 Kaggle Learn 的 pandas 课"},
    {"day": 44, "time": "21:00", "author": "kevin", "text": "Late night reading: the window functions chapter again. RANK vs DENSE_RANK finally sticks."},
    {"day": 53, "time": "20:00", "author": "fang", "text": "周末在准备下周兴趣课的课件"},
]
