"""The figures of a labelled file: the trade-off curve of recall against false alarms over the threshold."""

from __future__ import annotations

import pytest

from raksa.triage.evaluation import curve_for_rows, format_curve, threshold_curve


class ThresholdCurveTests:
    def test_it_counts_recall_and_false_alarms_at_each_threshold(self) -> None:
        gold = [True, True, True, True, False, False, False, False, False]
        flagged_at = {
            0.9: [True, True, True, True, True, True, False, False, False],
            0.5: [True, True, False, False, False, False, False, False, False],
            0.7: [True, True, True, False, True, False, False, False, False],
        }
        points = threshold_curve(gold, flagged_at)
        assert [p.threshold for p in points] == [0.5, 0.7, 0.9]
        assert [p.emergency_recall for p in points] == [0.5, 0.75, 1.0]
        assert [p.false_alarm_rate for p in points] == [0.0, 0.2, 0.4]
        assert [(p.missed, p.false_alarms) for p in points] == [(2, 0), (1, 1), (0, 2)]

    def test_it_gives_full_recall_without_emergencies_and_no_false_alarms_without_others(self) -> None:
        assert threshold_curve([False, False], {0.5: [True, False]})[0].emergency_recall == 1.0
        assert threshold_curve([True], {0.5: [False]})[0].false_alarm_rate == 0.0

    def test_it_refuses_decisions_that_do_not_match_the_reports(self) -> None:
        with pytest.raises(ValueError, match="2 decisions for 3 reports"):
            threshold_curve([True, False, True], {0.5: [True, False]})

    def test_it_marks_the_chosen_threshold(self) -> None:
        points = threshold_curve([True, False], {0.5: [True, False], 0.9: [True, True]})
        table = format_curve(points, 0.9).splitlines()
        assert table[2].endswith("*") and not table[1].endswith("*")
        assert points[1].as_dict() == {
            "threshold": 0.9,
            "emergency_recall": 1.0,
            "false_alarm_rate": 1.0,
            "missed": 0,
            "false_alarms": 1,
        }

    def test_it_reads_the_shipped_decision_on_labelled_rows(self) -> None:
        rows = [
            {"text": "มีคนถือมีดขู่จะฆ่าอยู่หน้าบ้าน", "emergency_type": "threat", "category": "other"},
            {"text": "อยากสอบถามเรื่องเบี้ยผู้สูงอายุค่ะ", "emergency_type": None, "category": "elderly_care"},
        ]
        points = curve_for_rows(rows, thresholds=(0.5, 0.99))
        assert [p.threshold for p in points] == [0.5, 0.99]
        # A live strong cue is flagged at every threshold; the recall never falls as the threshold rises.
        assert all(p.emergency_recall == 1.0 for p in points)
        assert points[0].false_alarm_rate <= points[1].false_alarm_rate
