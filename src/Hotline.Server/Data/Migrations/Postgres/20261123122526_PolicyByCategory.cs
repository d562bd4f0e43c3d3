using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Postgres
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
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "CategoryCode",
                table: "sla_policies",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "EscalateAfterBreachWorkingDays",
                table: "sla_policies",
                type: "integer",
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
