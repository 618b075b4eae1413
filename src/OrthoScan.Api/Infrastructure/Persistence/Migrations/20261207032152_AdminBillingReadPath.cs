using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The admin billing console's read (issue 12 item 7) on the platform read path of ADR 0009: the platform role reads
    /// practice subscriptions through a policy of its own, and a SECURITY DEFINER function it owns answers each one's
    /// practice name, plan, status and since when it is past due. No Stripe ids, no billing email, never a patient.
    /// </summary>
    public partial class AdminBillingReadPath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                {PlatformReadSql.RequireRole}

                GRANT SELECT ON practice_subscriptions TO {PlatformReadSql.PlatformRole};
                CREATE POLICY platform_read ON practice_subscriptions FOR SELECT TO {PlatformReadSql.PlatformRole} USING (true);

                CREATE FUNCTION {PlatformReadSql.SubscriptionOverview}()
                RETURNS TABLE (practice_id uuid, practice_name text, plan text, status text, past_due_since timestamptz)
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
                  SELECT s.practice_id, p.name::text, s.plan::text, s.status::text, s.past_due_since
                  FROM practice_subscriptions s
                  JOIN practices p ON p.id = s.practice_id
                $fn$;

                -- As in PlatformReadPath: the platform role may create in the schema for the hand-over only.
                GRANT CREATE ON SCHEMA public TO {PlatformReadSql.PlatformRole};
                ALTER FUNCTION {PlatformReadSql.SubscriptionOverview}() OWNER TO {PlatformReadSql.PlatformRole};
                REVOKE CREATE ON SCHEMA public FROM {PlatformReadSql.PlatformRole};
                REVOKE ALL ON FUNCTION {PlatformReadSql.SubscriptionOverview}() FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION {PlatformReadSql.SubscriptionOverview}() TO {TenantIsolationSql.AppRole};
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP FUNCTION {PlatformReadSql.SubscriptionOverview}();
                DROP POLICY platform_read ON practice_subscriptions;
                REVOKE SELECT ON practice_subscriptions FROM {PlatformReadSql.PlatformRole};
                """);
        }
    }
}
