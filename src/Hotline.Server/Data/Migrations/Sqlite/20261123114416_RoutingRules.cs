using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RoutingRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AtEnterpriseDesk",
                table: "tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "routing_rules",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CategoryCode = table.Column<string>(type: "TEXT", nullable: true),
                    DistrictCode = table.Column<string>(type: "TEXT", nullable: true),
                    TicketType = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    RequesterKind = table.Column<string>(type: "TEXT", maxLength: 12, nullable: true),
                    Keywords = table.Column<string>(type: "TEXT", nullable: false),
                    MainDepartmentCode = table.Column<string>(type: "TEXT", nullable: false),
                    CoHandlingDepartmentCodes = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_routing_rules", x => x.Code);
                    table.ForeignKey(
                        name: "FK_routing_rules_categories_CategoryCode",
                        column: x => x.CategoryCode,
                        principalTable: "categories",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_routing_rules_departments_MainDepartmentCode",
                        column: x => x.MainDepartmentCode,
                        principalTable: "departments",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_routing_rules_districts_DistrictCode",
                        column: x => x.DistrictCode,
                        principalTable: "districts",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_routing_rules_CategoryCode",
                table: "routing_rules",
                column: "CategoryCode");

            migrationBuilder.CreateIndex(
                name: "IX_routing_rules_DistrictCode",
                table: "routing_rules",
                column: "DistrictCode");

            migrationBuilder.CreateIndex(
                name: "IX_routing_rules_MainDepartmentCode",
                table: "routing_rules",
                column: "MainDepartmentCode");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "routing_rules");

            migrationBuilder.DropColumn(
                name: "AtEnterpriseDesk",
                table: "tickets");
        }
    }
}
