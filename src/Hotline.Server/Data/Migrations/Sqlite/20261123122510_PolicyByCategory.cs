using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PolicyByCategory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sla_policies_TicketType_Priority",
                table: "sla_policies");

            migrationBuilder.AddColumn<bool>(
                name: "AutoSupervise",
                table: "sla_policies",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "CategoryCode",
                table: "sla_policies",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "EscalateAfterBreachWorkingDays",
                table: "sla_policies",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_sla_policies_TicketType_Priority_CategoryCode",
                table: "sla_policies",
                columns: new[] { "TicketType", "Priority", "CategoryCode" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sla_policies_TicketType_Priority_CategoryCode",
                table: "sla_policies");

            migrationBuilder.DropColumn(
                name: "AutoSupervise",
                table: "sla_policies");

            migrationBuilder.DropColumn(
                name: "CategoryCode",
                table: "sla_policies");

            migrationBuilder.DropColumn(
                name: "EscalateAfterBreachWorkingDays",
                table: "sla_policies");

            migrationBuilder.CreateIndex(
                name: "IX_sla_policies_TicketType_Priority",
                table: "sla_policies",
                columns: new[] { "TicketType", "Priority" },
                unique: true);
        }
    }
}
