using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Ratings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RatedDepartmentCode",
                table: "tickets",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RatedRound",
                table: "tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Rating",
                table: "tickets",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RatingAppeal",
                table: "tickets",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RectificationCount",
                table: "tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ratings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: false),
                    TicketNumber = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    Level = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Resolved = table.Column<bool>(type: "INTEGER", nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Appeal = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    AppealReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    AppealedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AppealDecisionComment = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    AppealDecidedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ratings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ratings_tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ratings_DepartmentCode_RatedAt",
                table: "ratings",
                columns: new[] { "DepartmentCode", "RatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ratings_RatedAt",
                table: "ratings",
                column: "RatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ratings_TicketId_Round",
                table: "ratings",
                columns: new[] { "TicketId", "Round" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ratings");

            migrationBuilder.DropColumn(
                name: "RatedDepartmentCode",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "RatedRound",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "Rating",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "RatingAppeal",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "RectificationCount",
                table: "tickets");
        }
    }
}
