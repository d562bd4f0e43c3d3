using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DepartmentWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "CoHandlingDepartmentCodes",
                table: "tickets",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExtendedDeadline",
                table: "tickets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ExtensionCount",
                table: "tickets",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "InLeaderQueue",
                table: "tickets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "LeaderInstructions",
                table: "tickets",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MasterNumber",
                table: "tickets",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<List<int>>(
                name: "OpenSupervisionOrders",
                table: "tickets",
                type: "integer[]",
                nullable: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PendingExtensionDeadline",
                table: "tickets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "ReturnedBy",
                table: "tickets",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<int>(
                name: "SupervisionCount",
                table: "tickets",
                type: "integer",
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
