"""The member roster of the example community (all fictional).

Each entry: key used in the scripts -> (Telegram display name, Telegram user id, joined).
``joined`` is the day offset (from 2026-09-01) and time of the member's join service
message, or ``None`` for founding members who were in the group before the export starts.
A joiner whose ``how`` is ``"invited"`` was added by the organiser (``invite_members``)
instead of joining by link.
"""

# Hand-laid-out data (one message per entry reads better), so the formatter leaves it alone.
# fmt: off

MEMBERS = {
    "wang_sh": {"name": "上海-数据分析-小王", "id": "user5000001", "joined": None},
    "ana": {"name": "Berlin | data eng | Ana", "id": "user5000002", "joined": None},
    "ajie": {"name": "深圳-后端-阿杰", "id": "user5000003", "joined": None},
    "wang_bj": {"name": "北京-学生-小王", "id": "user5000004", "joined": (1, "20:05")},
    "priya": {"name": "Remote | ML engineer | Priya", "id": "user5000005", "joined": None},
    "lily": {"name": "杭州-产品经理-Lily", "id": "user5000006", "joined": (2, "12:10")},
    "kevin": {"name": "Kevin", "id": "user5000007", "joined": None},
    "momo": {"name": "momo", "id": "user5000008", "joined": (3, "22:40")},
    "chen": {"name": "广州-财务-陈姐", "id": "user5000009", "joined": (4, "19:30")},
    "weiming": {"name": "Singapore | analyst | Wei Ming", "id": "user5000010", "joined": (5, "08:50")},
    "zhou": {"name": "成都-运维-老周", "id": "user5000011", "joined": None},
    "tom": {"name": "London | PhD student | Tom", "id": "user5000012", "joined": (6, "17:20")},
    "fang": {"name": "武汉-教师-芳芳", "id": "user5000013", "joined": (8, "20:45")},
    "daniel": {"name": "Toronto | SWE | Daniel", "id": "user5000014", "joined": (9, "13:05")},
    "lin": {"name": "南京-测试-小林", "id": "user5000015", "joined": (11, "21:15")},
    "chloe": {"name": "Paris | designer | Chloé", "id": "user5000016", "joined": (13, "10:30")},
    "aming": {"name": "西安-硕士-阿明", "id": "user5000017", "joined": (15, "22:05")},
    "ken": {"name": "Tokyo | data sci | Ken", "id": "user5000018", "joined": (16, "07:40")},
    "amy": {"name": "苏州-HR-Amy", "id": "user5000019", "joined": (18, "11:20")},
    "tunde": {
        "name": "Lagos | backend | Tunde", "id": "user5000020", "joined": (20, "16:00"), "how": "invited",
    },
    "xiaoyu": {"name": "重庆-自由职业-小雨", "id": "user5000021", "joined": (22, "21:30")},
    "dalu": {"name": "群主-组织者-大刘", "id": "user5000022", "joined": None},
}

# Who invites members added with "invite_members" (the organiser).
INVITER = "dalu"
