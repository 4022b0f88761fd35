"""Triage decisions as a call-taker sees them: emergency type, category, urgency, confidence and evidence.

Plain pytest classes: triage is a pure library, these tests need neither Django nor a database.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from raksa.core.identifiers import make_national_id
from raksa.triage import EMERGENCY_TYPES, TriageResult, triage
from raksa.triage.classifier import classify_offline, decide, shipped_model
from raksa.triage.evaluation import Evaluation, evaluate, read_jsonl
from raksa.triage.training import train

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "data" / "triage" / "dev.jsonl"
DEV_READERS = ROOT / "data" / "triage" / "dev_readers.jsonl"
# Sets a, b, c and d of the independent hand-written reports are part of training (build_train.py names them);
# any other file in the held-out folder is sealed for the lead's final figure and is never opened here.
HOLDOUT = ROOT / "data" / "triage" / "holdout"
TRAINED_HALVES = tuple(HOLDOUT / name for name in ("a.jsonl", "b.jsonl", "c.jsonl", "d.jsonl"))
# Hand-written training rows outside the held-out folder (round two's kinds), also named by build_train.py.
ROUND2 = ROOT / "data" / "triage" / "round2.jsonl"
# Round three's hand-written rows, of the kinds set f's error analysis found missing.
ROUND3 = ROOT / "data" / "triage" / "round3.jsonl"
HAND_WRITTEN = (*TRAINED_HALVES, ROUND2, ROUND3)
TRAIN = ROOT / "data" / "triage" / "train.jsonl"


class EmergencyTests:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ผู้ชายข้างห้องถือมีดตะโกนว่าจะฆ่าเมีย ตอนนี้ยังไม่ออกมา", "threat"),
            ("a man outside my house is threatening to stab me", "threat"),
            ("นายจ้างขังพวกเราไว้ในโกดัง ไม่ให้ออกไปไหน", "detention"),
            ("my employer locked us in the warehouse and we cannot leave", "detention"),
            ("ลุงข้างบ้านพยายามลวนลามหลานสาว 10 ขวบ ตอนนี้อยู่กันสองคน", "abuse_risk"),
            ("a stranger keeps trying to molest my niece, they are alone now", "abuse_risk"),
            ("คนเมายาบ้าคลุ้มคลั่งถือมีดไล่คนในตลาด", "frenzy"),
            ("a man on meth is going crazy and attacking people in the market", "frenzy"),
            ("ชายเมาขาดสติถือมีดไล่แทงคนในงานวัด ตอนนี้ยังวิ่งไล่อยู่", "frenzy"),
            ("my brother took all his pills and is cutting himself in his room", "frenzy"),
            ("วัยรุ่นมั่วสุมเสพยาในบ้านร้างท้ายซอย", "gathering"),
            ("a gang of teenagers is doing drugs in the empty lot right now", "gathering"),
        ],
    )
    def test_it_recognises_each_emergency_in_thai_and_english(self, text: str, expected: str) -> None:
        result = triage(text)
        assert result.emergency_type == expected
        assert result.urgency == "emergency"

    def test_it_gives_an_emergency_its_category_too(self) -> None:
        assert triage("ผัวถือมีดขู่จะฆ่า ตอนนี้หนูหลบอยู่ในห้อง").category == "family_violence"
        assert triage("คนงานพม่าถูกนายจ้างขังไว้ ยึดพาสปอร์ตหมด").category == "human_trafficking"
        assert triage("ลูกชายเมายาบ้าคลั่ง ทุบข้าวของในบ้าน").category == "drugs"

    def test_it_reads_a_line_style_short_message(self) -> None:
        result = triage("ช่วยด้วย มีคนถือมีดขู่ อยู่หน้าเซเว่น")
        assert result.emergency_type == "threat"
        assert any("ถือมีด" in phrase for phrase in result.evidence)

    def test_it_reads_stretched_and_misspelt_words(self) -> None:
        assert triage("ช่วยยยยย ผัวจะฆ่าาาา").emergency_type == "threat"


class RareEmergencyTests:
    """Situations rare in training data that the strong cues must never let through as "none"."""

    @pytest.mark.parametrize(
        "text",
        [
            "มีคนโทรมาว่าจับตัวน้องชายไว้ ถ้าไม่โอนเงินสามแสนพรุ่งนี้เช้าจะไม่ได้เห็นหน้ากันอีก",
            "my sister was kidnapped, they want money by tonight",
            "เจ้าของร้านบอกว่าคืนนี้หนูต้องรับแขกคนแรก ถ้าไม่ยอมจะไม่คืนบัตรประชาชน",
            "the bar owner says i must sleep with a customer tonight or pay back the debt",
            "แฟนขู่ว่าจะถีบท้องให้ลูกหลุด ตอนนี้เดินหาอยู่แถวหอ",
            "he said he will kick my belly until i lose the baby, he is on his way",
            "เจ้าหนี้บอกว่าถ้าไม่จ่ายภายในวันนี้จะหักขา ตอนนี้ลูกน้องมันนั่งเฝ้าอยู่หน้าร้าน",
            "ผู้ชายคนนั้นขู่ว่าคืนนี้จะมาเอาเรื่องที่บ้าน",
        ],
    )
    def test_it_flags_rare_but_grave_situations(self, text: str) -> None:
        assert triage(text).urgency == "emergency"

    def test_it_does_not_read_never_as_the_past(self) -> None:
        # "ไม่เคยเห็นออกมา" (never seen coming out) does not make the confinement a past story.
        result = triage("ได้ยินเสียงเด็กร้องในห้องหลังร้าน ถูกขังไว้ ไม่เคยเห็นออกมาเลย")
        assert result.emergency_type == "detention"

    def test_it_keeps_the_past_to_its_own_clause(self) -> None:
        result = triage("น้าเขยเคยจับหนูมาแล้ว คืนนี้พยายามเข้ามาในห้องหนูอีก แม่ไม่อยู่")
        assert result.urgency == "emergency"

    def test_it_does_not_take_a_living_room_for_sex_work(self) -> None:
        result = triage("อยากขอเงินช่วยเหลือซ่อมห้องรับแขก หลังคารั่ว ไม่มีเงิน")
        assert result.emergency_type is None


class FrenzyOrThreatTests:
    @pytest.mark.parametrize(
        "text",
        [
            "ผัวเมาเหล้าขาวมา ถือมีดไล่ฟันคนในบ้าน ตอนนี้ยังไม่หยุด",
            "น้องชายเสพยาบ้ามาสามวันไม่นอน เห็นผี ถือมีดเดินไปมาในบ้าน",
            "my brother is high on meth and swinging a machete in the yard right now",
        ],
    )
    def test_it_reads_violence_by_a_mind_out_of_reach_as_a_frenzy(self, text: str) -> None:
        assert triage(text).emergency_type == "frenzy"

    @pytest.mark.parametrize(
        "text",
        [
            "ลูกเขยเมาแล้วเอาไม้ฟาดโต๊ะ ขู่ว่าถ้าไม่ให้เงินจะเผาบ้าน",  # money demanded: extortion
            "แฟนเก่าส่งรูปปืนมา บอกว่าจะยิงหนูตอนเลิกงานคืนนี้",  # harm promised, nobody out of his mind
        ],
    )
    def test_it_keeps_promised_harm_a_threat(self, text: str) -> None:
        assert triage(text).emergency_type == "threat"


class NegationAndPastTests:
    def test_it_does_not_raise_an_emergency_for_a_negated_cue(self) -> None:
        result = triage("ไม่ได้ถูกขังค่ะ แค่อยากถามเรื่องเบี้ยผู้สูงอายุ")
        assert result.emergency_type is None
        assert result.category == "elderly_care"
        assert "ไม่ได้ถูกขัง" in result.evidence

    def test_it_does_not_raise_an_emergency_for_an_english_negation(self) -> None:
        result = triage(
            "nobody is threatening me and i am not locked in, i just want to ask about the allowance"
        )
        assert result.emergency_type is None

    def test_it_treats_a_past_event_as_no_emergency_now(self) -> None:
        result = triage("เมื่อปีที่แล้วเคยถูกขัง ตอนนี้ปลอดภัยแล้ว")
        assert result.emergency_type is None
        assert result.urgency != "emergency"
        assert "เมื่อปีที่แล้ว" in result.evidence

    def test_it_treats_an_english_past_event_as_no_emergency_now(self) -> None:
        assert (
            triage("years ago my ex husband threatened me with a knife, now i am safe").emergency_type is None
        )

    def test_it_keeps_the_emergency_when_the_past_comes_back_now(self) -> None:
        result = triage("เคยถูกสามีทำร้ายเมื่อปีก่อน ตอนนี้เขากลับมาอีก ถือมีดอยู่หน้าบ้าน")
        assert result.emergency_type == "threat"

    def test_it_reads_a_long_story_of_the_past_told_now_as_no_emergency(self) -> None:
        # "ตอนนี้" tells where the story has got to, not that the knife is back: each cue sits beside its "เคย".
        result = triage(
            "ขอเล่าเรื่องของดิฉันค่ะ แต่งงานมาสิบปี สามีเคยถูกจับเพราะเอามีดจ่อคอดิฉัน เคยขังดิฉันไว้ในห้อง "
            "ตอนนี้ดิฉันย้ายมาอยู่กับแม่ที่ต่างจังหวัด ยังไม่ได้หย่า อยากทราบขั้นตอนการฟ้องหย่าค่ะ"
        )
        assert result.emergency_type is None
        assert result.category == "family_violence"

    def test_it_keeps_a_live_clause_after_a_story_of_the_past(self) -> None:
        result = triage("เมื่อปีก่อนผัวเคยขังหนูไว้ในห้อง ตอนนี้เขาถือมีดยืนอยู่หน้าห้องหนู บอกจะฆ่า")
        assert result.emergency_type == "threat"

    def test_it_treats_last_night_as_over_only_when_the_report_says_so(self) -> None:
        over = triage("เมื่อวานพ่อเลี้ยงถือมีดไล่แม่ ตอนนี้ตำรวจพาตัวไปแล้ว แม่ปลอดภัยอยู่บ้านยาย อยากปรึกษาเรื่องคดี")
        assert over.emergency_type is None
        still = triage("เมื่อคืนผัวขังหนูไว้ในห้อง ออกไปไหนไม่ได้")
        assert still.emergency_type == "detention"

    def test_it_lets_one_negation_cover_a_pair_joined_by_or(self) -> None:
        result = triage("ไม่ได้ถูกข่มขู่หรือถูกขังอะไรนะคะ แค่อยากถามเรื่องย้ายสิทธิ์บัตรทอง")
        assert result.emergency_type is None

    def test_it_reads_weeks_ago_as_over_when_the_report_says_so(self) -> None:
        result = triage("เมื่อสองอาทิตย์ก่อนมีคนเมาถือมีดมาขู่หน้าร้าน ตำรวจจับไปแล้ว ตอนนี้ไม่มีอะไรแล้ว อยากขอคำแนะนำ")
        assert result.emergency_type is None

    def test_it_does_not_take_the_hotlines_name_for_a_call_for_help(self) -> None:
        from raksa.triage import lexicon
        from raksa.triage.normalize import normalize

        reading = lexicon.read(normalize("สายด่วน 1300 เปิดกี่โมงถึงกี่โมงคะ"))
        assert not reading.help_call
        assert reading.advice
        assert triage("สายด่วน 1300 เปิดกี่โมงถึงกี่โมงคะ วันหยุดรับสายไหม").emergency_type is None

    def test_it_does_not_read_the_time_of_day_as_the_end_of_the_story(self) -> None:
        from raksa.triage import lexicon
        from raksa.triage.normalize import normalize

        reading = lexicon.read(normalize("เจ้าหนี้ให้เวลาถึงหกโมงเย็นนี้ ตอนนี้บ่ายสองแล้ว"))
        assert not reading.resolved
        assert reading.imminent

    def test_it_does_not_take_a_road_name_for_a_weapon(self) -> None:
        from raksa.triage import lexicon
        from raksa.triage.normalize import normalize

        reading = lexicon.read(normalize("อยากสอบถามเรื่องเบี้ยผู้สูงอายุ บ้านอยู่ซอยลาดพร้าว 71"))
        assert not reading.emergency

    def test_it_reads_an_age_from_sixty_up_as_an_elder(self) -> None:
        from raksa.triage import lexicon
        from raksa.triage.normalize import normalize

        def elder(text: str) -> bool:
            return any(c.label == "elderly_care" for c in lexicon.read(normalize(text)).category)

        assert elder("แม่ของผมอายุ 83 อยู่คนเดียว")
        assert not elder("ลูกอายุ 60 วัน ไม่มีนมผง")


class ReporterTests:
    def test_it_accepts_a_witness_report(self) -> None:
        result = triage("เห็นเพื่อนบ้านถูกสามีเอาปืนจ่อหัว ได้ยินเสียงร้อง")
        assert result.emergency_type == "threat"
        assert result.category == "family_violence"

    def test_it_reads_english_only(self) -> None:
        result = triage("my stepfather keeps coming into my room at night, mom is away tonight")
        assert result.emergency_type == "abuse_risk"

    def test_it_reads_mixed_thai_and_english(self) -> None:
        result = triage("help เราโดนขังอยู่ใน factory boss ยึด passport")
        assert result.emergency_type == "detention"
        assert result.category == "human_trafficking"

    def test_it_routes_an_ordinary_request_as_normal(self) -> None:
        result = triage("อยากทำบัตรคนพิการให้ลูก ต้องใช้เอกสารอะไรบ้าง")
        assert result.emergency_type is None
        assert result.category == "disability_support"
        assert result.urgency == "normal"
        assert result.confidence > 0.5


class SafetyBiasTests:
    def test_it_answers_an_unsure_emergency_with_a_low_confidence(self) -> None:
        # "none" is the single likeliest answer but not clearly dominant: the emergency wins, flagged as unsure.
        model = shipped_model()
        scores = model.scores("มีผู้ชายแปลกหน้ายืนมองบ้านอยู่นานแล้ว")
        p_none = (model.threshold + 0.5) / 2
        unsure = replace(
            scores,
            emergency={
                "none": p_none,
                "threat": 1 - p_none - 0.04,
                **dict.fromkeys(EMERGENCY_TYPES[1:], 0.01),
            },
        )
        result = decide(model, unsure)
        assert result.emergency_type == "threat"
        assert result.urgency == "emergency"
        assert result.confidence < 0.5

    def test_it_never_answers_none_to_a_live_strong_cue(self) -> None:
        # Odd wording the model has not seen, but "ถูกขัง" is live: the safety net keeps the emergency.
        result = classify_offline("เลขบัญชีธนาคาร ถูกขัง")
        assert result.emergency_type == "detention"

    def test_it_treats_a_bare_call_for_help_as_an_emergency(self) -> None:
        assert triage("ช่วยด้วย").urgency == "emergency"
        assert triage("SOS").urgency == "emergency"

    def test_it_gives_scores_that_sum_to_one(self) -> None:
        result = classify_offline("ลูกติดยา อยากพาไปบำบัด")
        assert sum(result.emergency_scores.values()) == pytest.approx(1.0, abs=1e-3)
        assert sum(result.category_scores.values()) == pytest.approx(1.0, abs=1e-3)


class EvidenceTests:
    def test_it_shows_the_phrase_that_decided_it(self) -> None:
        result = triage("พ่อเลี้ยงพยายามข่มขืนน้องสาว คืนนี้แม่ไม่อยู่บ้าน")
        assert result.emergency_type == "abuse_risk"
        assert "ข่มขืน" in result.evidence

    def test_it_shows_category_cues_for_a_non_emergency(self) -> None:
        result = triage("มีเด็กขอทานอยู่หน้าห้างทุกวัน")
        assert result.category == "begging"
        assert "ขอทาน" in result.evidence


class PipelineEntitiesTests:
    """triage() passes the raw text to entity extraction and routing; the contract keys come through."""

    def test_it_reads_thai_digits_in_a_phone(self) -> None:
        assert triage("แจ้งเบอร์ ๐๘๙๑๒๓๔๕๖๗ ครับ ยายอยู่คนเดียว").entities.phones == ("0891234567",)

    def test_it_reads_a_plus66_phone(self) -> None:
        assert triage("ลูกติดยา อยากพาไปบำบัด โทร +66 81 234 5678").entities.phones == ("0812345678",)

    def test_it_refuses_an_invalid_check_digit(self) -> None:
        valid = make_national_id("110170023070")
        invalid = valid[:12] + str((int(valid[12]) + 1) % 10)
        entities = triage(f"เลขบัตร {valid} และของแม่ {invalid}").entities
        assert entities.national_ids == (valid,)
        assert entities.invalid_national_ids == (invalid,)

    def test_it_finds_a_bangkok_khet_and_khwaeng(self) -> None:
        result = triage("คนไร้บ้านนอนอยู่หน้าตลาด แขวงคลองจั่น เขตบางกะปิ")
        assert result.entities.province_codes == ("10",)
        assert result.entities.district_codes == ("1006",)

    def test_it_finds_the_province_from_a_postal_code_alone(self) -> None:
        result = triage("ยายอยู่คนเดียว ไม่มีคนดูแล รหัสไปรษณีย์ 50200")
        assert result.entities.province_codes == ("50",)

    def test_it_routes_an_emergency_to_the_provinces_rapid_response_unit(self) -> None:
        result = triage("ช่วยด้วย ผัวถือมีดขู่ฆ่า บ้านอยู่ อ.เมือง จ.ขอนแก่น")
        assert result.routing is not None
        assert result.routing.unit_code == "rru-40"

    def test_it_serialises_to_the_cli_contract(self) -> None:
        data = triage("มีคนถือมีดขู่").as_dict()
        assert set(data) >= {"emergency_type", "category", "urgency", "confidence", "evidence", "entities"}
        assert set(data["entities"]) >= {
            "phones",
            "national_ids",
            "invalid_national_ids",
            "province_codes",
            "district_codes",
            "ages",
        }
        json.dumps(data, ensure_ascii=False)


def _figures(rows: list[dict], *, at_least: int) -> Evaluation:
    """The shipped model's figures on a labelled set, which must hold at least `at_least` rows."""
    assert len(rows) >= at_least
    return evaluate(rows, [classify_offline(r["text"]).as_dict() for r in rows])


