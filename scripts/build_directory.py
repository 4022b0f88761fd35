"""Write src/raksa/directory/data/directory.json: the ministry's agencies, their units, and the routing table.

Run it after upgrading geothai (`.venv/bin/python scripts/build_directory.py`), review the diff and commit the file;
the application only ever reads the committed file (`raksa load_directory`, `raksa demo`), never geothai's list of
provinces directly, so a library upgrade cannot change the directory behind anyone's back.

The output is deterministic: lists sorted by code, keys sorted, no timestamps. Running it twice gives the same bytes.

Contacts are fictional on purpose, so a demo or a test can never ring a real office:
- provincial offices: a fixed line in the province's real area code whose subscriber part is the province code
  followed by 1300 (Chiang Mai: 053-50-1300 stored as 053501300), and an email pso50@raksa.example;
- rapid-response units: a LINE group id "C" + 32 hex digits of sha256(unit code) and an on-call mobile
  06-1300-PP-00 (Chiang Mai: 0613005000), both on call;
- headquarters: 02-9N-01300 and hq email; the 1300 centre: the hotline itself, stored as the short number "1300"
  (the one phone contact that is not a normal Thai number: it is what the public dials, never what Raksa dials).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import geothai

OUTPUT = Path(__file__).resolve().parent.parent / "src" / "raksa" / "directory" / "data" / "directory.json"
EMAIL_DOMAIN = "raksa.example"
BANGKOK = "10"

# code, name_th, name_en, short_name_th, kind
AGENCIES: list[tuple[str, str, str, str, str]] = [
    (
        "centre",
        "ศูนย์ช่วยเหลือสังคม สายด่วน 1300",
        "Social Assistance Center (1300 Hotline)",
        "ศรส.",
        "centre",
    ),
    (
        "ops",
        "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
        "Office of the Permanent Secretary, Ministry of Social Development and Human Security",
        "สป.พม.",
        "office",
    ),
    ("dcy", "กรมกิจการเด็กและเยาวชน", "Department of Children and Youth", "ดย.", "department"),
    (
        "dwf",
        "กรมกิจการสตรีและสถาบันครอบครัว",
        "Department of Women's Affairs and Family Development",
        "สค.",
        "department",
    ),
    ("dop", "กรมกิจการผู้สูงอายุ", "Department of Older Persons", "ผส.", "department"),
    (
        "dep",
        "กรมส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ",
        "Department of Empowerment of Persons with Disabilities",
        "พก.",
        "department",
    ),
    ("dsdw", "กรมพัฒนาสังคมและสวัสดิการ", "Department of Social Development and Welfare", "พส.", "department"),
    ("atd", "กองต่อต้านการค้ามนุษย์", "Anti-Trafficking in Persons Division", "กคม.", "division"),
]

# category -> (agency, why, in Thai for the people who maintain the table)
ROUTING: dict[str, tuple[str, str]] = {
    "family_violence": (
        "dwf",
        "กรมกิจการสตรีฯ ดูแลผู้ถูกกระทำด้วยความรุนแรงในครอบครัว (พ.ร.บ.ส่งเสริมการพัฒนาและคุ้มครองสถาบันครอบครัว)",
    ),
    "unplanned_pregnancy": ("dwf", "กรมกิจการสตรีฯ ดูแลการตั้งครรภ์ไม่พร้อมและบ้านพักฉุกเฉิน"),
    "human_trafficking": ("atd", "กองต่อต้านการค้ามนุษย์ คัดแยกผู้เสียหายและประสานการคุ้มครอง"),
    "drugs": ("ops", "พมจ. ประสานงานในพื้นที่ร่วมกับหน่วยงานสาธารณสุขและตำรวจ"),
    "homelessness": ("dsdw", "กรมพัฒนาสังคมฯ ดูแลคนไร้ที่พึ่งผ่านศูนย์คุ้มครองคนไร้ที่พึ่ง"),
    "begging": ("dsdw", "กรมพัฒนาสังคมฯ ดูแลตาม พ.ร.บ.ควบคุมการขอทาน"),
    "child_protection": ("dcy", "กรมกิจการเด็กและเยาวชน คุ้มครองเด็กตาม พ.ร.บ.คุ้มครองเด็ก"),
    "missing_person": ("centre", "ศูนย์ช่วยเหลือสังคม 1300 รับแจ้งและประสานการติดตามคนหาย"),
    "elderly_care": ("dop", "กรมกิจการผู้สูงอายุ ดูแลผู้สูงอายุที่ถูกทอดทิ้งหรือต้องการความช่วยเหลือ"),
    "disability_support": ("dep", "กรมส่งเสริมฯ คนพิการ ดูแลสิทธิและสวัสดิการคนพิการ"),
    "financial_hardship": ("dsdw", "กรมพัฒนาสังคมฯ ดูแลเงินสงเคราะห์และการดำรงชีพ"),
    "other": ("centre", "ศูนย์ช่วยเหลือสังคม 1300 คัดกรองและส่งต่อเรื่องที่ไม่เข้าหมวดอื่น"),
}

# Real fixed-line area codes by region (first digit of the DOPA province code); Bangkok and its ring use 02.
_AREA_PREFIX = {
    "1": "035",
    "2": "038",
    "3": "044",
    "4": "043",
    "5": "053",
    "6": "055",
    "7": "032",
    "8": "077",
    "9": "074",
}
_GREATER_BANGKOK = {"10", "11", "12", "13"}


def province_phone(code: str) -> str:
    prefix = "02" if code in _GREATER_BANGKOK else _AREA_PREFIX[code[0]]
    number = prefix + code + "1300".rjust(9 - len(prefix) - len(code), "0")
    assert len(number) == 9, number
    return number


def on_call_mobile(code: str) -> str:
    return f"061300{code}00"


def line_group_id(unit_code: str) -> str:
    return "C" + hashlib.sha256(unit_code.encode("utf-8")).hexdigest()[:32]


def contact(
    kind: str, value: str, label: str, *, on_call: bool = False, priority: int = 100
) -> dict[str, Any]:
    return {"kind": kind, "value": value, "label": label, "on_call": on_call, "priority": priority}


def in_province_th(province: Any) -> str:
    # Bangkok is not a จังหวัด: it is written by its own name.
    return province.name_th if province.code == BANGKOK else f"จังหวัด{province.name_th}"


def national_units() -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = [
        {
            "code": "centre-1300",
            "agency": "centre",
            "name_th": "ศูนย์ช่วยเหลือสังคม สายด่วน 1300 (ส่วนกลาง)",
            "name_en": "Social Assistance Center, 1300 Hotline (national)",
            "kind": "centre",
            "province_code": "",
            "areas": [],
            "contacts": [
                contact("phone", "1300", "สายด่วน 1300 (24 ชั่วโมง)", priority=10),
                contact("email", f"centre1300@{EMAIL_DOMAIN}", "อีเมลศูนย์", priority=20),
                contact(
                    "line_group", line_group_id("centre-1300"), "กลุ่มไลน์หัวหน้าเวร", on_call=True, priority=30
                ),
            ],
        }
    ]
    for index, (code, name_th, name_en, _short, _kind) in enumerate(AGENCIES, start=1):
        if code == "centre":
            continue
        unit_code = f"{code}-hq"
        units.append(
            {
                "code": unit_code,
                "agency": code,
                "name_th": f"{name_th} (ส่วนกลาง)",
                "name_en": f"{name_en}, headquarters",
                "kind": "headquarters",
                "province_code": "",
                "areas": [],
                "contacts": [
                    contact("phone", f"029{index}01300", "โทรศัพท์ส่วนกลาง", priority=10),
                    contact("email", f"{code}.hq@{EMAIL_DOMAIN}", "อีเมลส่วนกลาง", priority=20),
                ],
            }
        )
    return units


def provincial_units(province: Any) -> list[dict[str, Any]]:
    code = province.code
    where_th = in_province_th(province)
    short_place = "กรุงเทพฯ" if code == BANGKOK else province.name_th
    office = {
        "code": f"pso-{code}",
        "agency": "ops",
        "name_th": f"สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์{where_th} (พมจ.{short_place})",
        "name_en": f"{province.name_en} Provincial Office of Social Development and Human Security",
        "kind": "provincial_office",
        "province_code": code,
        "areas": [code],
        "contacts": [
            contact("phone", province_phone(code), "โทรศัพท์สำนักงาน (เวลาราชการ)", priority=10),
            contact("email", f"pso{code}@{EMAIL_DOMAIN}", "อีเมลสำนักงาน", priority=20),
        ],
    }
    rapid_code = f"rru-{code}"
    rapid = {
        "code": rapid_code,
        "agency": "centre",
        "name_th": f"ศูนย์ช่วยเหลือสังคม ทีมเคลื่อนที่เร็ว {where_th}",
        "name_en": f"{province.name_en} Rapid Response Team, Social Assistance Center",
        "kind": "rapid_response",
        "province_code": code,
        "areas": [code],
        "contacts": [
            contact(
                "line_group", line_group_id(rapid_code), "กลุ่มไลน์ทีม พม.หนึ่งเดียว", on_call=True, priority=10
            ),
            contact("phone", on_call_mobile(code), "โทรศัพท์เวร 24 ชั่วโมง", on_call=True, priority=20),
            contact("email", f"rru{code}@{EMAIL_DOMAIN}", "อีเมลทีม", priority=30),
        ],
    }
    return [office, rapid]


def build() -> dict[str, Any]:
    provinces = sorted(geothai.provinces(), key=lambda p: p.code)
    units = national_units()
    for province in provinces:
        units.extend(provincial_units(province))
    for unit in units:
        unit["contacts"].sort(key=lambda c: (c["priority"], c["kind"], c["value"]))
    return {
        "agencies": [
            {"code": code, "name_th": name_th, "name_en": name_en, "short_name_th": short, "kind": kind}
            for code, name_th, name_en, short, kind in sorted(AGENCIES)
        ],
        "units": sorted(units, key=lambda u: u["code"]),
        "routing": [
            {"category": category, "agency": agency, "note": note}
            for category, (agency, note) in sorted(ROUTING.items())
        ],
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file is not what geothai would give"
    )
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/build_directory.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
