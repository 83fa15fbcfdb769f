# ruff: noqa: E501  (prose data: long strings read better unwrapped)
"""Scripted Q&A threads in Chinese (all text written for this project).

Same structure as threads_en.py; see the docstring there.
"""

# Hand-laid-out data (one message per entry reads better), so the formatter leaves it alone.
# fmt: off

MATPLOTLIB_CJK = {
    "key": "matplotlib_cjk",
    "lang": "zh",
    "topic": "matplotlib 中文乱码",
    "accept_by": "thanks",
    "accepted": "a2",
    "messages": [
        {"label": "q", "role": "question", "day": 3, "time": "21:12", "author": "wang_bj",
         "text": "请问 matplotlib 画图时中文标题和坐标轴全变成小方块怎么办？网上说改 rcParams，我改了也没用。"},
        {"label": "d", "role": "detail", "day": 3, "time": "21:15", "author": "wang_bj", "reply": "q",
         "text": "补充一下：我用的是 Windows 11, Python 3.12，在 Jupyter 里画的，前面还用了 seaborn。"},
        {"label": "a1", "role": "answer", "day": 3, "time": "21:20", "author": "kevin", "reply": "q",
         "text": "加这两行试试：`plt.rcParams['font.sans-serif'] = ['SimHei']` 和 "
                 "`plt.rcParams['axes.unicode_minus'] = False`。"},
        {"label": "x", "role": "aside", "day": 3, "time": "21:26", "author": "wang_bj", "reply": "a1",
         "text": "试了，标题还是方块，负号倒是正常显示了。"},
        {"label": "a2", "role": "answer", "day": 3, "time": "21:33", "author": "ajie", "reply": "q",
         "text": "方块说明 matplotlib 最后用的字体里没有中文字形：rcParams 里写的字体名它不认识时，会静默回退到 "
                 "DejaVu Sans。先看看它到底认识哪些中文字体：`from matplotlib import font_manager`，然后 "
                 "`print([f.name for f in font_manager.fontManager.ttflist if 'Hei' in f.name])`。"
                 "Windows 上一般都有 `Microsoft YaHei` 或 `SimHei`，在画图之前设置 "
                 "`plt.rcParams['font.sans-serif'] = ['Microsoft YaHei']`。关键是 seaborn 的 "
                 "`sns.set()` / `sns.set_theme()` 会把字体重置掉，所以要放在它后面再设一次，或者直接 "
                 "`sns.set_theme(font='Microsoft YaHei')`。如果是刚装的新字体，还得删掉 "
                 "`matplotlib.get_cachedir()` 目录下的字体缓存再重启 kernel。",
         "reactions": {"👍": ["wang_sh", "lily", "ana"]}},
        {"label": "t", "role": "thanks", "day": 3, "time": "21:52", "author": "wang_bj", "reply": "a2",
         "text": "解决了！原来是 sns.set() 在后面把字体覆盖了，谢谢阿杰"},
    ],
}

CAREER_SWITCH = {
    "key": "career_switch",
    "lang": "zh",
    "topic": "数据分析转行学习路线",
    "accept_by": "thanks",
    "accepted": "a2",
    "messages": [
        {"label": "q", "role": "question", "day": 6, "time": "20:30", "author": "chen",
         "text": "想请教一下大家：做了八年财务，想转行做数据分析，应该按什么路线学？Excel 还算熟，Python 和 "
                 "SQL 完全零基础，每天下班大概能学两个小时。"},
        {"label": "a1", "role": "answer", "day": 6, "time": "20:41", "author": "lily", "reply": "q",
         "text": "我是从运营转产品的，感觉先找一个工作里的实际问题去分析，比一直刷课有用。"},
        {"label": "a2", "role": "answer", "day": 6, "time": "20:55", "author": "wang_sh", "reply": "q",
         "text": "我自己也是半路转的，说一下我的顺序。1）先学 SQL，两到三周：SELECT、JOIN、GROUP BY、"
                 "窗口函数，每天在练习网站上做几道题，财务出身的人学 SQL 上手通常很快。2）再学 Python 基础语法和 "
                 "pandas，重点是读数据、清洗、分组汇总、画图，先别碰爬虫和机器学习。3）补统计基础：描述统计、"
                 "抽样、假设检验、A/B 测试的思路。4）做两三个完整的小项目放到 GitHub，最好用财务相关的数据，"
                 "比如费用分析、应收账龄分析，面试时这就是你最大的优势。每周十来个小时的话，大概半年能到初级岗位的"
                 "水平。书推荐《利用Python进行数据分析》，配合项目边做边查。",
         "reactions": {"👍": ["lily", "wang_bj", "ajie", "weiming"]}},
        {"label": "a3", "role": "answer", "day": 6, "time": "21:10", "author": "weiming", "reply": "q",
         "text": "同意先 SQL。新加坡这边招 analyst 基本都先考 SQL，Python 反而是加分项。"},
        {"label": "t", "role": "thanks", "day": 6, "time": "21:25", "author": "chen", "reply": "a2",
         "text": "太感谢了，这个路线很清楚，我就按这个顺序来，先从 SQL 开始。"},
    ],
}

