using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeskQueries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CoHandled",
                table: "tickets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Backfill: the tickets already stored with co-handling departments (Ticket.CoHandled is set after every event
            // from then on); only those rows are written, before the partial index is built over them.
            migrationBuilder.Sql("""
                UPDATE tickets SET "CoHandled" = TRUE WHERE cardinality("CoHandlingDepartmentCodes") > 0;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_tickets_AssignedDepartmentCode_Status",
                table: "tickets",
                columns: new[] { "AssignedDepartmentCode", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_tickets_CategoryCode_RegisteredAt",
                table: "tickets",
                columns: new[] { "CategoryCode", "RegisteredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_tickets_CoHandled",
                table: "tickets",
                columns: new[] { "Status", "Id" },
                filter: "\"CoHandled\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tickets_AssignedDepartmentCode_Status",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_CategoryCode_RegisteredAt",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_CoHandled",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "CoHandled",
                table: "tickets");
        }
    }
}
