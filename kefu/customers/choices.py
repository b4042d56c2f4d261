"""Choice lists of the customer archive."""

from django.db import models


class Gender(models.TextChoices):
    UNKNOWN = "unknown", "未知 unknown"
    MALE = "male", "男 male"
    FEMALE = "female", "女 female"


class CustomerKind(models.TextChoices):
    PERSON = "person", "个人 person"
    COMPANY = "company", "单位 company"


class Level(models.TextChoices):
    NORMAL = "normal", "普通 normal"
    MEMBER = "member", "会员 member"
    VIP = "vip", "VIP"


class Status(models.TextChoices):
    ACTIVE = "active", "有效 active"
    OBSOLETE = "obsolete", "废除 obsolete"


class BirthdayCalendar(models.TextChoices):
    SOLAR = "solar", "公历 solar"
    LUNAR = "lunar", "农历 lunar"


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", "未核实 unverified"
    VERIFIED = "verified", "已核实 verified"
    CORRECTED = "corrected", "已更正 corrected"
    OBSOLETE = "obsolete", "已废除 obsolete"


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", "手机 mobile"
    LANDLINE = "landline", "座机 landline"


class AssetKind(models.TextChoices):
    VEHICLE = "vehicle", "车辆 vehicle"
    UNIT = "unit", "房产 property unit"
    ORDER = "order", "订单 order"


class FileKind(models.TextChoices):
    SALES = "sales", "销售档案 sales file"
    REPAIR = "repair", "维修档案 repair file"


class FieldType(models.TextChoices):
    TEXT = "text", "文本 text"
    NUMBER = "number", "数字 number"
    DATE = "date", "日期 date"
    CHOICE = "choice", "选项 choice"
    BOOL = "bool", "是/否 yes/no"


class PiiField(models.TextChoices):
    PHONES = "phones", "电话 phones"
    ID_NUMBER = "id_number", "身份证号 ID number"
    ADDRESS = "address", "地址 address"
    EMAIL = "email", "邮箱 e-mail"


# The extended profile's groups (R-1.2, the 麦凯66 sections); a group a center adds in the
# admin is shown as it is typed.
PROFILE_GROUPS = {
    "basic": "客户资料 basic",
    "education": "教育背景 education",
    "family": "家庭 family",
    "career": "业务背景 career",
    "interests": "特殊兴趣 special interests",
    "lifestyle": "生活方式 lifestyle",
    "relationship": "客户和你 the customer and you",
}
