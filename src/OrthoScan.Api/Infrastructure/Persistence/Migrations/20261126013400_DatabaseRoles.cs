using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The roles every later migration grants to, created by the owner that runs the migrations (it needs CREATEROLE,
    /// which RDS's master user has), so a new database server needs no superuser script. Its id sorts before Initial:
    /// databases migrated before it existed apply it too, and find their roles already there.
    /// </summary>
    [DbContext(typeof(AppDbContext))]
    [Migration("20261126013400_DatabaseRoles")]
    public partial class DatabaseRoles : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.CreateDatabaseRoles();

        // Roles belong to the server, not to one database; another database may still use them.
        protected override void Down(MigrationBuilder migrationBuilder) { }
    }
}
