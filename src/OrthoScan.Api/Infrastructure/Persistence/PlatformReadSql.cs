namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>The platform read path's database names (ADR 0009, ADR 0010).</summary>
public static class PlatformReadSql
{
    /// <summary>NOLOGIN owner of the platform read functions; created outside migrations, like the app role.</summary>
    public const string PlatformRole = "orthoscan_platform";

    /// <summary>
    /// Stops a migration of the platform read path when the role is missing or not granted to the migrating owner, rather than
    /// leave its functions owned by the owner role (ADR 0009).
    /// </summary>
    public const string RequireRole = $"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{PlatformRole}') THEN
            RAISE EXCEPTION 'role {PlatformRole} is missing: run make services (scripts/services.sh) once';
          ELSIF NOT pg_has_role(current_user, '{PlatformRole}', 'MEMBER') THEN
            RAISE EXCEPTION 'role {PlatformRole} is not granted to %: run make services (scripts/services.sh) once', current_user;
          END IF;
        END $$;
        """;

    /// <summary>Per practice: name, plan, status, active patients, scans per week and tagging rate; no patient's identity.</summary>
    public const string PracticeOverview = "platform_practice_overview";

    /// <summary>Every discount proposal with its practice's name and plan: counts, rate, percents, decision; no patient's identity.</summary>
    public const string DiscountProposals = "platform_discount_proposals";

    /// <summary>Finance's decision on a proposal still proposed (ADR 0010): one conditional UPDATE, the decided row or none.</summary>
    public const string DecideDiscount = "platform_decide_discount";

    /// <summary>Per practice with a subscription: its name, plan, status and since when it is past due; money and state, no patient.</summary>
    public const string SubscriptionOverview = "platform_subscription_overview";

    /// <summary>
    /// Training-data export (issue 13): per combination of quasi-identifiers (age band, treatment type, aligner brand,
    /// practice region), how many eligible patients share it and their tag sets. Eligible: the practice shares de-identified
    /// data, the patient gave research consent and is not archived, and has a submitted, reviewed scan.
    /// </summary>
    public const string ExportQuasiIdentifiers = "platform_export_quasi_identifiers";

    /// <summary>
    /// Training-data export: every eligible tag set, ordered by patient, scan and review, with relative days, stage, scores,
    /// detail tag codes, action, the previous scan's scores and the AI suggestions the reviewer saw. Original ids only for
    /// grouping; no name, contact, date of birth, note or calendar date.
    /// </summary>
    public const string ExportTagSets = "platform_export_tag_sets";
}
