using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Audit;
using OrthoScan.Api.Tests.Billing;
using OrthoScan.Api.Tests.DataRights;
using OrthoScan.Api.Tests.Practices;
using OrthoScan.Api.Tests.Scans;
using OrthoScan.Api.Tests.Tagging;

namespace OrthoScan.Api.Tests.Isolation;

/// <summary>A test method that proves one practice can neither read nor change another practice's rows of a table.</summary>
public sealed record CrossTenantTest(Type Class, string Method)
{
    public override string ToString() => $"{Class.Name}.{Method}";
}

/// <summary>
/// Every tenant table (an entity with a PracticeId) and its cross-tenant tests. <c>TenantModelTests</c> checks this
/// against the EF model: a new tenant entity fails the build's tests until its table gets forced row-level security
/// in a migration and a cross-tenant test named here (or, rarely, a reason in <see cref="Exempt"/>).
/// </summary>
public static class CrossTenantCoverage
{
    public static readonly IReadOnlyDictionary<string, CrossTenantTest[]> ByTable = new Dictionary<string, CrossTenantTest[]>
    {
        ["practice_members"] = [Test<MembersTests>(nameof(MembersTests.The_team_lists_this_practice_members_only_with_their_roles))],
        ["patients"] = [Test<TenantIsolationTests>(nameof(TenantIsolationTests.Every_route_taking_a_patient_id_answers_404_for_another_practice_and_changes_nothing))],
        ["scan_sessions"] =
        [
            Test<ScanPipelineTests>(nameof(ScanPipelineTests.Another_patients_or_another_practices_sessions_answer_404)),
            Test<ReviewFeedIsolationTests>(nameof(ReviewFeedIsolationTests.The_review_feed_never_shows_another_practices_scans)),
        ],
        ["scan_images"] = [Test<ScanImageIsolationTests>(nameof(ScanImageIsolationTests.Another_practice_can_neither_see_nor_upload_nor_change_a_practices_photos))],
        ["tag_sets"] =
        [
            Test<TagSessionTests>(nameof(TagSessionTests.Staff_may_not_tag_and_another_practice_gets_404)),
            Test<TagAnalyticsTests>(nameof(TagAnalyticsTests.Another_practice_s_reviews_never_appear)),
        ],
        ["ai_suggestions"] = [Test<AiSuggestionTests>(nameof(AiSuggestionTests.Another_practice_can_neither_read_nor_write_a_practices_suggestions))],
        ["message_threads"] = [Test<MessageIsolationTests>(nameof(MessageIsolationTests.Another_practice_can_neither_read_nor_change_nor_add_to_a_practices_threads_and_messages))],
        ["notifications"] = [Test<NotificationIsolationTests>(nameof(NotificationIsolationTests.Another_practice_can_neither_read_nor_change_nor_add_to_a_practices_notifications))],
        ["push_devices"] = [Test<PushDeviceIsolationTests>(nameof(PushDeviceIsolationTests.Another_practice_can_neither_read_nor_change_nor_add_to_a_practices_push_devices))],
        ["messages"] = [Test<MessageIsolationTests>(nameof(MessageIsolationTests.Another_practice_can_neither_read_nor_change_nor_add_to_a_practices_threads_and_messages))],
        ["audit_log"] = [Test<TenantIsolationTests>(nameof(TenantIsolationTests.The_audit_log_of_one_practice_is_invisible_to_another))],
        ["discount_proposals"] = [Test<CloseBillingPeriodTests>(nameof(CloseBillingPeriodTests.Another_practice_can_neither_read_nor_add_nor_change_a_practices_discount_proposals))],
        ["practice_subscriptions"] = [Test<OfflineBillingTests>(nameof(OfflineBillingTests.Another_practice_can_neither_read_nor_add_nor_change_a_practices_subscription_and_invoices))],
        ["invoices"] = [Test<OfflineBillingTests>(nameof(OfflineBillingTests.Another_practice_can_neither_read_nor_add_nor_change_a_practices_subscription_and_invoices))],
        ["audit_seals"] = [Test<AuditSealingTests>(nameof(AuditSealingTests.A_practice_can_neither_see_nor_add_the_seals_of_another))],
        ["audit_archive_marks"] = [Test<AuditArchiveTests>(nameof(AuditArchiveTests.A_practice_sees_and_moves_only_its_own_archive_mark_and_nobody_deletes_one))],
        ["patient_data_keys"] = [Test<PatientDataKeyIsolationTests>(nameof(PatientDataKeyIsolationTests.Another_practice_can_neither_read_nor_change_nor_add_a_practices_patient_data_keys))],
    };

    /// <summary>Tables with a practice_id that are deliberately not tenant-isolated, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> Exempt = new Dictionary<string, string>
    {
        ["audit_seal_queue"] = "a work queue of audit row ids that the sealer drains across practices, no patient data (ADR 0007)",
        ["platform_audit_log"] = "the platform users' own audit chain; practice_id names the practice an action was about, and only a " +
                                 "session outside every practice may read or append it (ADR 0011, PlatformAuditTests)",
    };

    private static CrossTenantTest Test<T>(string method) => new(typeof(T), method);
}
