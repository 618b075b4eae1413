using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The platform read path (ADR 0009): platform users belong to no practice, so row-level security shows the app role
    /// nothing for them. They read aggregates through SECURITY DEFINER functions owned by orthoscan_platform, a NOLOGIN
    /// role (created with the others by scripts/services.sh) that may only SELECT, and only the tables it aggregates,
    /// through policies of its own. The app role may EXECUTE the functions and nothing else of that role's.
    /// </summary>
    public partial class PlatformReadPath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                {PlatformReadSql.RequireRole}

                GRANT USAGE ON SCHEMA public TO {PlatformReadSql.PlatformRole};
                GRANT SELECT ON practices, patients, scan_sessions, tag_sets TO {PlatformReadSql.PlatformRole};
                CREATE POLICY platform_read ON practices FOR SELECT TO {PlatformReadSql.PlatformRole} USING (true);
                CREATE POLICY platform_read ON patients FOR SELECT TO {PlatformReadSql.PlatformRole} USING (true);
                CREATE POLICY platform_read ON scan_sessions FOR SELECT TO {PlatformReadSql.PlatformRole} USING (true);
                CREATE POLICY platform_read ON tag_sets FOR SELECT TO {PlatformReadSql.PlatformRole} USING (true);

                -- Per practice: who it is and how it uses the product, never who its patients are.
                CREATE FUNCTION platform_practice_overview()
                RETURNS TABLE (
                  practice_id uuid, practice_name text, subscription_tier text, status text, created_at timestamptz,
                  active_patients bigint, scans_last_7_days bigint, scans_last_28_days bigint, tagged_within_14_days bigint,
                  tagging_rate numeric)
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
                  SELECT p.id, p.name::text, p.subscription_tier::text, p.status::text, p.created_at,
                         (SELECT count(*) FROM patients pt WHERE pt.practice_id = p.id AND pt.status = 'active'),
                         count(s.id) FILTER (WHERE s.submitted_at >= now() - interval '7 days'),
                         count(s.id),
                         count(s.id) FILTER (WHERE s.tagged),
                         CASE WHEN count(s.id) = 0 THEN NULL ELSE round(count(s.id) FILTER (WHERE s.tagged)::numeric / count(s.id), 4) END
                  FROM practices p
                  LEFT JOIN LATERAL (
                    SELECT ss.id, ss.submitted_at,
                           EXISTS (SELECT 1 FROM tag_sets t WHERE t.session_id = ss.id AND t.tagged_at <= ss.submitted_at + interval '14 days') AS tagged
                    FROM scan_sessions ss
                    WHERE ss.practice_id = p.id AND ss.submitted_at >= now() - interval '28 days'
                  ) s ON true
                  GROUP BY p.id
                  ORDER BY p.name, p.id
                $fn$;

                -- Handing the function to the platform role needs that role to be allowed to create in the schema, for
                -- this statement only.
                GRANT CREATE ON SCHEMA public TO {PlatformReadSql.PlatformRole};
                ALTER FUNCTION platform_practice_overview() OWNER TO {PlatformReadSql.PlatformRole};
                REVOKE CREATE ON SCHEMA public FROM {PlatformReadSql.PlatformRole};
                REVOKE ALL ON FUNCTION platform_practice_overview() FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION platform_practice_overview() TO {TenantIsolationSql.AppRole};
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP FUNCTION platform_practice_overview();
                DROP POLICY platform_read ON practices;
                DROP POLICY platform_read ON patients;
                DROP POLICY platform_read ON scan_sessions;
                DROP POLICY platform_read ON tag_sets;
                REVOKE SELECT ON practices, patients, scan_sessions, tag_sets FROM {PlatformReadSql.PlatformRole};
                REVOKE USAGE ON SCHEMA public FROM {PlatformReadSql.PlatformRole};
                """);
        }
    }
}