EXCEL_VS_PANDAS = {
    "key": "excel_vs_pandas",
    "lang": "zh",
    "topic": "Excel vs pandas 处理 10 万行",
    "accept_by": "reaction",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 14, "time": "19:50", "author": "fang",
         "text": "学校让我整理学生成绩，一个表大概 10 万行，Excel 一筛选就卡死。这种量用 pandas 会不会好很多？"
                 "还是 Excel 本身也有办法？"},
        {"label": "a1", "role": "answer", "day": 14, "time": "20:08", "author": "ajie", "reply": "q",
         "text": "10 万行对 pandas 来说是很小的数据，读进来一般一两秒，筛选、分组、透视几乎是瞬间完成。"
                 "`df = pd.read_excel('成绩.xlsx')` 之后，比如 `df[df['总分'] >= 600]` 筛选，"
                 "`df.groupby('班级')['总分'].mean()` 算班级平均分，`pd.pivot_table(df, index='班级', "
                 "columns='科目', values='分数')` 做透视，最后 `to_excel` 导出给同事看。Excel 卡主要是因为公式多、"
                 "条件格式多；如果暂时不想写代码，可以试试 Excel 自带的 Power Query，处理几十万行也比直接筛选"
                 "顺畅得多。长期看还是学点 pandas 更划算：重复的整理工作写成脚本，下学期换个文件再跑一遍就行。",
         "reactions": {"👍": ["fang", "wang_sh", "chen"]}},
    ],
}

SQL_INTERVIEW = {
    "key": "sql_interview",
    "lang": "zh",
    "topic": "面试准备 SQL 题",
    "accept_by": "thanks",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 19, "time": "15:30", "author": "aming",
         "text": "下个月要面数据分析实习，SQL 面试一般会考哪些题？怎么准备比较高效？"},
        {"label": "a1", "role": "answer", "day": 19, "time": "15:52", "author": "wang_sh", "reply": "q",
         "text": "高频就那几类：1）分组聚合加 HAVING；2）多表 JOIN，特别是 LEFT JOIN 之后 NULL 的处理；"
                 "3）窗口函数：每组前 N 名（ROW_NUMBER）、累计求和（SUM OVER）、环比（LAG）；4）连续登录 N 天，"
                 "用“日期减去行号”得到相同分组键的技巧；5）留存率，本质是自连接加日期差。准备方法：每类找五道题"
                 "自己手写，写完用嘴讲一遍思路，面试官很看重你能不能把思路讲清楚。LeetCode 上的 SQL 50 题单刷完"
                 "基本够用。还有个细节：面试时先确认表结构、主键和数据会不会重复，再动笔。",
         "reactions": {"👍": ["chen", "ajie", "lin"]}},
        {"label": "t", "role": "thanks", "day": 19, "time": "16:10", "author": "aming", "reply": "a1",
         "text": "多谢！连续登录那个技巧第一次听说，今晚就去刷 SQL 50。"},
    ],
}

