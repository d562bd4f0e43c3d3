using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeskIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_tickets_ClosedAt",
                table: "tickets",
                column: "ClosedAt");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_DispatchedAt",
                table: "tickets",
                column: "DispatchedAt");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_InLeaderQueue",
                table: "tickets",
                column: "Id",
                filter: "\"InLeaderQueue\"");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_PendingExtensionDeadline",
                table: "tickets",
                column: "PendingExtensionDeadline");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_RepliedAt",
                table: "tickets",
                column: "RepliedAt");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_SignedForAt",
                table: "tickets",
                column: "SignedForAt");

            migrationBuilder.CreateIndex(
                name: "IX_sla_clocks_StoppedAt_PausedAt_DueAt",
                table: "sla_clocks",
                columns: new[] { "StoppedAt", "PausedAt", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tickets_ClosedAt",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_DispatchedAt",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_InLeaderQueue",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_PendingExtensionDeadline",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_RepliedAt",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_SignedForAt",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_sla_clocks_StoppedAt_PausedAt_DueAt",
                table: "sla_clocks");
        }
    }
}
