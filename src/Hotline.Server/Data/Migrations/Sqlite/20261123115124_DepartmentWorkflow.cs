using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DepartmentWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CoHandlingDepartmentCodes",
                table: "tickets",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<long>(
                name: "ExtendedDeadline",
                table: "tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ExtensionCount",
                table: "tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "InLeaderQueue",
                table: "tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "LeaderInstructions",
                table: "tickets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MasterNumber",
                table: "tickets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OpenSupervisionOrders",
                table: "tickets",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<long>(
                name: "PendingExtensionDeadline",
                table: "tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReturnedBy",
                table: "tickets",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "SupervisionCount",
                table: "tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CoHandlingDepartmentCodes",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "ExtendedDeadline",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "ExtensionCount",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "InLeaderQueue",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "LeaderInstructions",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "MasterNumber",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "OpenSupervisionOrders",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "PendingExtensionDeadline",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "ReturnedBy",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "SupervisionCount",
                table: "tickets");
        }
    }
}
