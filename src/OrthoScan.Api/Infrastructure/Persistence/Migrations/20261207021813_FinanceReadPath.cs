using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Finance's review of the tagging-rate discounts (ADR 0010), on the platform read path of ADR 0009: the platform role
    /// reads discount proposals through a policy of its own, and finance's one write, a decision, is a SECURITY DEFINER
    /// function of that role whose single conditional UPDATE may only take a proposal out of 'proposed', and may only
    /// touch the decision's columns. The app role may EXECUTE both functions and nothing else of that role's.
    /// </summary>
    public partial class FinanceReadPath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                {PlatformReadSql.RequireRole}

                GRANT SELECT ON discount_proposals TO {PlatformReadSql.PlatformRole};
                GRANT UPDATE (status, approved_percent, decision_reason, decided_by, decided_at) ON discount_proposals TO {PlatformReadSql.PlatformRole};
                CREATE POLICY platform_read ON discount_proposals FOR SELECT TO {PlatformReadSql.PlatformRole} USING (true);
                -- A decision only ever takes a proposal out of 'proposed': a decided one is not changed again.
                CREATE POLICY platform_decide ON discount_proposals FOR UPDATE TO {PlatformReadSql.PlatformRole}
                  USING (status = 'proposed') WITH CHECK (status IN ('approved', 'adjusted', 'rejected'));

                -- Every proposal with its practice's name and plan: counts, rates and percents, never a patient.
                CREATE FUNCTION {PlatformReadSql.DiscountProposals}()
                RETURNS TABLE (
                  id uuid, practice_id uuid, practice_name text, subscription_tier text, period_start timestamptz, period_end timestamptz,
                  sessions_received integer, sessions_tagged integer, rate numeric, proposed_percent numeric, approved_percent numeric,
                  status text, decision_reason text, decided_at timestamptz, applied_at timestamptz)
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
                  SELECT d.id, d.practice_id, p.name::text, p.subscription_tier::text, d.period_start, d.period_end,
                         d.sessions_received, d.sessions_tagged, d.rate, d.proposed_percent, d.approved_percent,
                         d.status::text, d.decision_reason::text, d.decided_at, d.applied_at
                  FROM discount_proposals d
                  JOIN practices p ON p.id = d.practice_id
                $fn$;

                -- Finance's decision: one conditional UPDATE, so of any number of concurrent decisions on a proposal exactly
                -- one finds it still 'proposed'; the others get no row. Approving grants the proposed percent, adjusting the
                -- given one, rejecting none. Answers the decided proposal as platform_discount_proposals() does.
                CREATE FUNCTION {PlatformReadSql.DecideDiscount}(
                  proposal_id uuid, decision text, percent numeric, reason text, decided_by uuid, decided_at timestamptz)
                RETURNS TABLE (
                  id uuid, practice_id uuid, practice_name text, subscription_tier text, period_start timestamptz, period_end timestamptz,
                  sessions_received integer, sessions_tagged integer, rate numeric, proposed_percent numeric, approved_percent numeric,
                  status text, decision_reason text, decided_at timestamptz, applied_at timestamptz)
                LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
                  WITH decided AS (
                    UPDATE discount_proposals d
                    SET status = $2,
                        approved_percent = CASE $2 WHEN 'approved' THEN d.proposed_percent WHEN 'adjusted' THEN $3 END,
                        decision_reason = $4, decided_by = $5, decided_at = $6
                    WHERE d.id = $1 AND d.status = 'proposed' AND $2 IN ('approved', 'adjusted', 'rejected')
                    RETURNING d.*)
                  SELECT d.id, d.practice_id, p.name::text, p.subscription_tier::text, d.period_start, d.period_end,
                         d.sessions_received, d.sessions_tagged, d.rate, d.proposed_percent, d.approved_percent,
                         d.status::text, d.decision_reason::text, d.decided_at, d.applied_at
                  FROM decided d
                  JOIN practices p ON p.id = d.practice_id
                $fn$;

                -- As in PlatformReadPath: the platform role may create in the schema for the hand-over only.
                GRANT CREATE ON SCHEMA public TO {PlatformReadSql.PlatformRole};
                ALTER FUNCTION {PlatformReadSql.DiscountProposals}() OWNER TO {PlatformReadSql.PlatformRole};
                ALTER FUNCTION {PlatformReadSql.DecideDiscount}(uuid, text, numeric, text, uuid, timestamptz) OWNER TO {PlatformReadSql.PlatformRole};
                REVOKE CREATE ON SCHEMA public FROM {PlatformReadSql.PlatformRole};
                REVOKE ALL ON FUNCTION {PlatformReadSql.DiscountProposals}() FROM PUBLIC;
                REVOKE ALL ON FUNCTION {PlatformReadSql.DecideDiscount}(uuid, text, numeric, text, uuid, timestamptz) FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION {PlatformReadSql.DiscountProposals}() TO {TenantIsolationSql.AppRole};
                GRANT EXECUTE ON FUNCTION {PlatformReadSql.DecideDiscount}(uuid, text, numeric, text, uuid, timestamptz) TO {TenantIsolationSql.AppRole};
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP FUNCTION {PlatformReadSql.DecideDiscount}(uuid, text, numeric, text, uuid, timestamptz);
                DROP FUNCTION {PlatformReadSql.DiscountProposals}();
                DROP POLICY platform_decide ON discount_proposals;
                DROP POLICY platform_read ON discount_proposals;
                REVOKE UPDATE (status, approved_percent, decision_reason, decided_by, decided_at) ON discount_proposals FROM {PlatformReadSql.PlatformRole};
                REVOKE SELECT ON discount_proposals FROM {PlatformReadSql.PlatformRole};
                """);
        }
    }
}
