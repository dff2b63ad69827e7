"""The seeded organisation of the simulator: a fictional 委办局, as plain data.

Departments follow WeCom's `department/list` shape (root id 1). Each user's `private` block
holds the sensitive fields, which the simulator returns ONLY from `auth/getuserdetail` (with a
user_ticket after snsapi_privateinfo consent), never from `user/get`, as on the real platform
since 2022-06-20. All names, numbers and addresses are invented.

The privacy CANARY is the user `canary` (金丝雀). Its raw values are unique on purpose, so
tests can search logs, databases and outgoing calls for them; any hit is a leak:

- userid          canary
- name            金丝雀
- mobile          13812345678
- email           canary.test@example.gov.cn
- address         上海市黄浦区人民大道200号
- 身份证号 (extattr) 11010519491231002X   (only in getuserdetail)
"""

from __future__ import annotations

ROOT_DEPARTMENT_ID = 1

DEPARTMENTS: list[dict] = [
    {"id": 1, "name": "上海市示例事务管理局", "name_en": "Demo Affairs Bureau", "parentid": 0,
     "order": 100000000, "department_leader": []},
    {"id": 2, "name": "办公室", "name_en": "General Office", "parentid": 1,
     "order": 99999000, "department_leader": ["zhangwei"]},
    {"id": 3, "name": "信息中心", "name_en": "Information Center", "parentid": 1,
     "order": 99998000, "department_leader": ["wangfang"]},
    {"id": 4, "name": "业务一处", "name_en": "Business Division I", "parentid": 1,
     "order": 99997000, "department_leader": ["zhaolei"]},
    {"id": 5, "name": "业务二处", "name_en": "Business Division II", "parentid": 1,
     "order": 99996000, "department_leader": ["zhoujie"]},
    {"id": 6, "name": "法规处", "name_en": "Legal Affairs Division", "parentid": 1,
     "order": 99995000, "department_leader": ["zhengqiang"]},
    # A sub-department, so recursive department/list and non-recursive simplelist differ.
    {"id": 7, "name": "运维科", "name_en": "Operations Section", "parentid": 3,
     "order": 99994000, "department_leader": ["chenjing"]},
]


def _user(userid: str, name: str, departments: list[int], position: str, *, leader: bool,
          gender: str, mobile: str, address: str, email: str | None = None) -> dict:
    return {
        "userid": userid,
        "name": name,
        "department": departments,
        "order": [0] * len(departments),
        "position": position,
        "main_department": departments[0],
        "is_leader_in_dept": [1 if leader else 0] + [0] * (len(departments) - 1),
        "direct_leader": [],
        "status": 1,
        "private": {
            "gender": gender,
            "mobile": mobile,
            "email": email or f"{userid}@example.gov.cn",
            "biz_mail": f"{userid}@mail.example.gov.cn",
            "address": address,
            "extattr": {"attrs": []},
        },
    }


USERS: list[dict] = [
    _user("zhangwei", "张伟", [2], "办公室主任", leader=True, gender="1",
          mobile="13900001001", address="上海市黄浦区示例路1号"),
    _user("lina", "李娜", [2], "文秘", leader=False, gender="2",
          mobile="13900001002", address="上海市徐汇区示例路2号"),
    _user("wangfang", "王芳", [3], "信息中心主任", leader=True, gender="2",
          mobile="13900001003", address="上海市静安区示例路3号"),
    _user("liuyang", "刘洋", [3], "系统工程师", leader=False, gender="1",
          mobile="13900001004", address="上海市长宁区示例路4号"),
    _user("chenjing", "陈静", [7], "运维科科长", leader=True, gender="2",
          mobile="13900001005", address="上海市普陀区示例路5号"),
    _user("zhaolei", "赵磊", [4], "业务一处处长", leader=True, gender="1",
          mobile="13900001006", address="上海市虹口区示例路6号"),
    _user("sunli", "孙丽", [4], "主任科员", leader=False, gender="2",
          mobile="13900001007", address="上海市杨浦区示例路7号"),
    _user("zhoujie", "周杰", [5], "业务二处处长", leader=True, gender="1",
          mobile="13900001008", address="上海市浦东新区示例路8号"),
    _user("wuxia", "吴霞", [5], "科员", leader=False, gender="2",
          mobile="13900001009", address="上海市闵行区示例路9号"),
    _user("zhengqiang", "郑强", [6], "法规处处长", leader=True, gender="1",
          mobile="13900001010", address="上海市宝山区示例路10号"),
    # Belongs to two departments: simplelist of either lists her, main_department is 法规处.
    _user("huangmin", "黄敏", [6, 4], "法规处副处长", leader=False, gender="2",
          mobile="13900001011", address="上海市嘉定区示例路11号"),
    _user("canary", "金丝雀", [3], "隐私哨兵（测试账号）", leader=False, gender="0",
          mobile="13812345678", address="上海市黄浦区人民大道200号",
          email="canary.test@example.gov.cn"),
]

# The canary's extattr-style 身份证号: only auth/getuserdetail shows it.
USERS[-1]["private"]["extattr"] = {
    "attrs": [
        {"type": 0, "name": "身份证号", "value": "11010519491231002X",
         "text": {"value": "11010519491231002X"}},
    ]
}

CANARY_USERID = "canary"

# Raw values that must never appear in the app's logs, database or outgoing calls.
CANARY_SECRETS: dict[str, str] = {
    "mobile": "13812345678",
    "email": "canary.test@example.gov.cn",
    "address": "上海市黄浦区人民大道200号",
    "id_number": "11010519491231002X",
}
