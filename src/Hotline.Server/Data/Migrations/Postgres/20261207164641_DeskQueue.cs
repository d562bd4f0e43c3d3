using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeskQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tickets_AssignedDepartmentCode_Status",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_CoHandled",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_ticket_words_RegisteredAt",
                table: "ticket_words");

            migrationBuilder.AddColumn<bool>(
                name: "AwaitsOrderAnswer",
                table: "tickets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "HandlingDueAt",
                table: "tickets",
                type: "timestamp with time zone",
                nullable: true);

            // Backfill (hand-written): the inbox's order from the running handling clocks (Ticket.HandlingDueAt, kept by the
            // SLA clocks from then on), and the tickets with orders a department still has to answer (Ticket.AwaitsOrderAnswer,
            // set after every event); only those rows are written, before the indexes are built over them.
            migrationBuilder.Sql("""
                UPDATE tickets SET "HandlingDueAt" = (
                    SELECT c."DueAt" FROM sla_clocks c WHERE c."TicketId" = tickets."Id" AND c."Kind" = 'Handling' AND c."StoppedAt" IS NULL)
                WHERE "Id" IN (SELECT "TicketId" FROM sla_clocks WHERE "Kind" = 'Handling' AND "StoppedAt" IS NULL);
                UPDATE tickets SET "AwaitsOrderAnswer" = TRUE
                WHERE cardinality("OpenSupervisionOrders") > 0 AND "Status" IN ('Dispatched', 'SignedFor');
                """);

            migrationBuilder.CreateIndex(
                name: "IX_tickets_AssignedDepartmentCode_Status_HandlingDueAt_Id",
                table: "tickets",
                columns: new[] { "AssignedDepartmentCode", "Status", "HandlingDueAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_tickets_AwaitsOrderAnswer",
                table: "tickets",
                columns: new[] { "Status", "Id" },
                filter: "\"AwaitsOrderAnswer\"");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_AwaitsOrderAnswer_Department",
                table: "tickets",
                columns: new[] { "AssignedDepartmentCode", "Status", "Id" },
                filter: "\"AwaitsOrderAnswer\"");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_CoHandled",
                table: "tickets",
                columns: new[] { "Status", "HandlingDueAt", "Id" },
                filter: "\"CoHandled\"");

            migrationBuilder.CreateIndex(
                name: "IX_ticket_words_RegisteredAt_DistrictCode_Word_TicketId",
                table: "ticket_words",
                columns: new[] { "RegisteredAt", "DistrictCode", "Word", "TicketId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tickets_AssignedDepartmentCode_Status_HandlingDueAt_Id",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_AwaitsOrderAnswer",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_AwaitsOrderAnswer_Department",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_tickets_CoHandled",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "IX_ticket_words_RegisteredAt_DistrictCode_Word_TicketId",
                table: "ticket_words");

            migrationBuilder.DropColumn(
                name: "AwaitsOrderAnswer",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "HandlingDueAt",
                table: "tickets");

            migrationBuilder.CreateIndex(
                name: "IX_tickets_AssignedDepartmentCode_Status",
                table: "tickets",
                columns: new[] { "AssignedDepartmentCode", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_tickets_CoHandled",
                table: "tickets",
                columns: new[] { "Status", "Id" },
                filter: "\"CoHandled\"");

            migrationBuilder.CreateIndex(
                name: "IX_ticket_words_RegisteredAt",
                table: "ticket_words",
                column: "RegisteredAt");
        }
    }
}
