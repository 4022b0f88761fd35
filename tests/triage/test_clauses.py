"""Clause splitting, and the live-clause rule: one clause of danger happening now makes a long report an emergency."""

from __future__ import annotations

from raksa.triage.classifier import classify_offline, decide, shipped_model
from raksa.triage.clauses import live_clause, split_clauses
from raksa.triage.normalize import normalize

WELFARE_OPENING = (
    "เรียนเจ้าหน้าที่ ดิฉันขอยื่นคำร้องขอรับเงินสงเคราะห์ครอบครัวผู้มีรายได้น้อย เนื่องจากสามีตกงานมาสามเดือน "
    "ลูกสองคนกำลังเรียนชั้นประถม ค่าเช่าบ้านค้างสองเดือน "
)
WELFARE_CLOSING = "และขอสอบถามเรื่องเบี้ยผู้พิการของแม่ที่นอนติดเตียงด้วยค่ะ ขอบคุณค่ะ"
# A formal request for a school grant with one live clause in it; read whole, the model answers "none".
GRANT_WITH_LIVE_CLAUSE = (
    "เรียนเจ้าหน้าที่ ขอความอนุเคราะห์เรื่องทุนการศึกษาของบุตรสาว ชั้น ม.2 เนื่องจากครอบครัวมีรายได้ไม่แน่นอน "
    "บิดาทำงานรับจ้างทั่วไป ตอนนี้พ่อเลี้ยงกำลังพังประตูห้องน้ำจะเข้ามาหาลูก และขอสอบถามสิทธิ์บัตรสวัสดิการแห่งรัฐด้วยค่ะ"
)


def _scorer(text: str):
    scores = shipped_model().scores(text)
    return scores.emergency, scores.reading


class SplitClausesTests:
    def test_it_splits_thai_at_spaces_and_before_opening_words(self) -> None:
        clauses = [
            c.text for c in split_clauses(normalize("สามีตกงานมาสามเดือนแต่ตอนนี้เขาเมา และขอสอบถามเรื่องเบี้ย"))
        ]
        assert clauses == ["สามีตกงานมาสามเดือน", "แต่ตอนนี้เขาเมา", "และขอสอบถามเรื่องเบี้ย"]

    def test_it_splits_english_at_punctuation_commas_and_now(self) -> None:
        clauses = [
            c.text for c in split_clauses(normalize("we need food. but now he is drunk, he is at the door"))
        ]
        assert clauses == ["we need food", "but now he is drunk", "he is at the door"]

    def test_it_keeps_each_clause_in_its_place(self) -> None:
        text = normalize(WELFARE_OPENING + WELFARE_CLOSING)
        for clause in split_clauses(text):
            assert text[clause.start : clause.end] == clause.text


class LiveClauseTests:
    def test_a_live_clause_in_a_long_welfare_request_makes_it_an_emergency(self) -> None:
        result = classify_offline(WELFARE_OPENING + "ตอนนี้เขากำลังถือมีดอยู่หน้าบ้าน " + WELFARE_CLOSING)
        assert result.emergency_type == "threat"
        assert result.urgency == "emergency"

    def test_the_same_request_without_it_is_no_emergency(self) -> None:
        result = classify_offline(WELFARE_OPENING + WELFARE_CLOSING)
        assert result.emergency_type is None

    def test_it_finds_the_clause_the_whole_text_averages_away(self) -> None:
        model = shipped_model()
        assert decide(model, model.scores(GRANT_WITH_LIVE_CLAUSE)).emergency_type is None
        result = classify_offline(GRANT_WITH_LIVE_CLAUSE)
        assert result.emergency_type is not None
        assert "พังประตู" in result.evidence

    def test_it_shows_the_live_clause_on_its_own(self) -> None:
        found = live_clause(normalize(GRANT_WITH_LIVE_CLAUSE), _scorer, shipped_model().threshold)
        assert found is not None
        assert found.clause.text.startswith("ตอนนี้พ่อเลี้ยงกำลังพังประตู")

    def test_a_long_story_that_says_it_is_over_stays_no_emergency(self) -> None:
        text = (
            "เมื่อสามปีก่อนเคยโดนแฟนเก่าทำร้าย คืนนั้นเขากำลังเมาและไล่ตีฉันรอบบ้าน ฉันหนีไปอยู่กับแม่ "
            "เรื่องจบไปแล้ว อยากปรึกษาเรื่องสิทธิ์ค่ะ"
        )
        model = shipped_model()
        normalized = normalize(text)
        assert live_clause(normalized, _scorer, model.threshold) is None
        assert classify_offline(text).emergency_type is None

    def test_a_short_report_is_read_whole(self) -> None:
        assert live_clause(normalize("ตอนนี้กำลังพังประตู"), _scorer, shipped_model().threshold) is None
