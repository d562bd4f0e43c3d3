using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ConsoleSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DeactivatedAt",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "console_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Ticket = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_console_sessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_console_sessions_ExpiresAt",
                table: "console_sessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_console_sessions_UserId",
                table: "console_sessions",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "console_sessions");

            migrationBuilder.DropColumn(
                name: "DeactivatedAt",
                table: "AspNetUsers");
        }
    }
}
