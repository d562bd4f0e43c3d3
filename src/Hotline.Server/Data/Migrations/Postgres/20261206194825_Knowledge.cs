using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Hotline.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Knowledge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "enterprises",
                columns: table => new
                {
                    CreditCode = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Industry = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: true),
                    DistrictCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Size = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    RegistrationType = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    ContactPerson = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    Subscribed = table.Column<bool>(type: "boolean", nullable: false),
                    UnsubscribedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BouncedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Source = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_enterprises", x => x.CreditCode);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_articles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Questions = table.Column<List<string>>(type: "text[]", nullable: false),
                    Answer = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    LegalBasis = table.Column<string>(type: "text", nullable: true),
                    Links = table.Column<string>(type: "text", nullable: false),
                    CategoryCodes = table.Column<List<string>>(type: "text[]", nullable: false),
                    DepartmentCodes = table.Column<List<string>>(type: "text[]", nullable: false),
                    DistrictCodes = table.Column<List<string>>(type: "text[]", nullable: false),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    EffectiveFrom = table.Column<DateOnly>(type: "date", nullable: true),
                    ExpiresOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Source = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    SeedKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    TitlePinyin = table.Column<string>(type: "text", nullable: true),
                    Views = table.Column<long>(type: "bigint", nullable: false),
                    Uses = table.Column<int>(type: "integer", nullable: false),
                    RatedSatisfied = table.Column<int>(type: "integer", nullable: false),
                    RatedUnsatisfied = table.Column<int>(type: "integer", nullable: false),
                    OnlineResolutions = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_articles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_feed",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    LastEventId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_feed", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_proposals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    ArticleId = table.Column<long>(type: "bigint", nullable: true),
                    TicketId = table.Column<long>(type: "bigint", nullable: true),
                    TicketNumber = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Question = table.Column<string>(type: "text", nullable: false),
                    Answer = table.Column<string>(type: "text", nullable: false),
                    LegalBasis = table.Column<string>(type: "text", nullable: true),
                    CategoryCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    DepartmentCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    BestCoverage = table.Column<double>(type: "double precision", nullable: true),
                    ProposedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ProposedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecidedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    DecisionNote = table.Column<string>(type: "text", nullable: true),
                    MergedArticleId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_proposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_synonyms",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Words = table.Column<List<string>>(type: "text[]", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_synonyms", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_uses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ArticleId = table.Column<long>(type: "bigint", nullable: false),
                    ArticleVersion = table.Column<int>(type: "integer", nullable: false),
                    TicketId = table.Column<long>(type: "bigint", nullable: false),
                    TicketNumber = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Rating = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_uses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "online_resolutions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ArticleId = table.Column<long>(type: "bigint", nullable: false),
                    ArticleVersion = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Question = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_online_resolutions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "policies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "text", nullable: false),
                    FullTextUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    DepartmentCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    IssuedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ValidFrom = table.Column<DateOnly>(type: "date", nullable: true),
                    ValidTo = table.Column<DateOnly>(type: "date", nullable: true),
                    Industries = table.Column<List<string>>(type: "text[]", nullable: false),
                    DistrictCodes = table.Column<List<string>>(type: "text[]", nullable: false),
                    Sizes = table.Column<string[]>(type: "text[]", nullable: false),
                    RegistrationTypes = table.Column<string[]>(type: "text[]", nullable: false),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    SeedKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Clicks = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_policies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_article_versions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ArticleId = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Action = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Content = table.Column<string>(type: "text", nullable: false),
                    ActorId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ActorName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Note = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_article_versions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_knowledge_article_versions_knowledge_articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "knowledge_articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_attachments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ArticleId = table.Column<long>(type: "bigint", nullable: false),
                    FileName = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UploadedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_attachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_knowledge_attachments_knowledge_articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "knowledge_articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_flags",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ArticleId = table.Column<long>(type: "bigint", nullable: false),
                    Reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TicketNumber = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Detail = table.Column<string>(type: "text", nullable: true),
                    RaisedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClearedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClearedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_flags", x => x.Id);
                    table.ForeignKey(
                        name: "FK_knowledge_flags_knowledge_articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "knowledge_articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_index",
                columns: table => new
                {
                    ArticleId = table.Column<long>(type: "bigint", nullable: false),
                    Title = table.Column<string>(type: "text", nullable: false),
                    Questions = table.Column<string>(type: "text", nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    Grams = table.Column<string>(type: "text", nullable: false),
                    Pinyin = table.Column<string>(type: "text", nullable: false),
                    Initials = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_index", x => x.ArticleId);
                    table.ForeignKey(
                        name: "FK_knowledge_index_knowledge_articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "knowledge_articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "policy_deliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PolicyId = table.Column<long>(type: "bigint", nullable: false),
                    PushId = table.Column<long>(type: "bigint", nullable: false),
                    CreditCode = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    QueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClickedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Clicks = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_policy_deliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_policy_deliveries_policies_PolicyId",
                        column: x => x.PolicyId,
                        principalTable: "policies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "policy_pushes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PolicyId = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Cursor = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: true),
                    Matched = table.Column<int>(type: "integer", nullable: false),
                    Queued = table.Column<int>(type: "integer", nullable: false),
                    Skipped = table.Column<int>(type: "integer", nullable: false),
                    Round = table.Column<int>(type: "integer", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_policy_pushes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_policy_pushes_policies_PolicyId",
                        column: x => x.PolicyId,
                        principalTable: "policies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_enterprises_Email",
                table: "enterprises",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_article_versions_ArticleId_Version",
                table: "knowledge_article_versions",
                columns: new[] { "ArticleId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_articles_SeedKey",
                table: "knowledge_articles",
                column: "SeedKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_articles_Status_Id",
                table: "knowledge_articles",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_attachments_ArticleId",
                table: "knowledge_attachments",
                column: "ArticleId");

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_flags_ArticleId_Reason_Key",
                table: "knowledge_flags",
                columns: new[] { "ArticleId", "Reason", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_flags_ClearedAt",
                table: "knowledge_flags",
                column: "ClearedAt");

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_proposals_Status_Id",
                table: "knowledge_proposals",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_proposals_TicketId_Kind",
                table: "knowledge_proposals",
                columns: new[] { "TicketId", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_uses_ArticleId",
                table: "knowledge_uses",
                column: "ArticleId");

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_uses_TicketId",
                table: "knowledge_uses",
                column: "TicketId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_online_resolutions_ArticleId_At",
                table: "online_resolutions",
                columns: new[] { "ArticleId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_online_resolutions_At",
                table: "online_resolutions",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_policies_SeedKey",
                table: "policies",
                column: "SeedKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_policy_deliveries_CreditCode",
                table: "policy_deliveries",
                column: "CreditCode");

            migrationBuilder.CreateIndex(
                name: "IX_policy_deliveries_MessageId",
                table: "policy_deliveries",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_policy_deliveries_PolicyId_CreditCode",
                table: "policy_deliveries",
                columns: new[] { "PolicyId", "CreditCode" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_policy_pushes_PolicyId",
                table: "policy_pushes",
                column: "PolicyId");

            migrationBuilder.CreateIndex(
                name: "IX_policy_pushes_Status",
                table: "policy_pushes",
                column: "Status");

            // The full-text index (知识检索): a tsvector('simple') over the pre-segmented text, generated from the row so
            // it always matches it, with a GIN index; ranked with ts_rank_cd. Title weight A, questions B, characters,
            // pinyin and initials C (their lexemes prefixed g, p and i so they never meet words), body D.
            migrationBuilder.Sql("""
                ALTER TABLE knowledge_index ADD COLUMN "Document" tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple'::regconfig, "Title"), 'A')
                    || setweight(to_tsvector('simple'::regconfig, "Questions"), 'B')
                    || setweight(to_tsvector('simple'::regconfig, regexp_replace("Grams", '(\S+)', 'g\1', 'g')), 'C')
                    || setweight(to_tsvector('simple'::regconfig, regexp_replace("Pinyin", '(\S+)', 'p\1', 'g')), 'C')
                    || setweight(to_tsvector('simple'::regconfig, regexp_replace("Initials", '(\S+)', 'i\1', 'g')), 'C')
                    || setweight(to_tsvector('simple'::regconfig, "Body"), 'D')) STORED;
                """);
            migrationBuilder.Sql("""CREATE INDEX "IX_knowledge_index_Document" ON knowledge_index USING GIN ("Document");""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_knowledge_index_Document";""");

            migrationBuilder.DropTable(
                name: "enterprises");

            migrationBuilder.DropTable(
                name: "knowledge_article_versions");

            migrationBuilder.DropTable(
                name: "knowledge_attachments");

            migrationBuilder.DropTable(
                name: "knowledge_feed");

            migrationBuilder.DropTable(
                name: "knowledge_flags");

            migrationBuilder.DropTable(
                name: "knowledge_index");

            migrationBuilder.DropTable(
                name: "knowledge_proposals");

            migrationBuilder.DropTable(
                name: "knowledge_synonyms");

            migrationBuilder.DropTable(
                name: "knowledge_uses");

            migrationBuilder.DropTable(
                name: "online_resolutions");

            migrationBuilder.DropTable(
                name: "policy_deliveries");

            migrationBuilder.DropTable(
                name: "policy_pushes");

            migrationBuilder.DropTable(
                name: "knowledge_articles");

            migrationBuilder.DropTable(
                name: "policies");
        }
    }
}
