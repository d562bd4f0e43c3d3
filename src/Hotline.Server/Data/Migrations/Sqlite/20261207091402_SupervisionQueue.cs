using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SupervisionQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "InSupervisionQueue",
                table: "tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Backfill: the tickets already stored that UnderSupervision.Holds puts in the queue (an open order, an extension
            // to decide, reopened), in SQL as of this migration; SupervisionQueueTests checks the two agree. Only the matching
            // rows are written (a few thousand at 1M tickets), before the partial index is built over them.
            migrationBuilder.Sql("""
                UPDATE tickets SET "InSupervisionQueue" = 1
                WHERE json_array_length("OpenSupervisionOrders") > 0 OR "PendingExtensionDeadline" IS NOT NULL OR "Status" = 'Reopened';
                """);

            migrationBuilder.CreateIndex(
                name: "IX_tickets_InSupervisionQueue",
                table: "tickets",
                column: "Id",
                filter: "\"InSupervisionQueue\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tickets_InSupervisionQueue",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "InSupervisionQueue",
                table: "tickets");
        }
    }
}
