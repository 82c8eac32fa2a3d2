"""Every key of the course-file schema is documented in courses/README.md and has a test that changes
its value and sees the outcome change. A new key without both fails here."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from pydantic import BaseModel

from app.curriculum import schema
from app.curriculum.loader import _model_in

README = Path(__file__).resolve().parents[2] / "courses" / "README.md"
CLI = "tests.cli.test_course_cli::test_broken_copy_fails_with_file_field_and_reason"
PRS = "tests.services.test_second_program"
ENGINE = "tests.unit.test_engine"
SUP = "tests.unit.test_supervision_counting"
COMP = "tests.services.test_competencies"
WELL = "tests.web.test_wellbeing"
TRANSCRIPT = "tests.web.test_transcript::test_the_trainee_downloads_a_transcript_of_what_they_did"

#: schema key -> the test that proves it is enforced
PROOF = {
    "course.toml:slug": "tests.services.test_importer::test_changed_title_is_an_update_not_a_new_module",
    "course.toml:title": "tests.services.test_importer::test_changed_title_is_an_update_not_a_new_module",
    "course.toml:version": "tests.services.test_certificates::test_issued_the_moment_the_last_requirement_is_met_and_only_once",
    "course.toml:weeks": f"{PRS}::test_it_is_an_eight_week_program_with_its_own_rules",
    "course.toml:summary": "tests.services.test_certificates::test_the_credential_is_a_signed_open_badge_that_verifies_offline",
    "course.toml:contact_hours": "tests.services.test_certificates::test_issued_the_moment_the_last_requirement_is_met_and_only_once",
    "course.toml:contact_hours.lecture": "tests.services.test_certificates::test_issued_the_moment_the_last_requirement_is_met_and_only_once",
    "course.toml:contact_hours.role_play": "tests.services.test_certificates::test_issued_the_moment_the_last_requirement_is_met_and_only_once",
    "course.toml:contact_hours.discussion": "tests.services.test_certificates::test_issued_the_moment_the_last_requirement_is_met_and_only_once",
    "course.toml:content": CLI,
    "course.toml:content.min_lecture_words": CLI,
    "course.toml:content.min_quiz_questions": CLI,
    "course.toml:content.objectives": CLI,
    "course.toml:content.objectives.min": CLI,
    "course.toml:content.objectives.max": CLI,
    "course.toml:content.live_session_minutes": CLI,
    "course.toml:content.live_session_minutes.min": CLI,
    "course.toml:content.live_session_minutes.max": CLI,
    "course.toml:content.scenario_minutes": CLI,
    "course.toml:content.scenario_minutes.min": CLI,
    "course.toml:content.scenario_minutes.max": CLI,
    "course.toml:quizzes": f"{PRS}::test_quiz_pass_mark_and_the_latest_attempt_counts",
    "course.toml:quizzes.pass_percent": f"{PRS}::test_quiz_pass_mark_and_the_latest_attempt_counts",
    "course.toml:quizzes.max_attempts": f"{PRS}::test_quiz_pass_mark_and_the_latest_attempt_counts",
    "course.toml:quizzes.counts": "tests.services.test_quizzes::test_a_program_where_the_latest_attempt_counts",
    "course.toml:quizzes.reveal_answers": "tests.web.test_learning::test_quiz_answers_stay_hidden_while_attempts_remain",
    "course.toml:quizzes.time_limit_minutes":
        "tests.services.test_quizzes::test_a_late_submission_is_scored_but_does_not_count_and_uses_the_attempt",
    "course.toml:modules": "tests.unit.test_engine_discussion::test_without_require_discussion_there_is_no_weekly_requirement",
    "course.toml:modules.require_lecture": f"{ENGINE}::test_a_week_is_complete_with_the_lecture_read_and_the_quiz_passed",
    "course.toml:modules.require_quiz_pass": f"{ENGINE}::test_a_quiz_below_the_pass_mark_leaves_the_week_in_progress",
    "course.toml:modules.require_discussion":
        "tests.unit.test_engine_discussion::test_without_require_discussion_there_is_no_weekly_requirement",
    "course.toml:modules.require_roleplay": f"{PRS}::test_it_is_an_eight_week_program_with_its_own_rules",
    "course.toml:attendance": f"{PRS}::test_attendance_counts_neither_late_nor_excused_with_recording",
    "course.toml:attendance.min_live_sessions": f"{PRS}::test_attendance_counts_neither_late_nor_excused_with_recording",
    "course.toml:attendance.required_live_weeks": f"{ENGINE}::test_required_live_weeks_need_live_attendance_not_a_recording",
    "course.toml:attendance.late_counts_as_present": f"{PRS}::test_attendance_counts_neither_late_nor_excused_with_recording",
    "course.toml:attendance.excused_counts_with_recording":
        f"{PRS}::test_attendance_counts_neither_late_nor_excused_with_recording",
    "course.toml:attendance.excused_alternative_for_required_weeks": f"{ENGINE}::test_required_live_weeks_need_live_attendance_not_a_recording",
    "course.toml:deadlines": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:deadlines.lecture": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:deadlines.lecture.due_days": "tests.services.test_fair_completion::test_an_extension_moves_the_due_date_and_is_audited",
    "course.toml:deadlines.lecture.late": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:deadlines.quiz": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:deadlines.quiz.due_days": "tests.services.test_fair_completion::test_an_extension_moves_the_due_date_and_is_audited",
    "course.toml:deadlines.quiz.late": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:deadlines.discussion": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:deadlines.discussion.due_days": "tests.services.test_fair_completion::test_an_extension_moves_the_due_date_and_is_audited",
    "course.toml:deadlines.discussion.late": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:deadlines.roleplay": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:deadlines.roleplay.due_days": "tests.services.test_fair_completion::test_an_extension_moves_the_due_date_and_is_audited",
    "course.toml:deadlines.roleplay.late": "tests.services.test_fair_completion::test_missing_any_single_deadline_is_decided_by_the_program_rule",
    "course.toml:discussion": f"{PRS}::test_six_of_eight_discussions_with_100_words_and_one_reply",
    "course.toml:discussion.initial_post_min_words": "tests.unit.test_engine_discussion::test_a_short_post_and_one_reply_say_what_is_left",
    "course.toml:discussion.peer_replies_min": "tests.unit.test_engine_discussion::test_a_short_post_and_one_reply_say_what_is_left",
    "course.toml:discussion.required_prompts":
        "tests.unit.test_engine_discussion::test_required_prompts_counts_weeks_with_full_participation",
    "course.toml:role_play": "tests.services.test_roleplay_grading::test_revise_opens_a_new_attempt_up_to_the_remediation_limit",
    "course.toml:role_play.summative_weeks": f"{PRS}::test_it_is_an_eight_week_program_with_its_own_rules",
    "course.toml:role_play.remediation_attempts":
        "tests.services.test_roleplay_grading::test_revise_opens_a_new_attempt_up_to_the_remediation_limit",
    "course.toml:role_play.remediation_window_days":
        "tests.services.test_roleplay_grading::test_the_remediation_window_closes_resubmission",
    "course.toml:role_play.double_mark_share":
        "tests.services.test_roleplay_grading::test_sampled_summative_goes_to_a_blind_second_grader_and_agreement_releases_it",
    "course.toml:role_play.borderline_mean": "tests.services.test_roleplay_grading::test_a_borderline_pass_is_double_marked",
    "course.toml:role_play.moderation_gap": "tests.services.test_roleplay_grading::test_the_moderation_gap_is_read_from_the_course",
    "course.toml:role_play.roles": "tests.web.test_roleplay::test_scenario_page_shows_roles_briefs_and_the_crisis_choices",
    "course.toml:role_play.roles.practitioner": f"{PRS}::test_it_is_an_eight_week_program_with_its_own_rules",
    "course.toml:role_play.roles.recipient": f"{PRS}::test_it_is_an_eight_week_program_with_its_own_rules",
    "course.toml:role_play.roles.observer": f"{PRS}::test_it_is_an_eight_week_program_with_its_own_rules",
    "course.toml:supervision": f"{PRS}::test_supervision_categories_and_kinds",
    "course.toml:supervision.session_types": f"{SUP}::test_kinds_a_program_does_not_offer_do_not_count",
    "course.toml:supervision.individual_types": f"{SUP}::test_a_program_can_exclude_triadic_from_individual_hours",
    "course.toml:supervision.observation_types": f"{SUP}::test_kinds_a_program_does_not_offer_do_not_count",
    "course.toml:supervision.min_session_minutes": f"{SUP}::test_sessions_under_the_minimum_do_not_count",
    "course.toml:supervision.max_session_minutes": f"{PRS}::test_logging_follows_the_program_the_hours_are_for",
    "course.toml:supervision.total_hours": f"{SUP}::test_requirements_are_met_exactly_at_their_targets",
    "course.toml:supervision.individual_hours": f"{SUP}::test_a_program_can_exclude_triadic_from_individual_hours",
    "course.toml:supervision.group_max_hours": f"{SUP}::test_without_a_group_cap_all_group_hours_count",
    "course.toml:supervision.group_min_session_minutes": f"{SUP}::test_group_sessions_need_sixty_minutes_and_are_capped",
    "course.toml:supervision.group_max_size": f"{PRS}::test_a_group_larger_than_the_program_allows_is_refused",
    "course.toml:supervision.min_observations": f"{SUP}::test_requirements_are_met_exactly_at_their_targets",
    "course.toml:supervision.distinct_weeks": f"{SUP}::test_requirements_are_met_exactly_at_their_targets",
    "course.toml:supervision.submit_within_days": f"{PRS}::test_logging_follows_the_program_the_hours_are_for",
    "course.toml:supervision.remind_after_days":
        "tests.services.test_supervision::test_reminder_and_escalation_days_come_from_the_program",
    "course.toml:supervision.escalate_after_days":
        "tests.services.test_supervision::test_reminder_and_escalation_days_come_from_the_program",
    "course.toml:supervision.count_sessions_from_other_programs":
        f"{PRS}::test_the_same_hours_are_not_counted_for_both_programs",
    "course.toml:supervision.categories": f"{SUP}::test_hour_categories_each_need_their_minimum",
    "course.toml:supervision.categories.key": f"{PRS}::test_logging_follows_the_program_the_hours_are_for",
    "course.toml:supervision.categories.label": f"{SUP}::test_hour_categories_each_need_their_minimum",
    "course.toml:supervision.categories.min_hours": f"{SUP}::test_hour_categories_each_need_their_minimum",
    "course.toml:supervision.categories.aligns": f"{COMP}::test_hour_categories_print_the_domains_they_count_toward",
    "course.toml:wellbeing": f"{WELL}::test_the_program_files_choose_whether_there_is_a_check_in",
    "course.toml:wellbeing.checkin": f"{WELL}::test_the_program_files_choose_whether_there_is_a_check_in",
    "course.toml:wellbeing.history_weeks": f"{WELL}::test_the_weeks_the_program_names_lead_a_trainee_to_their_check_ins",
    "course.toml:wellbeing.circles": "tests.web.test_circles::test_the_program_files_choose_who_forms_circles",
    "course.toml:wellbeing.circle_size": "tests.web.test_circles::test_a_circle_is_no_bigger_than_the_program_says",
    "course.toml:wellbeing.escalate_after_hours":
        "tests.web.test_wellbeing_support::test_the_hours_before_escalation_come_from_the_program",
    "course.toml:frameworks": TRANSCRIPT,
    "course.toml:frameworks.key": f"{COMP}::test_a_broken_alignment_is_refused_with_where_and_why",
    "course.toml:frameworks.name": "tests.interop.test_open_badges::test_the_credential_is_valid_against_1edtech_achievementcredential_schema",
    "course.toml:frameworks.short_name": TRANSCRIPT,
    "course.toml:frameworks.url": f"{COMP}::test_a_framework_url_is_where_the_credential_points",
    "course.toml:frameworks.competencies": TRANSCRIPT,
    "course.toml:frameworks.competencies.code": f"{COMP}::test_a_broken_alignment_is_refused_with_where_and_why",
    "course.toml:frameworks.competencies.name": TRANSCRIPT,
    "course.toml:certificate": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.title": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.achievement_type": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.criteria": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.code_of_conduct": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.code_of_conduct_file":
        "tests.web.test_certificates::test_the_code_of_conduct_signed_is_the_programs_own_file",
    "course.toml:certificate.disclaimer": "tests.web.test_certificates::test_pdf_carries_everything_a_reader_needs",
    "course.toml:certificate.serial_prefix": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.valid_years": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.require_final_signoff": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.require_code_of_conduct": f"{PRS}::test_its_certificate_texts_come_from_its_files",
    "course.toml:certificate.signatories": "tests.services.test_certificates::test_issued_the_moment_the_last_requirement_is_met_and_only_once",
    "rubric.toml:slug": "tests.services.test_importer::test_import_records_what_changed_on_the_course",
    "rubric.toml:title": "tests.services.test_importer::test_import_records_what_changed_on_the_course",
    "rubric.toml:levels": f"{PRS}::test_rubric_passes_on_four_criteria_at_meets_and_the_ethics_gate",
    "rubric.toml:levels.value": CLI,
    "rubric.toml:levels.label": f"{PRS}::test_rubric_passes_on_four_criteria_at_meets_and_the_ethics_gate",
    "rubric.toml:pass_rule": "tests.unit.test_roleplay_rules::test_a_different_rule_changes_the_verdict_without_code_changes",
    "rubric.toml:pass_rule.min_level": "tests.unit.test_roleplay_rules::test_a_different_rule_changes_the_verdict_without_code_changes",
    "rubric.toml:pass_rule.min_mean": "tests.unit.test_roleplay_rules::test_not_applicable_criteria_are_left_out_of_the_rule",
    "rubric.toml:pass_rule.min_criteria_at_level": "tests.unit.test_roleplay_rules::test_at_least_n_criteria_at_a_level",
    "rubric.toml:pass_rule.min_criteria_at_level.count": "tests.unit.test_roleplay_rules::test_at_least_n_criteria_at_a_level",
    "rubric.toml:pass_rule.min_criteria_at_level.level": "tests.unit.test_roleplay_rules::test_at_least_n_criteria_at_a_level",
    "rubric.toml:pass_rule.gates": f"{PRS}::test_rubric_passes_on_four_criteria_at_meets_and_the_ethics_gate",
    "rubric.toml:pass_rule.gates.criterion": CLI,
    "rubric.toml:pass_rule.gates.min_level": f"{PRS}::test_rubric_passes_on_four_criteria_at_meets_and_the_ethics_gate",
    "rubric.toml:pass_rule.gates.crisis_only": "tests.unit.test_roleplay_rules::test_pass_rule_comes_from_the_course_rubric",
    "rubric.toml:calibration": "tests.unit.test_roleplay_rules::test_exact_and_adjacent_agreement_and_flags",
    "rubric.toml:calibration.min_exact_or_adjacent": "tests.unit.test_roleplay_rules::test_exact_and_adjacent_agreement_and_flags",
    "rubric.toml:calibration.min_weighted_kappa": "tests.unit.test_roleplay_rules::test_exact_and_adjacent_agreement_and_flags",
    "rubric.toml:calibration.required_exemplars":
        "tests.web.test_roleplay::test_an_uncalibrated_grader_grades_formatives_but_is_told_why_not_summatives",
    "rubric.toml:criteria": CLI,
    "rubric.toml:criteria.key": CLI,
    "rubric.toml:criteria.title": "tests.unit.test_roleplay_rules::test_pass_rule_is_described_in_plain_words",
    "rubric.toml:criteria.anchors": CLI,
    "rubric.toml:criteria.aligns": TRANSCRIPT,
    "rubric.toml:demonstrated_level": f"{COMP}::test_a_rubric_may_set_its_demonstrated_level",
    "module.toml:week": CLI,
    "module.toml:slug": CLI,
    "module.toml:title": "tests.services.test_importer::test_changed_title_is_an_update_not_a_new_module",
    "module.toml:summary": "tests.services.test_importer::test_import_records_what_changed_on_the_course",
    "module.toml:objectives": CLI,
    "module.toml:live_session": CLI,
    "module.toml:live_session.minutes": CLI,
    "module.toml:live_session.agenda": "tests.web.test_learning::test_live_session_time_is_shown_in_the_trainees_zone",
    "module.toml:discussion": "tests.services.test_second_program::test_a_week_may_have_no_quiz_role_play_or_discussion",
    "module.toml:discussion.slug": CLI,
    "module.toml:discussion.title": "tests.web.test_discussion::test_the_prompt_thread_opens_when_someone_first_looks_after_the_week_opens",
    "module.toml:discussion.prompt": "tests.web.test_discussion::test_the_prompt_thread_opens_when_someone_first_looks_after_the_week_opens",
    "module.toml:discussion.initial_post_min_words": "tests.unit.test_engine_discussion::test_a_week_can_set_its_own_discussion_rule",
    "module.toml:discussion.peer_replies_min": "tests.unit.test_engine_discussion::test_a_week_can_set_its_own_discussion_rule",
    "module.toml:discussion.required": "tests.unit.test_engine_discussion::test_a_week_can_set_its_own_discussion_rule",
    "scenario.toml:slug": CLI,
    "scenario.toml:title": "tests.web.test_roleplay::test_scenario_page_shows_roles_briefs_and_the_crisis_choices",
    "scenario.toml:assessment": CLI,
    "scenario.toml:crisis": "tests.services.test_importer::test_summative_and_crisis_flags_come_from_the_files",
    "scenario.toml:duration_minutes": CLI,
    "scenario.toml:turns": CLI,
    "scenario.toml:lab_minutes": CLI,
    "scenario.toml:setting": "tests.web.test_roleplay::test_scenario_page_shows_roles_briefs_and_the_crisis_choices",
    "scenario.toml:debrief_questions": "tests.web.test_roleplay::test_scenario_page_shows_roles_briefs_and_the_crisis_choices",
    "scenario.toml:roles": "tests.web.test_roleplay::test_scenario_page_shows_roles_briefs_and_the_crisis_choices",
    "scenario.toml:roles.key": "tests.services.test_second_program::test_it_is_an_eight_week_program_with_its_own_rules",
    "scenario.toml:roles.description": "tests.web.test_roleplay::test_scenario_page_shows_roles_briefs_and_the_crisis_choices",
    "scenario.toml:roles.brief": "tests.web.test_roleplay_briefs::test_a_trainee_reads_only_the_brief_of_the_role_they_play",
    "scenario.toml:roles.label": "tests.web.test_roleplay::test_scenario_page_shows_roles_briefs_and_the_crisis_choices",
    "scenario.toml:content_note": CLI,
    "scenario.toml:alternative": "tests.web.test_roleplay::test_scenario_page_shows_roles_briefs_and_the_crisis_choices",
    "scenario.toml:not_applicable": "tests.unit.test_roleplay_rules::test_not_applicable_criteria_are_left_out_of_the_rule",
    "quiz.toml:slug": CLI,
    "quiz.toml:title": "tests.web.test_learning::test_quiz_page_holds_no_answers_and_bad_submissions_record_nothing",
    "quiz.toml:pass_percent": "tests.services.test_quizzes::test_scoring_is_exact_per_question_and_the_best_score_is_kept",
    "quiz.toml:max_attempts": "tests.services.test_quizzes::test_no_attempt_after_the_limit",
    "quiz.toml:questions": CLI,
    "quiz.toml:questions.kind": "tests.cli.test_course_cli::test_quiz_with_two_correct_single_choice_options_fails",
    "quiz.toml:questions.prompt": "tests.web.test_learning::test_quiz_page_holds_no_answers_and_bad_submissions_record_nothing",
    "quiz.toml:questions.options": "tests.cli.test_course_cli::test_quiz_with_two_correct_single_choice_options_fails",
    "quiz.toml:questions.options.text": "tests.web.test_learning::test_quiz_page_holds_no_answers_and_bad_submissions_record_nothing",
    "quiz.toml:questions.options.correct": "tests.services.test_quizzes::test_scoring_is_exact_per_question_and_the_best_score_is_kept",
    "quiz.toml:questions.options.feedback": "tests.web.test_learning::test_quiz_answers_stay_hidden_while_attempts_remain",
}


def schema_keys() -> set[str]:
    keys: set[str] = set()

    def walk(model: type[BaseModel], file: str, prefix: str) -> None:
        for name, field in model.model_fields.items():
            path = f"{prefix}{name}"
            keys.add(f"{file}:{path}")
            inner = _model_in(field.annotation)
            if inner is not None:
                walk(inner, file, f"{path}.")

    walk(schema.CourseFile, "course.toml", "")
    walk(schema.RubricFile, "rubric.toml", "")
    walk(schema.ModuleFile, "module.toml", "")
    walk(schema.ScenarioFile, "scenario.toml", "")
    walk(schema.QuizFile, "quiz.toml", "")
    return keys


def test_every_course_file_key_has_a_proving_test():
    missing = sorted(schema_keys() - set(PROOF))
    stale = sorted(set(PROOF) - schema_keys())
    assert not missing, f"keys without a test: {missing}"
    assert not stale, f"tests named for keys that no longer exist: {stale}"


def test_every_named_test_exists():
    for key, ref in PROOF.items():
        module, _, name = ref.partition("::")
        assert hasattr(importlib.import_module(module), name), f"{key}: {ref} does not exist"


def test_every_key_is_documented():
    text = README.read_text(encoding="utf-8")
    for key in schema_keys():
        path = key.split(":", 1)[1]
        leaf = path.rsplit(".", 1)[-1]
        in_braces = re.search(r"\{[^}]*\b" + re.escape(leaf) + r"\b[^}]*\}", text)
        assert f"`{leaf}`" in text or f"[{path}]" in text or f"[[{path}]]" in text or in_braces, \
            f"{key} is not documented in courses/README.md"