GBK_CSV = {
    "key": "gbk_csv",
    "lang": "zh",
    "topic": "UnicodeDecodeError 读取 GBK 编码的 CSV",
    "accept_by": "thanks",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 23, "time": "10:45", "author": "chen",
         "text": "求助：pd.read_csv 读公司导出的 CSV 报错 UnicodeDecodeError: 'utf-8' codec can't decode "
                 "byte 0xb2 in position 0，这是什么原因？"},
        {"label": "d", "role": "detail", "day": 23, "time": "10:48", "author": "chen", "reply": "q",
         "text": "补充：文件是财务系统导出来的，用 Excel 打开中文显示正常。"},
        {"label": "a1", "role": "answer", "day": 23, "time": "11:02", "author": "ajie", "reply": "q",
         "text": "国内很多系统导出的 CSV 是 GBK 编码。中文 Windows 上的 Excel 默认按 GBK 打开，所以看着正常；"
                 "pandas 默认按 UTF-8 读，就报这个错。改成 `pd.read_csv('xxx.csv', encoding='gbk')` 就行；"
                 "如果个别生僻字还报错，用 `encoding='gb18030'`，它是 GBK 的超集。不确定编码时可以先用 "
                 "`charset_normalizer` 探测一下。反过来，导出给 Excel 用的文件写成 "
                 "`df.to_csv('out.csv', index=False, encoding='utf-8-sig')`，带 BOM，Excel 打开就不会乱码。",
         "reactions": {"👍": ["wang_sh", "fang"]}},
        {"label": "t", "role": "thanks", "day": 23, "time": "11:15", "author": "chen", "reply": "a1",
         "text": "谢谢阿杰，用 gb18030 读进来了，导出那个 utf-8-sig 也很有用。"},
    ],
}

GIT_CONFLICT = {
    "key": "git_conflict",
    "lang": "zh",
    "topic": "git merge conflict 合并冲突",
    "accept_by": "thanks",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 26, "time": "16:40", "author": "lin",
         "text": "git pull 的时候提示 CONFLICT (content): Merge conflict in config.py，文件里多了一堆 <<<<<<< "
                 "和 >>>>>>>，我该怎么处理？怕把同事的代码弄丢。"},
        {"label": "a1", "role": "answer", "day": 26, "time": "16:58", "author": "zhou", "reply": "q",
         "text": "别慌，冲突只是说明你和同事改了同一段，git 不敢替你们做决定，两边的内容都还在。打开 config.py，"
                 "`<<<<<<< HEAD` 到 `=======` 之间是你本地的版本，`=======` 到 `>>>>>>>` 之间是同事推上去的版本。"
                 "把这一段改成你们最终想要的内容，三行标记都删掉，然后 `git add config.py`，再 `git commit` 完成"
                 "这次合并，最后 `git push`。VS Code 里冲突块上方有 Accept Current / Accept Incoming / Accept "
                 "Both 的按钮，比手改方便。改乱了想重来，`git merge --abort` 会回到 pull 之前的状态。以后养成"
                 "先 `git pull` 再开始改的习惯，冲突会少很多。",
         "reactions": {"👍": ["ajie", "tunde"]}},
        {"label": "t", "role": "thanks", "day": 26, "time": "17:20", "author": "lin", "reply": "a1",
         "text": "谢谢老周，按你说的合并完推上去了，同事那边拉下来也正常。"},
    ],
}

GROUPBY_MULTI_AGG = {
    "key": "groupby_multi_agg",
    "lang": "zh",
    "topic": "pandas groupby 多列聚合",
    "accept_by": "thanks",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 30, "time": "14:20", "author": "lily",
         "text": "pandas groupby 怎么同时对不同的列做不同的聚合？比如按城市分组，销售额求和、订单数计数、"
                 "客单价求平均，还想让结果的列名好看一点。"},
        {"label": "a1", "role": "answer", "day": 30, "time": "14:35", "author": "wang_sh", "reply": "q",
         "text": "用命名聚合最清楚：`df.groupby('城市').agg(销售额=('金额', 'sum'), 订单数=('订单号', "
                 "'nunique'), 平均客单价=('金额', 'mean')).reset_index()`。每个参数名就是结果的列名，元组里是"
                 "（原始列，聚合函数）。要按多列分组就传列表，`groupby(['城市', '月份'])`。以前常见的写法 "
                 "`agg({'金额': ['sum', 'mean']})` 会得到两层列名，还得自己拍平，现在不推荐了。文档："
                 "https://pandas.pydata.org/docs/user_guide/groupby.html#named-aggregation",
         "reactions": {"👍": ["chen", "ana"]}},
        {"label": "t", "role": "thanks", "day": 30, "time": "14:50", "author": "lily", "reply": "a1",
         "text": "感谢！命名聚合太好用了，周报的代码一下子短了一半。"},
    ],
}

