using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hotline.Server.Data.Migrations.Sqlite
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
                    CreditCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Industry = table.Column<string>(type: "TEXT", maxLength: 1, nullable: true),
                    DistrictCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Size = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    RegistrationType = table.Column<string>(type: "TEXT", maxLength: 24, nullable: true),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    ContactPerson = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    Subscribed = table.Column<bool>(type: "INTEGER", nullable: false),
                    UnsubscribedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    BouncedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_enterprises", x => x.CreditCode);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_articles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Questions = table.Column<string>(type: "TEXT", nullable: false),
                    Answer = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    LegalBasis = table.Column<string>(type: "TEXT", nullable: true),
                    Links = table.Column<string>(type: "TEXT", nullable: false),
                    CategoryCodes = table.Column<string>(type: "TEXT", nullable: false),
                    DepartmentCodes = table.Column<string>(type: "TEXT", nullable: false),
                    DistrictCodes = table.Column<string>(type: "TEXT", nullable: false),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    EffectiveFrom = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ExpiresOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Source = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    SeedKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    TitlePinyin = table.Column<string>(type: "TEXT", nullable: true),
                    Views = table.Column<long>(type: "INTEGER", nullable: false),
                    Uses = table.Column<int>(type: "INTEGER", nullable: false),
                    RatedSatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    RatedUnsatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    OnlineResolutions = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_articles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_feed",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    LastEventId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_feed", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_proposals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    ArticleId = table.Column<long>(type: "INTEGER", nullable: true),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: true),
                    TicketNumber = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Question = table.Column<string>(type: "TEXT", nullable: false),
                    Answer = table.Column<string>(type: "TEXT", nullable: false),
                    LegalBasis = table.Column<string>(type: "TEXT", nullable: true),
                    CategoryCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    BestCoverage = table.Column<double>(type: "REAL", nullable: true),
                    ProposedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ProposedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DecisionNote = table.Column<string>(type: "TEXT", nullable: true),
                    MergedArticleId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_proposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_synonyms",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Words = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_synonyms", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_uses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArticleId = table.Column<long>(type: "INTEGER", nullable: false),
                    ArticleVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    TicketId = table.Column<long>(type: "INTEGER", nullable: false),
                    TicketNumber = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Rating = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_uses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "online_resolutions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ArticleId = table.Column<long>(type: "INTEGER", nullable: false),
                    ArticleVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Question = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_online_resolutions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "policies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", nullable: false),
                    FullTextUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    IssuedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ValidFrom = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ValidTo = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Industries = table.Column<string>(type: "TEXT", nullable: false),
                    DistrictCodes = table.Column<string>(type: "TEXT", nullable: false),
                    Sizes = table.Column<string>(type: "TEXT", nullable: false),
                    RegistrationTypes = table.Column<string>(type: "TEXT", nullable: false),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    SeedKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Clicks = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_policies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_article_versions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArticleId = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Content = table.Column<string>(type: "TEXT", nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", nullable: true)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArticleId = table.Column<long>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArticleId = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TicketNumber = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", nullable: true),
                    RaisedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClearedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClearedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
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
                    ArticleId = table.Column<long>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    Questions = table.Column<string>(type: "TEXT", nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    Grams = table.Column<string>(type: "TEXT", nullable: false),
                    Pinyin = table.Column<string>(type: "TEXT", nullable: false),
                    Initials = table.Column<string>(type: "TEXT", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PolicyId = table.Column<long>(type: "INTEGER", nullable: false),
                    PushId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreditCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 250, nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClickedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Clicks = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PolicyId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Cursor = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                    Matched = table.Column<int>(type: "INTEGER", nullable: false),
                    Queued = table.Column<int>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
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

            // The full-text index (知识检索): FTS5 over the pre-segmented text of knowledge_index (external content, kept in
            // step by triggers, so EF writes plain rows and the index follows in the same transaction). unicode61 splits on
            // the spaces the server put between jieba's words; ranking is bm25() with the title weighted over the body.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE knowledge_fts USING fts5(
                    title, questions, body, grams, pinyin, initials,
                    content='knowledge_index', content_rowid='ArticleId', tokenize='unicode61');
                """);
            // ORDER BY rank: bm25 with title 10, questions 6, body 1, characters 4, pinyin 3, initials 5.
            migrationBuilder.Sql("INSERT INTO knowledge_fts(knowledge_fts, rank) VALUES ('rank', 'bm25(10.0, 6.0, 1.0, 4.0, 3.0, 5.0)');");
            migrationBuilder.Sql("""
                CREATE TRIGGER knowledge_index_ai AFTER INSERT ON knowledge_index BEGIN
                    INSERT INTO knowledge_fts(rowid, title, questions, body, grams, pinyin, initials)
                    VALUES (new.ArticleId, new.Title, new.Questions, new.Body, new.Grams, new.Pinyin, new.Initials);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER knowledge_index_ad AFTER DELETE ON knowledge_index BEGIN
                    INSERT INTO knowledge_fts(knowledge_fts, rowid, title, questions, body, grams, pinyin, initials)
                    VALUES ('delete', old.ArticleId, old.Title, old.Questions, old.Body, old.Grams, old.Pinyin, old.Initials);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER knowledge_index_au AFTER UPDATE ON knowledge_index BEGIN
                    INSERT INTO knowledge_fts(knowledge_fts, rowid, title, questions, body, grams, pinyin, initials)
                    VALUES ('delete', old.ArticleId, old.Title, old.Questions, old.Body, old.Grams, old.Pinyin, old.Initials);
                    INSERT INTO knowledge_fts(rowid, title, questions, body, grams, pinyin, initials)
                    VALUES (new.ArticleId, new.Title, new.Questions, new.Body, new.Grams, new.Pinyin, new.Initials);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS knowledge_index_au;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS knowledge_index_ad;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS knowledge_index_ai;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS knowledge_fts;");

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
