using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ConsoleSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeactivatedAt",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "console_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Ticket = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
