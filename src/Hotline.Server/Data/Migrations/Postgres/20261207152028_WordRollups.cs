using System;
using Hotline.Server.Analytics;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Hotline.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WordRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "analytics_word_rollups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Span = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Word = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Registered = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_analytics_word_rollups", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_analytics_word_rollups_Key",
                table: "analytics_word_rollups",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_analytics_word_rollups_Span_Day_Word",
                table: "analytics_word_rollups",
                columns: new[] { "Span", "Day", "Word" });

            // The words of tickets projected before: their rows summed in SQL from the stored words and the centre fact rows.
            foreach (var statement in WordRollupBackfill.Statements(postgres: true))
                migrationBuilder.Sql(statement);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "analytics_word_rollups");
        }
    }
}