class DevSetQualityTests:
    """An honest regression guard: the shipped model on the hand-written dev set (never trained on)."""

    def test_it_meets_the_quality_floors_on_the_dev_set(self) -> None:
        ev = _figures(read_jsonl(DEV), at_least=300)
        assert ev.emergency_recall >= 0.97
        assert ev.false_alarm_rate <= 0.10
        assert ev.emergency.macro_f1 >= 0.90
        assert ev.category.macro_f1 >= 0.85

    def test_it_reads_the_kinds_the_readers_are_for(self) -> None:
        # Romanised Thai, Thai on Latin keys, a live clause in a long report, questions, jokes and stories:
        # written with the readers, so a guard against losing them, not a fair figure (0.44 recall and 0.41
        # false alarms before the readers; 1.00 and 0.00 with them).
        ev = _figures(read_jsonl(DEV_READERS), at_least=50)
        assert ev.emergency_recall >= 0.99
        assert ev.false_alarm_rate <= 0.05
        assert ev.emergency.macro_f1 >= 0.90
        assert ev.category.macro_f1 >= 0.80

    def test_it_holds_its_figures_on_the_held_out_set_e(self) -> None:
        # Set e was written blind and is never trained on; these floors sit just under its one measurement
        # (recall 1.000, false alarms 0.113, emergency macro-F1 0.894, category macro-F1 0.917), so a retrain
        # that loses ground on reports nobody tuned for fails here.
        ev = _figures(read_jsonl(HOLDOUT / "e.jsonl"), at_least=300)
        assert ev.emergency_recall >= 0.97
        assert ev.false_alarm_rate <= 0.13
        assert ev.emergency.macro_f1 >= 0.87
        assert ev.category.macro_f1 >= 0.89

    def test_it_holds_its_figures_on_the_sealed_set_f(self) -> None:
        # Set f (330 reports of the round-two kinds) was written by someone who saw neither the code nor the data,
        # and measured once, on the round-two model (recall 0.979, false alarms 0.142, emergency macro-F1 0.792,
        # category macro-F1 0.854): floors just under it, so a retrain that loses ground there fails.
        ev = _figures(read_jsonl(HOLDOUT / "f.jsonl"), at_least=330)
        assert ev.emergency_recall >= 0.97
        assert ev.false_alarm_rate <= 0.16
        assert ev.emergency.macro_f1 >= 0.77
        assert ev.category.macro_f1 >= 0.83

    def test_it_holds_its_figures_on_the_sealed_set_g(self) -> None:
        # Set g (330 reports of the round-two kinds, another blind writer) was measured once on the round-two model
        # and once on the round-three model (recall 0.936, false alarms 0.137, emergency macro-F1 0.735, category
        # macro-F1 0.818), its rows and errors unread: floors just under that, so a retrain that loses ground on
        # reports nobody tuned for fails here.
        ev = _figures(read_jsonl(HOLDOUT / "g.jsonl"), at_least=330)
        assert ev.emergency_recall >= 0.93
        assert ev.false_alarm_rate <= 0.15
        assert ev.emergency.macro_f1 >= 0.72
        assert ev.category.macro_f1 >= 0.80

    def test_it_fits_the_hand_written_halves_it_was_trained_on(self) -> None:
        # A sanity check of the fit, not a fair floor: sets a, b, c and d are training data now.
        rows = [r for path in TRAINED_HALVES for r in read_jsonl(path)]
        assert len(rows) >= 500
        predictions = [classify_offline(r["text"]).as_dict() for r in rows]
        ev = evaluate(rows, predictions)
        assert ev.emergency_recall >= 0.99
        assert ev.false_alarm_rate <= 0.10
        assert ev.category.macro_f1 >= 0.90

    def test_it_keeps_dev_apart_from_train(self) -> None:
        train_texts = {r["text"] for r in read_jsonl(TRAIN)}
        assert len(train_texts) >= 1500
        assert not [r for r in read_jsonl(DEV) if r["text"] in train_texts]
        assert not [r for r in read_jsonl(DEV_READERS) if r["text"] in train_texts]

    def test_it_keeps_the_sealed_sets_apart_from_train(self) -> None:
        train_texts = {" ".join(r["text"].split()) for r in read_jsonl(TRAIN)}
        # One row of f is a bare cry for help on English keys that the training writer also wrote, independently.
        known = {"hf-049"}
        for sealed in ("e.jsonl", "f.jsonl", "g.jsonl"):
            rows = read_jsonl(HOLDOUT / sealed)
            shared = [
                r["id"] for r in rows if " ".join(r["text"].split()) in train_texts and r["id"] not in known
            ]
            assert not shared, sealed

    def test_it_trains_on_the_named_hand_written_halves_only(self) -> None:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "build_train", ROOT / "data" / "triage" / "build_train.py"
        )
        assert spec is not None and spec.loader is not None
        build_train = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(build_train)
        assert tuple(build_train.HANDWRITTEN) == HAND_WRITTEN
        # build_train.py folds whitespace, as in a report written over several lines.
        halves = {" ".join(r["text"].split()) for path in HAND_WRITTEN for r in read_jsonl(path)}
        hand_written = [r for r in read_jsonl(TRAIN) if r["group"].startswith("h:")]
        assert len(hand_written) == len(halves)
        assert all(
            r["text"] in halves and r["group"][2:4] in ("ha", "hb", "hc", "hd", "r2", "r3")
            for r in hand_written
        )
        # Named one by one: a file later added to the held-out folder never slips into training.
        source = (ROOT / "data" / "triage" / "build_train.py").read_text(encoding="utf-8")
        assert not [call for call in ("glob(", "iterdir(", "listdir(", "scandir(", "walk(") if call in source]


class TrainingTests:
    def test_it_trains_deterministically(self, tmp_path: Path) -> None:
        rows = read_jsonl(TRAIN)[::6]
        first = train(rows, out=tmp_path / "a.json", folds=2)
        second = train(list(reversed(rows)), out=tmp_path / "b.json", folds=2)
        assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
        assert first["threshold"] == second["threshold"]
        from raksa.triage.classifier import Model

        model = Model.load(tmp_path / "a.json")
        result = classify_offline("มีคนถือมีดขู่จะฆ่า", model=model)
        assert isinstance(result, TriageResult)
        assert result.emergency_type == "threat"