SLOW_APPLY = {
    "key": "slow_apply",
    "lang": "zh",
    "topic": "pandas apply 太慢怎么提速",
    "accept_by": "most_reactions",
    "accepted": "a2",
    "messages": [
        {"label": "q", "role": "question", "day": 40, "time": "22:10", "author": "xiaoyu",
         "text": "pandas 的 apply 太慢了怎么办？200 万行数据，"
                 "`df.apply(lambda r: r['单价'] * r['数量'] * (1 - r['折扣']), axis=1)` 要跑好几分钟。"},
        {"label": "a1", "role": "answer", "day": 40, "time": "22:18", "author": "momo", "reply": "q",
         "text": "装个 swifter，把 df.apply 换成 df.swifter.apply，它会自动并行。"},
        {"label": "a2", "role": "answer", "day": 40, "time": "22:31", "author": "ajie", "reply": "q",
         "text": "`axis=1` 的 apply 本质上是 Python 循环，每一行还要先构造一个 Series，所以特别慢。你这个是纯算术，"
                 "直接用向量化：`df['金额'] = df['单价'] * df['数量'] * (1 - df['折扣'])`，200 万行一般不到一秒。"
                 "带条件的用 `np.where` 或 `np.select`，字符串处理用 `.str` 方法，查表映射用 `.map(字典)`。"
                 "实在没法向量化的逻辑，再考虑 numba 或者分块多进程。并行 apply 只是把慢的循环拆成几份跑，"
                 "先向量化的收益大得多。",
         "reactions": {"👍": ["wang_sh", "chen", "lin", "ken"], "🔥": ["momo"]}},
    ],
}

VENV_IMPORT_REPEAT = {
    "key": "venv_import_repeat",
    "lang": "zh",
    "topic": "venv 里 pip 装了包还是 import 不了（与 module_not_found 同一问题）",
    "accept_by": "thanks",
    "accepted": "a1",
    "repeat_of": "module_not_found",
    "messages": [
        {"label": "q", "role": "question", "day": 47, "time": "20:40", "author": "wang_bj",
         "text": "为什么我在 venv 里用 pip 装了包，运行的时候还是 import 不了？提示 No module named "
                 "'pandas'，可是 pip list 里明明有。"},
        {"label": "a1", "role": "answer", "day": 47, "time": "20:55", "author": "zhou", "reply": "q",
         "text": "十有八九是装包的 Python 和运行代码的 Python 不是同一个。激活 venv 之后跑 "
                 "`python -c \"import sys; print(sys.executable)\"`，看路径是不是在 `.venv` 里，再看看编辑器或 "
                 "Jupyter 用的是哪个解释器。装包统一用 `python -m pip install pandas`，这样装进去的一定是当前这个 "
                 "python。VS Code 里用 Python: Select Interpreter 选 `.venv`；Jupyter 的话要在 venv 里装 "
                 "ipykernel 并注册成内核。建议每个项目一个 venv，依赖写进 requirements.txt，互不干扰。"
                 "之前 Tom 问过一模一样的问题，Ana 回答得很详细，可以往上翻翻。",
         "reactions": {"👍": ["ajie", "xiaoyu"]}},
        {"label": "t", "role": "thanks", "day": 47, "time": "21:10", "author": "wang_bj", "reply": "a1",
         "text": "谢谢老周！VS Code 选错解释器了，换成 .venv 就好了。"},
    ],
}

THREADS_ZH = [
    MATPLOTLIB_CJK,
    CAREER_SWITCH,
    EXCEL_VS_PANDAS,
    SQL_INTERVIEW,
    GBK_CSV,
    GIT_CONFLICT,
    GROUPBY_MULTI_AGG,
    SLOW_APPLY,
    VENV_IMPORT_REPEAT,
]
