using Hotline.Server.Analytics;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RollupGrains : Migration
    {
        /// <summary>The rollups' measure columns when grains came (a later measure backfills itself in its own migration).</summary>
        private static readonly string[] MeasureColumns =
        [
            "Measures_AppealUpheld", "Measures_BasicallySatisfied", "Measures_CoHandled", "Measures_Contributed", "Measures_Dissatisfied",
            "Measures_Excluded", "Measures_ExcludedHandled", "Measures_Extended", "Measures_HandlingMinutes", "Measures_HandlingSettled",
            "Measures_Open", "Measures_Overdue", "Measures_Rated", "Measures_Rectified", "Measures_Registered", "Measures_Reopened",
            "Measures_Repeat", "Measures_RepeatHandled", "Measures_Replied", "Measures_RepliedOnTime", "Measures_Resolved",
            "Measures_ResolvedAtIntake", "Measures_RespondedOnTime", "Measures_ResponseSettled", "Measures_Returned", "Measures_Satisfied",
            "Measures_SignedOnTime", "Measures_Tickets", "Measures_Unfinished", "Measures_UnfinishedOverdue", "Measures_VeryDissatisfied",
            "Measures_VerySatisfied",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing rows are fine day rows ("F" keys) and department day rows (the "coarse" ones, "C" keys): the texts stay.
            migrationBuilder.AddColumn<string>(
                name: "Grain",
                table: "analytics_rollups",
                type: "TEXT",
                maxLength: 24,
                nullable: false,
                defaultValue: "Fine");

            migrationBuilder.AddColumn<string>(
                name: "Span",
                table: "analytics_rollups",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "Day");

            migrationBuilder.Sql("UPDATE analytics_rollups SET \"Grain\" = 'Department' WHERE \"Coarse\";");

            migrationBuilder.DropIndex(
                name: "IX_analytics_rollups_Coarse_Day_DepartmentCode",
                table: "analytics_rollups");

            // SQLite drops the column itself (3.35+): EF's table rebuild would run after the statements below.
            migrationBuilder.Sql("ALTER TABLE analytics_rollups DROP COLUMN \"Coarse\";");

            migrationBuilder.CreateIndex(
                name: "IX_analytics_rollups_Grain_Span_Day_DepartmentCode",
                table: "analytics_rollups",
                columns: new[] { "Grain", "Span", "Day", "DepartmentCode" });

            // The new grains and the month rows, summed from the fine rows in SQL (RollupBackfill), with the measures of this time.
            foreach (var statement in RollupBackfill.Statements(postgres: false, MeasureColumns))
                migrationBuilder.Sql(statement);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_analytics_rollups_Grain_Span_Day_DepartmentCode",
                table: "analytics_rollups");

            migrationBuilder.AddColumn<bool>(
                name: "Coarse",
                table: "analytics_rollups",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql("DELETE FROM analytics_rollups WHERE \"Grain\" NOT IN ('Fine', 'Department') OR \"Span\" <> 'Day';");

            migrationBuilder.Sql("UPDATE analytics_rollups SET \"Coarse\" = 1 WHERE \"Grain\" = 'Department';");

            migrationBuilder.DropColumn(
                name: "Grain",
                table: "analytics_rollups");

            migrationBuilder.DropColumn(
                name: "Span",
                table: "analytics_rollups");

            migrationBuilder.CreateIndex(
                name: "IX_analytics_rollups_Coarse_Day_DepartmentCode",
                table: "analytics_rollups",
                columns: new[] { "Coarse", "Day", "DepartmentCode" });
        }
    }
}
