"""API schemas of departments."""

from ninja import Field, Schema


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str
    short_name: str
    is_assumption: bool = Field(
        description="名单来自系统默认假设而非方案原文 / listed by assumption, not by the plan text"
    )
