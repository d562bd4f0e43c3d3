using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Analytics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "analysis_reports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    PeriodKey = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    From = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    To = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", nullable: false),
                    ContentJson = table.Column<string>(type: "TEXT", nullable: false),
                    Workbook = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_analysis_reports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "analytics_checkpoints",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Position = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_analytics_checkpoints", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "analytics_facts",
                columns: table => new
                {
                    TicketId = table.Column<long>(type: "INTEGER", nullable: false),
                    Part = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TicketNumber = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CategoryCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DistrictCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    RequesterKind = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    CreditCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                    RequesterKey = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Exclusion = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ReturnReason = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    Level = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Measures_AppealUpheld = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_BasicallySatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_CoHandled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Contributed = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Dissatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Excluded = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_ExcludedHandled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Extended = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_HandlingMinutes = table.Column<long>(type: "INTEGER", nullable: false),
                    Measures_HandlingSettled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Open = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Overdue = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Rated = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Rectified = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Registered = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Reopened = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Repeat = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_RepeatHandled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Replied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_RepliedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Resolved = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_ResolvedAtIntake = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_RespondedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_ResponseSettled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Returned = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Satisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_SignedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Tickets = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Unfinished = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_UnfinishedOverdue = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_VeryDissatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_VerySatisfied = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_analytics_facts", x => new { x.TicketId, x.Part, x.DepartmentCode });
                    table.ForeignKey(
                        name: "FK_analytics_facts_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "analytics_rollups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Part = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CategoryCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DistrictCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    RequesterKind = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Coarse = table.Column<bool>(type: "INTEGER", nullable: false),
                    Measures_AppealUpheld = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_BasicallySatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_CoHandled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Contributed = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Dissatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Excluded = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_ExcludedHandled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Extended = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_HandlingMinutes = table.Column<long>(type: "INTEGER", nullable: false),
                    Measures_HandlingSettled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Open = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Overdue = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Rated = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Rectified = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Registered = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Reopened = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Repeat = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_RepeatHandled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Replied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_RepliedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Resolved = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_ResolvedAtIntake = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_RespondedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_ResponseSettled = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Returned = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Satisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_SignedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Tickets = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_Unfinished = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_UnfinishedOverdue = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_VeryDissatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures_VerySatisfied = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_analytics_rollups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "assessment_schemes",
                columns: table => new
                {
                    ValidFrom = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assessment_schemes", x => x.ValidFrom);
                });

            migrationBuilder.CreateTable(
                name: "ticket_words",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: false),
                    Word = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RegisteredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DistrictCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CategoryCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ticket_words", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ticket_words_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_analysis_reports_CreatedAt",
                table: "analysis_reports",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_analysis_reports_Kind_PeriodKey",
                table: "analysis_reports",
                columns: new[] { "Kind", "PeriodKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_analytics_facts_CreditCode_Day",
                table: "analytics_facts",
                columns: new[] { "CreditCode", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_analytics_facts_Day_TicketId",
                table: "analytics_facts",
                columns: new[] { "Day", "TicketId" });

            migrationBuilder.CreateIndex(
                name: "IX_analytics_facts_DepartmentCode_Day_TicketId",
                table: "analytics_facts",
                columns: new[] { "DepartmentCode", "Day", "TicketId" });

            migrationBuilder.CreateIndex(
                name: "IX_analytics_facts_RequesterKey_CategoryCode_Day",
                table: "analytics_facts",
                columns: new[] { "RequesterKey", "CategoryCode", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_analytics_rollups_Coarse_Day_DepartmentCode",
                table: "analytics_rollups",
                columns: new[] { "Coarse", "Day", "DepartmentCode" });

            migrationBuilder.CreateIndex(
                name: "IX_analytics_rollups_Key",
                table: "analytics_rollups",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ticket_words_Day_Word",
                table: "ticket_words",
                columns: new[] { "Day", "Word" });

            migrationBuilder.CreateIndex(
                name: "IX_ticket_words_RegisteredAt",
                table: "ticket_words",
                column: "RegisteredAt");

            migrationBuilder.CreateIndex(
                name: "IX_ticket_words_TicketId_Word",
                table: "ticket_words",
                columns: new[] { "TicketId", "Word" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "analysis_reports");

            migrationBuilder.DropTable(
                name: "analytics_checkpoints");

            migrationBuilder.DropTable(
                name: "analytics_facts");

            migrationBuilder.DropTable(
                name: "analytics_rollups");

            migrationBuilder.DropTable(
                name: "assessment_schemes");

            migrationBuilder.DropTable(
                name: "ticket_words");
        }
    }
}
